import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, miniprogramRoot, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

const resident = "mp-case-owner";
const visit = {
  type: "RECORD_HOME_VISIT",
  visitedAt: "2026-11-25T01:00:00Z",
  investigators: ["赵书记", "刘芳"],
  findings: {
    annualIncome: 6000,
    rigidExpenses: 30000,
    foodAndClothing: "SECURE",
    education: "SECURE",
    medical: "AT_RISK",
    housing: "SECURE",
    drinkingWater: "SECURE",
  },
};
const propose = { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "PROPOSE", reason: "村两委会议讨论" };

describe("办理进度: one case's timeline against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let village: string;
  let township: string;
  /** The page's `wx`: the test answers what the harness does not know (subscriptions). */
  let pageWx: Record<string, unknown>;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram(resident));
    pageWx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
    village = await t.staffToken("village-shimen");
    township = await t.staffToken("township-liuxi");
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
    wx.calls.length = 0;
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const act = async (token: string, number: string, body: object) => {
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(token) })).json().items as {
      id: string;
      caseNumber: string;
    }[];
    const task = tasks.find((x) => x.caseNumber === number);
    if (!task) throw new Error(`no open task for ${number}`);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(token),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const file = async (name = resident) => {
    const response = await t.submit(await t.residentToken(name), {
      kind: "MONITORING_APPLICATION",
      description: "老伴住院花了三万多,家里没有收入了",
      regionCode: "990101001001",
    });
    expect(response.statusCode).toBe(201);
    return (response.json() as { number: string }).number;
  };
  const open = async (number: string) => {
    const page = renderPage("pages/case/case", { number });
    await wx.settled();
    await tick();
    return page;
  };
  const titles = (page: RenderedPage) => page.all(".entry-title").map((e) => e.dom.textContent);

  it("tells the story in order, with the township's reason for sending it back, and what happens next", async () => {
    const number = await file();
    await act(village, number, visit);
    await act(village, number, propose);
    t.clock.now = new Date("2026-12-01T02:00:00Z"); // the publicity has run its five days
    await act(village, number, { type: "CLOSE_PUBLICITY" });
    await act(township, number, { type: "RETURN", reason: "缺少医疗费用票据,请补充" });

    const page = await open(number);
    expect(titles(page)).toEqual(["已收到您的申请", "已交给石门村办理", "已完成入户核实", "村级评议通过", "公示期满", "乡镇审核:退回补充"]);
    expect(page.all(".entry-date").map((e) => e.dom.textContent)).toEqual([
      "2026年11月25日周三",
      "2026年11月25日周三",
      "2026年11月25日周三",
      "2026年11月25日周三",
      "2026年12月1日周二",
      "2026年12月1日周二",
    ]);
    // The reason is on screen, marked as the reason, under the entry it belongs to.
    const reasons = page.all(".entry-detail.reason");
    expect(reasons.map((r) => r.dom.textContent)).toEqual(["原因:缺少医疗费用票据,请补充"]);
    expect(page.all(".entry").at(-1)!.dom.textContent).toContain("缺少医疗费用票据,请补充");

    expect(page.query(".case-number")?.dom.textContent).toBe(number);
    expect(page.query(".status")?.dom.textContent).toBe("办理中");
    expect(page.query(".stage")?.dom.textContent).toBe("村里上门核实");
    expect(page.query(".next-step")?.dom.textContent).toContain("石门村的工作人员会在");
    expect(page.query(".expected")?.dom.textContent).toBe("预计 2026年12月8日周二 前");
    expect(wx.calls.find((c) => c.api === "setNavigationBarTitle")?.options).toMatchObject({ title: "办理进度" });
  });

  it("shows the news after a pull-down refresh", async () => {
    const number = await file();
    const page = await open(number);
    expect(titles(page)).toEqual(["已收到您的申请", "已交给石门村办理"]);

    await act(village, number, visit);
    page.instance.onPullDownRefresh!();
    await wx.settled();
    await tick();
    expect(titles(page)).toEqual(["已收到您的申请", "已交给石门村办理", "已完成入户核实"]);
    expect(page.query(".stage")?.dom.textContent).toBe("村级评议");
    expect(wx.calls.filter((c) => c.api === "stopPullDownRefresh")).toHaveLength(1);

    // A refresh without network keeps what is shown and says why it is not newer.
    wx.setOnline(false);
    page.instance.onPullDownRefresh!();
    await wx.settled();
    await tick();
    expect(titles(page)).toHaveLength(3);
    expect(page.text()).toContain("现在没有网络");
    expect(wx.calls.filter((c) => c.api === "stopPullDownRefresh")).toHaveLength(2);
    wx.setOnline(true);
    page.query(".retry")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(page.text()).not.toContain("现在没有网络");
    expect(page.query(".retry")).toBeUndefined();
  });

  it("offers WeChat status messages only when the county has set its templates", async () => {
    const number = await file();
    expect((await open(number)).query(".subscribe")).toBeUndefined();

    const config = createRequire(import.meta.url)(path.join(miniprogramRoot, "config.ts")) as { subscribeTemplateIds: string[] };
    config.subscribeTemplateIds.push("tmpl-case-progress");
    const original = pageWx.requestSubscribeMessage;
    pageWx.requestSubscribeMessage = (options: { tmplIds: string[]; success(res: object): void }) => {
      wx.calls.push({ api: "requestSubscribeMessage", options });
      options.success({ errMsg: "requestSubscribeMessage:ok", "tmpl-case-progress": "accept" });
    };
    try {
      const page = await open(number);
      page.query(".subscribe")!.dispatchEvent("tap");
      await tick();
      expect(wx.calls.find((c) => c.api === "requestSubscribeMessage")?.options.tmplIds).toEqual(["tmpl-case-progress"]);
      expect(page.text()).toContain("办理有进展时会用微信通知您");
    } finally {
      config.subscribeTemplateIds.length = 0;
      pageWx.requestSubscribeMessage = original;
    }
  });

  it("shows the server's words for a case that is not the resident's", async () => {
    const someoneElses = await file("mp-case-stranger");
    const page = await open(someoneElses);
    expect(page.text()).toContain("没有找到这个案件,或您无权查看。请核对编号。");
    expect(page.query(".entry")).toBeUndefined();
    expect(page.query(".retry")).toBeDefined();
  });
});
