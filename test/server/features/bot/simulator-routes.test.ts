import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { chromiumOptions } from "../../../helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildApp } from "../../../../server/app.ts";
import { loadConfig, simulatorEnabled } from "../../../../server/config.ts";
import { testBotKey } from "../../../helpers/mock-wechat-harness.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { homeVisit } from "../../../helpers/actions.ts";
import { wsText } from "../../../../server/platform/ws-text.ts";

const caseNumberPattern = /\d{4}-\d{6}/;

describe("whether the simulator is served", () => {
  it("follows the demo on auto, needs BOT_KEY, and refuses SIMULATOR=true without one at start-up", async () => {
    expect(simulatorEnabled({ simulator: "auto", databaseUrl: "", botKey: "k" })).toBe(true);
    expect(simulatorEnabled({ simulator: "auto", databaseUrl: "", botKey: "" })).toBe(false);
    expect(simulatorEnabled({ simulator: "auto", databaseUrl: "postgres://db/x", botKey: "k" })).toBe(false);
    expect(simulatorEnabled({ simulator: "true", databaseUrl: "postgres://db/x", botKey: "k" })).toBe(true);
    expect(simulatorEnabled({ simulator: "false", databaseUrl: "", botKey: "k" })).toBe(false);
    expect(loadConfig({ SIMULATOR: "false" }).simulator).toBe("false");
    // Refused before any database is opened.
    await expect(buildApp(loadConfig({}, { simulator: "true", botKey: "", logLevel: "silent" }))).rejects.toThrow(
      /SIMULATOR=true needs BOT_KEY/,
    );
  });
});

