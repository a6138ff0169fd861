import { describe, expect, it } from "vitest";
import {
  riskEventProgress,
  riskEventTypes,
  riskTypesOfEvent,
  type TrackedCase,
} from "../../../../server/features/screening-and-leads/risk-events.ts";

const now = new Date("2026-11-25T02:00:00Z");
const before = new Date("2026-11-24T02:00:00Z");
const after = new Date("2026-11-30T02:00:00Z");

function tracked(
  villageCode: string,
  status: TrackedCase["status"],
  stage: string,
  stageDueAt: Date | null,
  outcome: TrackedCase["outcome"] = "LEAD_CREATED",
): TrackedCase {
  return {
    villageCode,
    villageName: villageCode === "A" ? "石门村" : "白沙村",
    outcome,
    status,
    stage,
    stageDueAt,
    stageDueProvisional: false,
  };
}

describe("risk events", () => {
  it("maps every event type to risk types (a flood is a disaster)", () => {
    for (const type of riskEventTypes) expect(riskTypesOfEvent[type].length).toBeGreaterThan(0);
    expect(riskTypesOfEvent.FLOOD).toEqual(["DISASTER"]);
    expect(riskTypesOfEvent.MASS_UNEMPLOYMENT).toContain("UNSTABLE_WORK");
  });

  it("counts open, overdue and decided cases, by village and by stage", () => {
    const progress = riskEventProgress(
      [
        tracked("B", "OPEN", "VILLAGE_VERIFICATION", after),
        tracked("A", "OPEN", "VILLAGE_VERIFICATION", before),
        tracked("A", "OPEN", "TOWNSHIP_REVIEW", after, "ALREADY_OPEN"),
        tracked("A", "REJECTED", "NOT_IDENTIFIED", null),
        tracked("B", "APPROVED", "HELP", null),
        // A decided case past its old due date is not overdue.
        tracked("B", "CLOSED", "RISK_ELIMINATED", before),
      ],
      now,
    );
    expect(progress).toMatchObject({
      households: 6,
      leadsCreated: 5,
      alreadyOpen: 1,
      open: 3,
      overdue: 1,
      decided: { total: 3, approved: 1, rejected: 1, closed: 1, withdrawn: 0 },
    });
    expect(progress.byVillage.map((v) => [v.villageCode, v.households, v.open, v.overdue, v.decided.total])).toEqual([
      ["A", 3, 2, 1, 1],
      ["B", 3, 1, 0, 2],
    ]);
    expect(progress.byStage[0]).toEqual({ stage: "VILLAGE_VERIFICATION", count: 2 });
    expect(progress.byStage.reduce((n, s) => n + s.count, 0)).toBe(6);
  });

  it("is all zero for an event with no household to check", () => {
    expect(riskEventProgress([], now)).toEqual({
      households: 0,
      leadsCreated: 0,
      alreadyOpen: 0,
      open: 0,
      overdue: 0,
      decided: { total: 0, approved: 0, rejected: 0, closed: 0, withdrawn: 0 },
      byStage: [],
      byVillage: [],
    });
  });
});
