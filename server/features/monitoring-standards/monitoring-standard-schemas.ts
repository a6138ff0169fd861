import { z } from "zod";

/** The monitoring income standard (监测收入标准) and the three-colour grading, set by administrators. */

export const monitoringStandardChangeRequestSchema = z
  .strictObject({
    year: z.int().min(2000).max(2100),
    /** A province ("43"), a city ("4331"), the county ("433124") or a place in it: the most specific one applies. */
    regionCode: z.string().regex(/^\d{2,15}$/, { error: "validation.regionCode" }),
    /** Yuan per person per year; absent with remove. */
    incomeLine: z.int().min(1000, { error: "validation.incomeLine" }).max(100_000, { error: "validation.incomeLine" }).optional(),
    /** Three-colour grading: income up to this multiple of the line is yellow; null for no grading. */
    yellowMultiple: z
      .number()
      .gt(1, { error: "validation.yellowMultiple" })
      .max(10, { error: "validation.yellowMultiple" })
      .nullable()
      .default(null),
    /** The region has no standard of its own that year any more (the wider region's applies). */
    remove: z.boolean().default(false),
    reason: z.string().trim().min(2).max(200),
  })
  .refine((r) => r.remove || r.incomeLine !== undefined, { path: ["incomeLine"], error: "validation.incomeLine" });

const standardSchema = z.object({
  year: z.int(),
  regionCode: z.string(),
  regionName: z.string(),
  incomeLine: z.int(),
  yellowMultiple: z.number().nullable(),
  /** FILE: shipped or MONITORING_STANDARDS_FILE; CONSOLE: set here. */
  source: z.enum(["FILE", "CONSOLE"]),
  setBy: z.string().nullable(),
  setAt: z.iso.datetime({ offset: true }).nullable(),
});

export const monitoringStandardsViewSchema = z.object({
  /** The standards in force that apply in the caller's county (its own, its city's and province's), newest year first. */
  items: z.array(standardSchema),
  /** Years (this one and the last) for which no standard applies in the county: assessments and ledgers have no line. */
  missingYears: z.array(z.int()),
  history: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      year: z.int(),
      regionCode: z.string(),
      incomeLine: z.int().nullable(),
      yellowMultiple: z.number().nullable(),
      removed: z.boolean(),
      actorName: z.string(),
      reason: z.string(),
    }),
  ),
});
export type MonitoringStandardsView = z.infer<typeof monitoringStandardsViewSchema>;
