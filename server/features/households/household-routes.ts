import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { householdSearchQuerySchema, householdSearchResponseSchema } from "./household-schemas.ts";
import { requireStaff } from "../../http/access.ts";

export async function householdRoutes(app: AppInstance) {
  app.get(
    "/api/households",
    {
      config: { access: { staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "region" } },
      schema: {
        tags: ["households"],
        summary: "Find a household in the caller's region (to file for it); names come masked",
        querystring: householdSearchQuerySchema,
        response: { 200: householdSearchResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => ({ items: await app.services.households.search(requireStaff(request), request.query.q) }),
  );
}
