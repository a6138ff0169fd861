import type { AppInstance } from "../../app-instance.ts";
import { idempotencyHeadersSchema } from "../cases/case-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import {
  declareRiskEventResponseSchema,
  declareRiskEventSchema,
  riskEventDetailSchema,
  riskEventListQuerySchema,
  riskEventListSchema,
  riskEventParamsSchema,
} from "./risk-event-schemas.ts";
import { requireStaff } from "../../http/access.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

export async function riskEventRoutes(app: AppInstance) {
  const service = app.services.riskEvents;

  app.post(
    "/api/staff/risk-events",
    {
      config: { access: { staff: ["COUNTY", "ADMIN"], scope: "region" } },
      schema: {
        tags: ["risk-events"],
        summary: "Declare a large-scale risk event (规模性返贫风险) for villages of my county: one lead per household to check",
        description:
          "Send an Idempotency-Key header: a retry with the same key and body answers 200 with the same event and creates nothing.",
        headers: idempotencyHeadersSchema,
        body: declareRiskEventSchema,
        response: { 201: declareRiskEventResponseSchema, 200: declareRiskEventResponseSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const result = await service.declare(requireStaff(request), request.body, request.headers["idempotency-key"], request.locale);
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    "/api/staff/risk-events",
    {
      config: { access: { staff: ["COUNTY", "TOWNSHIP", "VILLAGE", "ADMIN"], scope: "region" } },
      schema: {
        tags: ["risk-events"],
        summary: "Risk events touching my region, newest first, with their progress in my region",
        querystring: riskEventListQuerySchema,
        response: { 200: riskEventListSchema, ...errors },
      },
    },
    async (request) => service.list(requireStaff(request), request.query, request.locale),
  );

  app.get(
    "/api/staff/risk-events/:id",
    {
      config: { access: { staff: ["COUNTY", "TOWNSHIP", "VILLAGE", "ADMIN"], scope: "riskEvent" } },
      schema: {
        tags: ["risk-events"],
        summary: "One risk event: progress (open, decided, overdue, by village and stage) and its households in my region",
        params: riskEventParamsSchema,
        response: { 200: riskEventDetailSchema, ...errors },
      },
    },
    async (request) => service.detail(requireStaff(request), request.params.id, request.locale),
  );
}
