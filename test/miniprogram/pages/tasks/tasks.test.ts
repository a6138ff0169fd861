import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatDate } from "../../../../server/core/i18n/i18n.ts";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

describe("待办任务: the reviewer's queue against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let filed: { caseId: string; number: string };

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram());
    t.clock.now = new Date(defaultTestTime);
    filed = (
      await t.submit(await t.residentToken("queue-applicant"), { description: "老伴住院花了三万多", regionCode: "990101001001" })
    ).json();
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.calls.length = 0;
    wx.storage.delete("staff-profile");
  });

  const open = async (username: string) => {
    wx.storage.set("auth-token", await t.staffToken(username));
    const page = renderPage("pages/tasks/tasks");
    await wx.settled();
    await tick();
    return page;
  };
  // Each row carries its case number as a class, so a row and its parts are found by the number.
  const rowOf = (page: RenderedPage, number: string) => page.query(`.case-${number}`);
  const textOf = (page: RenderedPage, number: string, part: string) => page.query(`.case-${number} ${part}`)?.dom.textContent;

  it("lists the case's task with its stage, village and due date, and opens it on a tap", async () => {
    const page = await open("village-shimen");
    const row = rowOf(page, filed.number);
    expect(row, page.text()).toBeDefined();
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: filed.caseId, status: "OPEN" } });
    const due = formatDate(task.dueAt!, "zh-CN");
    expect(due).toBe("2026年12月2日周三");
    expect(textOf(page, filed.number, ".stage")).toBe("村里上门核实");
    expect(textOf(page, filed.number, ".region")).toBe("石门村");
    expect(textOf(page, filed.number, ".due")).toBe(due);
    expect(page.query(`.case-${filed.number} .overdue`)).toBeUndefined();

    row!.dispatchEvent("tap");
    await tick();
    expect(wx.calls.filter((c) => c.api === "navigateTo").map((c) => c.options.url)).toEqual([
      `/pages/task/task?id=${task.id}&caseId=${filed.caseId}`,
    ]);
  });

  it("marks the task overdue, in words too, once its deadline has passed", async () => {
    t.clock.now = new Date("2026-12-03T02:00:00Z");
    const page = await open("village-shimen");
    const row = rowOf(page, filed.number)!;
    expect(textOf(page, filed.number, ".overdue")).toContain("已超期");
    expect(row.dom.className).toMatch(/\bis-overdue\b|--is-overdue\b/);
    expect(textOf(page, filed.number, ".due")).toBe("2026年12月2日周三");
    // A screen reader reads the whole row (its aria-label), the mark included.
    const items = page.instance.data.items as { caseNumber: string; a11y: string }[];
    expect(items.find((item) => item.caseNumber === filed.number)?.a11y).toBe(
      `案件 ${filed.number},村里上门核实,石门村,办理期限 2026年12月2日周三,已超期`,
    );
  });

  it("shows the township the late village task escalated to it, in the escalated view only", async () => {
    t.clock.now = new Date("2026-12-03T02:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    wx.storage.set("staff-profile", { role: "TOWNSHIP" });
    const page = await open("township-liuxi");
    expect(rowOf(page, filed.number)).toBeUndefined();

    page.query(".field-view")!.dispatchEvent("change", { detail: { value: true } });
    await wx.settled();
    await tick();
    const row = rowOf(page, filed.number)!;
    expect(row, page.text()).toBeDefined();
    expect(textOf(page, filed.number, ".escalated")).toBe("已上报督办");
    expect(textOf(page, filed.number, ".overdue")).toContain("已超期");
    row.dispatchEvent("tap");
    await tick();
    expect(wx.calls.find((c) => c.api === "navigateTo")?.options.url).toMatch(/&view=escalated$/);
  });

  it("offers no escalated view to a village, which nothing is escalated to", async () => {
    wx.storage.set("staff-profile", { role: "VILLAGE" });
    const page = await open("village-shimen");
    expect(page.query(".field-view")).toBeUndefined();
  });

  it("sends a refused login back to the login page", async () => {
    wx.storage.set("auth-token", "not-a-token");
    renderPage("pages/tasks/tasks");
    await wx.settled();
    await tick();
    expect(wx.calls.filter((c) => c.api === "redirectTo").map((c) => c.options.url)).toEqual(["/pages/login/login"]);
    expect(wx.storage.has("auth-token")).toBe(false);
  });
});
