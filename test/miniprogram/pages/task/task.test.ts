import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

/** A real 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
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
const appraisal = { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "PROPOSE", reason: "村两委会议讨论" };

describe("办理任务: a reviewer acts on a task from the phone, against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let resident: string;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram());
    resident = await t.residentToken("task-applicant");
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.calls.length = 0;
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const taskOf = async (token: string, caseId: string) => {
    const items = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(token) })).json().items as {
      id: string;
      caseId: string;
    }[];
    const task = items.find((x) => x.caseId === caseId);
    if (!task) throw new Error(`no open task for ${caseId}`);
    return task;
  };
  /** What the desks did before the phone is picked up, done through the API as the web console would. */
  const act = async (username: string, caseId: string, body: object) => {
    const token = await t.staffToken(username);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${(await taskOf(token, caseId)).id}/actions`,
      headers: auth(token),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const submit = async (body: object = {}) =>
    (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001", ...body })).json() as {
      caseId: string;
      number: string;
    };
  /** A case the village has visited, appraised and published: it waits at the township's review. */
  const atTownshipReview = async (body: object = {}) => {
    const filed = await submit(body);
    await act("village-shimen", filed.caseId, visit);
    await act("village-shimen", filed.caseId, appraisal);
    t.clock.now = new Date("2026-12-01T02:00:00Z"); // five days of publicity have passed
    await act("village-shimen", filed.caseId, { type: "CLOSE_PUBLICITY" });
    return filed;
  };
  const openTask = async (username: string, caseId: string) => {
    const token = await t.staffToken(username);
    wx.storage.set("auth-token", token);
    const task = await taskOf(token, caseId);
    const page = renderPage("pages/task/task", { id: task.id, caseId });
    await wx.settled();
    await tick();
    return { page, task };
  };
  const type = async (page: RenderedPage, field: string, value: string) => {
    page.query(`.field-${field}`)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const tap = async (page: RenderedPage, selector: string) => {
    const element = page.query(selector);
    expect(element, `${selector} in: ${page.text()}`).toBeDefined();
    element!.dispatchEvent("tap");
    await wx.settled();
    await tick();
  };
  const caseRow = (caseId: string) =>
    t.database.db.prisma.case.findUniqueOrThrow({ where: { id: caseId }, include: { events: { orderBy: { id: "asc" } } } });

  it("returns a case: no reason, no request and a note under the field; with one, the case goes back to the village", async () => {
    const upload = await t.app.inject({
      method: "POST",
      url: "/api/attachments",
      headers: { ...auth(resident), "content-type": "multipart/form-data; boundary=----b" },
      payload: Buffer.concat([
        Buffer.from('------b\r\nContent-Disposition: form-data; name="file"; filename="bill.png"\r\nContent-Type: image/png\r\n\r\n'),
        png,
        Buffer.from("\r\n------b--\r\n"),
      ]),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const filed = await atTownshipReview({ attachmentIds: [upload.json().id], idNumber: demoIdNumber("1980-05-05", 7) });
    const { page } = await openTask("township-liuxi", filed.caseId);

    // The case as the reviewer reads it: labels, masked numbers, the history in words, the documents.
    expect(page.query(".case-number")?.dom.textContent).toBe(filed.number);
    expect(page.query(".stage")?.dom.textContent).toBe("乡镇审核");
    expect(page.query(".phone")?.dom.textContent).toBe("135****5678");
    expect(page.query(".id-number")?.dom.textContent).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(page.query(".attachment")?.dom.textContent).toBe("照片 · 1 KB");
    const history = page.all(".event-title").map((e) => e.dom.textContent);
    expect(history).toEqual(["已收到您的申请", "已交给石门村办理", "已完成入户核实", "村级评议通过", "公示期满"]);
    // The case file: what the village recorded, for the township deciding on it.
    const recorded = page.all(".event-detail").map((e) => e.dom.textContent);
    expect(recorded).toEqual(
      expect.arrayContaining([
        "核查人员:赵书记、刘芳",
        "家庭年收入:6,000 元",
        "刚性支出:30,000 元",
        "基本医疗:有风险",
        "意见:村两委会议讨论",
      ]),
    );
    expect(
      page
        .all(".event .hint")
        .map((e) => e.dom.textContent)
        .join(" "),
    ).toContain("石门村 村委 赵书记(村干部)");
    expect(page.all(".action").map((b) => b.dom.textContent)).toEqual(["审核通过", "退回补充", "不予通过"]);

    await tap(page, ".action-RETURN");
    await tap(page, ".submit");
    expect(page.query(".error-reason")?.dom.textContent).toBe("理由:请写明理由(至少 2 个字),申请人会看到");
    expect(page.text()).toContain("有几项需要修改");
    const untouched = await caseRow(filed.caseId);
    expect(untouched.stage).toBe("TOWNSHIP_REVIEW");
    expect(untouched.events.map((e) => e.action)).not.toContain("RETURNED");

    await type(page, "reason", "缺少医疗费用票据,请补充");
    expect(page.query(".error-reason")).toBeUndefined();
    await tap(page, ".submit");
    const returned = await caseRow(filed.caseId);
    expect(returned.stage).toBe("VILLAGE_VERIFICATION");
    expect(returned.events.at(-1)).toMatchObject({
      action: "RETURNED",
      fromStage: "TOWNSHIP_REVIEW",
      toStage: "VILLAGE_VERIFICATION",
      reason: "缺少医疗费用票据,请补充",
      actorRole: "TOWNSHIP",
    });
    expect(page.query(".result-text")?.dom.textContent).toBe(`案件 ${filed.number} 现在到了“村里上门核实”(办理中)。`);
    expect(page.query(".result-next")?.dom.textContent).toBe("下一步由石门村办理“村里上门核实”。");
    // The history now ends with the return and its reason.
    expect(page.all(".event-title").at(-1)?.dom.textContent).toBe("乡镇审核:退回补充");
    expect(page.all(".event-reason").at(-1)?.dom.textContent).toBe("理由:缺少医疗费用票据,请补充");

    await tap(page, ".back");
    expect(wx.calls.map((c) => c.api)).toContain("navigateBack");
  });

  it("approves at the township desk with a note, then the county records a clear data comparison", async () => {
    const filed = await atTownshipReview();
    const { page } = await openTask("township-liuxi", filed.caseId);
    await tap(page, ".action-APPROVE");
    await type(page, "note", "材料齐全");
    await tap(page, ".submit");
    const approved = await caseRow(filed.caseId);
    expect(approved.stage).toBe("COUNTY_APPROVAL");
    expect(approved.events.at(-1)).toMatchObject({ action: "APPROVED", fromStage: "TOWNSHIP_REVIEW", payload: { note: "材料齐全" } });
    expect(page.query(".result-text")?.dom.textContent).toContain("“县级审定”");

    const county = await openTask("county", filed.caseId);
    expect(county.page.all(".action").map((b) => b.dom.textContent)).toEqual(["登记部门数据比对结果", "退回补充", "不予通过"]);
    await tap(county.page, ".action-RECORD_DATA_COMPARISON");
    await tap(county.page, ".submit");
    expect((await caseRow(filed.caseId)).events.at(-1)).toMatchObject({ action: "DATA_COMPARISON_CLEAR", toStage: "COUNTY_APPROVAL" });
  });

  it("shows the server's refusal when someone else handled the task first, and what is left to do", async () => {
    const filed = await atTownshipReview();
    const { page } = await openTask("township-liuxi", filed.caseId);
    await act("township-liuxi", filed.caseId, { type: "APPROVE" });
    await tap(page, ".action-APPROVE");
    await tap(page, ".submit");
    expect(page.text()).toContain("这项任务刚刚已经被其他人办理了,请刷新后查看最新情况。");
    expect(page.query(".read-only")?.dom.textContent).toContain("不在您这一级待办");
    expect(page.all(".action")).toHaveLength(0);
    expect((await caseRow(filed.caseId)).events.filter((e) => e.action === "APPROVED")).toHaveLength(1);
  });

  it("points the home visit to the web console, and records the village's vote with the server's own checks", async () => {
    const filed = await submit({ kind: "ASSISTANCE_APPLICATION" });
    const first = await openTask("village-shimen", filed.caseId);
    expect(first.page.all(".action")).toHaveLength(0);
    expect(first.page.query(".web-console")?.dom.textContent).toBe("“登记入户核实”要填写的内容较多,请在电脑上的工作台办理。");

    await act("village-shimen", filed.caseId, visit);
    // The meeting is held the day after the report (a meeting cannot be dated before it).
    t.clock.now = new Date("2026-11-26T02:00:00Z");
    const { page } = await openTask("village-shimen", filed.caseId);
    await tap(page, ".action-RECORD_APPRAISAL");
    page.query(".field-meetingDate")!.dispatchEvent("change", { detail: { value: "2026-11-25" } });
    await type(page, "reason", "村民代表会议评议");
    await type(page, "membersTotal", "11");
    await type(page, "present", "5");
    await type(page, "votesFor", "5");
    await type(page, "votesAgainst", "0");
    await tap(page, ".submit");
    expect(page.text()).toContain("实到 5 人,未超过应到 11 人的半数,评议无效。");
    expect((await caseRow(filed.caseId)).stage).toBe("DEMOCRATIC_APPRAISAL");

    await type(page, "present", "9");
    await type(page, "votesFor", "7");
    await type(page, "votesAgainst", "2");
    await tap(page, ".submit");
    const appraised = await caseRow(filed.caseId);
    expect(appraised.stage).toBe("VILLAGE_PUBLICITY");
    expect(appraised.events.at(-1)).toMatchObject({
      action: "APPRAISAL_PROPOSED",
      payload: { meetingAt: "2026-11-25T12:00:00+08:00", membersTotal: 11, present: 9, votesFor: 7, votesAgainst: 2 },
    });
    expect(page.query(".result-text")?.dom.textContent).toContain("“村内公示”");
  });
});
