import { z } from "zod";

/** Workflow definitions put in force from the console (the JSON format of server/features/workflow/definitions/). */

export const workflowUploadRequestSchema = z.strictObject({
  /** The definition as its JSON file holds it; checked against the definition format, its region the caller's county. */
  definition: z.record(z.string(), z.unknown()),
  reason: z.string().trim().min(2).max(200),
});

export const workflowDefinitionParamsSchema = z.strictObject({ id: z.uuid() });

const inForceSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  /** "" for the default every county starts on. */
  regionCode: z.string(),
  version: z.int(),
  appliesTo: z.array(z.string()),
  stages: z.int(),
  source: z.enum(["FILE", "CONSOLE"]),
  uploadedBy: z.string().nullable(),
  uploadedAt: z.iso.datetime({ offset: true }).nullable(),
  reason: z.string().nullable(),
});

export const workflowDefinitionsViewSchema = z.object({
  /** The definitions new cases of the county start on: the county's own, and the defaults of the kinds it has none for. */
  items: z.array(inForceSchema),
  history: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      key: z.string(),
      regionCode: z.string(),
      version: z.int(),
      definitionId: z.uuid(),
      actorName: z.string(),
      reason: z.string(),
    }),
  ),
});
export type WorkflowDefinitionsView = z.infer<typeof workflowDefinitionsViewSchema>;

export const workflowDefinitionBodySchema = z.object({
  id: z.uuid(),
  key: z.string(),
  regionCode: z.string(),
  version: z.int(),
  definition: z.unknown(),
});
