import { describe, expect, it } from "vitest";
import shippedJson from "../../../../server/features/households/monitoring-standards.json" with { type: "json" };
import {
  assessHousehold,
  monitoringStandardSchema,
  monitoringStandardsFileSchema,
  shippedMonitoringStandards,
  standardFor,
  type HouseholdFigures,
  type MonitoringStandard,
} from "../../../../server/features/households/household-assessment.ts";

const LINE = 8500;
const graded: MonitoringStandard = { year: 2026, regionCode: "99", incomeLine: LINE, grading: { yellowMultiple: 2 } };
const ungraded: MonitoringStandard = { year: 2026, regionCode: "99", incomeLine: LINE };

/** A household whose only figure is its wages, so the net income is exactly `wages`. */
function household(members: number, wages: number, extra: Partial<HouseholdFigures> = {}): HouseholdFigures {
  return { members, incomes: [{ source: "WAGE", amount: wages, productionCost: 0 }], expenses: [], guaranteesAtRisk: [], ...extra };
}

describe("assessHousehold: income", () => {
  it("subtracts each source's production cost from its amount", () => {
    const result = assessHousehold(
      {
        members: 1,
        incomes: [
          { source: "WAGE", amount: 20_000, productionCost: 0 },
          { source: "BUSINESS", amount: 15_000, productionCost: 9_000 },
          { source: "PROPERTY", amount: 1_000, productionCost: 200 },
          { source: "TRANSFER", amount: 3_000, productionCost: 0 },
        ],
        expenses: [],
        guaranteesAtRisk: [],
      },
      ungraded,
    );
    expect(result.netIncome).toBe(29_800);
    expect(result.perCapitaNetIncome).toBe(29_800);
  });

  it("allows a negative net income from a business loss and counts it below the line", () => {
    const result = assessHousehold(
      {
        members: 3,
        incomes: [
          { source: "WAGE", amount: 4_000, productionCost: 0 },
          { source: "BUSINESS", amount: 5_000, productionCost: 12_000 },
        ],
        expenses: [],
        guaranteesAtRisk: [],
      },
      ungraded,
    );
    expect(result.netIncome).toBe(-3_000);
    expect(result.perCapitaNetIncome).toBe(-1_000);
    expect(result.belowLine).toBe(true);
  });

  it("counts only medical and education as rigid expenses", () => {
    const result = assessHousehold(
      household(2, 60_000, {
        expenses: [
          { kind: "MEDICAL", amount: 6_000 },
          { kind: "EDUCATION", amount: 4_000 },
          { kind: "OTHER", amount: 50_000 },
          { kind: "MEDICAL", amount: 1_500 },
        ],
      }),
      ungraded,
    );
    expect(result.rigidExpenses).toBe(11_500);
    // 60,000 − 11,500 over two people; the 50,000 "other" would have pushed it below the line.
    expect(result.perCapitaAfterRigidExpenses).toBe(24_250);
    expect(result.belowLineAfterRigidExpenses).toBe(false);
  });

  it("divides by the number of members and rounds per-capita figures to whole yuan", () => {
    const result = assessHousehold(household(4, 30_002, { expenses: [{ kind: "EDUCATION", amount: 1_000 }] }), ungraded);
    expect(result.perCapitaNetIncome).toBe(7_501); // 7,500.5 rounds up
    expect(result.perCapitaAfterRigidExpenses).toBe(7_251); // 7,250.5
    expect(result.incomeLine).toBe(LINE);
  });

  it("is not below the line exactly at the line", () => {
    const result = assessHousehold(household(2, 2 * LINE), ungraded);
    expect(result.perCapitaNetIncome).toBe(LINE);
    expect(result.belowLine).toBe(false);
    expect(result.belowLineAfterRigidExpenses).toBe(false);
    expect(result.reasons).toEqual([]);
  });

  it("compares the exact per-capita income, not the rounded one shown", () => {
    // 25,499 / 3 = 8,499.67: displayed as 8,500 yet below the line.
    const below = assessHousehold(household(3, 3 * LINE - 1), ungraded);
    expect(below.perCapitaNetIncome).toBe(LINE);
    expect(below.belowLine).toBe(true);
    // 25,501 / 3 = 8,500.33: also displayed as 8,500, and not below.
    const above = assessHousehold(household(3, 3 * LINE + 1), ungraded);
    expect(above.perCapitaNetIncome).toBe(LINE);
    expect(above.belowLine).toBe(false);
  });

  it("flags a sudden-hardship household that is below the line only after rigid expenses", () => {
    const result = assessHousehold(household(2, 30_000, { expenses: [{ kind: "MEDICAL", amount: 20_000 }] }), ungraded);
    expect(result.perCapitaNetIncome).toBe(15_000);
    expect(result.belowLine).toBe(false);
    expect(result.perCapitaAfterRigidExpenses).toBe(5_000);
    expect(result.belowLineAfterRigidExpenses).toBe(true);
    expect(result.reasons).toEqual(["BELOW_LINE_AFTER_RIGID_EXPENSES"]);
  });

  it("reports both codes when income is below the line before any expenses", () => {
    const result = assessHousehold(household(1, 5_000, { expenses: [{ kind: "EDUCATION", amount: 1_000 }] }), ungraded);
    expect(result.reasons).toEqual(["BELOW_LINE", "BELOW_LINE_AFTER_RIGID_EXPENSES"]);
  });

  it("reports guarantees at risk once each, in a fixed order", () => {
    const result = assessHousehold(household(1, 100_000, { guaranteesAtRisk: ["DRINKING_WATER", "HOUSING", "DRINKING_WATER"] }), ungraded);
    expect(result.guaranteesAtRisk).toEqual(["HOUSING", "DRINKING_WATER"]);
    expect(result.reasons).toEqual(["GUARANTEE_AT_RISK:HOUSING", "GUARANTEE_AT_RISK:DRINKING_WATER"]);
  });
});

