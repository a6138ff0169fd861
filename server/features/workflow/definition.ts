import { z } from "zod";
import { caseKindSchema, deskSchema } from "../../core/vocabulary.ts";
import { chinaDate, endOfChinaDay, MS_PER_DAY } from "../../core/china-time.ts";

/**
 * A review workflow as data. Counties differ in steps, deadlines and publicity
 * (seed 004 篇八 vs 篇九, the post-2022 three-step procedure), so a county can
 * ship its own definition (CONFIG: WORKFLOW_FILES) without a code change. A
 * case keeps the stored version it started on.
 */

const stageKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,59}$/);
/**
 * Either N statutory working days (004 篇九), or a fixed day of the month
 * (004 篇八: village by the 17th, township by the 20th, county by the 30th).
 */
const deadline = z.union([
  z.strictObject({ workingDays: z.number().int().min(1).max(60) }),
  z.strictObject({ dayOfMonth: z.number().int().min(1).max(31) }),
]);
export type Deadline = z.infer<typeof deadline>;

const base = { key: stageKey, desk: deskSchema, deadline };

export const stageSchema = z.discriminatedUnion("kind", [
  /** A home visit by at least `minInvestigators` people, with findings (002 §(四)). */
  z.strictObject({ ...base, kind: z.literal("HOME_VISIT"), minInvestigators: z.number().int().min(1).max(10), next: stageKey }),
  /** Village cadres meet and propose or decline; "DEMOCRATIC_VOTE" enforces quorum and majority (001 §票決). */
  z.strictObject({
    ...base,
    kind: z.literal("APPRAISAL"),
    voteRule: z.enum(["NONE", "DEMOCRATIC_VOTE"]),
    next: stageKey,
    onDecline: stageKey,
  }),
  /** A list published for `days` calendar days, then closed by the desk; an objection sends the case back to `onObjection`. */
  z.strictObject({
    key: stageKey,
    desk: deskSchema,
    kind: z.literal("PUBLICITY"),
    days: z.number().int().min(1).max(30),
    next: stageKey,
    onObjection: stageKey,
  }),
  /** Approve, return for more work, or reject; optionally only after a data comparison. */
  z.strictObject({
    ...base,
    kind: z.literal("REVIEW"),
    next: stageKey,
    /** Where "return for more work" sends the case; absent: this desk cannot return it. */
    returnTo: stageKey.optional(),
    onReject: stageKey,
    dataComparison: z.strictObject({ recheck: stageKey, recheckWorkingDays: z.number().int().min(1).max(30) }).optional(),
    /** 001: the township re-surveys a sample (at least 20%) of households before approving; the sample is drawn per case. */
    sampling: z.strictObject({ percent: z.number().int().min(1).max(100), minInvestigators: z.number().int().min(1).max(10) }).optional(),
  }),
  /** The county assigns the household's needs to departments, each to report back within `reportWorkingDays` (004 篇八). */
  z.strictObject({ ...base, kind: z.literal("DISPATCH"), reportWorkingDays: z.number().int().min(1).max(60), next: stageKey }),
  /**
   * Help and follow-up by an assigned helper until the village proposes risk
   * elimination, allowed only after `minMonitoredMonths` of monitoring, with
   * at least `minMeasures` reported help measures, and never for a household
   * without working-age labour (national guidance).
   */
  z.strictObject({
    key: stageKey,
    desk: deskSchema,
    kind: z.literal("HELP"),
    elimination: z.strictObject({
      minMonitoredMonths: z.number().int().min(0).max(60),
      minMeasures: z.number().int().min(0).max(20),
      next: stageKey,
    }),
  }),
  /** The end of the road: the case's final status; `reopenTo` lets a household whose risk returns be re-identified (回退). */
  z.strictObject({
    key: stageKey,
    kind: z.literal("END"),
    status: z.enum(["APPROVED", "REJECTED", "CLOSED"]),
    reopenTo: stageKey.optional(),
  }),
]);
export type Stage = z.infer<typeof stageSchema>;
export type ActiveStage = Exclude<Stage, { kind: "END" }>;

export const workflowDefinitionSchema = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9-]{2,59}$/),
    /** Region the definition is for (a county's own rules); absent: the default for everyone. */
    regionCode: z
      .string()
      .regex(/^\d{6,15}$/)
      .optional(),
    appliesTo: z.array(caseKindSchema).min(1),
    /** Whole-case limit from intake to decision (about 15 days in the national guide). */
    caseLimit: z.strictObject({ workingDays: z.number().int().min(1).max(120) }),
    start: stageKey,
    stages: z.array(stageSchema).min(2),
  })
  .superRefine((definition, ctx) => {
    const keys = new Set<string>();
    for (const stage of definition.stages) {
      if (keys.has(stage.key)) ctx.addIssue({ code: "custom", message: `duplicate stage ${stage.key}`, path: ["stages"] });
      keys.add(stage.key);
    }
    const refs: [string, string][] = [["start", definition.start]];
    for (const stage of definition.stages) {
      for (const field of ["next", "onDecline", "onObjection", "returnTo", "onReject", "reopenTo"] as const) {
        const target = (stage as Record<string, unknown>)[field];
        if (typeof target === "string") refs.push([`${stage.key}.${field}`, target]);
      }
      if (stage.kind === "REVIEW" && stage.dataComparison) refs.push([`${stage.key}.dataComparison.recheck`, stage.dataComparison.recheck]);
      if (stage.kind === "HELP") refs.push([`${stage.key}.elimination.next`, stage.elimination.next]);
    }
    for (const [where, target] of refs) {
      if (!keys.has(target)) ctx.addIssue({ code: "custom", message: `${where} names unknown stage ${target}`, path: ["stages"] });
    }
    if (!definition.stages.some((s) => s.kind === "END")) ctx.addIssue({ code: "custom", message: "no END stage", path: ["stages"] });
  });
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

export function stageOf(definition: WorkflowDefinition, key: string): Stage {
  const stage = definition.stages.find((s) => s.key === key);
  if (!stage) throw new Error(`Workflow ${definition.key} has no stage ${key}`);
  return stage;
}

/** The end (China time) of the next `dayOfMonth` on or after `from`'s China date, clamped to short months. */
export function nextDayOfMonth(from: Date, dayOfMonth: number): Date {
  const date = chinaDate(from);
  const { day } = date;
  let { year, month } = date;
  const clamp = (y: number, m: number) => Math.min(dayOfMonth, new Date(Date.UTC(y, m + 1, 0)).getUTCDate());
  if (day > clamp(year, month)) {
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return endOfChinaDay(Date.UTC(year, month, clamp(year, month)) / MS_PER_DAY);
}

/** The desk a staff role works at; grid workers, departments and admins have none. */
