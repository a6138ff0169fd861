import type { AppInstance } from "../../app-instance.ts";
import { caseIdParamsSchema } from "../cases/case-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import {
  myDataSchema,
  personExportRequestSchema,
  personExportSchema,
  revealRequestSchema,
  revealResponseSchema,
} from "./personal-data-schemas.ts";
import { requireResident, requireStaff } from "../../http/access.ts";
import { accessContext } from "../../http/access-context.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

export async function personalDataRoutes(app: AppInstance) {
  const service = app.services.personalData;

  app.post(
    "/api/staff/cases/:id/reveal",
    {
      // Which role may see which field is checked by the service (server/core/personal-data-policy.ts).
      config: { access: { staff: ["VILLAGE", "TOWNSHIP", "COUNTY"], scope: "case" } },
      schema: {
        tags: ["staff"],
        summary:
          "See one personal value of a case in full (phone, ID number, a member's ID number, bank account), with a reason; written to the staff-access log",
        params: caseIdParamsSchema,
        body: revealRequestSchema,
        response: { 200: revealResponseSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const revealed = await service.reveal(requireStaff(request), request.params.id, request.body, accessContext(request));
      return reply.header("cache-control", "no-store").send(revealed);
    },
  );

  app.get(
    "/api/me/data",
    {
      config: { access: { residents: true, scope: "own" } },
      schema: {
        tags: ["cases"],
        summary: "Everything held about me: my account, the cases I filed in full with their timelines, consents and files",
        response: { 200: myDataSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.header("cache-control", "no-store").send(await service.myData(requireResident(request), request.locale)),
  );

  app.post(
    "/api/staff/person-data-exports",
    {
      config: { access: { staff: ["COUNTY"], scope: "region" } },
      schema: {
        tags: ["staff"],
        summary:
          "Export what is held about one person (found by ID number) at their request, with a reason; written to the staff-access log",
        body: personExportRequestSchema,
        response: { 200: personExportSchema, ...errors },
      },
    },
    async (request, reply) => {
      const exported = await service.exportPerson(
        requireStaff(request),
        request.body.idNumber,
        request.body.reason,
        request.locale,
        accessContext(request),
      );
      return reply.header("cache-control", "no-store").send(exported);
    },
  );
}
