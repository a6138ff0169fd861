import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { requireStaff } from "../../http/access.ts";
import {
  workflowDefinitionBodySchema,
  workflowDefinitionParamsSchema,
  workflowDefinitionsViewSchema,
  workflowUploadRequestSchema,
} from "./workflow-admin-schemas.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

export async function workflowAdminRoutes(app: AppInstance) {
  app.get(
    "/api/admin/workflow-definitions",
    {
      config: { access: { staff: ["COUNTY", "ADMIN"], scope: "region" } },
      schema: {
        tags: ["workflow"],
        summary: "The workflow definitions new cases of my county start on (the county's own and the defaults), and every upload",
        response: { 200: workflowDefinitionsViewSchema, ...errors },
      },
    },
    async (request) => app.services.workflowAdmin.view(requireStaff(request), request.locale),
  );

  app.get(
    "/api/admin/workflow-definitions/:id",
    {
      config: { access: { staff: ["COUNTY", "ADMIN"], scope: "workflowDefinition" } },
      schema: {
        tags: ["workflow"],
        summary: "One stored version of a definition, as JSON (to edit and upload again)",
        params: workflowDefinitionParamsSchema,
        response: { 200: workflowDefinitionBodySchema, ...errors },
      },
    },
    async (request) => app.services.workflowAdmin.definition(requireStaff(request), request.params.id),
  );

  app.post(
    "/api/admin/workflow-definitions",
    {
      config: { access: { staff: ["ADMIN"], scope: "region" } },
      schema: {
        tags: ["workflow"],
        summary:
          "Put the county's own workflow definition in force for new cases (checked first; a bad one is refused, naming each problem)",
        body: workflowUploadRequestSchema,
        response: { 200: workflowDefinitionsViewSchema, ...errors },
      },
    },
    async (request) =>
      app.services.workflowAdmin.upload(requireStaff(request), request.body.definition, request.body.reason, request.locale),
  );
}
