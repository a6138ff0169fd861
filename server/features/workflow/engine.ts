import type { TaskAction } from "./workflow-schemas.ts";
import { chinaDay, endOfChinaDay } from "../../core/china-time.ts";
import { stageOf, type ActiveStage, type Stage, type WorkflowDefinition } from "./definition.ts";

/**
 * The review workflow's rules, free of HTTP and database: given a case's
 * position and a desk's action, where does the case go next — or why not.
 */

export interface CaseState {
  stage: string;
  /** When the household became a monitoring object (county approval). */
  monitoredSince?: Date | null;
  /** Help measures reported back by departments. */
  reportedMeasures?: number;
  /** Whether the household has anyone of working age able to work; null when no household is on record. */
  hasWorkingAgeLabour?: boolean | null;
  /** Drawn for the review stage's survey sample, and whether that survey is recorded. */
  sampled?: boolean;
  sampleSurveyDone?: boolean;
  /** The household's income after rigid expenses is still below the monitoring standard. */
  belowLineAfterRigidExpenses?: boolean | null;
  /** When the current publicity list comes down. */
  publicityEndsAt: Date | null;
  /** The data comparison's result at the current review stage. */
  dataComparison: "CLEAR" | "DOUBTFUL" | null;
  /** When the case was reported: nothing about it can have been found out on a day before. */
  reportedAt?: Date | null;
}

/** A visit or meeting date: not after now, and not on a day before the case was reported. */
function dateRefusal(value: string, state: CaseState, now: Date): Refusal | null {
  const at = new Date(value);
  if (at > now) return { ok: false, code: "DATE_IN_FUTURE" };
  if (state.reportedAt && chinaDay(at) < chinaDay(state.reportedAt))
    return {
      ok: false,
      code: "DATE_BEFORE_REPORT",
      params: { date: new Date(state.reportedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) },
    };
  return null;
}

export interface Transition {
  ok: true;
  /** The event appended to the case's log. */
  event: string;
  toStage: string;
  /** Shown to the applicant (returns, rejections, declines). */
  reason: string | null;
  payload: Record<string, unknown>;
  /** Working days for the next stage's task when it differs from the definition's (a re-check). */
  deadlineWorkingDays?: number;
  publicityEndsAt: Date | null;
  dataComparison: "CLEAR" | "DOUBTFUL" | null;
  /** The case's new status: an END stage's, APPROVED on dispatch (a monitoring object now), OPEN when re-identified. */
  finalStatus: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | null;
  /** Needs to hand to departments (dispatch). */
  dispatch?: { riskType: string; department: string; measure: string; reportWorkingDays: number }[];
}

export interface Refusal {
  ok: false;
  code: string;
  params?: Record<string, string | number>;
}

const actionsByKind: Record<ActiveStage["kind"], TaskAction["type"][]> = {
  HOME_VISIT: ["RECORD_HOME_VISIT"],
  APPRAISAL: ["RECORD_APPRAISAL"],
  PUBLICITY: ["RECORD_OBJECTION", "CLOSE_PUBLICITY"],
  REVIEW: ["RECORD_HOME_VISIT", "RECORD_DATA_COMPARISON", "APPROVE", "RETURN", "REJECT"],
  DISPATCH: ["DISPATCH"],
  HELP: ["ASSIGN_HELPER", "RECORD_FOLLOW_UP", "PROPOSE_ELIMINATION"],
};

