import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

describe("网格员工作台: the grid worker's workbench against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let staffToken: string;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-grid"));
    // 刘芳, the demo grid worker of 石门村一组, logged in elsewhere.
    staffToken = await t.staffToken("grid-shimen");
    wx.storage.set("auth-token", staffToken);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
    wx.calls.length = 0;
  });

  const type = async (page: RenderedPage, selector: string, value: string) => {
    page.query(selector)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const search = async (page: RenderedPage, q: string) => {
    await type(page, ".field-query", q);
    page.query(".search-button")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
  };
  const open = async () => {
    const page = renderPage("pages/grid/grid");
    await wx.settled();
    await tick();
    return page;
  };
  const pickZhang = async (page: RenderedPage) => {
    await search(page, "张德福");
    page.query(".household")!.dispatchEvent("tap");
    await tick();
  };
  const gridWorker = () => t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } });

  it("finds households in the worker's own area only, with the name masked", async () => {
    const page = await open();
    await search(page, "张");
    expect(page.query(".error-query")?.dom.textContent).toBe("请至少输入 2 个字");

    await search(page, "张德福");
    expect(page.all(".household")).toHaveLength(1);
    expect(page.query(".household")!.dom.textContent).toContain("990101001001-0007");
    expect(page.query(".household-name")!.dom.textContent).toBe("张**");
    expect(page.text()).not.toContain("张德福户");

    // 王建国's household is in 白沙村: the county finds it, the grid worker of 石门村一组 does not.
    const county = await t.app.inject({
      method: "GET",
      url: "/api/households?q=王建国",
      headers: { authorization: `Bearer ${await t.staffToken("county")}` },
    });
    expect(county.json().items).toHaveLength(1);
    await search(page, "王建国");
    expect(page.all(".household")).toHaveLength(0);
    expect(page.query(".no-households")?.dom.textContent).toContain("没有找到");
  });

  it("files for 张德福's household on his behalf, with how he confirmed, and lists it among my forwarded cases", async () => {
    const page = await open();
    await pickZhang(page);
    expect(page.query(".picked-household")!.dom.textContent).toContain("990101001001-0007");
    await type(page, ".field-applicantName", "张德福");
    await type(page, ".field-phone", "13800001234");
    await type(page, ".field-description", "户主慢性病加重又住院了,自付两万多,老伴也卧床");
    page.query(".consents")!.dispatchEvent("change", { detail: { value: ["personal"] } });
    await tick();

    // No confirmation method chosen: the phone says what the server would, and sends nothing.
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(page.query(".error-confirmationMethod")?.dom.textContent).toBe("代为申报时,必须写明申请人是如何确认的。");
    const byDescription = { description: "户主慢性病加重又住院了,自付两万多,老伴也卧床" };
    expect(await t.database.db.prisma.case.count({ where: byDescription })).toBe(0);

    expect(page.all(".method").map((m) => m.dom.textContent)).toContain("户主在手机上确认");
    page.query(".field-confirmationMethod")!.dispatchEvent("change", { detail: { value: "SIGNED_PAPER" } });
    await tick();
    expect(page.query(".error-confirmationMethod")).toBeUndefined();
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick(50);
    await wx.settled();

    const filed = await t.database.db.prisma.case.findMany({ where: byDescription, include: { consents: true } });
    expect(filed).toHaveLength(1);
    const household = await t.database.db.prisma.household.findUniqueOrThrow({ where: { number: "990101001001-0007" } });
    expect(filed[0]).toMatchObject({
      channel: "GRID_WORKER",
      householdId: household.id,
      reporterStaffId: (await gridWorker()).id,
      reporterResidentId: null,
      applicantName: "张德福",
    });
    expect(filed[0]!.consents).toEqual(
      expect.arrayContaining([expect.objectContaining({ scope: "PROXY_FILING", method: "SIGNED_PAPER", householdId: household.id })]),
    );
    expect(page.query(".case-number")?.dom.textContent).toBe(filed[0]!.number);
    expect(page.query(".next-step")?.dom.textContent).toContain("石门村");

    const forwarded = page.all(".forwarded-case").map((c) => c.dom.textContent ?? "");
    expect(forwarded[0]).toContain(filed[0]!.number);
    expect(forwarded[0]).toContain("村里上门核实");
    // 刘长根's flood report, filed by her yesterday in the demo data, is hers too.
    expect(forwarded.length).toBeGreaterThanOrEqual(2);
    // The outbox did not log the phone in as a resident: the worker's own login filed it, and is kept.
    expect(wx.storage.get("auth-token")).toBe(staffToken);
  });

  it("keeps a filing made without network and files it once when the network returns", async () => {
    const page = await open();
    await pickZhang(page);
    await type(page, ".field-applicantName", "李秀英");
    await type(page, ".field-phone", "13800001234");
    await type(page, ".field-description", "老伴住院期间自己又摔伤了,没人照顾");
    page.query(".field-confirmationMethod")!.dispatchEvent("change", { detail: { value: "VERBAL_WITNESSED" } });
    page.query(".consents")!.dispatchEvent("change", { detail: { value: ["personal"] } });
    await tick();
    wx.setOnline(false);
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick(50);
    expect(page.text()).toContain("代报已保存在手机上,联网后会自动提交");
    const where = { applicantName: "李秀英" };
    expect(await t.database.db.prisma.case.count({ where })).toBe(0);

    wx.setOnline(true);
    await wx.settled();
    await tick(50);
    await wx.settled();
    const filed = await t.database.db.prisma.case.findMany({ where, include: { consents: true } });
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({ channel: "GRID_WORKER", reporterStaffId: (await gridWorker()).id });
    expect(filed[0]!.consents.find((c) => c.scope === "PROXY_FILING")?.method).toBe("VERBAL_WITNESSED");
  });

  it("lists the home visits to do with their deadlines, marks late ones, opens the checklist, and shows the list offline", async () => {
    const response = await t.submit(await t.residentToken("mp-grid-neighbour"), {
      description: "邻居家房顶塌了一角,下雨漏水",
      regionCode: "990101001001",
      applicantName: "周桂香",
    });
    const { number } = response.json() as { number: string };
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { case: { number }, status: "OPEN" } });

    const page = await open();
    const row = () => page.all(".task").find((r) => r.dom.textContent?.includes(number));
    expect(row()?.dom.textContent).toContain("请在 2026年12月2日周三 前完成");
    expect(row()?.dom.textContent).toContain("村里上门核实");
    expect(row()?.dom.textContent).not.toContain("已超期");

    // A week and more later the visit is late.
    t.clock.now = new Date("2026-12-10T02:00:00Z");
    page.query(".refresh")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(row()?.dom.textContent).toContain("已超期");

    row()!.dispatchEvent("tap");
    await tick();
    const navigation = wx.calls.find((c) => c.api === "navigateTo");
    expect(navigation?.options.url).toBe(`/pages/visit/visit?taskId=${task.id}&caseNumber=${number}`);

    // On the road without network: the list from the last time online, still late.
    wx.setOnline(false);
    const offline = await open();
    expect(offline.query(".tasks-notice")?.dom.textContent).toContain("显示的是上次联网时的任务");
    expect(offline.all(".task").find((r) => r.dom.textContent?.includes(number))?.dom.textContent).toContain("已超期");
  });
});
