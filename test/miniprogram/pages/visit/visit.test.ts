import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

const photo = path.resolve(import.meta.dirname, "../../../fixtures/media/house.png");
const visitOutboxModule = path.resolve(import.meta.dirname, "../../../../miniprogram/lib/visit-outbox.ts");

interface VisitOutbox {
  list(): { taskId: string; photos: { path: string; id?: string }[] }[];
  add(visit: unknown): void;
  flush(): Promise<{ sent: unknown[]; refused: { code: string; handledElsewhere: boolean }[]; waiting: number }>;
}

describe("入户核查: the home-visit checklist against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let staffId: string;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-visit"));
    wx.storage.set("auth-token", await t.staffToken("grid-shimen"));
    staffId = (await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } })).id;
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
  });

  /** A resident's report in 石门村, made two days before the server's clock: its village home visit is the grid worker's to do. */
  const caseToVisit = async (description: string) => {
    // Reported before "yesterday", the day the visits below are dated (a visit cannot be dated before the report).
    t.clock.now = new Date("2026-11-23T02:00:00Z");
    const response = await t.submit(await t.residentToken(`mp-visit-${description.length}-${Date.now()}`), {
      description,
      regionCode: "990101001001",
    });
    t.clock.now = new Date(defaultTestTime);
    expect(response.statusCode).toBe(201);
    const { caseId, number } = response.json() as { caseId: string; number: string };
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId, status: "OPEN", stage: "VILLAGE_VERIFICATION" } });
    return { caseId, number, taskId: task.id };
  };
  const open = async (taskId: string, caseNumber: string) => {
    const page = renderPage("pages/visit/visit", { taskId, caseNumber });
    await wx.settled();
    await tick();
    return page;
  };
  const type = async (page: RenderedPage, selector: string, value: string) => {
    page.query(selector)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const choose = async (page: RenderedPage, answers: Record<string, "SECURE" | "AT_RISK">) => {
    for (const [key, value] of Object.entries(answers)) page.query(`.guarantee-${key}`)!.dispatchEvent("change", { detail: { value } });
    await tick();
  };
  const allSecureButMedical = {
    foodAndClothing: "SECURE",
    education: "SECURE",
    medical: "AT_RISK",
    housing: "SECURE",
    drinkingWater: "SECURE",
  } as const;
  /** Yesterday at ten, wherever the test machine is: before the server's clock (25 November, 10:00 China). */
  const fill = async (page: RenderedPage, investigators: string[], answers: Record<string, "SECURE" | "AT_RISK"> = allSecureButMedical) => {
    page.query(".field-date")!.dispatchEvent("change", { detail: { value: "2026-11-24" } });
    page.query(".field-time")!.dispatchEvent("change", { detail: { value: "10:00" } });
    for (const [i, name] of investigators.entries()) await type(page, `.investigator-${i}`, name);
    await type(page, ".field-annualIncome", "12000");
    await type(page, ".field-rigidExpenses", "26000");
    await choose(page, answers);
    await type(page, ".field-notes", "老伴长期透析,每月自付两千多");
  };
  const submit = async (page: RenderedPage) => {
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick(50);
    await wx.settled();
  };
  const visitsRecorded = (caseId: string) => t.database.db.prisma.caseEvent.findMany({ where: { caseId, action: "HOME_VISIT_RECORDED" } });
  const outboxModule = () => createRequire(import.meta.url)(visitOutboxModule) as { visitOutbox: VisitOutbox };

  it("refuses a visit by one investigator in the server's words, and queues nothing", async () => {
    const { caseId, number, taskId } = await caseToVisit("房子漏雨,老人一个人住");
    const page = await open(taskId, number);
    expect(page.text()).toContain(`案件 ${number}`);
    // The visit time is now unless changed.
    const now = new Date();
    const pad = (n: number) => String(n).padStart(2, "0");
    expect(page.instance.data.form).toMatchObject({
      date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
      investigators: ["", ""],
    });

    const { housing: _unanswered, ...fourAnswers } = allSecureButMedical;
    await fill(page, ["刘芳"], fourAnswers);
    await submit(page);
    expect(page.query(".error-investigators")?.dom.textContent).toBe("入户核实至少需要 2 名不同的核查人员。");
    expect(page.query(".error-housing")?.dom.textContent).toBe("请选择“有保障”或“有风险”");
    expect(page.text()).toContain("有几项需要修改");

    // The same person written twice is still one investigator.
    await type(page, ".investigator-1", "刘 芳");
    await submit(page);
    expect(page.query(".error-investigators")?.dom.textContent).toBe("入户核实至少需要 2 名不同的核查人员。");

    expect(wx.storage.get("visit-outbox") ?? []).toEqual([]);
    expect(await visitsRecorded(caseId)).toHaveLength(0);
  });

  it("keeps the checklist on the phone as it is filled, per task", async () => {
    const first = await caseToVisit("孩子上高中学费交不起");
    const other = await caseToVisit("打工的厂子倒闭了");
    const page = await open(first.taskId, first.number);
    await type(page, ".investigator-0", "刘芳");
    await type(page, ".field-annualIncome", "8000");
    await choose(page, { education: "AT_RISK" });

    const again = await open(first.taskId, first.number);
    expect(again.text()).toContain("已恢复上次没填完的核查记录");
    expect(again.instance.data.form).toMatchObject({
      investigators: ["刘芳", ""],
      annualIncome: "8000",
      guarantees: { education: "AT_RISK" },
    });

    const another = await open(other.taskId, other.number);
    expect(another.instance.data.form).toMatchObject({ investigators: ["", ""], annualIncome: "" });
    expect(another.text()).not.toContain("已恢复");
  });

  it("records a visit with a photo made OFFLINE once the network returns, exactly once, with the photo's time and place", async () => {
    const { caseId, number, taskId } = await caseToVisit("老伴住院花了三万多,家里没有收入了");
    const uploadsBefore = await t.database.db.prisma.attachment.count({ where: { uploadedById: staffId } });
    wx.setOnline(false);
    const page = await open(taskId, number);
    await fill(page, ["刘芳", "赵书记"]);
    wx.nextMedia = [photo];
    page.query(".take-photo")!.dispatchEvent("tap");
    await tick(20);
    expect(wx.calls.find((c) => c.api === "chooseMedia")?.options.sourceType).toEqual(["camera"]);
    expect(page.query(".photo-caption")?.dom.textContent).toContain("位置 27.83612, 113.15077");

    await submit(page);
    expect(page.text()).toContain("核查记录已保存在手机上,联网后会自动提交");
    expect(await visitsRecorded(caseId)).toHaveLength(0);
    expect(await t.database.db.prisma.attachment.count({ where: { uploadedById: staffId } })).toBe(uploadsBefore);
    const queued = outboxModule().visitOutbox.list();
    expect(queued).toHaveLength(1);
    const keptPhoto = queued[0]!.photos[0]!.path;
    expect(keptPhoto).not.toBe(photo);
    expect(fs.existsSync(keptPhoto)).toBe(true);
    expect(wx.storage.get(`visit-draft-${taskId}`)).toBeUndefined();

    // Back online: the app's network listener sends it.
    wx.setOnline(true);
    await wx.settled();
    await tick(50);
    await wx.settled();
    const recorded = await visitsRecorded(caseId);
    expect(recorded).toHaveLength(1);
    const payload = recorded[0]!.payload as {
      visitedAt: string;
      investigators: string[];
      findings: object;
      photoIds: string[];
      photoPlaces: object[];
    };
    expect(payload.investigators).toEqual(["刘芳", "赵书记"]);
    expect(payload.findings).toEqual({
      annualIncome: 12000,
      rigidExpenses: 26000,
      ...allSecureButMedical,
      notes: "老伴长期透析,每月自付两千多",
    });
    expect(new Date(payload.visitedAt).getTime()).toBe(new Date(2026, 10, 24, 10, 0).getTime());
    expect(payload.photoIds).toHaveLength(1);
    expect(payload.photoPlaces).toEqual([
      { photoId: payload.photoIds[0], takenAt: expect.any(String), latitude: 27.83612, longitude: 113.15077 },
    ]);
    expect(recorded[0]).toMatchObject({
      actorType: "STAFF",
      actorId: staffId,
      actorRole: "GRID_WORKER",
      fromStage: "VILLAGE_VERIFICATION",
      toStage: "VILLAGE_APPRAISAL",
    });
    // The service links the visit's photos to the case.
    const attachment = await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id: payload.photoIds[0] } });
    expect(attachment).toMatchObject({ caseId, mimeType: "image/png", uploadedById: staffId });
    expect((await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe("VILLAGE_APPRAISAL");
    expect(outboxModule().visitOutbox.list()).toEqual([]);
    // Sent: the phone's copy of the photo is let go.
    expect(fs.existsSync(keptPhoto)).toBe(false);

    // Another try finds nothing; the same visit sent again (a second phone, a lost answer) is done already, not an error to retry.
    const { visitOutbox } = outboxModule();
    expect((await visitOutbox.flush()).sent).toEqual([]);
    visitOutbox.add({ ...queued[0]!, photos: [] });
    const repeat = await visitOutbox.flush();
    expect(repeat.refused).toEqual([expect.objectContaining({ code: "TASK_ALREADY_HANDLED", handledElsewhere: true })]);
    expect(repeat.waiting).toBe(0);
    expect(await visitsRecorded(caseId)).toHaveLength(1);

    const workbench = renderPage("pages/grid/grid");
    await wx.settled();
    await tick();
    expect(workbench.query(".refused-visit")?.dom.textContent).toContain("已经有人录入过了");
  });

  it("brings a visit the server refuses back to the checklist with the server's reason, then sends the correction", async () => {
    const { caseId, number, taskId } = await caseToVisit("家里牛病死了两头,欠了债");
    const page = await open(taskId, number);
    await fill(page, ["刘芳", "赵书记"]);
    // Tomorrow, by the server's clock: the phone's picker would not offer it, but a wrong phone clock can.
    page.query(".field-date")!.dispatchEvent("change", { detail: { value: "2026-11-26" } });
    await tick();
    await submit(page);
    expect(page.text()).toContain("核查记录没有被接收:日期不能晚于现在。");
    expect(page.instance.data.state).toBe("editing");
    expect(outboxModule().visitOutbox.list()).toEqual([]);
    expect(await visitsRecorded(caseId)).toHaveLength(0);

    page.query(".field-date")!.dispatchEvent("change", { detail: { value: "2026-11-24" } });
    await tick();
    await submit(page);
    expect(page.text()).toContain("核查记录已提交。 案件已进入“村级评议”。");
    expect(await visitsRecorded(caseId)).toHaveLength(1);
  });

  it("the server refuses a photo's time and place for a photo the visit does not attach, in the caller's language", async () => {
    const { taskId } = await caseToVisit("家里水井干了,吃水要走很远");
    const visit = {
      type: "RECORD_HOME_VISIT",
      visitedAt: "2026-11-25T01:00:00Z",
      investigators: ["刘芳", "赵书记"],
      findings: { annualIncome: 9000, rigidExpenses: 0, ...allSecureButMedical, drinkingWater: "AT_RISK" },
      photoIds: [],
      photoPlaces: [{ photoId: "00000000-0000-4000-8000-000000000000", takenAt: "2026-11-25T01:00:00Z", latitude: 27.8, longitude: 113.1 }],
    };
    const token = await t.staffToken("grid-shimen");
    const send = (locale: string) =>
      t.app.inject({
        method: "POST",
        url: `/api/staff/tasks/${taskId}/actions`,
        headers: { authorization: `Bearer ${token}`, "accept-language": locale },
        payload: visit,
      });
    const zh = await send("zh-CN");
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({
      code: "PHOTO_PLACE_WITHOUT_PHOTO",
      fields: [{ path: "photoPlaces", message: expect.stringContaining("照片的时间地点") }],
    });
    expect((await send("en")).json().message).toContain("does not attach");
  });
});
