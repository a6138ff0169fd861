import { z } from "zod";
import { phoneSchema } from "../../core/vocabulary.ts";

const code = z.string().regex(/^\d{6,15}$/, { error: "validation.regionCode" });

export const regionDatasetImportRequestSchema = z.strictObject({
  /** The county's 6-digit statistical code (e.g. 433124). */
  countyCode: z.string().regex(/^\d{6}$/, { error: "validation.countyCode" }),
});

export const regionGroupRequestSchema = z.strictObject({
  villageCode: z.string().regex(/^\d{12}$/, { error: "validation.villageCode" }),
  name: z.string().trim().min(1).max(30),
  /** 15 digits under the village; the next free one when absent. */
  code: z
    .string()
    .regex(/^\d{15}$/, { error: "validation.regionCode" })
    .optional(),
  reason: z.string().trim().max(200).optional(),
});

export const regionChangeRequestSchema = z.strictObject({
  code,
  name: z.string().trim().min(1).max(40).optional(),
  aliases: z.array(z.string().trim().min(2).max(40)).max(20).optional(),
  contactPhone: phoneSchema.nullable().optional(),
  /** Merged into this place (of the same level): cases, tasks, households and staff move there. */
  mergeInto: code.optional(),
  reason: z.string().trim().min(2).max(200),
});

export const regionImportResultSchema = z.object({
  rowsTotal: z.number().int(),
  created: z.number().int(),
  renamed: z.number().int(),
  updated: z.number().int(),
  merged: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
  rows: z.array(
    z.object({
      rowNumber: z.number().int(),
      code: z.string(),
      name: z.string(),
      outcome: z.enum(["CREATED", "RENAMED", "UPDATED", "MERGED", "UNCHANGED", "ERROR"]),
      outcomeLabel: z.string(),
      errors: z.array(z.object({ code: z.string(), message: z.string(), params: z.record(z.string(), z.string()).optional() })),
    }),
  ),
});
export type RegionImportResult = z.infer<typeof regionImportResultSchema>;

export const regionHistoryQuerySchema = z.strictObject({ code });
export const regionHistorySchema = z.object({
  items: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      action: z.string(),
      actorName: z.string(),
      changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
      reason: z.string().nullable(),
    }),
  ),
});
