import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import { monitoringStandardChangeRequestSchema, monitoringStandardsViewSchema } from "./monitoring-standard-schemas.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
/** The administrator (its county, its city and province) and the county office (its county and the places in it). */
const access = { staff: ["COUNTY", "ADMIN"], scope: "region" } as const;

export async function monitoringStandardRoutes(app: AppInstance) {
  app.get(
    "/api/admin/monitoring-standards",
    {
      config: { access },
      schema: {
        tags: ["monitoring standards"],
        summary: "The monitoring income standards and three-colour grading in force in my county, the years without one, and every change",
        response: { 200: monitoringStandardsViewSchema, ...errors },
      },
    },
    async (request) => app.services.monitoringStandards.view(requireStaff(request), request.locale),
  );

  app.post(
    "/api/admin/monitoring-standards",
    {
      config: { access },
      schema: {
        tags: ["monitoring standards"],
        summary:
          "Set (or remove) a year's income standard and grading for a region; in force at once on every instance, kept with who and why",
        body: monitoringStandardChangeRequestSchema,
        response: { 200: monitoringStandardsViewSchema, ...errors },
      },
    },
    async (request) => app.services.monitoringStandards.change(requireStaff(request), request.body, request.locale),
  );
}