describe("assessHousehold: three-colour grading", () => {
  it("grades RED when income after rigid expenses is below the line", () => {
    const result = assessHousehold(household(2, 2 * LINE + 1_000, { expenses: [{ kind: "MEDICAL", amount: 1_001 }] }), graded);
    expect(result.belowLine).toBe(false);
    expect(result.grade).toBe("RED");
  });

  it("grades RED when a guarantee is at risk despite a high income", () => {
    const result = assessHousehold(household(1, 10 * LINE, { guaranteesAtRisk: ["HOUSING"] }), graded);
    expect(result.belowLine).toBe(false);
    expect(result.grade).toBe("RED");
    expect(result.reasons).toEqual(["GUARANTEE_AT_RISK:HOUSING"]);
  });

  it("grades YELLOW from exactly the line up to and including yellowMultiple × line", () => {
    const atLine = assessHousehold(household(2, 2 * LINE), graded);
    expect(atLine.grade).toBe("YELLOW");
    expect(atLine.reasons).toEqual(["WITHIN_YELLOW_BAND"]);
    expect(assessHousehold(household(2, 3 * LINE), graded).grade).toBe("YELLOW");
    expect(assessHousehold(household(2, 2 * 2 * LINE), graded).grade).toBe("YELLOW");
  });

  it("grades GREEN above yellowMultiple × line", () => {
    const result = assessHousehold(household(2, 2 * 2 * LINE + 1), graded);
    expect(result.grade).toBe("GREEN");
    expect(result.reasons).toEqual([]);
  });

  it("grades on income after rigid expenses, so large medical costs turn GREEN into YELLOW", () => {
    expect(assessHousehold(household(1, 3 * LINE), graded).grade).toBe("GREEN");
    expect(assessHousehold(household(1, 3 * LINE, { expenses: [{ kind: "MEDICAL", amount: LINE }] }), graded).grade).toBe("YELLOW");
  });

  it("honours a configured multiple other than 2, exactly at a boundary doubles get wrong", () => {
    // 1.15 × 5,004 × 5 is 28,772.999… in floating point; the exact band edge is 28,773.
    const standard: MonitoringStandard = { year: 2026, regionCode: "99", incomeLine: 5_004, grading: { yellowMultiple: 1.15 } };
    expect(assessHousehold(household(5, 28_773), standard).grade).toBe("YELLOW");
    expect(assessHousehold(household(5, 28_774), standard).grade).toBe("GREEN");
  });

  it("does not grade when the standard has no grading", () => {
    const result = assessHousehold(household(2, 3 * LINE), ungraded);
    expect(result.grade).toBeNull();
    expect(result.reasons).toEqual([]);
    expect(assessHousehold(household(2, LINE), ungraded).grade).toBeNull();
  });
});

