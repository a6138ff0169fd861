import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const botKey = "calendar-bot-key-0123456789";

/** An illustrative official 2027 arrangement (not the real one): New Year's Day off, Saturday 2 January worked. */
const official2027 = {
  year: 2027,
  holidays: ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
  makeupWorkdays: ["2027-01-02", "2027-02-13"],
  note: "国办发明电〔2026〕X号(测试用)",
};

/** Monday 28 December 2026, 10:00 in China. */
const dec28 = new Date("2026-12-28T02:00:00Z");

describe(`working-day calendars: provisional years, loading the official arrangement, deadlines counted again (${testDatabaseKind})`, () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ botKey, botQuietHours: "off" });
    admin = await t.staffToken("admin");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = async (url: string, token: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { ...auth(token), ...headers } });
  const load = (body: unknown, token = admin, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/api/admin/calendars", headers: { ...auth(token), ...headers }, payload: body as object });
  const eventsOf = (caseId: string, action: string) => t.database.db.prisma.caseEvent.findMany({ where: { caseId, action } });
  let reported: { caseId: string; number: string };
  let escalated: { caseId: string; number: string };
  let legacy: { caseId: string; number: string };
  let resident: string;

  it("gives a report filed on 28 December 2026 a provisional date that skips New Year's Day 2027 and the weekend, and says so", async () => {
    t.clock.now = new Date(dec28);
    resident = await t.residentToken("calendar-resident");
    const response = await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001001", phone: "13800004321" });
    expect(response.statusCode).toBe(201);
    const ack = response.json();
    reported = { caseId: ack.caseId, number: ack.number };
    // Dec 29, 30, 31, (Jan 1 off by law, Jan 2–3 weekend) Jan 4, Jan 5.
    expect(ack.nextStep).toMatchObject({ dueAt: "2027-01-05T15:59:59.999Z", provisional: true });
    expect(ack.nextStep.text).toContain("2027年1月5日");
    expect(ack.nextStep.text).toContain("暂按法定节假日推算");
    expect(ack.nextStep.text).not.toContain("尽快");

    // The same on the public status page, in English too, and on the village's task list.
    const status = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      headers: { "accept-language": "en" },
      payload: { number: ack.number, phoneLast4: "4321" },
    });
    expect(status.json().nextStep).toMatchObject({ provisional: true, dueAt: "2027-01-05T15:59:59.999Z" });
    expect(status.json().nextStep.text).toMatch(/statutory public holidays/);
    const village = await t.staffToken("village-shimen");
    const tasks = (await get("/api/staff/tasks?limit=100", village)).json().items as {
      caseNumber: string;
      dueAt: string;
      dueProvisional: boolean;
    }[];
    expect(tasks.find((task) => task.caseNumber === ack.number)).toMatchObject({ dueAt: "2027-01-05T15:59:59.999Z", dueProvisional: true });
    const detail = (await get(`/api/staff/cases/${ack.caseId}`, village)).json();
    expect(detail).toMatchObject({ stageDueProvisional: true, caseDueProvisional: true });
  });

  it("tells the county desk and the health check that 2027's arrangement is missing", async () => {
    const county = await t.staffToken("county");
    const outlook = (await get("/api/calendars/outlook", county)).json();
    expect(outlook).toMatchObject({ year: 2026, source: "built-in", nextYear: 2027, nextSource: "provisional", missingYear: 2027 });
    expect(outlook.message).toContain("2027 年的国家放假安排还没有导入");
    const ready = (await t.app.inject({ method: "GET", url: "/health/ready" })).json();
    expect(ready.details.calendar).toMatchObject({ missingYear: 2027 });
    // In October nothing is awaited yet.
    t.clock.now = new Date("2026-10-15T02:00:00Z");
    expect((await get("/api/calendars/outlook", county)).json()).toMatchObject({ missingYear: null, message: null });
    t.clock.now = new Date(dec28);
  });

  it("answers the bot's reporter with the provisional date in plain words", async () => {
    const say = async (messageId: string, text: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: "/api/bot/messages",
          headers: { "x-bot-key": botKey },
          payload: { messageId, senderId: "wxid_calendar_bot", text },
        })
      ).json() as { replies: string[] };
    await say("cal-1", "家里房子被洪水冲了");
    await say("cal-2", "李秀英");
    await say("cal-3", "13900001111");
    await say("cal-4", "石门村一组");
    const done = await say("cal-5", "是");
    expect(done.replies.join("\n")).toContain("暂按法定节假日推算");
    expect(done.replies.join("\n")).not.toContain("尽快");
  });

  it("escalates a task late on its provisional date once", async () => {
    t.clock.now = new Date(dec28);
    const ack = (await t.submit(resident, { description: "孩子上学没钱交学费", regionCode: "990101001002" })).json();
    escalated = { caseId: ack.caseId, number: ack.number };
    t.clock.now = new Date("2027-01-06T02:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    expect(await eventsOf(escalated.caseId, "OVERDUE_ESCALATED")).toHaveLength(1);
    t.clock.now = new Date(dec28);
  });

  it("gives a task opened without a due date (before provisional years existed) its date, with one timeline event", async () => {
    const ack = (await t.submit(resident, { description: "老伴住院花了很多钱", regionCode: "990101001002" })).json();
    legacy = { caseId: ack.caseId, number: ack.number };
    // As the data of a server that ran over New Year without a 2027 calendar was left.
    await t.database.db.prisma
      .$executeRaw`UPDATE "CaseTask" SET "dueAt" = NULL, "dueProvisional" = false, "dueFrom" = NULL, "dueWorkingDays" = NULL WHERE "caseId" = ${legacy.caseId}::uuid`;
    await t.database.db.prisma
      .$executeRaw`UPDATE "Case" SET "stageDueAt" = NULL, "stageDueProvisional" = false, "caseDueAt" = NULL, "caseDueProvisional" = false, "caseDueFrom" = NULL, "caseDueWorkingDays" = NULL WHERE "id" = ${legacy.caseId}::uuid`;
    const report = await t.app.services.calendars.refreshDeadlines();
    expect(report.set).toBeGreaterThanOrEqual(2);
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: legacy.caseId, status: "OPEN" } });
    expect(task).toMatchObject({ dueAt: new Date("2027-01-05T15:59:59.999Z"), dueProvisional: true, dueWorkingDays: 5 });
    expect(await eventsOf(legacy.caseId, "DEADLINE_SET")).toHaveLength(1);
    // Counting again changes nothing more.
    await t.app.services.calendars.refreshDeadlines();
    expect(await eventsOf(legacy.caseId, "DEADLINE_SET")).toHaveLength(1);
    const status = (await get(`/api/me/cases/${legacy.number}`, resident)).json();
    expect(status.timeline.map((e: { title: string }) => e.title)).toContain("办理期限已确定");
    expect(status.nextStep.dueAt).toBe("2027-01-05T15:59:59.999Z");
  });

  it("refuses a bad arrangement field by field, in the caller's language, and stores nothing", async () => {
    const bad = {
      year: 2027,
      holidays: ["2027-01-01", "2026-12-31", "2027-02-30", "2027-01-01"],
      makeupWorkdays: ["2027-01-04", "2027-01-01"],
    };
    const zh = await load(bad);
    expect(zh.statusCode).toBe(400);
    const fields = zh.json().fields as { path: string; message: string }[];
    const at = (path: string) => fields.filter((f) => f.path === path).map((f) => f.message);
    expect(at("holidays.1")).toEqual([expect.stringContaining("2026-12-31 不在 2027 年内")]);
    expect(at("holidays.2")).toEqual([expect.stringContaining("真实存在的日期")]);
    expect(at("holidays.3")).toEqual([expect.stringContaining("2027-01-01 填了两次")]);
    expect(at("makeupWorkdays.0")).toEqual([expect.stringContaining("不是周六或周日")]);
    expect(at("makeupWorkdays.1").join()).toContain("既填成了放假日");
    const en = await load(bad, admin, { "accept-language": "en" });
    expect((en.json().fields as { message: string }[]).map((f) => f.message).join("\n")).toMatch(/is not a Saturday or Sunday/);
    expect(await t.database.db.prisma.calendarYear.count({ where: { year: 2027 } })).toBe(0);
    // Only the administrator loads one; the county desk reads them.
    const county = await t.staffToken("county");
    expect((await load(official2027, county)).statusCode).toBe(403);
    expect((await get("/api/admin/calendars", county)).statusCode).toBe(200);
  });

  it("loads the official 2027 arrangement: open deadlines move, the applicant's timeline says so once, nothing escalates twice", async () => {
    // Wednesday 6 January, after the escalation scan.
    t.clock.now = new Date("2027-01-06T03:00:00Z");
    const response = await load(official2027);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ year: 2027, version: 1, created: true });
    expect(response.json().recount.changed).toBeGreaterThanOrEqual(3);

    // Saturday 2 January is worked: Dec 29, 30, 31, Jan 2, Jan 4.
    const status = (await get(`/api/me/cases/${reported.number}`, resident)).json();
    expect(status.nextStep).toMatchObject({ dueAt: "2027-01-04T15:59:59.999Z", provisional: false });
    expect(status.nextStep.text).not.toContain("暂按");
    expect(await eventsOf(reported.caseId, "DEADLINE_CHANGED")).toHaveLength(1);
    expect(status.timeline.at(-1).title).toBe("国家公布了放假安排,办理期限已按正式安排重新计算");
    expect(status.timeline.filter((e: { title: string }) => e.title.startsWith("国家公布了放假安排"))).toHaveLength(1);
    const c = await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: reported.caseId } });
    expect(c.caseDueProvisional).toBe(false);

    // The escalated task keeps its one escalation, however its date moved.
    t.clock.now = new Date("2027-01-08T02:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    expect(await eventsOf(escalated.caseId, "OVERDUE_ESCALATED")).toHaveLength(1);

    // The same arrangement again adds no version and moves nothing.
    const again = (await load(official2027)).json();
    expect(again).toMatchObject({ version: 1, created: false, recount: { changed: 0 } });
    expect(await eventsOf(reported.caseId, "DEADLINE_CHANGED")).toHaveLength(1);

    const overview = (await get("/api/admin/calendars", admin)).json();
    // It is January 2027 now, and 2027 is loaded.
    expect(overview.outlook).toMatchObject({ year: 2027, source: "official", missingYear: null });
    expect(overview.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({
      source: "official",
      loaded: { version: 1, source: "API", note: official2027.note },
    });
    expect(overview.years.find((y: { year: number }) => y.year === 2028)).toMatchObject({ source: "provisional", loaded: null });
  });

  it("keeps every version: a corrected arrangement is the next one, and the record cannot be changed", async () => {
    const corrected = { ...official2027, makeupWorkdays: ["2027-02-13"], note: "更正" };
    expect((await load(corrected)).json()).toMatchObject({ version: 2, created: true });
    const history = (await get("/api/admin/calendar-versions?year=2027", admin)).json();
    expect(history.versions.map((v: { version: number; note: string }) => [v.version, v.note])).toEqual([
      [2, "更正"],
      [1, official2027.note],
    ]);
    expect(history.current.makeupWorkdays).toEqual(["2027-02-13"]);
    await expect(t.database.db.query(`UPDATE "CalendarYear" SET "note" = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.database.db.query(`DELETE FROM "CalendarYear"`)).rejects.toThrow(/append-only/);
    // Without the make-up Saturday the reported case is back on Tuesday 5 January, now exactly.
    const status = (await get(`/api/me/cases/${reported.number}`, resident)).json();
    expect(status.nextStep).toMatchObject({ dueAt: "2027-01-05T15:59:59.999Z", provisional: false });
  });
});
