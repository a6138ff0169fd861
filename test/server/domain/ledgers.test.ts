import { describe, expect, it } from "vitest";
import {
  cellsOf,
  chinaDateText,
  columnsFor,
  contentDisposition,
  csvLine,
  isLedgerId,
  ledgerIds,
  ledgers,
  periodBounds,
  type LedgerRow,
} from "../../../server/domain/ledgers.ts";
import { hasKey, translator } from "../../../server/i18n/i18n.ts";

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
    expect(isLedgerId("below-income-line")).toBe(false);
  });

  it("select what each ledger is about", () => {
    expect(ledgers.queue.selection).toEqual({ period: { on: "submittedAt" } });
    expect(ledgers["newly-identified"].selection).toEqual({ monitoredOnly: true, period: { on: "monitoredSince" } });
    expect(ledgers["risk-eliminated"].selection).toEqual({ stages: ["RISK_ELIMINATED"], period: { on: "enteredStage", stage: "RISK_ELIMINATED" } });
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
  });

  it("leave out health-related columns for department handlers only", () => {
    expect(columnsFor(ledgers.queue, "DEPARTMENT").map((c) => c.key)).not.toContain("riskTypes");
    expect(columnsFor(ledgers.queue, "COUNTY").map((c) => c.key)).toContain("riskTypes");
    for (const id of ledgerIds) expect(columnsFor(ledgers[id], "DEPARTMENT").some((c) => c.healthRelated)).toBe(false);
  });
});

describe("periodBounds", () => {
  it("turns China calendar dates into a half-open range of instants", () => {
    expect(periodBounds("2026-11-01", "2026-11-30")).toEqual({ gte: new Date("2026-10-31T16:00:00Z"), lt: new Date("2026-11-30T16:00:00Z") });
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
    expect(csvLine(["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "張*"])).toBe(`"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),張*\r\n`);
    // Numbers stay numbers.
    expect(csvLine([-5])).toBe("-5\r\n");
  });
});

describe("contentDisposition", () => {
  it("carries the Chinese file name in RFC 5987 form with an ASCII fallback", () => {
    const header = contentDisposition("案件台账-2026-11-25.csv", "ledger-queue-2026-11-25.csv");
    expect(header).toBe(`attachment; filename="ledger-queue-2026-11-25.csv"; filename*=UTF-8''${encodeURIComponent("案件台账")}-2026-11-25.csv`);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe("案件台账-2026-11-25.csv");
    expect(contentDisposition("a'(b).csv", 'x"y.csv')).toBe(`attachment; filename="x_y.csv"; filename*=UTF-8''a%27%28b%29.csv`);
  });
});
