import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import {
  screeningDetailQuerySchema,
  screeningImportDetailSchema,
  screeningImportListSchema,
  screeningImportParamsSchema,
  screeningListQuerySchema,
  screeningReportQuerySchema,
  screeningRulesResponseSchema,
  screeningRunRequestSchema,
  screeningUploadQuerySchema,
  screeningUploadResponseSchema,
} from "./screening-schemas.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { requireStaff } from "../../http/access.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

/** Department data hold many households' personal data: only the county office (and the administrator) screens. */
const screeningAccess = { staff: ["COUNTY", "ADMIN"] } as const;

export async function screeningRoutes(app: AppInstance) {
  const service = app.services.screening;

  app.get(
    "/api/staff/screening/rules",
    {
      config: { access: { ...screeningAccess, scope: "shared" } },
      schema: {
        tags: ["screening"],
        summary: "Departments, the fields their files carry and the screening rules, labelled (for the column-mapping screen)",
        response: { 200: screeningRulesResponseSchema, ...errors },
      },
    },
    async (request) => service.rulesView(request.locale),
  );

  app.post(
    "/api/staff/screening/imports",
    {
      config: {
        access: { ...screeningAccess, scope: "region" },
        rateLimit: { max: app.config.uploadRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["screening"],
        summary:
          'Upload one department\'s file (multipart field "file": XLSX, or CSV in UTF-8 or GBK); answers its headers, sample rows and a suggested column mapping',
        description:
          "department and period go in the query string. The same bytes again for the same department and period answer 200 with the existing import.",
        consumes: ["multipart/form-data"],
        querystring: screeningUploadQuerySchema,
        response: {
          201: screeningUploadResponseSchema,
          200: screeningUploadResponseSchema,
          ...errors,
          413: errorResponseSchema,
          415: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      // Department files run to millions of rows: a limit of their own, and the file streamed to disk by the service.
      const file = await request.file({ limits: { fileSize: app.config.screeningMaxUploadBytes, files: 1, fields: 0, parts: 1 } });
      if (!file) throw new InvalidInputError("FILE_MISSING", "file");
      const result = await service.upload(
        requireStaff(request),
        { ...request.query, fileName: file.filename, file: file.file },
        request.locale,
      );
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    "/api/staff/screening/imports",
    {
      config: { access: { ...screeningAccess, scope: "region" } },
      schema: {
        tags: ["screening"],
        summary: "The screening imports of my county, newest first, with their row counts by outcome",
        querystring: screeningListQuerySchema,
        response: { 200: screeningImportListSchema, ...errors },
      },
    },
    async (request) => service.list(requireStaff(request), request.query, request.locale),
  );

  app.post(
    "/api/staff/screening/imports/:id/run",
    {
      config: { access: { ...screeningAccess, scope: "screeningImport" } },
      schema: {
        tags: ["screening"],
        summary: "Run the department's rules over every row with this column mapping; raises one lead per household that trips a rule",
        description: "Running again (say with a corrected mapping) replaces the row report and raises no lead twice.",
        params: screeningImportParamsSchema,
        body: screeningRunRequestSchema,
        response: { 200: screeningImportDetailSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => service.run(requireStaff(request), request.params.id, request.body.mapping, request.locale),
  );

  app.get(
    "/api/staff/screening/imports/:id",
    {
      config: { access: { ...screeningAccess, scope: "screeningImport" } },
      schema: {
        tags: ["screening"],
        summary: "One import with its counts, a page of its row report and every cell error",
        params: screeningImportParamsSchema,
        querystring: screeningDetailQuerySchema,
        response: { 200: screeningImportDetailSchema, ...errors },
      },
    },
    async (request) => service.detail(requireStaff(request), request.params.id, request.query, request.locale),
  );

  app.get(
    "/api/staff/screening/imports/:id/report",
    {
      config: { access: { ...screeningAccess, scope: "screeningImport" } },
      schema: {
        tags: ["screening"],
        summary: "The import's row report as XLSX or CSV (streamed; ID numbers and names masked)",
        params: screeningImportParamsSchema,
        querystring: screeningReportQuerySchema,
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
}
