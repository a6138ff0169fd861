import { z } from "zod";
import { localeSchema, regionLevelSchema, residentClientSchema, staffRoleSchema } from "../../core/vocabulary.ts";

export const staffLoginRequestSchema = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
  /** From the mini-program: wx.login's code, to bind this WeChat to the account (the next log-in there needs no password). */
  wechatCode: z.string().trim().min(1).max(200).optional(),
});

/** A staff member's log-in from the mini-program by the WeChat bound at an earlier password log-in. */
export const staffWechatLoginRequestSchema = z.strictObject({ code: z.string().trim().min(1).max(200) });

export const staffLoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
  staff: z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    role: staffRoleSchema,
    region: z.object({ code: z.string(), name: z.string(), level: regionLevelSchema }),
  }),
  /** The password was set by someone else: every route but the password change answers PASSWORD_CHANGE_REQUIRED until it is changed. */
  mustChangePassword: z.boolean(),
});

export const wechatLoginRequestSchema = z.strictObject({
  /** The code from wx.login(); the development provider accepts "dev:<any name>". */
  code: z.string().trim().min(1).max(200),
  client: residentClientSchema.default("MINI_PROGRAM"),
  locale: localeSchema.optional(),
});

export const wechatLoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
  resident: z.object({ id: z.uuid(), locale: localeSchema, phoneMasked: z.string().nullable() }),
});

/** A one-time code a staff member sends the WeChat bot ("绑定 123456") to bind their WeChat account. */
export const wechatBindingCodeResponseSchema = z.object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.iso.datetime({ offset: true }) });

export const passwordChangeRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});
