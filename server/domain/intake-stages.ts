import type { RoutingDecision } from "./routing.ts";

/**
 * The first desk of a new case and its limit in statutory working days.
 * Village verification: 5 working days (seed 004 篇九 §(三)); triage at a
 * township or county: 2 working days, a local decision (docs/decisions.md).
 */
export const intakeStages = {
  VILLAGE_VERIFICATION: { workingDays: 5 },
  TOWNSHIP_TRIAGE: { workingDays: 2 },
  COUNTY_TRIAGE: { workingDays: 2 },
} as const;

export type IntakeStage = keyof typeof intakeStages;

export function firstStage(decision: RoutingDecision): IntakeStage {
  return decision.outcome === "VILLAGE" ? "VILLAGE_VERIFICATION" : decision.outcome;
}
