import { z } from "zod";
import { riskTypeSchema } from "../../core/vocabulary.ts";
import { departmentSchema } from "../workflow/workflow-schemas.ts";

/** Department screening (部门筛查预警): upload a department's file, map its columns, run the rules. */

export const screeningOutcomes = [
  "ERROR",
  "NO_MATCH",
  "OUT_OF_SCOPE",
  "NO_HIT",
  "LEAD_CREATED",
  "ALREADY_OPEN",
  "ALREADY_RAISED",
  "DUPLICATE_ROW",
] as const;
export const screeningOutcomeSchema = z.enum(screeningOutcomes);
export type ScreeningOutcome = z.infer<typeof screeningOutcomeSchema>;

/** "2026Q3", "2026H2", "2026-09" or "2026": the data-exchange period a file covers. */
export const screeningPeriodSchema = z
  .string()
  .trim()
  .regex(/^\d{4}(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$/, { error: "validation.screeningPeriod" });

/** The multipart upload carries one file; which department and period it is go in the query string. */
export const screeningUploadQuerySchema = z.strictObject({
  department: departmentSchema,
  period: screeningPeriodSchema,
});

export const screeningImportParamsSchema = z.strictObject({ id: z.uuid() });

/** { field: header }: which column of the file holds which field (see GET /api/staff/screening/rules). */
export const screeningMappingSchema = z.record(z.string().min(1).max(40), z.string().min(1).max(200));

export const screeningRunRequestSchema = z.strictObject({ mapping: screeningMappingSchema });

export const screeningListQuerySchema = z.strictObject({
  department: departmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const screeningDetailQuerySchema = z.strictObject({
  outcome: screeningOutcomeSchema.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const screeningReportQuerySchema = z.strictObject({ format: z.enum(["xlsx", "csv"]).default("xlsx") });

const countsSchema = z.object({
  rows: z.number().int(),
  ERROR: z.number().int(),
  NO_MATCH: z.number().int(),
  OUT_OF_SCOPE: z.number().int(),
  NO_HIT: z.number().int(),
  LEAD_CREATED: z.number().int(),
  ALREADY_OPEN: z.number().int(),
  ALREADY_RAISED: z.number().int(),
  DUPLICATE_ROW: z.number().int(),
});

export const screeningImportSchema = z.object({
  id: z.uuid(),
  department: departmentSchema,
  departmentLabel: z.string(),
  period: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  fileSize: z.number().int(),
  format: z.enum(["csv", "xlsx"]),
  status: z.enum(["UPLOADED", "COMPLETED"]),
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  /** The mapping of the last run; null before the first. */
  mapping: screeningMappingSchema.nullable(),
  /** Rows by outcome after the last run (all zero before it); `rows` is the number of data rows. */
  counts: countsSchema,
  uploadedBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  ranAt: z.iso.datetime({ offset: true }).nullable(),
  /** When retention removed the file (SCREENING_FILE_RETENTION_DAYS): the results stay; another run needs the file uploaded again. */
  fileDeletedAt: z.iso.datetime({ offset: true }).nullable(),
});
z.globalRegistry.add(screeningImportSchema, { id: "ScreeningImport" });

export const screeningUploadResponseSchema = z.object({
  importId: z.uuid(),
  /** true: these bytes were already uploaded for this department and period; this is that import. */
  duplicate: z.boolean(),
  /** How a CSV's bytes were read; null for XLSX. */
  encoding: z.enum(["utf-8", "gb18030"]).nullable(),
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  /** The first five data rows, cells in header order; anything that looks like an ID number is masked. */
  sampleRows: z.array(z.object({ row: z.number().int(), cells: z.array(z.string()) })),
  /** { field: header } guessed from the headers (or the last run's mapping); post it back, corrected, to run. */
  suggestedMapping: screeningMappingSchema,
  import: screeningImportSchema,
});

export const screeningRowErrorSchema = z.object({
  /** The spreadsheet's row number (1-based, header row included). */
  row: z.number().int(),
  column: z.string(),
  field: z.string(),
  code: z.string(),
  message: z.string(),
});

export const screeningRowSchema = z.object({
  row: z.number().int(),
  outcome: screeningOutcomeSchema,
  outcomeLabel: z.string(),
  idNumber: z.string().nullable().describe("masked"),
  name: z.string().nullable().describe("masked"),
  householdNumber: z.string().nullable(),
  villageName: z.string().nullable(),
  rules: z.array(z.object({ id: z.string(), label: z.string() })),
  /** LEAD_CREATED, ALREADY_OPEN, ALREADY_RAISED: the case that tracks the household. */
  caseNumber: z.string().nullable(),
  /** DUPLICATE_ROW: the earlier row it repeats. */
  duplicateOf: z.number().int().nullable(),
  /** One line for the report: why the row ended as it did. */
  note: z.string(),
  errors: z.array(screeningRowErrorSchema),
});

export const screeningImportDetailSchema = z.object({
  import: screeningImportSchema,
  rows: z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), items: z.array(screeningRowSchema) }),
  /** Every cell problem of the import (ERROR rows), in row order, at most 1000. */
  errors: z.array(screeningRowErrorSchema),
  errorsTruncated: z.boolean(),
});

export const screeningImportListSchema = z.object({ items: z.array(screeningImportSchema) });

export const screeningRulesResponseSchema = z.object({
  departments: z.array(
    z.object({
      department: departmentSchema,
      label: z.string(),
      fields: z.array(
        z.object({
          field: z.string(),
          label: z.string(),
          type: z.enum(["idNumber", "text", "number", "boolean", "choice"]),
          required: z.boolean(),
          synonyms: z.array(z.string()),
        }),
      ),
      rules: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          kind: z.enum(["field", "assessment"]),
          field: z.string().nullable(),
          condition: z.string(),
          riskTypes: z.array(riskTypeSchema),
          riskTypeLabels: z.array(z.string()),
        }),
      ),
    }),
  ),
});