/** The actions a stage accepts right now (e.g. approval only after a clear data comparison). */
export function availableActions(definition: WorkflowDefinition, state: CaseState, now: Date): TaskAction["type"][] {
  const stage = stageOf(definition, state.stage);
  if (stage.kind === "END") return stage.reopenTo ? ["REIDENTIFY"] : [];
  return actionsByKind[stage.kind].filter((type) => {
    if (stage.kind === "HELP" && type === "PROPOSE_ELIMINATION") return eliminationRefusal(stage, state, now) === null;
    if (stage.kind === "PUBLICITY") return type === "RECORD_OBJECTION" ? !publicityOver(state, now) : publicityOver(state, now);
    if (stage.kind === "REVIEW") {
      const sampleOwed = !!stage.sampling && !!state.sampled && !state.sampleSurveyDone;
      if (type === "RECORD_HOME_VISIT") return sampleOwed;
      if (type === "RETURN") return !!stage.returnTo;
      if (type === "APPROVE") return (!stage.dataComparison || state.dataComparison === "CLEAR") && !sampleOwed;
      if (type === "RECORD_DATA_COMPARISON") return !!stage.dataComparison && state.dataComparison !== "CLEAR";
    }
    return true;
  });
}

function publicityOver(state: CaseState, now: Date): boolean {
  return !!state.publicityEndsAt && now > state.publicityEndsAt;
}

