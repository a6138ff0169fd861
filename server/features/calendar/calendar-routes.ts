import type { AppInstance } from "../../app-instance.ts";
import {
  calendarHistorySchema,
  calendarLoadRequestSchema,
  calendarLoadResultSchema,
  calendarOutlookSchema,
  calendarOverviewSchema,
  calendarYearQuerySchema,
} from "./calendar-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { allStaffRoles, requireStaff } from "../../http/access.ts";

export async function calendarRoutes(app: AppInstance) {
  const service = app.services.calendars;

  app.get(
    "/api/calendars/outlook",
    {
      // Every desk's deadlines depend on it; the console shows administrators and the county desk a banner.
      config: { access: { staff: allStaffRoles, scope: "shared" } },
      schema: {
        tags: ["calendars"],
        summary: "Whether a year's official holiday arrangement is missing (deadlines in it are provisional)",
        response: { 200: calendarOutlookSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => service.outlook(request.locale),
  );

  app.get(
    "/api/admin/calendars",
    {
      config: { access: { staff: ["ADMIN", "COUNTY"], scope: "shared" } },
      schema: {
        tags: ["calendars"],
        summary: "The working-day calendars around this year: official (loaded), built-in or provisional (the holiday law alone)",
        response: { 200: calendarOverviewSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => service.overview(request.locale),
  );

  app.get(
    "/api/admin/calendar-versions",
    {
      config: { access: { staff: ["ADMIN", "COUNTY"], scope: "shared" } },
      schema: {
        tags: ["calendars"],
        summary: "A year's calendar in force and every version loaded for it",
        querystring: calendarYearQuerySchema,
        response: { 200: calendarHistorySchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => service.history(request.query.year),
  );

  app.post(
    "/api/admin/calendars",
    {
      config: { access: { staff: ["ADMIN"], scope: "shared" } },
      schema: {
        tags: ["calendars"],
        summary: "Load a year's official holiday arrangement; every open deadline is counted again on it",
        description:
          "Stored as the year's next version (the same days again add none) and put into force on every instance. Open tasks, department report-backs and whole-case limits counted on the provisional calendar are counted again; where a date moves, the case's timeline says so.",
        body: calendarLoadRequestSchema,
        response: { 200: calendarLoadResultSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      return service.load(request.body, { id: staff.id, name: staff.displayName, source: "API" });
    },
  );
}
