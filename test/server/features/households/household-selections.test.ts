import { describe, expect, it } from "vitest";
import type { MonitoringStandard } from "../../../../server/features/households/household-assessment.ts";
import {
  ageOn,
  belowIncomeLine,
  hardestHousehold,
  hardshipOrder,
  householdRuleIds,
  householdRules,
  isHealthFact,
  multiChildSchooling,
  profileOf,
  rankWithin,
  unstableWork,
  zeroEmployment,
  type HouseholdRecord,
  type MemberRecord,
} from "../../../../server/features/households/household-selections.ts";

// Wednesday 25 November 2026, 10:00 in China.
const now = new Date("2026-11-25T02:00:00Z");
const standards: Record<number, MonitoringStandard> = {
  2025: { year: 2025, regionCode: "99", incomeLine: 8300 },
  2026: { year: 2026, regionCode: "99", incomeLine: 8500, grading: { yellowMultiple: 2 } },
};
const standardFor = (year: number) => standards[year] ?? null;

const member = (name: string, birth: string, extra: Partial<MemberRecord> = {}): MemberRecord => ({
  name,
  relation: "CHILD",
  birthDate: new Date(`${birth}T00:00:00Z`),
  labourCapacity: "NOT_WORKING_AGE",
  health: "HEALTHY",
  schooling: "NOT_IN_SCHOOL",
  ...extra,
});
const head = (extra: Partial<MemberRecord> = {}) => member("户主甲", "1975-03-01", { relation: "HEAD", labourCapacity: "FULL", ...extra });

function household(extra: Partial<HouseholdRecord> = {}): HouseholdRecord {
  return {
    number: "990101001001-0100",
    villageName: "石门村",
    category: "NONE",
    headIdNumber: null,
    members: [head()],
    incomes: [],
    expenses: [],
    activeCaseRiskTypes: [],
    guaranteesAtRisk: [],
    ...extra,
  };
}
const profile = (extra: Partial<HouseholdRecord> = {}) => profileOf(household(extra), standardFor, now);

describe("profileOf", () => {
  it("reads the latest year on record against its standard, and keeps the previous year's wages", () => {
    const p = profile({
      members: [head(), member("配偶", "1978-01-01", { relation: "SPOUSE", labourCapacity: "PARTIAL" })],
      incomes: [
        { year: 2025, source: "WAGE", amount: 30000, productionCost: 0 },
        { year: 2025, source: "BUSINESS", amount: 6000, productionCost: 1000 },
        { year: 2026, source: "WAGE", amount: 12000, productionCost: 0 },
        { year: 2026, source: "TRANSFER", amount: 2000, productionCost: 0 },
      ],
      expenses: [
        { year: 2025, kind: "MEDICAL", amount: 99999 },
        { year: 2026, kind: "EDUCATION", amount: 4000 },
      ],
    });
    expect(p.year).toBe(2026);
    expect(p.head?.name).toBe("户主甲");
    expect(p.wage).toBe(12000);
    expect(p.previous).toEqual({ year: 2025, wage: 30000, grossIncome: 36000 });
    expect(p.assessment).toMatchObject({
      netIncome: 14000,
      perCapitaNetIncome: 7000,
      rigidExpenses: 4000,
      perCapitaAfterRigidExpenses: 5000,
      incomeLine: 8500,
      belowLine: true,
    });
    expect(p.ages).toEqual([51, 48]);
  });

  it("has no figures without income on record or without a standard for the year", () => {
    expect(profile().year).toBeNull();
    expect(profile().assessment).toBeNull();
    const old = profile({ incomes: [{ year: 2019, source: "WAGE", amount: 1000, productionCost: 0 }] });
    expect(old.year).toBe(2019);
    expect(old.assessment).toBeNull();
  });

  it("counts age on the China calendar day", () => {
    // 25 November in China, already, although still 24 November in UTC.
    const lateEvening = new Date("2026-11-24T17:00:00Z");
    expect(ageOn(new Date("2010-11-25T00:00:00Z"), lateEvening)).toBe(16);
    expect(ageOn(new Date("2010-11-25T00:00:00Z"), new Date("2026-11-24T15:00:00Z"))).toBe(15);
    expect(ageOn(new Date("1967-02-28T00:00:00Z"), now)).toBe(59);
  });
});

