import { z } from "zod";
import type { AppInstance } from "../app-instance.ts";
import { caseNumberSchema, errorResponseSchema, regionCodeSchema } from "../api/common-schemas.ts";
import { requirePrincipal, requireResident } from "../plugins/access.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };

export const publicityListSchema = z.object({
  village: z.string(),
  items: z.array(z.object({ caseNumber: z.string(), applicantName: z.string(), kindLabel: z.string(), stageLabel: z.string(), publicityEndsAt: z.iso.datetime({ offset: true }) })),
});

export async function publicityRoutes(app: AppInstance) {
  app.get(
    "/api/publicity/:villageCode",
    {
      config: { access: { residents: true, staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"] } },
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
      config: { access: { residents: true }, rateLimit: { max: 10, timeWindow: "1 hour" } },
      schema: {
        tags: ["publicity"],
        summary: "Object to a case on a publicity list; the village surveys it again",
        body: z.strictObject({ caseNumber: caseNumberSchema, objection: z.string().trim().min(4, { error: "validation.descriptionTooShort" }).max(1000) }),
        response: { 200: z.object({ caseNumber: z.string(), received: z.literal(true) }), ...errors, 429: errorResponseSchema },
      },
    },
    async (request) => app.services.workflow.objectAsResident(requireResident(request), request.body.caseNumber, request.body.objection, request.locale),
  );
}
