import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockWeChat } from "../../bot/mock-wechat.ts";
import { openDatabase } from "../../server/platform/database/database.ts";
import { translator } from "../../server/core/i18n/i18n.ts";
import { ServerProcess } from "../helpers/server-process.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/test-database.ts";

const botKey = "crash-test-bot-key-0123456789";
const caseNumberIn = (text: string) => /(\d{4}-\d{6})/.exec(text)?.[1];

describe(`the WeChat bot when the server is killed mid-conversation (${testDatabaseKind})`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-bot-crash-"));
  let database: TestDatabase | null = null;
  let server: ServerProcess;
  let wechat: MockWeChat;

  beforeAll(async () => {
    if (testDatabaseKind === "postgres") database = await createTestDatabase();
    server = await ServerProcess.create({
      dataDir,
      databaseUrl: database?.url ?? "",
      // Pushes go out at once, whatever the hour the test runs at.
      env: { BOT_KEY: botKey, BOT_QUIET_HOURS: "off", BOT_PUSH_INTERVAL_SECONDS: "0", BOT_PUSH_SCAN_SECONDS: "1" },
    });
    await server.start();
    wechat = await MockWeChat.start({ serverUrl: server.url, botKey });
  });
  afterAll(async () => {
    await wechat?.stop();
    await server?.kill();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("carries on the half-filled report after the restart, files it once with what was said before, and delivers pushes again", async () => {
    const li = wechat.person("wxid-crash-li", "李桂芳");
    expect(await li.say("家里房子被洪水冲了,在石门村")).toEqual([
      "收到,您遇到的困难我记下了。再问您几个问题,很快就好。",
      "请告诉我申请人姓名、手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。",
    ]);
    expect(await li.say("李桂芳")).toEqual(["请告诉我手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。"]);

    expect(await server.kill("SIGKILL")).toBe("SIGKILL");
    // While the server is down the bot retries, then tells the resident to try again rather than staying silent.
    expect(await li.say("13900007777")).toEqual([translator("zh-CN")("errors.SERVICE_UNAVAILABLE")]);

    await server.start();
    const [summary] = await li.say("13900007777");
    expect(summary).toContain("申请人:李桂芳");
    expect(summary).toContain("地址:柳溪镇石门村");
    const [ack] = await li.say("是");
    const number = caseNumberIn(ack!);
    expect(number, ack).toBeDefined();
    // A second "yes" finds nothing left to file.
    await li.say("是");

    // The bot's push socket reconnected by itself: the village's first step reaches the resident.
    const village = await server.staffToken("village-shimen");
    const tasks = await server.json<{ items: { id: string; caseNumber: string }[] }>("GET", "/api/staff/tasks?limit=100", village);
    const task = tasks.body.items.find((item) => item.caseNumber === number);
    expect(task, JSON.stringify(tasks.body)).toBeDefined();
    const visit = await server.json("POST", `/api/staff/tasks/${task!.id}/actions`, village, {
      type: "RECORD_HOME_VISIT",
      visitedAt: new Date().toISOString(),
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
    });
    expect(visit.status, JSON.stringify(visit.body)).toBe(200);
    // The push client backs off up to 16 s between attempts while the server was down.
    expect(await li.waitFor((text) => text.startsWith(`您的案件 ${number} 有新进展`), 45_000)).toContain("已完成入户核实");

    await server.stop();
    const db = database?.db ?? (await openDatabase({ url: "", embeddedDir: path.join(dataDir, "pglite") }));
    try {
      const cases = await db.prisma.case.findMany({ where: { reporterResident: { openid: "wechat:wxid-crash-li" } } });
      expect(cases.map((c) => ({ number: c.number, applicantName: c.applicantName, channel: c.channel }))).toEqual([
        { number, applicantName: "李桂芳", channel: "BOT" },
      ]);
      expect(cases[0]!.description).toContain("房子被洪水冲了");
    } finally {
      if (!database) await db.close();
    }
  }, 150_000);
});
