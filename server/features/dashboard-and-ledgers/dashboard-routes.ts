import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { dashboardQuerySchema, dashboardSchema } from "./dashboard-schemas.ts";
import { requireStaff } from "../../http/access.ts";

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  503: errorResponseSchema,
};

/** The offices that watch their region's cases, and the auditor; grid workers and department handlers work from their own lists. */
const dashboardAccess = { staff: ["VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN", "AUDITOR"] } as const;

export async function dashboardRoutes(app: AppInstance) {
  app.get(
    "/api/staff/dashboard",
    {
      config: { access: { ...dashboardAccess, scope: "region" } },
      schema: {
        tags: ["staff"],
        summary:
          "Figures for the dashboard's charts: open cases by stage, risk type and region, statuses, overdue tasks, time per stage, cases received per day",
        querystring: dashboardQuerySchema,
        response: { 200: dashboardSchema, ...errors },
      },
    },
    async (request) => app.services.dashboard.dashboard(requireStaff(request), request.query, request.locale),
  );
}
