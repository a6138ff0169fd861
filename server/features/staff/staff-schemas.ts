import { z } from "zod";
import { phoneSchema, regionCodeSchema, staffRoleSchema } from "../../core/vocabulary.ts";

/** A user name: letters, digits and - _ . (it is typed on phones and read aloud over the telephone). */
export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/, { error: "validation.username" });

const reason = z.string().trim().min(2).max(200);

export const staffCreateRequestSchema = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(50),
  role: staffRoleSchema,
  regionCode: regionCodeSchema,
  /** Department handlers only: the department (卫健、教育、医保…). */
  department: z.string().trim().min(1).max(30).optional(),
  phone: phoneSchema.optional(),
});
export type StaffCreateRequest = z.infer<typeof staffCreateRequestSchema>;

export const staffUpdateRequestSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(50).optional(),
  role: staffRoleSchema.optional(),
  regionCode: regionCodeSchema.optional(),
  department: z.string().trim().min(1).max(30).nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  reason,
});
export type StaffUpdateRequest = z.infer<typeof staffUpdateRequestSchema>;

/** Deactivate, reactivate, reset the password or unlock: always with a reason, for the record. */
export const staffActionRequestSchema = z.strictObject({
  action: z.enum(["DEACTIVATE", "REACTIVATE", "RESET_PASSWORD", "UNLOCK"]),
  reason,
});

export const staffIdParamsSchema = z.strictObject({ id: z.uuid() });

export const staffListQuerySchema = z.strictObject({
  q: z.string().trim().max(40).optional(),
  regionCode: regionCodeSchema.optional(),
  role: staffRoleSchema.optional(),
  status: z.enum(["ACTIVE", "INACTIVE", "ALL"]).default("ACTIVE"),
});

export const staffAccountViewSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  role: staffRoleSchema,
  roleLabel: z.string(),
  region: z.object({ code: z.string(), name: z.string() }),
  department: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  active: z.boolean(),
  /** Locked after wrong passwords, until this time. */
  lockedUntil: z.iso.datetime({ offset: true }).nullable(),
  mustChangePassword: z.boolean(),
  wechatBound: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type StaffAccountView = z.infer<typeof staffAccountViewSchema>;

export const staffListResponseSchema = z.object({ items: z.array(staffAccountViewSchema) });

/** An account just created or reset: its one-time password, shown once to hand over (never stored in clear). */
export const staffWithPasswordSchema = z.object({ account: staffAccountViewSchema, temporaryPassword: z.string().nullable() });

export const staffHistorySchema = z.object({
  items: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      action: z.string(),
      actionLabel: z.string(),
      actorName: z.string(),
      changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
      reason: z.string().nullable(),
    }),
  ),
});

export const staffImportResultSchema = z.object({
  rowsTotal: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
  rows: z.array(
    z.object({
      rowNumber: z.number().int(),
      username: z.string().nullable(),
      outcome: z.enum(["CREATED", "UPDATED", "UNCHANGED", "ERROR"]),
      outcomeLabel: z.string(),
      /** For a created account: its one-time password, to hand over (shown once). */
      temporaryPassword: z.string().nullable(),
      errors: z.array(z.object({ column: z.string(), message: z.string() })),
    }),
  ),
});
export type StaffImportResult = z.infer<typeof staffImportResultSchema>;
