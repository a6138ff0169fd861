import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

describe(`the bot's conversation endpoint (${testDatabaseKind})`, () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp({ botKey: "test-bot-key-0123456789" });
  });
  afterAll(() => t.close());

  const send = (senderId: string, text: string, messageId = `m-${++n}`) =>
    t.app.inject({ method: "POST", url: "/api/bot/messages", headers: { "x-bot-key": "test-bot-key-0123456789" }, payload: { messageId, senderId, text } });

  it("turns a free-text report into a case after asking only what is missing, and answers a status query", async () => {
    t.clock.now = new Date(defaultTestTime);
    expect((await send("wx-liu", "一组刘大爷家房子被洪水冲垮了,在石门村")).json().replies).toEqual([expect.stringContaining("收到"), "请问申请人叫什么名字?"]);
    expect((await send("wx-liu", "刘长根")).json().replies).toEqual([expect.stringContaining("手机号")]);
    const summary = (await send("wx-liu", "13900005678")).json().replies[0];
    expect(summary).toContain("地址:石门村");
    const done = (await send("wx-liu", "是", "confirm-1")).json().replies[0] as string;
    const number = /(\d{4}-\d{6})/.exec(done)![1]!;
    expect(done).toContain("石门村的工作人员会在");
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number } });
    expect(stored).toMatchObject({ channel: "BOT", applicantName: "刘长根", routing: "VILLAGE" });
    expect(stored.riskTypes).toEqual(expect.arrayContaining(["DISASTER", "HOUSING"]));

    // WeChat redelivers the "yes": same answer, still one case.
    expect((await send("wx-liu", "是", "confirm-1")).json().replies[0]).toBe(done);
    expect(await t.database.db.prisma.case.count({ where: { applicantName: "刘长根", channel: "BOT" } })).toBe(1);

    const status = (await send("wx-liu", "查进度")).json().replies[0];
    expect(status).toContain(number);
    expect(status).toContain("村里上门核实");
  });

  it("keeps the conversation on the server, so a restarted bot carries on where the resident was", async () => {
    await send("wx-wang", "老伴住院花了三万多");
    // A bot restart loses nothing: the next message is answered from the stored state.
    const afterRestart = await send("wx-wang", "王秀英");
    expect(afterRestart.json().replies).toEqual([expect.stringContaining("手机号")]);
    const stored = await t.database.db.prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-wang" } });
    expect(stored.state).toMatchObject({ step: "report", awaiting: "phone", draft: { applicantName: "王秀英" } });
  });

  it("drops a draft left for more than half an hour, and says so", async () => {
    t.clock.now = new Date(defaultTestTime);
    await send("wx-slow", "老伴住院花了三万多");
    await t.database.db.prisma.botConversation.update({ where: { senderId: "wx-slow" }, data: { updatedAt: new Date(defaultTestTime.getTime() - 31 * 60_000) } });
    const replies = (await send("wx-slow", "张三")).json().replies;
    expect(replies[0]).toContain("作废");
  });

  it("speaks English when asked, and remembers it", async () => {
    expect((await send("wx-en", "English")).json().replies).toEqual(["Switched to English."]);
    expect((await send("wx-en", "hello")).json().replies[0]).toMatch(/^Hello!/);
  });

  it("refuses callers without the bot key", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/bot/messages", headers: { "x-bot-key": "wrong" }, payload: { messageId: "x", senderId: "y", text: "hi" } });
    expect(response.statusCode).toBe(401);
  });
});