export function decide(definition: WorkflowDefinition, state: CaseState, action: TaskAction, now: Date): Transition | Refusal {
  const stage = stageOf(definition, state.stage);
  if (stage.kind === "END") {
    if (action.type !== "REIDENTIFY" || !stage.reopenTo) return { ok: false, code: "CASE_ALREADY_DECIDED" };
    return {
      ...enterStage(definition, stage.reopenTo, now, { event: "REIDENTIFIED", reason: action.reason, payload: {} }),
      finalStatus: "OPEN",
    };
  }
  if (!actionsByKind[stage.kind].includes(action.type))
    return { ok: false, code: "ACTION_NOT_ALLOWED_HERE", params: { action: action.type } };
  const enter = (event: string, toStage: string, extra: Partial<Transition> = {}): Transition =>
    enterStage(definition, toStage, now, { event, reason: null, payload: {}, ...extra });

  switch (action.type) {
    case "RECORD_HOME_VISIT": {
      if (stage.kind === "REVIEW") {
        if (!stage.sampling || !state.sampled || state.sampleSurveyDone) break;
        const surveyors = distinctNames(action.investigators);
        if (surveyors.length < stage.sampling.minInvestigators)
          return { ok: false, code: "TOO_FEW_INVESTIGATORS", params: { min: stage.sampling.minInvestigators } };
        const badDate = dateRefusal(action.visitedAt, state, now);
        if (badDate) return badDate;
        return stay(stage.key, "SAMPLE_SURVEY_RECORDED", state, {
          visitedAt: action.visitedAt,
          investigators: surveyors,
          findings: action.findings,
        });
      }
      if (stage.kind !== "HOME_VISIT") break;
      const investigators = distinctNames(action.investigators);
      if (investigators.length < stage.minInvestigators)
        return { ok: false, code: "TOO_FEW_INVESTIGATORS", params: { min: stage.minInvestigators } };
      const badDate = dateRefusal(action.visitedAt, state, now);
      if (badDate) return badDate;
      // Photo places only when sent: events recorded before they existed lack them anyway, so readers take absence as none.
      const places = action.photoPlaces?.length ? { photoPlaces: action.photoPlaces } : {};
      return enter("HOME_VISIT_RECORDED", stage.next, {
        payload: {
          visitedAt: action.visitedAt,
          investigators: [...investigators],
          findings: action.findings,
          photoIds: action.photoIds,
          ...places,
        },
      });
    }
    case "RECORD_APPRAISAL": {
      if (stage.kind !== "APPRAISAL") break;
      const badDate = dateRefusal(action.meetingAt, state, now);
      if (badDate) return badDate;
      if (stage.voteRule === "DEMOCRATIC_VOTE") {
        const refusal = checkVote(action);
        if (refusal) return refusal;
      }
      const payload = {
        meetingAt: action.meetingAt,
        membersTotal: action.membersTotal,
        present: action.present,
        votesFor: action.votesFor,
        votesAgainst: action.votesAgainst,
      };
      return action.proposal === "PROPOSE"
        ? enter("APPRAISAL_PROPOSED", stage.next, { payload: { ...payload, note: action.reason } })
        : enter("APPRAISAL_DECLINED", stage.onDecline, { reason: action.reason, payload });
    }
    case "RECORD_OBJECTION": {
      if (stage.kind !== "PUBLICITY") break;
      if (publicityOver(state, now)) return { ok: false, code: "PUBLICITY_OVER" };
      // The objection's words stay on the staff side; the applicant is told the case is being re-checked.
      return enter("PUBLICITY_OBJECTION", stage.onObjection, { payload: { objection: action.objection } });
    }
    case "CLOSE_PUBLICITY": {
      if (stage.kind !== "PUBLICITY") break;
      if (!publicityOver(state, now))
        return { ok: false, code: "PUBLICITY_NOT_OVER", params: { until: state.publicityEndsAt?.toISOString() ?? "" } };
      return enter("PUBLICITY_CLOSED", stage.next);
    }
    case "RECORD_DATA_COMPARISON": {
      if (stage.kind !== "REVIEW") break;
      // Once CLEAR, the comparison is done (availableActions no longer offers it).
      if (!stage.dataComparison || state.dataComparison === "CLEAR")
        return { ok: false, code: "ACTION_NOT_ALLOWED_HERE", params: { action: action.type } };
      if (action.result === "CLEAR") {
        return {
          ok: true,
          event: "DATA_COMPARISON_CLEAR",
          toStage: stage.key,
          reason: null,
          payload: { notes: action.notes },
          publicityEndsAt: null,
          dataComparison: "CLEAR",
          finalStatus: null,
        };
      }
      return enter("DATA_COMPARISON_DOUBTFUL", stage.dataComparison.recheck, {
        payload: { notes: action.notes },
        deadlineWorkingDays: stage.dataComparison.recheckWorkingDays,
      });
    }
    case "APPROVE": {
      if (stage.kind !== "REVIEW") break;
      if (stage.dataComparison && state.dataComparison !== "CLEAR") return { ok: false, code: "DATA_COMPARISON_REQUIRED" };
      if (stage.sampling && state.sampled && !state.sampleSurveyDone) return { ok: false, code: "SAMPLE_SURVEY_REQUIRED" };
      return enter("APPROVED", stage.next, { payload: { note: action.note ?? null } });
    }
    case "RETURN": {
      if (stage.kind !== "REVIEW") break;
      if (!stage.returnTo) return { ok: false, code: "ACTION_NOT_ALLOWED_HERE", params: { action: action.type } };
      return enter("RETURNED", stage.returnTo, { reason: action.reason });
    }
    case "REJECT": {
      if (stage.kind !== "REVIEW") break;
      return enter("REJECTED", stage.onReject, { reason: action.reason });
    }
    case "DISPATCH": {
      if (stage.kind !== "DISPATCH") break;
      const transition = enter("DISPATCHED", stage.next, { payload: { needs: action.needs } });
      return {
        ...transition,
        finalStatus: "APPROVED",
        dispatch: action.needs.map((need) => ({ ...need, reportWorkingDays: stage.reportWorkingDays })),
      };
    }
    case "ASSIGN_HELPER": {
      if (stage.kind !== "HELP") break;
      return stay(stage.key, "HELPER_ASSIGNED", state, { helperName: action.helperName, helperPhone: action.helperPhone ?? null });
    }
    case "RECORD_FOLLOW_UP": {
      if (stage.kind !== "HELP") break;
      const badDate = dateRefusal(action.visitedAt, state, now);
      if (badDate) return badDate;
      return stay(stage.key, "FOLLOW_UP_RECORDED", state, { visitedAt: action.visitedAt, notes: action.notes });
    }
    case "PROPOSE_ELIMINATION": {
      if (stage.kind !== "HELP") break;
      const refusal = eliminationRefusal(stage, state, now);
      if (refusal) return refusal;
      return enter("ELIMINATION_PROPOSED", stage.elimination.next, { payload: { reason: action.reason } });
    }
    case "ASSIGN_REGION":
    case "REIDENTIFY":
      break;
  }
  return { ok: false, code: "ACTION_NOT_ALLOWED_HERE", params: { action: action.type } };
}