describe("assessHousehold: invalid figures", () => {
  it.each([0, -1, 1.5, Number.NaN])("rejects %s members", (members) => {
    expect(() => assessHousehold(household(members, 10_000), graded)).toThrow(RangeError);
  });

  it("rejects fractional or negative amounts", () => {
    expect(() => assessHousehold(household(1, 10_000.5), graded)).toThrow(RangeError);
    expect(() => assessHousehold(household(1, 10_000, { expenses: [{ kind: "MEDICAL", amount: -500 }] }), graded)).toThrow(RangeError);
  });
});

describe("standardFor", () => {
  const standards: MonitoringStandard[] = [
    { year: 2026, regionCode: "530102", incomeLine: 8_300 },
    { year: 2026, regionCode: "53", incomeLine: 8_050 },
    { year: 2025, regionCode: "53", incomeLine: 7_800 },
    { year: 2026, regionCode: "5301", incomeLine: 8_100 },
  ];

  it("picks the county's own standard over the province's, whatever the list order", () => {
    expect(standardFor(standards, 2026, "530102")?.incomeLine).toBe(8_300);
    expect(standardFor([...standards].reverse(), 2026, "530102")?.incomeLine).toBe(8_300);
    // A village inside the county falls under the county's line too.
    expect(standardFor(standards, 2026, "530102001001")?.incomeLine).toBe(8_300);
  });

  it("falls back to the nearest enclosing level", () => {
    expect(standardFor(standards, 2026, "530103")?.incomeLine).toBe(8_100);
    expect(standardFor(standards, 2026, "532301")?.incomeLine).toBe(8_050);
    expect(standardFor(standards, 2025, "530102")?.incomeLine).toBe(7_800);
  });

  it("returns null for another year or another region", () => {
    expect(standardFor(standards, 2024, "530102")).toBeNull();
    expect(standardFor(standards, 2026, "410102")).toBeNull();
    // A shared leading digit is not a prefix match on "53".
    expect(standardFor(standards, 2026, "5")).toBeNull();
  });
});

describe("monitoring standards file", () => {
  it("accepts the same region in different years", () => {
    const result = monitoringStandardsFileSchema.safeParse([
      { year: 2025, regionCode: "53", incomeLine: 7_800 },
      { year: 2026, regionCode: "53", incomeLine: 8_050 },
      { year: 2026, regionCode: "530102", incomeLine: 8_300 },
    ]);
    expect(result.success).toBe(true);
  });

  it("rejects two entries for the same year and region", () => {
    const result = monitoringStandardsFileSchema.safeParse([
      { year: 2026, regionCode: "53", incomeLine: 8_050 },
      { year: 2026, regionCode: "41", incomeLine: 7_500 },
      { year: 2026, regionCode: "53", incomeLine: 8_100 },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[2, "regionCode"]]);
  });

  it.each<[string, unknown]>([
    ["a zero income line", { year: 2026, regionCode: "53", incomeLine: 0 }],
    ["a fractional income line", { year: 2026, regionCode: "53", incomeLine: 8_050.5 }],
    ["a one-digit region code", { year: 2026, regionCode: "5", incomeLine: 8_050 }],
    ["a non-numeric region code", { year: 2026, regionCode: "53a", incomeLine: 8_050 }],
    ["a year out of range", { year: 1999, regionCode: "53", incomeLine: 8_050 }],
    ["an unknown key", { year: 2026, regionCode: "53", incomeLine: 8_050, note: "x" }],
    ["a yellow multiple of 1", { year: 2026, regionCode: "53", incomeLine: 8_050, grading: { yellowMultiple: 1 } }],
    ["an empty grading object", { year: 2026, regionCode: "53", incomeLine: 8_050, grading: {} }],
  ])("rejects %s", (_label, entry) => {
    expect(monitoringStandardSchema.safeParse(entry).success).toBe(false);
    expect(monitoringStandardsFileSchema.safeParse([entry]).success).toBe(false);
  });

  it("ships a valid file with the demo province's 2025 and 2026 lines", () => {
    const parsed = monitoringStandardsFileSchema.parse(shippedJson);
    expect(parsed).toEqual(shippedMonitoringStandards);
    // The demo county's villages are coded 990101…; they resolve to the province "99".
    expect(standardFor(parsed, 2026, "990101001001")).toEqual({
      year: 2026,
      regionCode: "99",
      incomeLine: 8_500,
      grading: { yellowMultiple: 2 },
    });
    expect(standardFor(parsed, 2025, "990101001001")).toEqual({ year: 2025, regionCode: "99", incomeLine: 8_300 });
  });
});
