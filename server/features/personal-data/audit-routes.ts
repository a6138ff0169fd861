import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { accessLogQuerySchema, accessLogResponseSchema, caseTraceSchema, traceQuerySchema } from "./audit-schemas.ts";
import { caseIdParamsSchema } from "../cases/case-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import { accessContext } from "../../http/access-context.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

/** Auditors read the trail of their county; nobody else exports it. */
const auditAccess = { staff: ["AUDITOR"] } as const;

export async function auditRoutes(app: AppInstance) {
  const service = app.services.audit;

  app.get(
    "/api/audit/cases/:id/trace",
    {
      config: { access: { ...auditAccess, scope: "case" } },
      schema: {
        tags: ["audit"],
        summary:
          "One case's full trace: the case (masked), every event, every staff access, consents, files' metadata, tasks, department assignments",
        description: "format=json (default), or xlsx / csv: the same trace as one sheet in time order. The export is itself logged.",
        params: caseIdParamsSchema,
        querystring: traceQuerySchema,
        response: { 200: caseTraceSchema.or(z.any().describe("The spreadsheet file")), ...errors },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const principal = requireStaff(request);
      if (format === "json")
        return reply
          .header("cache-control", "no-store")
          .send(await service.caseTrace(principal, request.params.id, format, accessContext(request)));
      const file = await service.caseTraceFile(principal, request.params.id, format, request.locale, accessContext(request));
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", file.contentDisposition)
        .header("cache-control", "no-store")
        .send(file.stream);
    },
  );

  app.get(
    "/api/audit/access-log",
    {
      config: { access: { ...auditAccess, scope: "region" } },
      schema: {
        tags: ["audit"],
        summary: "The staff-access log of my county (who saw which case, revealed what and why), newest first",
        querystring: accessLogQuerySchema,
        response: { 200: accessLogResponseSchema, ...errors },
      },
    },
    async (request) => service.accessLogPage(requireStaff(request), request.query),
  );
}
