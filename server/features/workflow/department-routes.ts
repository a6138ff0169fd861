import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema, riskTypeSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";

const assignmentSchema = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  applicantName: z.string(),
  regionName: z.string(),
  riskType: riskTypeSchema,
  riskTypeLabel: z.string(),
  measure: z.string(),
  status: z.enum(["OPEN", "REPORTED"]),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  dueProvisional: z.boolean(),
  overdue: z.boolean(),
  report: z.string().nullable(),
});
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

export async function departmentRoutes(app: AppInstance) {
  app.get(
    "/api/department/assignments",
    {
      config: { access: { staff: ["DEPARTMENT"], scope: "region" } },
      schema: {
        tags: ["workflow"],
        summary: "Needs dispatched to my department, soonest deadline first",
        querystring: z.strictObject({ status: z.enum(["OPEN", "REPORTED"]).default("OPEN") }),
        response: { 200: z.object({ items: z.array(assignmentSchema) }), ...errors },
      },
    },
    async (request) => app.services.departments.list(requireStaff(request), request.query.status, request.locale),
  );

  app.post(
    "/api/department/assignments/:id/report",
    {
      config: { access: { staff: ["DEPARTMENT"], scope: "assignment" } },
      schema: {
        tags: ["workflow"],
        summary: "Report back what my department did",
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({ report: z.string().trim().min(2).max(2000) }),
        response: { 200: z.object({ id: z.uuid(), status: z.literal("REPORTED") }), ...errors },
      },
    },
    async (request) => app.services.departments.report(requireStaff(request), request.params.id, request.body.report),
  );
}
