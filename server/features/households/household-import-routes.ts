import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { requireStaff } from "../../http/access.ts";
import { accessContext } from "../../http/access-context.ts";
import {
  householdImportDetailQuerySchema,
  householdImportDetailSchema,
  householdImportFieldsSchema,
  householdImportListSchema,
  householdImportParamsSchema,
  householdImportRunSchema,
  householdImportStartedSchema,
  householdImportUploadResponseSchema,
  spreadsheetFormatQuerySchema,
} from "./household-import-schemas.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };
/** Households' records, ID numbers in clear in the files: the county office (for its county) and the administrator. */
const importAccess = { staff: ["COUNTY", "ADMIN"] } as const;

export async function householdImportRoutes(app: AppInstance) {
  const service = app.services.householdImports;

  app.get(
    "/api/admin/household-imports/fields",
    {
      config: { access: { ...importAccess, scope: "shared" } },
      schema: {
        tags: ["households"],
        summary: "The fields of the national system's household export, labelled (for the column-mapping screen)",
        response: { 200: householdImportFieldsSchema, ...errors },
      },
    },
    async (request) => service.fieldsView(request.locale),
  );

  app.post(
    "/api/admin/household-imports",
    {
      config: {
        access: { ...importAccess, scope: "region" },
        rateLimit: { max: app.config.uploadRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["households"],
        summary:
          'Upload the national monitoring system\'s household export (multipart field "file": XLSX, or CSV in UTF-8 or GBK); answers its headers, first rows and a suggested column mapping',
        consumes: ["multipart/form-data"],
        response: {
          201: householdImportUploadResponseSchema,
          200: householdImportUploadResponseSchema,
          ...errors,
          413: errorResponseSchema,
          415: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const file = await request.file({ limits: { fileSize: app.config.screeningMaxUploadBytes, files: 1, fields: 0, parts: 1 } });
      if (!file) throw new InvalidInputError("FILE_MISSING", "file");
      const result = await service.upload(requireStaff(request), { fileName: file.filename, file: file.file }, request.locale);
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    "/api/admin/household-imports",
    {
      config: { access: { ...importAccess, scope: "region" } },
      schema: {
        tags: ["households"],
        summary: "The household imports of my county, newest first",
        response: { 200: householdImportListSchema, ...errors },
      },
    },
    async (request) => service.list(requireStaff(request), request.locale),
  );

  app.post(
    "/api/admin/household-imports/:id/run",
    {
      config: { access: { ...importAccess, scope: "householdImport" } },
      schema: {
        tags: ["households"],
        summary: "Import every household of the file with this column mapping, in the background: answers 202 with the job at once",
        description:
          "Households are created or updated in place by household number (members by ID number), never twice; a household with a wrong row is held back whole. Follow the job at GET /api/jobs/:id.",
        params: householdImportParamsSchema,
        body: householdImportRunSchema,
        response: { 202: householdImportStartedSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service.start(requireStaff(request), request.params.id, request.body.mapping, request.locale)),
  );

  app.get(
    "/api/admin/household-imports/:id",
    {
      config: { access: { ...importAccess, scope: "householdImport" } },
      schema: {
        tags: ["households"],
        summary: "One import with its counts and a page of its row outcomes (filter by outcome)",
        params: householdImportParamsSchema,
        querystring: householdImportDetailQuerySchema,
        response: { 200: householdImportDetailSchema, ...errors },
      },
    },
    async (request) => service.detail(requireStaff(request), request.params.id, request.query, request.locale),
  );

  app.get(
    "/api/admin/household-imports/:id/report",
    {
      config: { access: { ...importAccess, scope: "householdImport" } },
      schema: {
        tags: ["households"],
        summary: "The import's row outcomes as XLSX or CSV (names masked, no ID number)",
        params: householdImportParamsSchema,
        querystring: spreadsheetFormatQuerySchema,
        response: { 200: z.any().describe("The spreadsheet file"), ...errors },
      },
    },
    async (request, reply) => {
      const download = await service.report(requireStaff(request), request.params.id, request.query.format, request.locale);
      return reply
        .header("content-type", download.contentType)
        .header("content-disposition", download.contentDisposition)
        .header("cache-control", "no-store")
        .send(download.stream);
    },
  );

  app.get(
    "/api/admin/household-exports",
    {
      config: { access: { ...importAccess, scope: "region" } },
      schema: {
        tags: ["households"],
        summary:
          "Every household of my county in the national system's layout (one row a person, full ID numbers, as the system needs them); recorded in the access log",
        querystring: spreadsheetFormatQuerySchema,
        response: { 200: z.any().describe("The spreadsheet file"), ...errors },
      },
    },
    async (request, reply) => {
      const download = await service.exportNational(requireStaff(request), request.query.format, request.locale, accessContext(request));
      return reply
        .header("content-type", download.contentType)
        .header("content-disposition", download.contentDisposition)
        .header("cache-control", "no-store")
        .send(download.stream);
    },
  );
}
