import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ServerProcess } from "../helpers/server-process.ts";
import { socketInbox } from "../helpers/socket-inbox.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

const botKey = "scale-out-bot-key-0123456789abcdef";

/** A WebSocket to a server's /ws that keeps every message, authenticated with the first message it sends. */
async function connect(server: ServerProcess, auth: object) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/ws`);
  const inbox = socketInbox(socket, server.url);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify(auth));
  const next = (predicate: (m: Record<string, unknown>) => boolean) => inbox.next(predicate, 10_000);
  await next((m) => m.type === "ready");
  return { socket, messages: inbox.messages, next };
}

/**
 * The bar: two server processes on one PostgreSQL database, as behind
 * a load balancer; what is done through one reaches the sockets connected to
 * the other. Runs on a PostgreSQL server only (vitest.config.ts): two
 * processes cannot share the embedded database.
 */
describe("two server instances on one PostgreSQL database (postgres)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-scale-out-"));
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Quiet hours off: the bot's push is not held until morning whenever the test runs.
    const servers = await ServerProcess.startGroup(2, {
      dataDir,
      databaseUrl: database.url,
      env: { BOT_KEY: botKey, BOT_QUIET_HOURS: "off" },
    });
    [a, b] = [servers[0]!, servers[1]!];
  });
  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("pushes a township's decision taken on one instance to the staff consoles, the applicant and the bot connected to the other", async () => {
    // A grid worker binds their WeChat through instance A: new village tasks in their area reach them by the bot.
    const grid = await a.staffToken("grid-shimen");
    const binding = await a.json<{ code: string }>("POST", "/api/auth/staff/wechat-binding", grid);
    const bound = await fetch(`${a.url}/api/bot/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-key": botKey },
      body: JSON.stringify({ messageId: "scale-out-bind", senderId: "wx-scale-out-grid", text: `绑定 ${binding.body.code}` }),
    });
    expect(((await bound.json()) as { replies: string[] }).replies[0]).toMatch(/^绑定成功/);

    // Everyone logs in through A and listens on B: a log-in from one instance is good on the other.
    const resident = await a.residentToken("scale-out-applicant");
    const townshipToken = await a.staffToken("township-liuxi");
    expect((await b.json("GET", "/api/staff/tasks", townshipToken)).status).toBe(200);
    const township = await connect(b, { type: "auth", token: townshipToken });
    const village = await connect(b, { type: "auth", token: await a.staffToken("village-shimen") });
    const applicant = await connect(b, { type: "auth", token: resident });
    const bot = await connect(b, { type: "auth.bot", key: botKey });

    const filed = await fetch(`${a.url}/api/cases`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${resident}`, "idempotency-key": "scale-out-report-1" },
      body: JSON.stringify({
        kind: "EMERGENCY_AID",
        description: "家里着火了,东西都烧了",
        applicantName: "扩容测试",
        phone: "13512345678",
        regionCode: "990101001001",
        consent: { personalInformation: true },
      }),
    });
    expect(filed.status).toBe(201);
    const { number } = (await filed.json()) as { number: string };
    const task = await township.next((m) => m.type === "task.opened" && m.caseNumber === number);
    expect(task).toMatchObject({ stage: "TOWNSHIP_EMERGENCY_RELIEF" });

    const approved = await a.json("POST", `/api/staff/tasks/${String(task.taskId)}/actions`, townshipToken, { type: "APPROVE" });
    expect(approved.status).toBe(200);
    expect(await applicant.next((m) => m.type === "case.updated" && m.caseNumber === number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
      status: "OPEN",
      event: "APPROVED",
    });
    expect(await township.next((m) => m.type === "case.updated" && m.caseNumber === number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
    });
    expect(await village.next((m) => m.type === "task.opened" && m.caseNumber === number)).toMatchObject({ stage: "VILLAGE_VERIFICATION" });
    const push = await bot.next((m) => m.type === "bot.push" && String(m.text).includes(number));
    expect(push).toMatchObject({ to: "wx-scale-out-grid", text: expect.stringMatching(/^新任务:案件/) });

    // The bot confirms on B what A stored: delivered once, and stored once.
    bot.socket.send(JSON.stringify({ type: "bot.delivered", id: push.id }));
    await expect
      .poll(async () => (await database.db.prisma.botPush.findUniqueOrThrow({ where: { id: String(push.id) } })).deliveredAt, {
        timeout: 5000,
      })
      .not.toBeNull();
    expect(await database.db.prisma.botPush.count({ where: { recipientId: "wx-scale-out-grid", text: { contains: number } } })).toBe(1);
    expect(bot.messages.filter((m) => m.type === "bot.push" && m.id === push.id)).toHaveLength(1);
    for (const s of [township, village, applicant, bot]) s.socket.close();
  });

  it("tells the sockets to reload what they show when their instance lost its link to the others, and pushes again once it is back", async () => {
    const townshipToken = await a.staffToken("township-liuxi");
    const township = await connect(b, { type: "auth", token: townshipToken });
    // An administrator (or a failover) ends the connections the instances listen on.
    const ended = await database.db.query<{ ended: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'fanpin-listen' AND datname = current_database()",
    );
    expect(ended).toEqual([{ ended: true }, { ended: true }]);
    await township.next((m) => m.type === "resync");

    const resident = await a.residentToken("scale-out-after-resync");
    const filed = await fetch(`${a.url}/api/cases`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${resident}`, "idempotency-key": "scale-out-report-2" },
      body: JSON.stringify({
        kind: "EMERGENCY_AID",
        description: "家里着火了,东西都烧了",
        applicantName: "扩容测试",
        phone: "13512345678",
        regionCode: "990101001002",
        consent: { personalInformation: true },
      }),
    });
    const { number } = (await filed.json()) as { number: string };
    expect(await township.next((m) => m.type === "task.opened" && m.caseNumber === number)).toMatchObject({
      stage: "TOWNSHIP_EMERGENCY_RELIEF",
    });
    township.socket.close();
  });
});