/** One person written twice ("张三", "张 三") is one investigator: names that differ only in whitespace are the same name. */
function distinctNames(names: string[]): string[] {
  const byName = new Map<string, string>();
  for (const name of names) {
    const key = name.replace(/\s+/g, "");
    if (!byName.has(key)) byName.set(key, name.trim());
  }
  return [...byName.values()];
}

/** Work recorded at a stage that keeps the case where it is. */
function stay(key: string, event: string, state: CaseState, payload: Record<string, unknown>): Transition {
  return {
    ok: true,
    event,
    toStage: key,
    reason: null,
    payload,
    publicityEndsAt: state.publicityEndsAt,
    dataComparison: state.dataComparison,
    finalStatus: null,
  };
}

/** Why a household may not leave monitoring yet, or null when it may (national guidance on 风险消除). */
function eliminationRefusal(stage: Extract<ActiveStage, { kind: "HELP" }>, state: CaseState, now: Date): Refusal | null {
  const { minMonitoredMonths, minMeasures } = stage.elimination;
  const since = state.monitoredSince;
  if (!since || addMonths(since, minMonitoredMonths) > now)
    return { ok: false, code: "MONITORED_TOO_SHORT", params: { months: minMonitoredMonths } };
  if ((state.reportedMeasures ?? 0) < minMeasures) return { ok: false, code: "TOO_FEW_HELP_MEASURES", params: { min: minMeasures } };
  if (state.hasWorkingAgeLabour === null || state.hasWorkingAgeLabour === undefined) return { ok: false, code: "HOUSEHOLD_NOT_ON_RECORD" };
  if (!state.hasWorkingAgeLabour) return { ok: false, code: "NO_LABOUR_HOUSEHOLD" };
  if (state.belowLineAfterRigidExpenses) return { ok: false, code: "STILL_BELOW_LINE" };
  return null;
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/** 001 §票決: more than half of the members present, and more than half of those present in favour. */
function checkVote(action: Extract<TaskAction, { type: "RECORD_APPRAISAL" }>): Refusal | null {
  const { membersTotal, present, votesFor, votesAgainst } = action;
  if (membersTotal === undefined || present === undefined || votesFor === undefined || votesAgainst === undefined)
    return { ok: false, code: "VOTE_REQUIRED" };
  if (present > membersTotal || votesFor + votesAgainst > present) return { ok: false, code: "VOTE_INCONSISTENT" };
  if (present * 2 <= membersTotal) return { ok: false, code: "QUORUM_NOT_MET", params: { present, membersTotal } };
  const carried = votesFor * 2 > present;
  if (action.proposal === "PROPOSE" && !carried) return { ok: false, code: "MAJORITY_NOT_REACHED", params: { votesFor, present } };
  if (action.proposal === "DECLINE" && carried) return { ok: false, code: "VOTE_CONTRADICTS_PROPOSAL" };
  return null;
}

function enterStage(
  definition: WorkflowDefinition,
  key: string,
  now: Date,
  base: Pick<Transition, "event" | "reason" | "payload"> & Partial<Transition>,
): Transition {
  const next: Stage = stageOf(definition, key);
  return {
    ok: true,
    toStage: key,
    publicityEndsAt: next.kind === "PUBLICITY" ? publicityEnd(now, next.days) : null,
    dataComparison: null,
    finalStatus: next.kind === "END" ? next.status : null,
    ...base,
  };
}

/** A list published today for N days comes down at the end of the N-th calendar day after today, China time. */
export function publicityEnd(from: Date, days: number): Date {
  return endOfChinaDay(chinaDay(from) + days);
}

/** Whether a case falls in a review stage's survey sample: a stable draw from its id, so every instance agrees. */
export function isSampled(caseId: string, stageKey: string, percent: number): boolean {
  let hash = 0x811c9dc5;
  for (const char of `${caseId}:${stageKey}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash % 100 < percent;
}
