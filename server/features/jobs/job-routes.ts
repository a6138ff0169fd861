import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import { jobParamsSchema, jobSchema } from "./job-schemas.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };
/** Jobs are started by the county office and the administrator; whoever of them covers the job's region follows it. */
const jobAccess = { staff: ["COUNTY", "ADMIN"], scope: "job" } as const;

export async function jobRoutes(app: AppInstance) {
  app.get(
    "/api/jobs/:id",
    {
      config: { access: jobAccess },
      schema: {
        tags: ["jobs"],
        summary: "A background job's state and progress (also pushed over the WebSocket as job.changed)",
        params: jobParamsSchema,
        response: { 200: jobSchema, ...errors },
      },
    },
    async (request) => app.services.jobs.view(requireStaff(request), request.params.id, request.locale),
  );

  app.post(
    "/api/jobs/:id/cancel",
    {
      config: { access: jobAccess },
      schema: {
        tags: ["jobs"],
        summary: "Stop a job: a queued one never starts, a running one stops after the step it is on (what it wrote stands)",
        params: jobParamsSchema,
        response: { 200: jobSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => app.services.jobs.cancel(requireStaff(request), request.params.id, request.locale),
  );
}
