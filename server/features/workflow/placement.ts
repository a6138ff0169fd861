import type { RegionNode, RegionTree } from "../../core/regions/routing.ts";
import type { WorkingDayCalendar } from "../../core/calendar/working-days.ts";
import { nextDayOfMonth, stageOf, type WorkflowDefinition } from "./definition.ts";
import { type Desk } from "../../core/vocabulary.ts";

/** Triage happens before a case's workflow starts: a township or the county picks the desk that owns it. */
export const triageStages = { TOWNSHIP_TRIAGE: "TOWNSHIP", COUNTY_TRIAGE: "COUNTY" } as const;
export type TriageStage = keyof typeof triageStages;
export const triageWorkingDays = 2;

export function isTriageStage(stage: string): stage is TriageStage {
  return Object.hasOwn(triageStages, stage);
}

/**
 * A due date as it is stored: the instant, whether it counts a day of a
 * year whose official arrangement is not loaded yet, and — for dates counted
 * in working days — what it was counted from, so that it can be counted again
 * when the arrangement arrives.
 */
export interface Due {
  at: Date;
  provisional: boolean;
  from: Date | null;
  workingDays: number | null;
}

/** `workingDays` statutory working days after `from`'s China day. */
export function workingDaysDue(calendar: WorkingDayCalendar, from: Date, workingDays: number): Due {
  const { at, provisional } = calendar.deadline(from, workingDays);
  return { at, provisional, from, workingDays };
}

/** A task's or assignment's due-date columns. */
export function dueColumns(due: Due | null) {
  return {
    dueAt: due?.at ?? null,
    dueProvisional: due?.provisional ?? false,
    dueFrom: due?.from ?? null,
    dueWorkingDays: due?.workingDays ?? null,
  };
}

/** Where a task sits and when it is due. */
export interface Placement {
  stage: string;
  desk: Desk;
  region: RegionNode;
  due: Due | null;
  publicityEndsAt: Date | null;
}

const levelOfDesk = { VILLAGE: "VILLAGE", TOWNSHIP: "TOWNSHIP", COUNTY: "COUNTY" } as const;

/**
 * When the desk's work on a stage reached at `from` is due: a publicity list
 * the working day after it comes down; help has no end date (it runs, with
 * monthly follow-ups, until risk elimination is proposed); every other stage
 * its definition's working days — or `workingDays` when the action that led
 * there set its own (a re-check after a doubtful data comparison) — or its
 * day of the month.
 */
export function stageDue(
  definition: WorkflowDefinition,
  stageKey: string,
  from: Date,
  calendar: WorkingDayCalendar,
  options: { workingDays?: number; publicityEndsAt?: Date | null } = {},
): Due | null {
  const stage = stageOf(definition, stageKey);
  if (stage.kind === "END" || stage.kind === "HELP") return null;
  if (stage.kind === "PUBLICITY") return workingDaysDue(calendar, options.publicityEndsAt ?? from, 1);
  if (options.workingDays !== undefined) return workingDaysDue(calendar, from, options.workingDays);
  if ("dayOfMonth" in stage.deadline)
    return { at: nextDayOfMonth(from, stage.deadline.dayOfMonth), provisional: false, from: null, workingDays: null };
  return workingDaysDue(calendar, from, stage.deadline.workingDays);
}

/** Where a stage's task sits (the case's region lifted to the stage's desk level) and when it is due; null at the end. */
export function placeStage(
  definition: WorkflowDefinition,
  stageKey: string,
  caseRegion: RegionNode,
  tree: RegionTree,
  now: Date,
  calendar: WorkingDayCalendar,
  options: { workingDays?: number; publicityEndsAt?: Date | null } = {},
): Placement | null {
  const stage = stageOf(definition, stageKey);
  if (stage.kind === "END") return null;
  const region = tree.ancestorAt(caseRegion, levelOfDesk[stage.desk]) ?? caseRegion;
  return {
    stage: stageKey,
    desk: stage.desk,
    region,
    due: stageDue(definition, stageKey, now, calendar, options),
    publicityEndsAt: options.publicityEndsAt ?? null,
  };
}

/** A triage task at a township or the county: it picks the village within two working days. */
export function triagePlacement(stage: TriageStage, region: RegionNode, now: Date, calendar: WorkingDayCalendar): Placement {
  return { stage, desk: triageStages[stage], region, due: workingDaysDue(calendar, now, triageWorkingDays), publicityEndsAt: null };
}

/** The whole-case limit, counted from intake (or a re-identification). */
export function caseLimitDue(definition: WorkflowDefinition, from: Date, calendar: WorkingDayCalendar): Due {
  return workingDaysDue(calendar, from, definition.caseLimit.workingDays);
}

/** A department's report-back on a need the county dispatched at `from`. */
export function reportDue(definition: WorkflowDefinition, from: Date, calendar: WorkingDayCalendar): Due | null {
  const dispatch = definition.stages.find((stage) => stage.kind === "DISPATCH");
  return dispatch?.kind === "DISPATCH" ? workingDaysDue(calendar, from, dispatch.reportWorkingDays) : null;
}