describe("below-income-line", () => {
  const income = (amount: number) => [{ year: 2026, source: "BUSINESS" as const, amount, productionCost: 0 }];

  it("lists per-capita net income below the standard, exactly, and says after rigid expenses too", () => {
    const two = [head(), member("乙", "1980-01-01", { relation: "SPOUSE" })];
    expect(belowIncomeLine(profile({ members: two, incomes: income(16999) }))).toEqual([
      { kind: "BELOW_LINE", perCapitaNetIncome: 8500, incomeLine: 8500 },
      { kind: "BELOW_LINE_AFTER_RIGID_EXPENSES", perCapitaAfterRigidExpenses: 8500, incomeLine: 8500 },
    ]);
    // Exactly at the line is not below it.
    expect(belowIncomeLine(profile({ members: two, incomes: income(17000) }))).toBeNull();
    // Below only after rigid expenses: not this list (the hardest list reads that figure).
    expect(
      belowIncomeLine(profile({ members: two, incomes: income(20000), expenses: [{ year: 2026, kind: "MEDICAL", amount: 10000 }] })),
    ).toBeNull();
  });

  it("uses the standard of the household's latest year", () => {
    expect(belowIncomeLine(profile({ incomes: [{ year: 2025, source: "WAGE", amount: 8400, productionCost: 0 }] }))).toBeNull();
    expect(belowIncomeLine(profile({ incomes: [{ year: 2025, source: "WAGE", amount: 8299, productionCost: 0 }] }))?.[0]).toMatchObject({
      incomeLine: 8300,
    });
  });
});

describe("hardest-households", () => {
  const poor = { incomes: [{ year: 2026, source: "TRANSFER" as const, amount: 6000, productionCost: 0 }] };

  it("needs income below the line after rigid expenses and something that makes it worse", () => {
    // Below the line, but able to work and nothing else wrong: not among the hardest.
    expect(hardestHousehold(profile(poor))).toBeNull();
    expect(hardestHousehold(profile({ ...poor, members: [head({ labourCapacity: "NONE" })] }))).toEqual([
      { kind: "BELOW_LINE", perCapitaNetIncome: 6000, incomeLine: 8500 },
      { kind: "BELOW_LINE_AFTER_RIGID_EXPENSES", perCapitaAfterRigidExpenses: 6000, incomeLine: 8500 },
      { kind: "NO_LABOUR" },
    ]);
    expect(hardestHousehold(profile({ ...poor, guaranteesAtRisk: ["HOUSING", "MEDICAL"] }))?.slice(2)).toEqual([
      { kind: "GUARANTEE_AT_RISK", guarantee: "MEDICAL" },
      { kind: "GUARANTEE_AT_RISK", guarantee: "HOUSING" },
    ]);
    expect(
      hardestHousehold(
        profile({
          ...poor,
          members: [head(), member("病人", "1950-01-01", { relation: "PARENT", labourCapacity: "NONE", health: "SERIOUS_ILLNESS" })],
        }),
      )?.slice(2),
    ).toEqual([{ kind: "ILL_OR_DISABLED", name: "病人", health: "SERIOUS_ILLNESS" }]);
    // Chronic illness alone does not make it one of the hardest.
    expect(hardestHousehold(profile({ ...poor, members: [head({ health: "CHRONIC_ILLNESS" })] }))).toBeNull();
  });

  it("counts a household above the line whose rigid expenses push it below", () => {
    const facts = hardestHousehold(
      profile({
        members: [head({ labourCapacity: "NONE" })],
        incomes: [{ year: 2026, source: "TRANSFER", amount: 12000, productionCost: 0 }],
        expenses: [{ year: 2026, kind: "MEDICAL", amount: 9000 }],
      }),
    );
    expect(facts?.map((f) => f.kind)).toEqual(["BELOW_LINE_AFTER_RIGID_EXPENSES", "NO_LABOUR"]);
  });

  it("ranks the lowest income after rigid expenses first, then the fewest able to work, then the number", () => {
    const make = (number: string, income: number, members: MemberRecord[]) => ({
      profile: profile({ number, members, incomes: [{ year: 2026, source: "TRANSFER", amount: income, productionCost: 0 }] }),
    });
    const alone = [head({ labourCapacity: "NONE" })];
    const rows = [
      make("A-3", 5000, alone),
      make("A-1", 3000, alone),
      // 8,000 for two is 4,000 each: between the two above.
      make("A-2", 8000, [head({ labourCapacity: "NONE" }), member("乙", "1950-01-01", { labourCapacity: "NONE" })]),
      make("A-4", 5000, [head({ labourCapacity: "PARTIAL" })]),
      make("A-0", 5000, alone),
    ];
    expect(rankWithin(rows, 10, hardshipOrder).map((r) => [r.profile.record.number, r.rank])).toEqual([
      ["A-1", 1],
      ["A-2", 2],
      ["A-0", 3],
      ["A-3", 4],
      ["A-4", 5],
    ]);
    expect(rankWithin(rows, 2, hardshipOrder).map((r) => r.profile.record.number)).toEqual(["A-1", "A-2"]);
  });
});

