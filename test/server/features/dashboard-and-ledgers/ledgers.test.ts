import { describe, expect, it } from "vitest";
import {
  cellsOf,
  describeFact,
  chinaDateText,
  columnsFor,
  ledgers,
  periodBounds,
  type HouseholdLedgerRow,
  type LedgerRow,
} from "../../../../server/features/dashboard-and-ledgers/ledgers.ts";
import { hardestHousehold, profileOf, type HouseholdRecord } from "../../../../server/features/households/household-selections.ts";
import { hasKey, translator } from "../../../../server/core/i18n/i18n.ts";
import { caseLedgerIds, householdLedgerIds, isLedgerId, ledgerIds } from "../../../../server/core/vocabulary.ts";
import { contentDisposition, csvLine } from "../../../../server/platform/spreadsheets/spreadsheet-formats.ts";

const row: LedgerRow = {
  number: "2026-000007",
  kind: "MONITORING_APPLICATION",
  channel: "MINI_PROGRAM",
  riskTypes: ["ILLNESS", "SCHOOLING"],
  regionName: "石门村",
  applicantName: "张德福",
  phone: "13800001234",
  idNumber: "110101195603071234",
  stage: "TOWNSHIP_REVIEW",
  status: "OPEN",
  // 23:30 on 24 November UTC is already 25 November in China.
  submittedAt: new Date("2026-11-24T23:30:00Z"),
  stageDueAt: new Date("2026-11-20T02:00:00Z"),
  stageDueProvisional: false,
  monitoredSince: null,
  eliminatedAt: null,
};
const ctx = { t: translator("zh-CN"), now: new Date("2026-11-25T02:00:00Z") };

describe("ledger definitions", () => {
  it("have a title and column headers in both languages", () => {
    for (const id of ledgerIds) {
      const ledger = ledgers[id];
      expect(ledger.id).toBe(id);
      expect(hasKey(ledger.title), ledger.title).toBe(true);
      expect(translator("en")(ledger.title)).not.toBe(translator("zh-CN")(ledger.title));
      for (const c of ledger.columns) expect(hasKey(c.header), c.header).toBe(true);
      expect(new Set(ledger.columns.map((c) => c.key)).size).toBe(ledger.columns.length);
    }
    expect(isLedgerId("queue")).toBe(true);
    expect(isLedgerId("below-income-line")).toBe(true);
    expect(isLedgerId("no-such-ledger")).toBe(false);
  });

  it("select what each ledger is about", () => {
    expect(ledgers.queue.selection).toEqual({ period: { on: "submittedAt" } });
    expect(ledgers["newly-identified"].selection).toEqual({ monitoredOnly: true, period: { on: "monitoredSince" } });
    expect(ledgers["risk-eliminated"].selection).toEqual({
      stages: ["RISK_ELIMINATED"],
      period: { on: "enteredStage", stage: "RISK_ELIMINATED" },
    });
    for (const id of caseLedgerIds) expect(ledgers[id].subject).toBe("cases");
    // Each household ledger is one rule of server/features/households/household-selections.ts; the hardest keeps ten a village.
    for (const id of householdLedgerIds) expect(ledgers[id]).toMatchObject({ subject: "households", selection: { rule: id } });
    expect(ledgers["hardest-households"].selection.perVillage).toBe(10);
    expect(ledgerIds).toEqual([...caseLedgerIds, ...householdLedgerIds]);
  });

  it("mask names, phones and ID numbers and localize labels", () => {
    const columns = columnsFor(ledgers.queue, "TOWNSHIP");
    const cells = Object.fromEntries(columns.map((c, i) => [c.key, cellsOf(columns, row, ctx)[i]]));
    expect(cells).toEqual({
      number: "2026-000007",
      region: "石门村",
      applicantName: "张**",
      phone: "138****1234",
      idNumber: "1101**********1234",
      kind: "防返贫监测申请",
      channel: "小程序",
      riskTypes: "因病、因学",
      stage: "乡镇审核",
      status: "办理中",
      submittedAt: "2026-11-25",
      stageDueAt: "2026-11-20",
      overdue: "是",
    });
    const en = cellsOf(columns, { ...row, status: "CLOSED", idNumber: null }, { ...ctx, t: translator("en") });
    const t = translator("en");
    expect(en[7]).toBe(`${t("riskTypes.ILLNESS")}, ${t("riskTypes.SCHOOLING")}`);
    expect(en[8]).toBe(t("stages.TOWNSHIP_REVIEW"));
    expect(en[4]).toBeNull();
    expect(en.at(-1)).toBe("No");
    expect(en[9]).toBe(t("statuses.CLOSED"));
    // A date counted on the holiday law alone says so in the file.
    const provisional = cellsOf(columns, { ...row, stageDueAt: new Date("2027-01-05T15:59:59.999Z"), stageDueProvisional: true }, ctx);
    expect(provisional.at(-2)).toBe("2027-01-05(暂定)");
  });

  it("leave out health-related columns for department handlers only", () => {
    expect(columnsFor(ledgers.queue, "DEPARTMENT").map((c) => c.key)).not.toContain("riskTypes");
    expect(columnsFor(ledgers.queue, "COUNTY").map((c) => c.key)).toContain("riskTypes");
    for (const id of ledgerIds) expect(columnsFor(ledgers[id], "DEPARTMENT").some((c) => c.healthRelated)).toBe(false);
  });
});

