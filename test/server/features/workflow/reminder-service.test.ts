import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { homeVisit } from "../../../helpers/actions.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { wsText } from "../../../../server/platform/ws-text.ts";

const villageWechat = "wx-village-shimen-reminders";
const gridWechat = "demo-grid-shimen";
const appraisal = { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "PROPOSE", reason: "村两委会议讨论" };

function inbox(socket: WebSocket) {
  const messages: Record<string, unknown>[] = [];
  socket.on("message", (raw) => messages.push(JSON.parse(wsText(raw))));
  return messages;
}

describe(`reminders to desks: a working day before a deadline, and publicity lists come down (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;
  let village: string;

  beforeAll(async () => {
    t = await createTestApp();
    resident = await t.residentToken("reminded-applicant");
    village = await t.staffToken("village-shimen");
    await t.database.db.prisma.staffAccount.update({ where: { username: "village-shimen" }, data: { wechatId: villageWechat } });
  });
  afterAll(() => t.close());

  // What the scheduled jobs run (they are off in tests), on the test's clock.
  const reminders = {
    remindDueTasks: () => t.app.services.reminders.remindDueTasks(),
    announceEndedPublicity: () => t.app.services.reminders.announceEndedPublicity(),
  };

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const events = (caseId: string, action: string) => t.database.db.prisma.caseEvent.findMany({ where: { caseId, action } });
  const pushesTo = async (recipientId: string, text: string) => {
    await t.app.services.botPushes.settled();
    return t.database.db.prisma.botPush.findMany({ where: { recipientId, text: { contains: text } } });
  };
  const act = async (caseNumber: string, body: object) => {
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(village) })).json().items as {
      id: string;
      caseNumber: string;
    }[];
    const task = tasks.find((x) => x.caseNumber === caseNumber)!;
    const response = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(village),
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it("reminds the village desk once, on the working day before its home visit falls due, on the console and through the bot", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
    // Due at the end of Wed 2 Dec: the reminder belongs to Tue 1 Dec, from midnight China time.
    expect(ack.nextStep.dueAt).toBe("2026-12-02T15:59:59.999Z");
    const console = await t.app.injectWS("/ws");
    const heard = inbox(console);
    console.send(JSON.stringify({ type: "auth", token: village }));

    t.clock.now = new Date("2026-11-30T15:59:00Z"); // Mon 30 Nov 23:59 in China
    await reminders.remindDueTasks();
    expect(await events(ack.caseId, "TASK_DUE_REMINDED")).toEqual([]);

    t.clock.now = new Date("2026-11-30T16:30:00Z"); // Tue 1 Dec 00:30 in China
    // Two runs at once (a retry overlapping a late run) and one after: one reminder.
    await Promise.all([reminders.remindDueTasks(), reminders.remindDueTasks()]);
    await reminders.remindDueTasks();
    const reminded = await events(ack.caseId, "TASK_DUE_REMINDED");
    expect(reminded).toEqual([
      expect.objectContaining({
        actorType: "SYSTEM",
        fromStage: "VILLAGE_VERIFICATION",
        payload: expect.objectContaining({ desk: "VILLAGE", dueAt: "2026-12-02T15:59:59.999Z" }),
      }),
    ]);

    // Held to the end of the quiet hours (08:00), for the village cadre and the grid worker who visits with them.
    const pushes = await pushesTo(villageWechat, ack.number);
    expect(pushes.map((p) => p.text)).toEqual([`到期提醒:案件 ${ack.number}“村里上门核实”将于 2026年12月2日周三 到期,请抓紧办理。`]);
    expect(pushes[0]!.notBefore).toEqual(new Date("2026-12-01T00:00:00Z"));
    expect(await pushesTo(gridWechat, `到期提醒:案件 ${ack.number}`)).toHaveLength(1);
    await expect
      .poll(() => heard.filter((m) => m.type === "task.dueSoon" && m.caseNumber === ack.number))
      .toEqual([expect.objectContaining({ stage: "VILLAGE_VERIFICATION", dueAt: "2026-12-02T15:59:59.999Z" })]);
    console.close();

    // Staff read it in their words on the case; the applicant's timeline leaves it out.
    const detail = (await t.app.inject({ method: "GET", url: `/api/staff/cases/${ack.caseId}`, headers: auth(village) })).json();
    expect(detail.events.at(-1)).toMatchObject({ action: "TASK_DUE_REMINDED", title: "已提醒:这项任务一个工作日内到期" });
    const mine = (await t.app.inject({ method: "GET", url: `/api/me/cases/${ack.number}`, headers: auth(resident) })).json();
    expect(mine.timeline.map((e: { action: string }) => e.action)).not.toContain("TASK_DUE_REMINDED");

    // A late task is escalated, not reminded: a task the scan first sees after its deadline gets no reminder.
    t.clock.now = new Date(defaultTestTime);
    const late = (await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001001" })).json();
    t.clock.now = new Date("2026-12-03T01:00:00Z");
    await reminders.remindDueTasks();
    expect(await events(late.caseId, "TASK_DUE_REMINDED")).toEqual([]);
  });

  it("tells the village when a publicity list comes down without objection, and leaves closing it to the village", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = (await t.submit(resident, { description: "孩子上大学学费交不起", regionCode: "990101001001" })).json();
    await act(ack.number, homeVisit());
    const published = await act(ack.number, appraisal);
    expect(published).toMatchObject({ toStage: "VILLAGE_PUBLICITY" });
    // Five days from Wed 25 Nov: the list comes down at the end of Mon 30 Nov; the task is due the next working day.
    expect(published.nextTask.dueAt).toBe("2026-12-01T15:59:59.999Z");

    t.clock.now = new Date("2026-11-30T04:00:00Z"); // Mon 30 Nov, noon: still up
    await reminders.announceEndedPublicity();
    // Its task falls due within a working day, but a deadline reminder would be no use while the list is up.
    await reminders.remindDueTasks();
    expect(await events(ack.caseId, "PUBLICITY_PERIOD_ENDED")).toEqual([]);
    expect(await events(ack.caseId, "TASK_DUE_REMINDED")).toEqual([]);

    t.clock.now = new Date("2026-11-30T16:30:00Z"); // Tue 1 Dec 00:30 in China
    await Promise.all([reminders.announceEndedPublicity(), reminders.announceEndedPublicity()]);
    await reminders.announceEndedPublicity();
    expect(await events(ack.caseId, "PUBLICITY_PERIOD_ENDED")).toEqual([
      expect.objectContaining({ actorType: "SYSTEM", payload: expect.objectContaining({ publicityEndsAt: "2026-11-30T15:59:59.999Z" }) }),
    ]);
    expect((await pushesTo(villageWechat, `公示期满:案件 ${ack.number}`)).map((p) => p.text)).toEqual([
      `公示期满:案件 ${ack.number} 的公示已结束,期间没有异议,请在 2026年12月1日周二 前结束公示、转入下一步。`,
    ]);
    // Closing publicity is the village's act: the grid worker is not told, and the case has not moved.
    expect(await pushesTo(gridWechat, `公示期满:案件 ${ack.number}`)).toEqual([]);
    const still = await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: ack.caseId } });
    expect(still.stage).toBe("VILLAGE_PUBLICITY");
    expect(await act(ack.number, { type: "CLOSE_PUBLICITY" })).toMatchObject({ toStage: "TOWNSHIP_REVIEW" });
  });
});