describe("multi-child-schooling", () => {
  it("needs two or more members in preschool, senior secondary, vocational or higher education", () => {
    const members = [
      head(),
      member("高中生", "2009-06-01", { schooling: "SENIOR_SECONDARY" }),
      member("初中生", "2012-06-01", { schooling: "JUNIOR_SECONDARY" }),
      member("小学生", "2017-06-01", { schooling: "PRIMARY" }),
    ];
    expect(multiChildSchooling(profile({ members }))).toBeNull();
    const facts = multiChildSchooling(
      profile({ members: [...members, member("孙女", "2021-09-01", { relation: "GRANDCHILD", schooling: "PRESCHOOL" })] }),
    );
    expect(facts).toEqual([
      { kind: "IN_NON_COMPULSORY_SCHOOL", name: "高中生", age: 17, schooling: "SENIOR_SECONDARY" },
      { kind: "IN_NON_COMPULSORY_SCHOOL", name: "孙女", age: 5, schooling: "PRESCHOOL" },
    ]);
    // No income on record is needed for this list.
    expect(profile({ members }).year).toBeNull();
    expect(
      multiChildSchooling(
        profile({
          members: [
            head(),
            member("职校", "2008-01-01", { schooling: "VOCATIONAL" }),
            member("大学", "2005-01-01", { schooling: "HIGHER" }),
          ],
        }),
      ),
    ).toHaveLength(2);
  });
});

describe("zero-employment", () => {
  const noWages = [{ year: 2026, source: "BUSINESS" as const, amount: 20000, productionCost: 5000 }];

  it("lists working-age members able to work when the household earned no wages in the latest year", () => {
    const members = [
      head(),
      member("配偶", "1980-05-05", { relation: "SPOUSE", labourCapacity: "PARTIAL" }),
      member("大学生", "2005-05-05", { labourCapacity: "FULL", schooling: "HIGHER" }),
      member("老人", "1960-01-01", { relation: "PARENT", labourCapacity: "FULL" }),
      member("病人", "1985-01-01", { relation: "SIBLING", labourCapacity: "NONE" }),
    ];
    expect(zeroEmployment(profile({ members, incomes: noWages }))).toEqual([
      { kind: "IDLE_LABOURER", name: "户主甲", age: 51, labourCapacity: "FULL" },
      { kind: "IDLE_LABOURER", name: "配偶", age: 46, labourCapacity: "PARTIAL" },
      { kind: "NO_WAGE_INCOME", year: 2026 },
    ]);
  });

  it("leaves out households with any wage income, without income on record, or without working-age labour", () => {
    expect(zeroEmployment(profile({ incomes: [...noWages, { year: 2026, source: "WAGE", amount: 800, productionCost: 0 }] }))).toBeNull();
    // Wages only in an earlier year: the latest year counts.
    expect(
      zeroEmployment(profile({ incomes: [...noWages, { year: 2025, source: "WAGE", amount: 30000, productionCost: 0 }] })),
    ).not.toBeNull();
    expect(zeroEmployment(profile())).toBeNull();
    expect(zeroEmployment(profile({ members: [head({ birthDate: new Date("1966-01-01T00:00:00Z") })], incomes: noWages }))).toBeNull();
    expect(zeroEmployment(profile({ members: [head({ labourCapacity: "NONE" })], incomes: noWages }))).toBeNull();
  });
});

describe("unstable-work", () => {
  const wages = (y2025: number, y2026: number, other2025 = 0) => [
    { year: 2025, source: "WAGE" as const, amount: y2025, productionCost: 0 },
    { year: 2025, source: "BUSINESS" as const, amount: other2025, productionCost: 0 },
    { year: 2026, source: "WAGE" as const, amount: y2026, productionCost: 0 },
  ];

  it("lists a wage-dependent household whose wages fell by 30% or more", () => {
    expect(unstableWork(profile({ incomes: wages(40000, 28000) }))).toEqual([
      { kind: "WAGE_DROP", year: 2026, wage: 28000, previousYear: 2025, previousWage: 40000, dropPercent: 30 },
    ]);
    expect(unstableWork(profile({ incomes: wages(40000, 28001) }))).toBeNull();
    // Wages were less than half the income the year before: not dependent on them.
    expect(unstableWork(profile({ incomes: wages(20000, 0, 20001) }))).toBeNull();
    expect(unstableWork(profile({ incomes: wages(20000, 0, 20000) }))?.[0]).toMatchObject({ wage: 0, dropPercent: 100 });
    // Nothing to compare with.
    expect(unstableWork(profile({ incomes: [{ year: 2026, source: "WAGE", amount: 1000, productionCost: 0 }] }))).toBeNull();
  });

  it("lists a household with an open or approved case about unstable work", () => {
    expect(unstableWork(profile({ activeCaseRiskTypes: ["ILLNESS", "UNSTABLE_WORK"] }))).toEqual([{ kind: "UNSTABLE_WORK_CASE" }]);
    expect(unstableWork(profile({ activeCaseRiskTypes: ["ILLNESS"] }))).toBeNull();
  });
});

describe("the rules table", () => {
  it("has one rule per household ledger, and marks health facts", () => {
    expect(Object.keys(householdRules).sort()).toEqual([...householdRuleIds].sort());
    expect(isHealthFact({ kind: "ILL_OR_DISABLED", name: "x", health: "DISABLED" })).toBe(true);
    expect(isHealthFact({ kind: "GUARANTEE_AT_RISK", guarantee: "MEDICAL" })).toBe(true);
    expect(isHealthFact({ kind: "GUARANTEE_AT_RISK", guarantee: "HOUSING" })).toBe(false);
    expect(isHealthFact({ kind: "NO_LABOUR" })).toBe(false);
  });
});
