import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema, regionCodeSchema } from "../../core/vocabulary.ts";
import { objectionRequestSchema, objectionResponseSchema, publicityListSchema } from "./publicity-schemas.ts";
import { requirePrincipal, requireResident } from "../../http/access.ts";

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

export async function publicityRoutes(app: AppInstance) {
  app.get(
    "/api/publicity/:villageCode",
    {
      config: { access: { residents: true, staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "village" } },
      schema: {
        tags: ["publicity"],
        summary: "A village's current publicity list: masked names only, protected households left out",
        params: z.strictObject({ villageCode: regionCodeSchema }),
        response: { 200: publicityListSchema, ...errors },
      },
    },
    async (request) => app.services.workflow.publicityList(request.params.villageCode, requirePrincipal(request), request.locale),
  );

  app.post(
    "/api/publicity/objections",
    {
      config: {
        access: { residents: true, scope: "shared" },
        rateLimit: { max: app.config.objectionRateLimitPerHour, timeWindow: "1 hour" },
      },
      schema: {
        tags: ["publicity"],
        summary: "Object to a case on a publicity list; the village surveys it again",
        body: objectionRequestSchema,
        response: { 200: objectionResponseSchema, ...errors, 429: errorResponseSchema },
      },
    },
    async (request) =>
      app.services.workflow.objectAsResident(requireResident(request), request.body.caseNumber, request.body.objection, request.locale),
  );
}
