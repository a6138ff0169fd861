import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import {
  actionResultSchema,
  bulkActionResultSchema,
  bulkTaskActionSchema,
  taskActionSchema,
  taskIdParamsSchema,
  taskListQuerySchema,
  taskListResponseSchema,
} from "./workflow-schemas.ts";
import { caseIdParamsSchema } from "../cases/case-schemas.ts";
import { z } from "zod";
import { requireStaff } from "../../http/access.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };
const desks = ["VILLAGE", "TOWNSHIP", "COUNTY"] as const;
/** Grid workers take part in home visits only; the service narrows what they see and may do. */
const withGridWorkers = ["GRID_WORKER", ...desks] as const;

export async function taskRoutes(app: AppInstance) {
  app.get(
    "/api/staff/tasks",
    {
      config: { access: { staff: withGridWorkers, scope: "region" } },
      schema: {
        tags: ["workflow"],
        summary: "My desk's tasks in my region, soonest deadline first (grid workers: the home visits in their area)",
        querystring: taskListQuerySchema,
        response: { 200: taskListResponseSchema, ...errors },
      },
    },
    async (request) => app.services.workflow.listTasks(requireStaff(request), request.query, request.locale),
  );

  app.post(
    "/api/staff/tasks/:id/actions",
    {
      config: { access: { staff: withGridWorkers, scope: "task" } },
      schema: {
        tags: ["workflow"],
        summary: "Act on a task: home visit, appraisal, publicity, data comparison, approve / return / reject, triage",
        params: taskIdParamsSchema,
        body: taskActionSchema,
        response: { 200: actionResultSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => app.services.workflow.act(requireStaff(request), request.params.id, request.body, request.locale),
  );

  app.post(
    "/api/staff/tasks/bulk-actions",
    {
      config: { access: { staff: desks, scope: "region" } },
      schema: {
        tags: ["workflow"],
        summary:
          "One decision (approve, return, reject, close publicity, data comparison) on several tasks; each succeeds or fails on its own",
        body: bulkTaskActionSchema,
        response: { 200: bulkActionResultSchema, ...errors },
      },
    },
    async (request) => app.services.workflow.actMany(requireStaff(request), request.body.taskIds, request.body.action, request.locale),
  );

  app.get(
    "/api/staff/cases/:id/tasks",
    {
      config: { access: { staff: [...desks, "ADMIN", "AUDITOR"], scope: "case" } },
      schema: {
        tags: ["workflow"],
        summary: "The open tasks on one case; actions listed on those of my desk",
        params: caseIdParamsSchema,
        response: { 200: taskListResponseSchema, ...errors },
      },
    },
    async (request) => app.services.workflow.caseTasks(requireStaff(request), request.params.id, request.locale),
  );

  app.post(
    "/api/staff/cases/:id/reidentify",
    {
      config: { access: { staff: ["VILLAGE", "COUNTY"], scope: "case" } },
      schema: {
        tags: ["workflow"],
        summary: "Re-identify a household whose risk returned after elimination (回退)",
        params: caseIdParamsSchema,
        body: z.strictObject({ reason: z.string().trim().min(2, { error: "validation.reasonRequired" }).max(1000) }),
        response: { 200: actionResultSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => app.services.workflow.reidentify(requireStaff(request), request.params.id, request.body.reason, request.locale),
  );
}
