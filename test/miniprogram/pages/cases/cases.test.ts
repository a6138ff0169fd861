import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

const resident = "mp-cases-owner";

describe("我的申请: the resident's case list against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram(resident));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
    wx.calls.length = 0;
  });

  const report = async (name: string, description: string, kind: "HARDSHIP_REPORT" | "MONITORING_APPLICATION" = "HARDSHIP_REPORT") => {
    const response = await t.submit(await t.residentToken(name), {
      kind,
      description,
      regionCode: "990101001001",
      applicantName: "孙大娘",
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { number: string };
  };
  const numbers = (page: RenderedPage) => page.all(".case-number").map((n) => n.dom.textContent);
  const navigations = () => wx.calls.filter((c) => c.api === "navigateTo").map((c) => c.options.url);

  // First, before anything logs in: offline, even wx.login fails, and the page must still say what is wrong.
  it("says plainly that there is no network, and loads once retried online, with an empty list", async () => {
    wx.setOnline(false);
    const page = renderPage("pages/cases/cases");
    await wx.settled();
    await tick();
    expect(page.text()).toContain("现在没有网络,看不到办理进度。请连上网络后点“重试”。");
    expect(page.query(".case")).toBeUndefined();

    wx.setOnline(true);
    page.query(".retry")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(page.query(".retry")).toBeUndefined();
    expect(page.text()).not.toContain("没有网络");
    expect(page.query(".empty")?.dom.textContent).toContain("您还没有提交过申请");
  });

  it("lists the resident's own cases with kind, status, stage, next step and its expected date, and opens one", async () => {
    const first = await report(resident, "老伴住院花了三万多,家里没有收入了");
    const second = await report(resident, "家里房子被洪水冲了", "MONITORING_APPLICATION");
    const neighbours = await report("mp-cases-neighbour", "邻居家的困难");

    const page = renderPage("pages/cases/cases");
    await wx.settled();
    await tick();
    const cases = page.all(".case");
    // Newest first.
    expect(numbers(page)).toEqual([second.number, first.number]);
    expect(page.text()).not.toContain(neighbours.number);
    const text = cases[1]!.dom.textContent.replace(/\s+/g, " ");
    expect(text).toContain("困难情况报告");
    expect(text).toContain("办理中");
    expect(text).toContain("村里上门核实");
    expect(text).toContain("石门村的工作人员会在 2026年12月2日周三 前到您家了解情况");
    expect(page.all(".expected").map((e) => e.dom.textContent)).toEqual(["预计 2026年12月2日周三 前", "预计 2026年12月2日周三 前"]);
    expect(cases[0]!.dom.textContent).toContain("防返贫监测申请");

    cases[1]!.dispatchEvent("tap");
    page.query(".report")!.dispatchEvent("tap");
    page.query(".object")!.dispatchEvent("tap");
    await tick();
    expect(navigations()).toEqual([`/pages/case/case?number=${first.number}`, "/pages/report/report", "/pages/objection/objection"]);
  });

  it("shows a newly filed case when the page is shown again", async () => {
    const page = renderPage("pages/cases/cases");
    await wx.settled();
    const before = page.all(".case").length;
    const filed = await report(resident, "孩子上大学学费交不起");
    page.instance.onShow!();
    await wx.settled();
    await tick();
    expect(page.all(".case")).toHaveLength(before + 1);
    expect(numbers(page)[0]).toBe(filed.number);

    // Shown again without network: the list stays, with the reason it may be out of date.
    wx.setOnline(false);
    page.instance.onShow!();
    await wx.settled();
    await tick();
    expect(numbers(page)[0]).toBe(filed.number);
    expect(page.text()).toContain("现在没有网络");
    expect(page.query(".retry")).toBeDefined();
  });

  it("speaks English when the resident chose it", async () => {
    wx.storage.set("locale", "en");
    try {
      const page = renderPage("pages/cases/cases");
      await wx.settled();
      await tick();
      const text = page.text();
      expect(text).toContain("My applications");
      expect(text).toContain("Hardship report");
      expect(text).toContain("Expected by Wed, December 2, 2026");
      expect(text).toContain("In progress");
    } finally {
      wx.storage.delete("locale");
    }
  });
});
