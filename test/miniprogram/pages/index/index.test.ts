import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx } from "../../harness.ts";

describe("the first screen", () => {
  let t: TestApp;
  let wx: FakeWx;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-home"));
  });
  afterAll(() => t.close());

  it("offers the residents' four choices, opens them, and says when reports are still waiting to be sent", async () => {
    wx.storage.set("outbox", [{ key: "mp-waiting-1", body: {}, photos: [], queuedAt: "2026-11-25T02:00:00Z" }]);
    const page = renderPage("pages/index/index");
    await tick();
    expect(page.text()).toContain("一键申报困难");
    expect(page.text()).toContain("申请帮扶");
    expect(page.text()).toContain("我的申请");
    expect(page.query(".pending")?.dom.textContent).toContain("有 1 件申报还没发出去");
    page.query(".entry-report")!.dispatchEvent("tap");
    await tick();
    expect(wx.calls.filter((c) => c.api === "navigateTo").map((c) => c.options.url)).toEqual(["/pages/report/report"]);
    wx.storage.delete("outbox");
  });

  it("switches to large text and to English, and remembers both", async () => {
    const page = renderPage("pages/index/index");
    await tick();
    page.query(".toggle-elderly")!.dispatchEvent("change", { detail: { value: true } });
    page.query(".toggle-language")!.dispatchEvent("tap");
    await tick();
    expect(page.text()).toContain("Report a difficulty");
    expect(page.query(".elderly")).toBeDefined();
    expect(wx.storage.get("locale")).toBe("en");
    const again = renderPage("pages/index/index");
    await tick();
    expect(again.text()).toContain("My applications");
    wx.storage.set("locale", "zh-CN");
    wx.storage.set("elderly-mode", false);
  });
});
