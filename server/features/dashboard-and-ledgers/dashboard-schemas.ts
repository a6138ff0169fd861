import { z } from "zod";
import { caseStatusSchema, regionCodeSchema, regionLevelSchema, riskTypeSchema } from "../../core/vocabulary.ts";

/** GET /api/staff/dashboard: the caller's region, or a region inside it (like the queue's regionCode). */
export const dashboardQuerySchema = z.strictObject({
  regionCode: regionCodeSchema.optional(),
});
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

const count = z.number().int().min(0);

/**
 * Figures for the console's charts, all inside one region. Labels are in the
 * caller's language; codes stay alongside for colours and links.
 */
export const dashboardSchema = z.object({
  generatedAt: z.iso.datetime({ offset: true }),
  region: z.object({ code: z.string(), name: z.string(), level: regionLevelSchema }),
  /** Cases now OPEN. */
  openCases: count,
  /** OPEN cases by their current stage, in workflow order. */
  openByStage: z.array(z.object({ stage: z.string(), label: z.string(), count })),
  /** OPEN cases by risk type; a case with two risk types counts under both. Every risk type, zero or not. */
  openByRiskType: z.array(z.object({ riskType: riskTypeSchema, label: z.string(), count })),
  /**
   * OPEN cases by the region's direct children (a county's townships, a
   * township's villages), each listed even at zero; `self` is the region's own
   * queue (triage at its level), listed when it holds cases. A village lists
   * itself, and a group only where a case sits at one.
   */
  openByRegion: z.array(z.object({ code: z.string(), name: z.string(), level: regionLevelSchema, self: z.boolean(), count })),
  /** Every case by status, every status listed. */
  byStatus: z.array(z.object({ status: caseStatusSchema, label: z.string(), count })),
  overdueTasks: z.object({
    /** Open tasks past their deadline. */
    count,
    /** The 10 longest overdue, most overdue first. */
    mostOverdue: z.array(
      z.object({
        caseNumber: z.string(),
        stage: z.string(),
        stageLabel: z.string(),
        /** The desk that owes the work. */
        desk: z.enum(["VILLAGE", "TOWNSHIP", "COUNTY"]),
        /** The case's region (usually its village). */
        regionCode: z.string(),
        regionName: z.string(),
        dueAt: z.iso.datetime({ offset: true }),
        dueProvisional: z.boolean(),
        /** Calendar days (China time) since the due day. */
        daysLate: count,
        /** Working days since the due day. */
        workingDaysLate: count,
      }),
    ),
  }),
  /** Working time per stage over the stays that ended in the window (a working day = 24 working hours). */
  stageTimes: z.object({
    windowDays: z.number().int(),
    since: z.iso.datetime({ offset: true }),
    items: z.array(
      z.object({
        stage: z.string(),
        label: z.string(),
        stays: count,
        averageWorkingHours: z.number(),
        medianWorkingHours: z.number(),
        averageWorkingDays: z.number(),
        medianWorkingDays: z.number(),
      }),
    ),
  }),
  /** Cases received per China calendar day, oldest first, one series per channel that received any. */
  receivedPerDay: z.object({
    dates: z.array(z.iso.date()),
    totals: z.array(count),
    series: z.array(z.object({ channel: z.string(), label: z.string(), counts: z.array(count) })),
  }),
  /** The households on record in the region (from the national system's export): by monitoring category and by status. */
  households: z.object({
    total: count,
    byCategory: z.array(z.object({ category: z.string(), label: z.string(), count })),
    byMonitoringStatus: z.array(z.object({ status: z.string(), label: z.string(), count })),
  }),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
z.globalRegistry.add(dashboardSchema, { id: "Dashboard" });
