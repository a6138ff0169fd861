import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import {
  passwordChangeRequestSchema,
  staffLoginRequestSchema,
  staffLoginResponseSchema,
  staffWechatLoginRequestSchema,
  wechatBindingCodeResponseSchema,
  wechatLoginRequestSchema,
  wechatLoginResponseSchema,
} from "./auth-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { allStaffRoles, publicAccess, requireStaff } from "../../http/access.ts";

export async function authRoutes(app: AppInstance) {
  app.post(
    "/api/auth/staff/login",
    {
      config: { access: publicAccess, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Staff log in with user name and password",
        body: staffLoginRequestSchema,
        response: { 200: staffLoginResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema },
      },
    },
    async (request) => app.services.auth.staffLogin(request.body.username, request.body.password, request.body.wechatCode, request.ip),
  );

  app.post(
    "/api/auth/wechat/login",
    {
      config: { access: publicAccess, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Residents log in with the code from wx.login()",
        body: wechatLoginRequestSchema,
        response: { 200: wechatLoginResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema },
      },
    },
    async (request) => app.services.auth.residentLogin(request.body.code, request.body.client, request.body.locale, request.ip),
  );

  app.post(
    "/api/auth/staff/wechat-binding",
    {
      config: { access: { staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "own" } },
      schema: {
        tags: ["auth"],
        summary:
          'A one-time code (10 minutes) to send the WeChat bot as "绑定 <code>": binds the sender\'s WeChat to this account for forwarding and task notices',
        response: { 200: wechatBindingCodeResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => app.services.auth.issueWechatBindingCode(requireStaff(request)),
  );

  app.post(
    "/api/auth/staff/wechat-login",
    {
      config: { access: publicAccess, rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Staff log in from the mini-program with wx.login's code, once their WeChat was bound at a password log-in there",
        body: staffWechatLoginRequestSchema,
        response: { 200: staffLoginResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema },
      },
    },
    async (request) => app.services.auth.staffWechatLogin(request.body.code, request.ip),
  );

  app.post(
    "/api/auth/staff/wechat-logout",
    {
      config: { access: { staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "DEPARTMENT", "ADMIN", "AUDITOR"], scope: "own" } },
      schema: {
        tags: ["auth"],
        summary: "Log out of the mini-program: its WeChat no longer opens this account without the password",
        response: { 200: z.object({ released: z.literal(true) }), 401: errorResponseSchema },
      },
    },
    async (request) => app.services.auth.releaseMiniProgramBinding(requireStaff(request)),
  );

  app.post(
    "/api/auth/staff/password",
    {
      // Open to an account that must change a password someone else set: it is the one thing it may do.
      config: {
        access: { staff: allStaffRoles, scope: "own", pendingPasswordChange: true },
        rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["auth"],
        summary: "Change one's own password; every other session of the account ends and a new one is answered",
        body: passwordChangeRequestSchema,
        response: {
          200: staffLoginResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request) => app.services.auth.changePassword(requireStaff(request), request.body.currentPassword, request.body.newPassword),
  );
}
