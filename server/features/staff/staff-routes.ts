import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import { readUpload } from "../../http/uploads.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { actorOf } from "./staff-service.ts";
import {
  staffActionRequestSchema,
  staffCreateRequestSchema,
  staffHistorySchema,
  staffIdParamsSchema,
  staffImportResultSchema,
  staffListQuerySchema,
  staffListResponseSchema,
  staffUpdateRequestSchema,
  staffWithPasswordSchema,
} from "./staff-schemas.ts";

/** The administrator manages every account; a county desk the accounts of its county (never an administrator's or an auditor's). */
const administrators = ["ADMIN", "COUNTY"] as const;
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

export async function staffRoutes(app: AppInstance) {
  const service = app.services.staff;

  app.get(
    "/api/admin/staff",
    {
      config: { access: { staff: administrators, scope: "region" } },
      schema: {
        tags: ["staff"],
        summary: "Staff accounts in the caller's region",
        querystring: staffListQuerySchema,
        response: { 200: staffListResponseSchema, ...errors },
      },
    },
    async (request) => service.list(actorOf(requireStaff(request)), request.query, request.locale),
  );

  app.post(
    "/api/admin/staff",
    {
      config: { access: { staff: administrators, scope: "region" } },
      schema: {
        tags: ["staff"],
        summary: "Create a staff account; its one-time password is answered once and must be changed at the first log-in",
        body: staffCreateRequestSchema,
        response: { 201: staffWithPasswordSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(requireStaff(request)), request.body, request.locale)),
  );

  app.post(
    "/api/admin/staff/:id",
    {
      config: { access: { staff: administrators, scope: "staffAccount" } },
      schema: {
        tags: ["staff"],
        summary: "Change an account's name, role, region, department or phone (a new role or region ends its sessions)",
        params: staffIdParamsSchema,
        body: staffUpdateRequestSchema,
        response: { 200: staffWithPasswordSchema, ...errors },
      },
    },
    async (request) => service.update(actorOf(requireStaff(request)), request.params.id, request.body, request.locale),
  );

  app.post(
    "/api/admin/staff/:id/actions",
    {
      config: { access: { staff: administrators, scope: "staffAccount" } },
      schema: {
        tags: ["staff"],
        summary: "Deactivate (every session and socket ends at once), reactivate, reset the password or unlock an account",
        params: staffIdParamsSchema,
        body: staffActionRequestSchema,
        response: { 200: staffWithPasswordSchema, ...errors },
      },
    },
    async (request) =>
      service.act(actorOf(requireStaff(request)), request.params.id, request.body.action, request.body.reason, request.locale),
  );

  app.get(
    "/api/admin/staff/:id/history",
    {
      config: { access: { staff: administrators, scope: "staffAccount" } },
      schema: {
        tags: ["staff"],
        summary: "Every change made to an account: who, when, why",
        params: staffIdParamsSchema,
        response: { 200: staffHistorySchema, ...errors },
      },
    },
    async (request) => service.history(actorOf(requireStaff(request)), request.params.id, request.locale),
  );

  app.post(
    "/api/admin/staff-imports",
    {
      config: {
        access: { staff: administrators, scope: "region" },
        rateLimit: { max: app.config.uploadRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["staff"],
        summary: 'Import staff from a spreadsheet (multipart field "file": 用户名, 姓名, 角色, 地区代码, 电话, 部门): row-by-row outcomes',
        consumes: ["multipart/form-data"],
        response: { 200: staffImportResultSchema, ...errors, 413: errorResponseSchema },
      },
    },
    async (request) => {
      const upload = await readUpload(request, { fileSize: 5 * 1024 * 1024, files: 1, fields: 0, parts: 1 });
      if (!upload) throw new InvalidInputError("FILE_MISSING", "file");
      return service.importSheet(actorOf(requireStaff(request)), upload.bytes, request.locale);
    },
  );
}