describe("household ledgers", () => {
  const record: HouseholdRecord = {
    number: "990101001001-0011",
    villageName: "石门村",
    category: "FORMERLY_POOR",
    headIdNumber: "990101194803120018",
    members: [
      {
        name: "陈玉兰",
        relation: "HEAD",
        birthDate: new Date("1948-03-12T00:00:00Z"),
        labourCapacity: "NONE",
        health: "SERIOUS_ILLNESS",
        schooling: "NOT_IN_SCHOOL",
      },
      {
        name: "陈浩",
        relation: "GRANDCHILD",
        birthDate: new Date("2010-09-01T00:00:00Z"),
        labourCapacity: "NOT_WORKING_AGE",
        health: "HEALTHY",
        schooling: "SENIOR_SECONDARY",
      },
    ],
    incomes: [{ year: 2026, source: "TRANSFER", amount: 7000, productionCost: 0 }],
    expenses: [{ year: 2026, kind: "MEDICAL", amount: 5000 }],
    activeCaseRiskTypes: [],
    guaranteesAtRisk: ["HOUSING"],
  };
  const profile = profileOf(record, () => ({ year: 2026, regionCode: "99", incomeLine: 8500 }), ctx.now);
  const hardest: HouseholdLedgerRow = { profile, facts: hardestHousehold(profile)!, rank: 1 };

  it("show who, where and the year's figures, masked, with the qualifying facts in words", () => {
    const columns = columnsFor(ledgers["hardest-households"], "COUNTY");
    const cells = Object.fromEntries(columns.map((c, i) => [c.key, cellsOf(columns, hardest, ctx)[i]]));
    expect(cells).toEqual({
      rank: 1,
      village: "石门村",
      householdNumber: "990101001001-0011",
      headName: "陈**",
      members: 2,
      headIdNumber: "9901**********0018",
      category: "脱贫户",
      monitoringStatus: "未纳入监测",
      year: 2026,
      perCapitaNetIncome: 3500,
      incomeLine: 8500,
      perCapitaAfterRigidExpenses: 1000,
      facts:
        "人均纯收入 3500 元,低于标准 8500 元;扣除刚性支出后人均 1000 元,低于标准 8500 元;家中无劳动力;住房安全有风险(最近一次入户核实)",
      healthFacts: "陈**:大病",
    });
    // Department handlers never see the illness.
    expect(columnsFor(ledgers["hardest-households"], "DEPARTMENT").map((c) => c.key)).not.toContain("healthFacts");
  });

  it("describe every kind of fact in both languages, names masked", () => {
    const en = translator("en");
    expect(describeFact({ kind: "IN_NON_COMPULSORY_SCHOOL", name: "陈浩", age: 16, schooling: "SENIOR_SECONDARY" }, ctx.t)).toBe(
      "陈*,16 岁,高中",
    );
    expect(describeFact({ kind: "IDLE_LABOURER", name: "孙大勇", age: 41, labourCapacity: "FULL" }, en)).toBe(
      "孙**, 41, able to work, no wage work",
    );
    expect(
      describeFact({ kind: "WAGE_DROP", year: 2026, wage: 30000, previousYear: 2025, previousWage: 52000, dropPercent: 42 }, ctx.t),
    ).toBe("务工收入 2025 年 52000 元,2026 年 30000 元,下降 42%");
    expect(describeFact({ kind: "NO_WAGE_INCOME", year: 2026 }, en)).toBe("no wage income in the household in 2026");
    expect(describeFact({ kind: "UNSTABLE_WORK_CASE" }, ctx.t)).toBe("有在办或已认定的务工就业不稳案件");
    // Every fact's wording exists in both languages.
    for (const kind of [
      "BELOW_LINE",
      "BELOW_LINE_AFTER_RIGID_EXPENSES",
      "NO_LABOUR",
      "GUARANTEE_AT_RISK",
      "ILL_OR_DISABLED",
      "IN_NON_COMPULSORY_SCHOOL",
      "IDLE_LABOURER",
      "NO_WAGE_INCOME",
      "WAGE_DROP",
      "UNSTABLE_WORK_CASE",
    ]) {
      expect(hasKey(`ledgers.facts.${kind}`), kind).toBe(true);
    }
  });

  it("leave figures empty for a household without income on record", () => {
    const bare = profileOf({ ...record, incomes: [], expenses: [] }, () => null, ctx.now);
    const columns = columnsFor(ledgers["multi-child-schooling"], "VILLAGE");
    const cells = cellsOf(columns, { profile: bare, facts: [], rank: null }, ctx);
    expect(cells.slice(7, 11)).toEqual([null, null, null, null]);
    expect(cells.at(-1)).toBeNull();
  });
});

