import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

const photo = path.resolve(import.meta.dirname, "../../../fixtures/media/house.png");

describe("一键申报: the report page against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-reporter"));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
    wx.storage.delete("report-draft");
  });

  const type = async (page: RenderedPage, field: string, value: string) => {
    page.query(`.field-${field}`)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const fillValid = async (page: RenderedPage, name: string) => {
    await type(page, "applicantName", name);
    await type(page, "phone", "13912345678");
    await type(page, "description", "老伴住院花了三万多,家里没有收入了");
    const villages = page.instance.data.villages as { code: string; label: string }[];
    page.query(".field-region")!.dispatchEvent("change", { detail: { value: villages.findIndex((v) => v.label === "柳溪镇 石门村") } });
    page.query(".consents")!.dispatchEvent("change", { detail: { value: ["personal"] } });
    await tick();
  };
  const casesOf = (name: string) =>
    t.database.db.prisma.case.findMany({ where: { applicantName: name }, include: { attachments: true, reporterResident: true } });

  it("shows each problem next to its field, in the server's words, and sends nothing", async () => {
    const page = renderPage("pages/report/report");
    await wx.settled();
    await type(page, "applicantName", "王小二");
    await type(page, "phone", "12345");
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(page.query(".error-phone")?.dom.textContent).toContain("手机号");
    expect(page.query(".error-description")?.dom.textContent).toContain("困难");
    expect(page.query(".error-personalInformation")?.dom.textContent).toContain("同意");
    expect(page.text()).toContain("有几项需要修改");
    expect(await casesOf("王小二")).toHaveLength(0);
    // Correcting a field clears its note.
    await type(page, "phone", "13912345678");
    expect(page.query(".error-phone")).toBeUndefined();
  });

  it("keeps what was typed as a draft and restores it when the page is opened again", async () => {
    const first = renderPage("pages/report/report");
    await wx.settled();
    await type(first, "applicantName", "李草稿");
    await type(first, "description", "家里房子漏雨");
    first.query(".save-draft")!.dispatchEvent("tap");
    await tick();
    expect(first.text()).toContain("草稿已保存");

    const again = renderPage("pages/report/report");
    await wx.settled();
    expect(again.instance.data.form).toMatchObject({ applicantName: "李草稿", description: "家里房子漏雨" });
    expect(again.text()).toContain("已为您恢复上次没填完的内容");
  });

  it("submits with a photo and shows the case number and the next step", async () => {
    const page = renderPage("pages/report/report");
    await wx.settled();
    await fillValid(page, "赵一键");
    wx.nextMedia = [photo];
    page.query(".add-photo")!.dispatchEvent("tap");
    await tick();
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick(50);

    const [filed] = await casesOf("赵一键");
    expect(filed).toMatchObject({ channel: "MINI_PROGRAM", stage: "VILLAGE_VERIFICATION", routing: "VILLAGE" });
    expect(filed!.reporterResident?.openid).toBe("dev-mp-reporter");
    expect(filed!.attachments.map((a) => a.mimeType)).toEqual(["image/png"]);
    expect(page.query(".case-number")?.dom.textContent).toBe(filed!.number);
    expect(page.query(".next-step")?.dom.textContent).toContain("石门村的工作人员会在 2026年12月2日周三 前到您家了解情况");
    expect(wx.storage.get("report-draft")).toBeUndefined();
  });

  it("keeps a report made without network and sends it exactly once when the network returns", async () => {
    const page = renderPage("pages/report/report");
    await wx.settled();
    await fillValid(page, "钱离线");
    wx.nextMedia = [photo];
    page.query(".add-photo")!.dispatchEvent("tap");
    await tick();
    wx.setOnline(false);
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick(50);
    expect(page.text()).toContain("联网后会自动提交");
    expect(await casesOf("钱离线")).toHaveLength(0);
    expect(wx.storage.get("outbox")).toHaveLength(1);
    // The photo waits as a kept copy (WeChat may delete the temporary one when the app closes).
    const kept = (wx.storage.get("outbox") as { photos: string[] }[])[0]!.photos[0]!;
    expect(kept).not.toBe(photo);
    expect(fs.existsSync(kept)).toBe(true);

    // Back online: the app's network listener sends it; a second try (app shown again) finds nothing left.
    wx.setOnline(true);
    await wx.settled();
    await tick(50);
    await wx.settled();
    const { outbox } = createRequire(import.meta.url)(path.resolve(import.meta.dirname, "../../../../miniprogram/lib/outbox.ts")) as {
      outbox: { flush(): Promise<{ sent: unknown[] }> };
    };
    expect((await outbox.flush()).sent).toEqual([]);
    const filed = await casesOf("钱离线");
    expect(filed).toHaveLength(1);
    expect(filed[0]!.attachments).toHaveLength(1);
    expect(wx.storage.get("outbox")).toEqual([]);
    expect(fs.existsSync(kept)).toBe(false);
  });
});
