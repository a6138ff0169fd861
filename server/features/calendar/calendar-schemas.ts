import { z } from "zod";
import { checkYearCalendar, yearCalendarShape } from "../../core/calendar/working-days.ts";

const yearSourceSchema = z.enum(["official", "built-in", "provisional"]);
const isoDate = z.iso.date();

/** An administrator loads a year's official arrangement (国务院办公厅放假安排): every day off and every make-up workday. */
export const calendarLoadRequestSchema = z
  .strictObject({
    ...yearCalendarShape,
    /** Where the dates come from (the notice's number), or why a year is loaded again. */
    note: z.string().trim().max(200).optional(),
  })
  .superRefine(checkYearCalendar);
export type CalendarLoadRequest = z.infer<typeof calendarLoadRequestSchema>;
z.globalRegistry.add(calendarLoadRequestSchema, { id: "CalendarLoadRequest" });

export const calendarOutlookSchema = z.object({
  year: z.number().int(),
  source: yearSourceSchema.nullable(),
  nextYear: z.number().int(),
  nextSource: yearSourceSchema.nullable(),
  /** A year whose deadlines are counted on the holiday law alone when they should not be; null when all is loaded. */
  missingYear: z.number().int().nullable(),
  /** What to tell an office about it, in the caller's language. */
  message: z.string().nullable(),
});
export type CalendarOutlookView = z.infer<typeof calendarOutlookSchema>;

const loadedSchema = z.object({
  version: z.number().int(),
  /** API: the console or another client of the API; CLI: npm run calendar:load; FILE: CALENDAR_FILES at start-up. */
  source: z.enum(["API", "CLI", "FILE"]),
  loadedAt: z.iso.datetime({ offset: true }),
  loadedByName: z.string(),
  note: z.string().nullable(),
});

export const calendarYearViewSchema = z.object({
  year: z.number().int(),
  source: yearSourceSchema,
  /** The loaded version in force, for an official year. */
  loaded: loadedSchema.nullable(),
  holidays: z.array(isoDate),
  makeupWorkdays: z.array(isoDate),
});

export const calendarOverviewSchema = z.object({ outlook: calendarOutlookSchema, years: z.array(calendarYearViewSchema) });
export type CalendarOverview = z.infer<typeof calendarOverviewSchema>;
z.globalRegistry.add(calendarOverviewSchema, { id: "CalendarOverview" });

export const calendarYearQuerySchema = z.strictObject({ year: z.coerce.number().int().min(2004).max(2199) });

export const calendarHistorySchema = z.object({
  current: calendarYearViewSchema,
  /** Every version loaded for the year, newest first. */
  versions: z.array(loadedSchema.extend({ holidays: z.array(isoDate), makeupWorkdays: z.array(isoDate) })),
});

export const calendarLoadResultSchema = z.object({
  year: z.number().int(),
  version: z.number().int(),
  /** False when the same arrangement was already in force (a retried load adds no version). */
  created: z.boolean(),
  /** The open deadlines counted again on it. */
  recount: z.object({ examined: z.number().int(), changed: z.number().int(), moved: z.number().int(), set: z.number().int() }),
});
export type CalendarLoadResult = z.infer<typeof calendarLoadResultSchema>;
