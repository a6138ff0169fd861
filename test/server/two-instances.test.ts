import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotPush } from "../../server/features/bot/bot-push-service.ts";
import { demoPassword } from "../../server/demo/demo-county.ts";
import { createSecondInstance, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { testDatabaseKind } from "../helpers/test-database.ts";
import { socketInbox } from "../helpers/socket-inbox.ts";

const botKey = "two-instances-bot-key-0123456789";

/**
 * Two instances of the server on one database, in this process: what one
 * instance counts, issues or publishes, the other must see. (Two real server
 * processes on a PostgreSQL server: test/server/scale-out.test.ts.)
 */
describe(`two server instances on one database (${testDatabaseKind})`, () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({
      botKey,
      botQuietHours: "off",
      loginFailuresPerClient: 4,
      lookupRateLimitPerMinute: 3,
      botSenderMessagesPerMinute: 4,
      bindingFailuresPerSender: 2,
    });
    b = await createSecondInstance(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const connect = async (on: TestApp, token: string) => {
    const socket = await on.app.injectWS("/ws");
    const inbox = socketInbox(socket);
    socket.send(JSON.stringify({ type: "auth", token }));
    await inbox.next((m) => m.type === "ready");
    return { socket, inbox };
  };
  const bot = (on: TestApp, messageId: string, senderId: string, text: string) =>
    on.app.inject({ method: "POST", url: "/api/bot/messages", headers: { "x-bot-key": botKey }, payload: { messageId, senderId, text } });

  it("accepts on one instance the log-ins the other issued, for requests and for sockets", async () => {
    const staff = await a.staffToken("township-liuxi");
    const resident = await b.residentToken("two-instances-resident");
    expect((await b.app.inject({ method: "GET", url: "/api/staff/tasks", headers: { authorization: `Bearer ${staff}` } })).statusCode).toBe(
      200,
    );
    expect((await a.app.inject({ method: "GET", url: "/api/me/cases", headers: { authorization: `Bearer ${resident}` } })).statusCode).toBe(
      200,
    );
    const { socket, inbox } = await connect(b, staff);
    expect(inbox.messages[0]).toEqual({ type: "ready", audience: "staff" });
    socket.terminate();
  });

  it("counts failed log-ins, case look-ups, binding-code guesses and the bot's senders across both instances", async () => {
    const login = (on: TestApp, password: string) =>
      on.app.inject({
        method: "POST",
        url: "/api/auth/staff/login",
        remoteAddress: "198.51.100.40",
        payload: { username: "county", password },
      });
    for (const on of [a, b, a, b]) expect((await login(on, "wrong-password")).json().code).toBe("INVALID_CREDENTIALS");
    expect((await login(a, demoPassword)).json().code).toBe("LOGIN_THROTTLED");
    expect((await login(b, demoPassword)).json().code).toBe("LOGIN_THROTTLED");

    const lookUp = (on: TestApp) =>
      on.app.inject({
        method: "POST",
        url: "/api/public/case-status",
        remoteAddress: "198.51.100.41",
        payload: { number: "2026-999999", phoneLast4: "1234" },
      });
    expect([
      (await lookUp(a)).statusCode,
      (await lookUp(b)).statusCode,
      (await lookUp(a)).statusCode,
      (await lookUp(b)).statusCode,
    ]).toEqual([404, 404, 404, 429]);

    for (const [i, on] of [a, b].entries())
      expect((await bot(on, `guess-${i}`, "wx-two-guesser", "绑定 000000")).json().replies[0]).toContain("绑定码不对");
    expect((await bot(a, "guess-2", "wx-two-guesser", "绑定 000000")).json().replies[0]).toContain("绑定码试错次数太多");

    // The same sender's fourth message this minute is read; its fifth, on the other instance, is not.
    expect((await bot(b, "fast-1", "wx-two-guesser", "你好")).json().replies[0]).not.toMatch(/^您发得太快了/);
    expect((await bot(a, "fast-2", "wx-two-guesser", "你好")).json().replies).toEqual([expect.stringMatching(/^您发得太快了/)]);
  });

  it("pushes what is done on one instance to the sockets connected to the other", async () => {
    const resident = await a.residentToken("two-instances-applicant");
    const township = await connect(b, await a.staffToken("township-liuxi"));
    const village = await connect(b, await a.staffToken("village-shimen"));
    const applicant = await connect(b, resident);

    const filed = (
      await a.submit(resident, { kind: "EMERGENCY_AID", description: "家里着火了,东西都烧了", regionCode: "990101001001" })
    ).json();
    const task = await township.inbox.next((m) => m.type === "task.opened" && m.caseNumber === filed.number);
    expect(task).toMatchObject({ stage: "TOWNSHIP_EMERGENCY_RELIEF" });

    const approved = await a.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${String(task.taskId)}/actions`,
      headers: { authorization: `Bearer ${await a.staffToken("township-liuxi")}` },
      payload: { type: "APPROVE" },
    });
    expect(approved.statusCode).toBe(200);
    expect(await applicant.inbox.next((m) => m.type === "case.updated" && m.caseNumber === filed.number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
      status: "OPEN",
    });
    expect(await village.inbox.next((m) => m.type === "task.opened" && m.caseNumber === filed.number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
    });
    expect(await township.inbox.next((m) => m.type === "case.updated" && m.caseNumber === filed.number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
    });
    // Each heard it once: one instance published it, and only the sockets' own instance sent it.
    expect(applicant.inbox.messages.filter((m) => m.caseNumber === filed.number)).toHaveLength(1);
    for (const s of [township, village, applicant]) s.socket.terminate();
  });

  it("stores a push once, where the action was handled, and sends it from the instance the bot is connected to", async () => {
    const grid = await a.staffToken("grid-shimen");
    const { code } = (
      await a.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${grid}` } })
    ).json();
    expect((await bot(a, "bind-grid", "wx-two-grid", `绑定 ${code}`)).json().replies[0]).toMatch(/^绑定成功/);
    const offered: BotPush[] = [];
    const detach = b.app.services.botPushes.attach((push) => offered.push(push));

    const resident = await a.residentToken("two-instances-pushed");
    const filed = (
      await a.submit(resident, { kind: "EMERGENCY_AID", description: "家里着火了,东西都烧了", regionCode: "990101001001" })
    ).json();
    const [task] = (
      await a.app.inject({
        method: "GET",
        url: "/api/staff/tasks",
        headers: { authorization: `Bearer ${await a.staffToken("township-liuxi")}` },
      })
    )
      .json()
      .items.filter((item: { caseNumber: string }) => item.caseNumber === filed.number);
    await a.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${await a.staffToken("township-liuxi")}` },
      payload: { type: "APPROVE" },
    });

    await expect.poll(() => offered.filter((push) => push.to === "wx-two-grid" && push.text.includes(filed.number))).toHaveLength(1);
    await b.app.services.botPushes.delivered(offered.at(-1)!.id);
    await a.app.services.botPushes.settled();
    await b.app.services.botPushes.settled();
    const stored = await a.database.db.prisma.botPush.findMany({ where: { recipientId: "wx-two-grid", text: { contains: filed.number } } });
    expect(stored.map((push) => push.deliveredAt !== null)).toEqual([true]);
    detach();
  });

  it("never offers one push from both instances, however their pumps overlap", async () => {
    const prisma = a.database.db.prisma;
    const due = new Date(a.clock.now.getTime() - 60_000);
    await prisma.botPush.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        recipientId: `wx-burst-${i}`,
        topic: `case:burst-${i}`,
        text: `第 ${i} 条`,
        notBefore: due,
      })),
    });
    const offered: BotPush[] = [];
    const sink = (push: BotPush) => push.to.startsWith("wx-burst-") && offered.push(push);
    const detach = [a.app.services.botPushes.attach(sink), b.app.services.botPushes.attach(sink)];
    await Promise.all([a, b, a, b, a, b].map((on) => on.app.services.botPushes.pump()));
    await expect.poll(() => offered.length).toBe(40);
    // Whatever pump was still running has finished by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(offered).toHaveLength(40);
    expect(new Set(offered.map((push) => push.id)).size).toBe(40);
    for (const stop of detach) stop();
  });

  it("puts a holiday arrangement loaded on one instance into force on the other", async () => {
    const saved = a.clock.now;
    // Monday 28 December 2026: a village visit's five working days run into 2027.
    a.clock.now = new Date("2026-12-28T02:00:00Z");
    const resident = await b.residentToken("two-instances-calendar");
    const before = (await b.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001002" })).json();
    expect(before.nextStep).toMatchObject({ dueAt: "2027-01-05T15:59:59.999Z", provisional: true });

    const admin = await a.staffToken("admin");
    const loaded = await a.app.inject({
      method: "POST",
      url: "/api/admin/calendars",
      headers: { authorization: `Bearer ${admin}` },
      payload: { year: 2027, holidays: ["2027-01-01"], makeupWorkdays: ["2027-01-02"] },
    });
    expect(loaded.statusCode).toBe(200);
    // Instance b hears of it and counts on it: Saturday 2 January is worked.
    await expect
      .poll(async () => (await b.submit(resident, { description: "孩子上学交不起学费", regionCode: "990101001002" })).json().nextStep)
      .toMatchObject({ dueAt: "2027-01-04T15:59:59.999Z", provisional: false });
    const outlook = (
      await b.app.inject({ method: "GET", url: "/api/calendars/outlook", headers: { authorization: `Bearer ${admin}` } })
    ).json();
    expect(outlook).toMatchObject({ nextYear: 2027, nextSource: "official", missingYear: null });
    // The case filed on b before the load was counted again by a.
    const status = (
      await b.app.inject({ method: "GET", url: `/api/me/cases/${before.number}`, headers: { authorization: `Bearer ${resident}` } })
    ).json();
    expect(status.nextStep).toMatchObject({ dueAt: "2027-01-04T15:59:59.999Z", provisional: false });
    a.clock.now = saved;
  });
});