describe("periodBounds", () => {
  it("turns China calendar dates into a half-open range of instants", () => {
    expect(periodBounds("2026-11-01", "2026-11-30")).toEqual({
      gte: new Date("2026-10-31T16:00:00Z"),
      lt: new Date("2026-11-30T16:00:00Z"),
    });
    expect(periodBounds(undefined, "2026-11-30")).toEqual({ lt: new Date("2026-11-30T16:00:00Z") });
    expect(periodBounds("2026-11-01")).toEqual({ gte: new Date("2026-10-31T16:00:00Z") });
    expect(periodBounds()).toEqual({});
  });

  it("agrees with the China date of the instants at its edges", () => {
    const { gte, lt } = periodBounds("2026-11-25", "2026-11-25");
    expect(chinaDateText(gte!)).toBe("2026-11-25");
    expect(chinaDateText(new Date(lt!.getTime() - 1))).toBe("2026-11-25");
    expect(chinaDateText(lt!)).toBe("2026-11-26");
  });
});

describe("csvLine", () => {
  it("quotes what needs quoting and ends with CRLF", () => {
    expect(csvLine(["a", 1, null, 'say "hi"', "x,y", "two\nlines"])).toBe('a,1,,"say ""hi""","x,y","two\nlines"\r\n');
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    expect(csvLine(['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "張*"])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),張*\r\n`,
    );
    // Numbers stay numbers.
    expect(csvLine([-5])).toBe("-5\r\n");
  });
});

describe("contentDisposition", () => {
  it("carries the Chinese file name in RFC 5987 form with an ASCII fallback", () => {
    const header = contentDisposition("案件台账-2026-11-25.csv", "ledger-queue-2026-11-25.csv");
    expect(header).toBe(
      `attachment; filename="ledger-queue-2026-11-25.csv"; filename*=UTF-8''${encodeURIComponent("案件台账")}-2026-11-25.csv`,
    );
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe("案件台账-2026-11-25.csv");
    expect(contentDisposition("a'(b).csv", 'x"y.csv')).toBe(`attachment; filename="x_y.csv"; filename*=UTF-8''a%27%28b%29.csv`);
  });
});