describe(`the web chat simulator (${testDatabaseKind})`, () => {
  let t: TestApp;
  let base: string;
  let profileDir: string;
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    t = await createTestApp({ botKey: testBotKey, simulator: "true" });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-chromium-"));
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
    fs.rmSync(profileDir, { recursive: true, force: true });
  });

  /** Opens a socket and collects what the server sends on it. */
  const connect = async (query = "") => {
    const socket = new WebSocket(`${base.replace("http", "ws")}/simulator/ws${query}`);
    const messages: Record<string, unknown>[] = [];
    socket.on("message", (raw) => messages.push(JSON.parse(wsText(raw))));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const next = async () => {
      const seen = messages.length;
      await expect.poll(() => messages.length, { timeout: 5000 }).toBeGreaterThan(seen);
      return messages[seen]!;
    };
    return { socket, messages, next };
  };

  it("refuses a message that breaks the protocol with a clear error in the page's language, and keeps the socket open", async () => {
    const en = await connect("?lng=en");
    en.socket.send(JSON.stringify({ type: "say" }));
    expect(await en.next()).toEqual({
      type: "error",
      code: "VALIDATION_FAILED",
      message: "The page sent something it should not have. Please reload the page and try again.",
    });
    // A made-up id cannot speak as a real WeChat user.
    en.socket.send(JSON.stringify({ type: "hello", as: "resident", personId: "wxid-liu-changgen" }));
    expect((await en.next()).code).toBe("VALIDATION_FAILED");
    en.socket.send("not json");
    expect((await en.next()).code).toBe("VALIDATION_FAILED");
    expect(en.socket.readyState).toBe(WebSocket.OPEN);
    en.socket.close();

    const zh = await connect();
    zh.socket.send(JSON.stringify({ type: "say", text: "你好" }));
    expect(await zh.next()).toEqual({ type: "error", code: "NOT_STARTED", message: "还没有连上助手,请刷新页面再试。" });
    zh.socket.send(JSON.stringify({ type: "say", text: "字".repeat(2001) }));
    expect(await zh.next()).toEqual({ type: "error", code: "TOO_LONG", message: "一条消息最多 2000 个字,请分几次发。" });
    zh.socket.send(JSON.stringify({ type: "file", name: "big.jpg", base64: "A".repeat(2_796_204 + 4) }));
    expect(await zh.next()).toEqual({ type: "error", code: "FILE_TOO_LARGE", message: "文件太大,单个文件不能超过 2 MB。" });
    zh.socket.close();
  });

  it("relays a file from the page to the bot, and speaks as the demo grid worker on request", async () => {
    // A whole 1×1 PNG: photos are decoded and encoded again before they are kept, so a header alone is refused.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const page = await connect();
    page.socket.send(JSON.stringify({ type: "hello", as: "resident" }));
    const ready = await page.next();
    expect(ready).toMatchObject({ type: "ready", as: "resident" });
    expect(ready.personId).toMatch(/^sim-[A-Za-z0-9_-]{22}$/);
    page.socket.send(JSON.stringify({ type: "file", name: "house.png", base64: png.toString("base64") }));
    expect(await page.next()).toEqual({ type: "bot", text: "照片收到了,会和您的材料一起提交。" });

    page.socket.send(JSON.stringify({ type: "hello", as: "grid" }));
    expect(await page.next()).toEqual({ type: "ready", as: "grid", personId: "demo-grid-shimen" });
    page.socket.send(JSON.stringify({ type: "say", text: "我转的" }));
    expect((await page.next()).type).toBe("bot");
    page.socket.close();
  });

  it("lets someone without WeChat report a hardship from the page, and continue the same conversation after a reload", async () => {
    t.clock.now = new Date(defaultTestTime);
    browser = await chromium.launchPersistentContext(profileDir, chromiumOptions);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const botMessages = page.locator(".message.bot:visible");
    const say = async (text: string) => {
      await page.fill("#text", text);
      await page.click("#send");
    };
    const botSays = (text: string | RegExp) => botMessages.filter({ hasText: text }).last().waitFor({ state: "visible", timeout: 10_000 });

    await page.goto(`${base}/simulator`);
    await expect.poll(() => page.title()).toBe("微信助手模拟器");
    await botSays("您好!我是困难群众求助助手。");

    await say("家里房子被洪水冲了,在石门村");
    await botSays("申请人姓名、手机号");
    await say("刘长根");
    await botSays("请告诉我手机号");
    await say("139 0000 5678");
    await botSays("地址:柳溪镇石门村");
    await say("是");
    await botSays(caseNumberPattern);
    const ack = (await botMessages.filter({ hasText: caseNumberPattern }).last().textContent())!;
    expect(ack).toContain("石门村的工作人员会在 2026年12月2日周三 前到您家了解情况");
    const number = caseNumberPattern.exec(ack)![0];

    const personId = await page.evaluate(() => localStorage.getItem("fanpin.simulator.personId"));
    expect(personId).toMatch(/^sim-/);
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number }, include: { reporterResident: true } });
    expect(stored).toMatchObject({ channel: "BOT", kind: "HARDSHIP_REPORT", applicantName: "刘长根", stage: "VILLAGE_VERIFICATION" });
    expect(stored.reporterResident?.openid).toBe(`wechat:${personId}`);

    await page.reload();
    await botSays("您好!我是困难群众求助助手。");
    expect(await botMessages.filter({ hasText: number }).count()).toBe(0);
    await say("查进度");
    await botSays(`案件 ${number}(困难情况报告):办理中`);
    expect(await page.evaluate(() => localStorage.getItem("fanpin.simulator.personId"))).toBe(personId);

    // What the bot says unasked (the village's next step) reaches the page too.
    const village = await t.staffToken("village-shimen");
    const tasks = (
      await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: { authorization: `Bearer ${village}` } })
    ).json().items as { id: string; caseNumber: string }[];
    const task = tasks.find((x) => x.caseNumber === number)!;
    const visit = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: homeVisit(),
    });
    expect(visit.statusCode, visit.body).toBe(200);
    await t.app.services.botPushes.settled();
    await botSays(`您的案件 ${number} 有新进展`);

    // English: the page's own words, and the bot's, for the same person.
    await page.click("#language");
    await expect.poll(() => page.title()).toBe("WeChat assistant simulator");
    await expect.poll(() => page.textContent("#send")).toBe("Send");
    await botSays("Switched to English.");
  });
});
