import type { AppInstance } from "../../app-instance.ts";
import { regionListQuerySchema, regionListResponseSchema } from "./region-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { publicAccess } from "../../http/access.ts";

export async function regionRoutes(app: AppInstance) {
  app.get(
    "/api/regions",
    {
      config: { access: publicAccess },
      schema: {
        tags: ["regions"],
        summary: "Places for the region picker (names and codes only)",
        querystring: regionListQuerySchema,
        response: { 200: regionListResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => app.services.regions.list(request.query.parentCode),
  );
}
