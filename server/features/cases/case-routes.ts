import type { AppInstance } from "../../app-instance.ts";
import {
  acknowledgementSchema,
  caseDetailSchema,
  caseIdParamsSchema,
  caseNumberParamsSchema,
  caseStatusViewSchema,
  idempotencyHeadersSchema,
  myCasesResponseSchema,
  publicLookupRequestSchema,
  queueQuerySchema,
  queueResponseSchema,
  submitCaseRequestSchema,
} from "./case-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { publicAccess, requirePrincipal, requireResident, requireStaff } from "../../http/access.ts";
import { accessContext } from "../../http/access-context.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

export async function caseRoutes(app: AppInstance) {
  app.post(
    "/api/cases",
    {
      config: {
        access: { residents: true, staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "region" },
        rateLimit: { max: app.config.intakeRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["cases"],
        summary: "Report a hardship or apply for help (a resident, or staff on a resident's behalf)",
        description: "Send an Idempotency-Key header: a retry with the same key and body answers with the same case.",
        headers: idempotencyHeadersSchema,
        body: submitCaseRequestSchema,
        response: { 201: acknowledgementSchema, 200: acknowledgementSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const ack = await app.services.intake.submit({
        principal: requirePrincipal(request),
        request: request.body,
        idempotencyKey: request.headers["idempotency-key"],
        locale: request.locale,
      });
      return reply.status(ack.duplicate ? 200 : 201).send(ack);
    },
  );

  app.get(
    "/api/me/cases",
    {
      config: { access: { residents: true, scope: "own" } },
      schema: { tags: ["cases"], summary: "My cases", response: { 200: myCasesResponseSchema, ...errors } },
    },
    async (request) => app.services.caseViews.myCases(requireResident(request), request.locale),
  );

  app.get(
    "/api/me/cases/:number",
    {
      config: { access: { residents: true, scope: "case" } },
      schema: {
        tags: ["cases"],
        summary: "One of my cases as a plain-language timeline",
        params: caseNumberParamsSchema,
        response: { 200: caseStatusViewSchema, ...errors },
      },
    },
    async (request) => app.services.caseViews.myCaseStatus(requireResident(request), request.params.number, request.locale),
  );

  app.post(
    "/api/public/case-status",
    {
      config: { access: publicAccess, rateLimit: { max: app.config.lookupRateLimitPerMinute, timeWindow: "1 minute" } },
      schema: {
        tags: ["cases"],
        summary: "Look up a case's status without logging in: case number plus the last 4 digits of the phone",
        body: publicLookupRequestSchema,
        response: { 200: caseStatusViewSchema, ...errors, 429: errorResponseSchema },
      },
    },
    async (request) => app.services.caseViews.publicLookup(request.body.number, request.body.phoneLast4, request.locale),
  );

  app.get(
    "/api/staff/cases",
    {
      config: { access: { staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN", "AUDITOR"], scope: "region" } },
      schema: {
        tags: ["staff"],
        summary: "The queue of cases in my region",
        querystring: queueQuerySchema,
        response: { 200: queueResponseSchema, ...errors },
      },
    },
    async (request) => app.services.caseViews.queue(requireStaff(request), request.query, request.locale),
  );

  app.get(
    "/api/staff/cases/forwarded",
    {
      config: { access: { staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "own" } },
      schema: {
        tags: ["staff"],
        summary: "Cases I filed for residents, newest first, with where each stands",
        response: { 200: myCasesResponseSchema, ...errors },
      },
    },
    async (request) => app.services.caseViews.forwardedBy(requireStaff(request), request.locale),
  );

  app.get(
    "/api/staff/cases/:id",
    {
      // Not grid workers: a case sits at its village, above a grid worker's group; they follow what they filed (forwarded).
      config: { access: { staff: ["VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN", "AUDITOR"], scope: "case" } },
      schema: {
        tags: ["staff"],
        summary: "Open a case in my region",
        params: caseIdParamsSchema,
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) => app.services.caseViews.detail(requireStaff(request), request.params.id, request.locale, accessContext(request)),
  );
}
