import { z } from "zod";

/** Households from the national monitoring system's export: upload, confirm the mapping, import in the background, read the outcomes. */

export const householdImportOutcomes = ["CREATED", "UPDATED", "UNCHANGED", "ERROR", "REFUSED"] as const;
export const householdImportOutcomeSchema = z.enum(householdImportOutcomes);
export type HouseholdImportOutcome = z.infer<typeof householdImportOutcomeSchema>;

export const householdImportStatusSchema = z.enum(["UPLOADED", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]);

export const householdImportParamsSchema = z.strictObject({ id: z.uuid() });

/** { field: header }: which column of the sheet holds which field (see GET /api/admin/household-imports/fields). */
export const householdMappingSchema = z.record(z.string().min(1).max(40), z.string().min(1).max(200));

export const householdImportRunSchema = z.strictObject({ mapping: householdMappingSchema });

export const householdImportDetailQuerySchema = z.strictObject({
  outcome: householdImportOutcomeSchema.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const spreadsheetFormatQuerySchema = z.strictObject({ format: z.enum(["xlsx", "csv"]).default("xlsx") });

export const householdImportSchema = z.object({
  id: z.uuid(),
  fileName: z.string(),
  fileSize: z.number().int(),
  format: z.enum(["csv", "xlsx"]),
  status: householdImportStatusSchema,
  statusLabel: z.string(),
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  mapping: householdMappingSchema.nullable(),
  /** The background job of the last run (GET /api/jobs/:id); null before the first. */
  jobId: z.uuid().nullable(),
  /** Rows in the file, rows with an error, and households created, updated, unchanged and held back. */
  counts: z.object({
    rows: z.number().int(),
    errorRows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    refused: z.number().int(),
  }),
  uploadedBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  ranAt: z.iso.datetime({ offset: true }).nullable(),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  /** The file is deleted once imported (it holds ID numbers in clear). */
  fileDeletedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const householdImportUploadResponseSchema = z.object({
  importId: z.uuid(),
  /** The same bytes were uploaded before and not imported yet: this is that import. */
  duplicate: z.boolean(),
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  /** The first rows, ID numbers masked. */
  sampleRows: z.array(z.object({ row: z.number().int(), cells: z.array(z.string()) })),
  suggestedMapping: householdMappingSchema,
  import: householdImportSchema,
});

export const householdImportFieldsSchema = z.object({
  fields: z.array(z.object({ field: z.string(), label: z.string(), required: z.boolean(), header: z.string() })),
});

export const householdImportListSchema = z.object({ items: z.array(householdImportSchema) });

export const householdImportStartedSchema = z.object({ import: householdImportSchema, jobId: z.uuid() });

const rowProblemSchema = z.object({ field: z.string().nullable(), column: z.string().nullable(), code: z.string(), message: z.string() });

export const householdImportDetailSchema = z.object({
  import: householdImportSchema,
  /** Rows by outcome so far (the import may still be running). */
  rowCounts: z.record(householdImportOutcomeSchema, z.number().int()),
  rows: z.object({
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    items: z.array(
      z.object({
        row: z.number().int(),
        householdNumber: z.string().nullable(),
        name: z.string().nullable(),
        outcome: householdImportOutcomeSchema,
        outcomeLabel: z.string(),
        note: z.string(),
        errors: z.array(rowProblemSchema),
      }),
    ),
  }),
});
