import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

describe("申请帮扶: an application with the household's members, incomes and expenses", () => {
  let t: TestApp;
  let wx: FakeWx;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-applicant"));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.storage.delete("apply-draft");
  });

  const fire = async (page: RenderedPage, selector: string, event: string, detail: object = {}) => {
    const node = page.query(selector);
    if (!node) throw new Error(`no ${selector} on the page: ${page.text().slice(0, 300)}`);
    node.dispatchEvent(event, { detail });
    await tick();
  };

  it("checks the household on the phone by the server's rules and sends nothing until they hold", async () => {
    const page = renderPage("pages/apply/apply");
    await wx.settled();
    await fire(page, ".field-applicantName", "input", { value: "孙秀兰" });
    await fire(page, ".field-phone", "input", { value: "13711112222" });
    await fire(page, ".field-description", "input", { value: "老伴瘫痪在床,每月药费两千多" });
    await fire(page, ".consents", "change", { value: ["personal"] });
    // An account number without its bank, and too short to be one.
    await fire(page, ".field-bankAccountNumber", "input", { value: "62179" });
    await fire(page, ".submit", "tap");
    await wx.settled();
    expect(page.query(".error-bankName")?.dom.textContent).toBeTruthy();
    expect(page.query(".error-bankAccountNumber")?.dom.textContent).toBeTruthy();
    // The head's year of birth is missing, and an application needs the economic check.
    expect(page.query(".error-member-birthYear")?.dom.textContent).toBeTruthy();
    expect(page.query(".error-familyEconomicCheck")?.dom.textContent).toContain("授权");
    expect(await t.database.db.prisma.case.count({ where: { applicantName: "孙秀兰" } })).toBe(0);
    // All of it was kept as a draft.
    expect(wx.storage.get("apply-draft")).toMatchObject({ applicantName: "孙秀兰", phone: "13711112222" });
  });

  it("files the application with the declared household and each adult's own consent", async () => {
    const page = renderPage("pages/apply/apply");
    await wx.settled();
    await fire(page, ".field-kind", "change", { value: "ASSISTANCE_APPLICATION" });
    await fire(page, ".field-applicantName", "input", { value: "吴守田" });
    await fire(page, ".field-phone", "input", { value: "13722223333" });
    await fire(page, ".field-description", "input", { value: "我得了尿毒症每周透析,家里没有收入" });
    const villages = page.instance.data.villages as { code: string; label: string }[];
    await fire(page, ".field-region", "change", { value: villages.findIndex((v) => v.label === "柳溪镇 石门村") });
    await fire(page, ".field-bankName", "input", { value: "青山县农村信用合作联社" });
    await fire(page, ".field-bankAccountNumber", "input", { value: "6217 9955 1000 2223 334" });
    await fire(page, ".member-0 .member-birthYear", "input", { value: "1962" });
    await fire(page, ".member-0 .member-health", "change", { value: 2 });
    await fire(page, ".add-member", "tap");
    await fire(page, ".member-1 .member-name", "input", { value: "吴桂芬" });
    await fire(page, ".member-1 .member-birthYear", "input", { value: "1964" });
    await fire(page, ".add-income", "tap");
    await fire(page, ".income-0 .income-amount", "input", { value: "9600" });
    await fire(page, ".add-expense", "tap");
    await fire(page, ".expense-0 .expense-amount", "input", { value: "18000" });
    await fire(page, ".consents", "change", { value: ["personal", "economic"] });
    expect(page.text()).toContain("吴桂芬");
    await fire(page, ".also-agreed", "change", { value: ["吴桂芬"] });
    await fire(page, ".submit", "tap");
    await wx.settled();
    await tick(20);

    const number = page.query(".case-number")?.dom.textContent;
    expect(number).toMatch(/^2026-\d{6}$/);
    const filed = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number: number! }, include: { consents: true } });
    expect(filed).toMatchObject({ kind: "ASSISTANCE_APPLICATION", channel: "MINI_PROGRAM", applicantName: "吴守田" });
    expect(filed.consents.map((c) => `${c.grantorName}:${c.scope}`).sort()).toEqual([
      "吴守田:FAMILY_ECONOMIC_CHECK",
      "吴守田:PERSONAL_INFORMATION",
      "吴桂芬:FAMILY_ECONOMIC_CHECK",
      "吴桂芬:PERSONAL_INFORMATION",
    ]);
    const village = await t.staffToken("village-shimen");
    const detail = (
      await t.app.inject({ method: "GET", url: `/api/staff/cases/${filed.id}`, headers: { authorization: `Bearer ${village}` } })
    ).json();
    expect(detail.declaredHousehold).toMatchObject({
      members: [
        { name: "吴守田", relation: "HEAD", birthYear: 1962, health: "SERIOUS_ILLNESS" },
        { name: "吴桂芬", relation: "SPOUSE", birthYear: 1964 },
      ],
      incomes: [{ source: "WAGE", amount: 9600 }],
      expenses: [{ kind: "MEDICAL", amount: 18000 }],
      perCapitaNetIncome: 4800,
      belowLine: true,
    });
    // The payment account is kept encrypted and shown to the village masked.
    expect(filed.bankAccountEnc).not.toContain("2223334");
    expect(detail.bankAccount).toMatchObject({ bankName: "青山县农村信用合作联社", numberMasked: expect.stringMatching(/^6217 .*3334$/) });
    expect(JSON.stringify(detail)).not.toContain("6217995510002223334");
    expect(wx.storage.get("apply-draft")).toBeUndefined();
  });
});
