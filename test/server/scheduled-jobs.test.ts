import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import { scheduledJobs, type JobServices } from "../../server/scheduled-jobs.ts";
import { createSecondInstance, createTestApp, defaultTestTime, type TestApp } from "../helpers/test-app.ts";
import { testDatabaseKind } from "../helpers/test-database.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the server's scheduled jobs as configured", () => {
  const services: JobServices = {
    workflow: { escalateOverdue: async () => ({ tasks: 0, cases: 0 }) },
    reminders: { remindDueTasks: async () => ({ tasks: 0 }), announceEndedPublicity: async () => ({ tasks: 0 }) },
    conversations: { run: async () => ({ conversations: 0 }) },
    retention: {
      run: async () => ({
        casesErased: 0,
        attachmentFilesDeleted: 0,
        botMessagesDeleted: 0,
        botPushesDeleted: 0,
        botConversationsDeleted: 0,
        accessLogEntriesDeleted: 0,
        screeningFilesDeleted: 0,
      }),
    },
    pushes: { storePending: async () => ({ notices: 0, pushes: 0 }) },
    calendars: { dailyCheck: async () => ({ examined: 0, changed: 0, moved: 0, set: 0, yearsMissing: 0 }) },
  };
  const summary = (env: Record<string, string>, jobServices = services) =>
    scheduledJobs(loadConfig(env), jobServices).map((job) => ({
      name: job.name,
      everySeconds: job.everySeconds,
      timeoutSeconds: job.timeoutSeconds,
    }));

  it("runs every job by default, the retention policy daily with an hour before it is taken for lost", () => {
    expect(summary({})).toEqual([
      { name: "overdue-escalations", everySeconds: 60, timeoutSeconds: 300 },
      { name: "due-reminders", everySeconds: 300, timeoutSeconds: 300 },
      { name: "publicity-ends", everySeconds: 300, timeoutSeconds: 300 },
      { name: "pending-notices", everySeconds: 60, timeoutSeconds: 300 },
      { name: "conversation-timeouts", everySeconds: 60, timeoutSeconds: 300 },
      { name: "calendar-check", everySeconds: 86_400, timeoutSeconds: 300 },
      { name: "retention", everySeconds: 86_400, timeoutSeconds: 3600 },
    ]);
  });

  it("leaves out a job whose period is 0, and the conversation timeouts without the bot", () => {
    expect(
      summary(
        {
          OVERDUE_SCAN_SECONDS: "0",
          REMINDER_SCAN_SECONDS: "0",
          NOTICE_SCAN_SECONDS: "0",
          RETENTION_SCAN_HOURS: "0",
          CALENDAR_CHECK_HOURS: "0",
        },
        { ...services, conversations: null },
      ),
    ).toEqual([]);
    expect(
      summary({
        REMINDER_SCAN_SECONDS: "0",
        NOTICE_SCAN_SECONDS: "0",
        CONVERSATION_SCAN_SECONDS: "0",
        RETENTION_SCAN_HOURS: "0",
        CALENDAR_CHECK_HOURS: "0",
        JOB_TIMEOUT_SECONDS: "30",
      }),
    ).toEqual([{ name: "overdue-escalations", everySeconds: 60, timeoutSeconds: 30 }]);
  });
});

/**
 * Two apps on one database, both running the scheduler, stand for two instances (on the embedded database,
 * in one process; test/server/scale-out-scheduler.test.ts runs two server processes on a PostgreSQL server).
 */
describe(`overdue escalations run by the scheduler of two instances (${testDatabaseKind})`, () => {
  let t: TestApp;
  let second: TestApp;
  const villageWechat = "wx-village-shimen-scheduled";

  beforeAll(async () => {
    t = await createTestApp({ overdueScanSeconds: 1 });
    second = await createSecondInstance(t);
    await t.database.db.prisma.staffAccount.update({ where: { username: "village-shimen" }, data: { wechatId: villageWechat } });
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
  });

  it("escalates a late task exactly once although both instances scan", async () => {
    t.clock.now = new Date(defaultTestTime);
    const resident = await t.residentToken("scheduled-late");
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId } });
    expect(task.escalatedAt).toBeNull();

    // Due at the end of Wed 2 Dec; the clock moves past it and the scans find it.
    t.clock.now = new Date("2026-12-03T01:00:00Z");
    await expect
      .poll(async () => (await t.database.db.prisma.caseTask.findUniqueOrThrow({ where: { id: task.id } })).escalatedAt, {
        timeout: 15_000,
      })
      .not.toBeNull();
    // Several more periods on both instances.
    await pause(3000);
    expect(await t.database.db.prisma.caseEvent.count({ where: { caseId: ack.caseId, action: "OVERDUE_ESCALATED" } })).toBe(1);
    await Promise.all([t.app.services.botPushes.settled(), second.app.services.botPushes.settled()]);
    expect(
      await t.database.db.prisma.botPush.count({
        where: { recipientId: villageWechat, text: { contains: `超期提醒:案件 ${ack.number}` } },
      }),
    ).toBe(1);
  });
});
