import type { RiskType } from "../../core/vocabulary.ts";

/**
 * Large-scale risk (规模性返贫风险, 002 §(四)): one flood, drought, epidemic,
 * price collapse, mass lay-off or failed village project puts many
 * households at risk at once. The county declares the event for the villages
 * it hit; every household to check gets a lead, and the event is tracked
 * until none is left open ("not one household missed").
 */

export const riskEventTypes = ["FLOOD", "DROUGHT", "EPIDEMIC", "PRICE_COLLAPSE", "MASS_UNEMPLOYMENT", "PROJECT_FAILURE", "OTHER"] as const;
export type RiskEventType = (typeof riskEventTypes)[number];

export const riskEventScopes = ["MONITORED", "ALL"] as const;
export type RiskEventScope = (typeof riskEventScopes)[number];

/** The risk types a lead of the event carries. */
export const riskTypesOfEvent: Record<RiskEventType, RiskType[]> = {
  FLOOD: ["DISASTER"],
  DROUGHT: ["DISASTER"],
  EPIDEMIC: ["ILLNESS"],
  PRICE_COLLAPSE: ["BUSINESS_FAILURE", "INCOME_DROP"],
  MASS_UNEMPLOYMENT: ["UNSTABLE_WORK", "INCOME_DROP"],
  PROJECT_FAILURE: ["BUSINESS_FAILURE", "INCOME_DROP"],
  OTHER: ["OTHER"],
};

/** Household categories a MONITORED event checks: those already in (or near) the monitoring net. */
export const monitoredCategories = ["FORMERLY_POOR", "FORMERLY_POOR_UNSTABLE", "MARGINAL", "SUDDEN_HARDSHIP"] as const;

export function riskEventLeadKey(eventId: string, householdId: string): string {
  return `risk-event:${eventId}:${householdId}`;
}

/** One tracked household's case as progress reads it. */
export interface TrackedCase {
  villageCode: string;
  villageName: string;
  outcome: "LEAD_CREATED" | "ALREADY_OPEN";
  status: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | "WITHDRAWN";
  stage: string;
  stageDueAt: Date | null;
  stageDueProvisional: boolean;
}

export interface Tally {
  households: number;
  leadsCreated: number;
  alreadyOpen: number;
  /** Still under review (status OPEN). */
  open: number;
  /** Past the current stage's deadline and still open. */
  overdue: number;
  decided: { total: number; approved: number; rejected: number; closed: number; withdrawn: number };
}

export interface Progress extends Tally {
  byStage: { stage: string; count: number }[];
  byVillage: ({ villageCode: string; villageName: string } & Tally)[];
}

function emptyTally(): Tally {
  return {
    households: 0,
    leadsCreated: 0,
    alreadyOpen: 0,
    open: 0,
    overdue: 0,
    decided: { total: 0, approved: 0, rejected: 0, closed: 0, withdrawn: 0 },
  };
}

function count(tally: Tally, c: TrackedCase, now: Date) {
  tally.households++;
  if (c.outcome === "LEAD_CREATED") tally.leadsCreated++;
  else tally.alreadyOpen++;
  if (c.status === "OPEN") {
    tally.open++;
    if (c.stageDueAt && c.stageDueAt < now) tally.overdue++;
    return;
  }
  tally.decided.total++;
  tally.decided[
    c.status === "APPROVED" ? "approved" : c.status === "REJECTED" ? "rejected" : c.status === "CLOSED" ? "closed" : "withdrawn"
  ]++;
}

/**
 * How far an event's checks have got: totals, by village (in code order) and
 * by current stage (most first). "Decided" counts every case no longer under
 * review: approved as a monitoring object, rejected, closed or withdrawn.
 */
export function riskEventProgress(cases: readonly TrackedCase[], now: Date): Progress {
  const total = emptyTally();
  const villages = new Map<string, { villageCode: string; villageName: string } & Tally>();
  const stages = new Map<string, number>();
  for (const c of cases) {
    count(total, c, now);
    const village = villages.get(c.villageCode) ?? { villageCode: c.villageCode, villageName: c.villageName, ...emptyTally() };
    count(village, c, now);
    villages.set(c.villageCode, village);
    stages.set(c.stage, (stages.get(c.stage) ?? 0) + 1);
  }
  return {
    ...total,
    byStage: [...stages].map(([stage, n]) => ({ stage, count: n })).sort((a, b) => b.count - a.count || a.stage.localeCompare(b.stage)),
    byVillage: [...villages.values()].sort((a, b) => a.villageCode.localeCompare(b.villageCode)),
  };
}
