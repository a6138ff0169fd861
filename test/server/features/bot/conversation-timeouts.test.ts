import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const botKey = "test-bot-key-timeouts-0123";
const MINUTE = 60_000;

describe(`conversations left half-way are ended and the sender told (${testDatabaseKind})`, () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp({ botKey });
  });
  afterAll(() => t.close());

  const send = (senderId: string, text: string) =>
    t.app.inject({
      method: "POST",
      url: "/api/bot/messages",
      headers: { "x-bot-key": botKey },
      payload: { messageId: `timeout-${++n}`, senderId, text },
    });
  const conversation = (senderId: string) => t.database.db.prisma.botConversation.findUniqueOrThrow({ where: { senderId } });
  const pushesTo = async (recipientId: string) => {
    await t.app.services.botPushes.settled();
    return t.database.db.prisma.botPush.findMany({ where: { recipientId, topic: "conversation" } });
  };

  it("puts an application and a report aside after 30 idle minutes (nothing is dropped), tells each sender once, and the next message does not say it again", async () => {
    t.clock.now = new Date(defaultTestTime); // 10:00 in China
    await send("wx-idle-report", "老伴住院花了三万多");
    await send("wx-idle-apply", "我想申请低保");
    await send("wx-idle-apply", "周桂花");
    await send("wx-idle-busy", "家里房子被洪水冲了");

    t.clock.now = new Date(defaultTestTime.getTime() + 30 * MINUTE);
    await send("wx-idle-busy", "李大山"); // still answering: not idle
    expect(await t.app.services.conversationTimeouts.run()).toEqual({ conversations: 0 });

    t.clock.now = new Date(defaultTestTime.getTime() + 31 * MINUTE);
    // Two runs at once (a retry overlapping a late run) and one after: each sender is told once.
    const [first, second] = await Promise.all([t.app.services.conversationTimeouts.run(), t.app.services.conversationTimeouts.run()]);
    expect(first.conversations + second.conversations).toBe(2);
    expect(await t.app.services.conversationTimeouts.run()).toEqual({ conversations: 0 });

    const report = await conversation("wx-idle-report");
    expect(report.state).toEqual({ step: "idle" });
    expect(report.savedApplication).toMatchObject({ step: "report", draft: { description: "老伴住院花了三万多" } });
    const apply = await conversation("wx-idle-apply");
    expect(apply.state).toEqual({ step: "idle" });
    expect(apply.savedApplication).toMatchObject({ step: "apply", awaiting: "contact", draft: { applicantName: "周桂花" } });
    expect((await conversation("wx-idle-busy")).state).toMatchObject({ step: "report" });

    expect((await pushesTo("wx-idle-report")).map((p) => p.text)).toEqual(["您上次报的困难还没提交,已经帮您存着了,发“继续”接着报。"]);
    expect((await pushesTo("wx-idle-apply")).map((p) => p.text)).toEqual(["您上次的申请还没填完,已经帮您存着了,发“继续”就能接着填。"]);
    expect(await pushesTo("wx-idle-busy")).toEqual([]);

    // Told already: the next message is answered as a new one, and "继续" brings the application back.
    expect((await send("wx-idle-report", "你好")).json().replies.join("\n")).not.toContain("已经帮您存着了");
    expect((await send("wx-idle-apply", "继续")).json().replies).toEqual(["我们接着填。", expect.stringContaining("手机号")]);
    await send("wx-idle-apply", "取消");
    await send("wx-idle-busy", "取消");
  });

  it("holds the notice through the night (quiet hours) and speaks the sender's language", async () => {
    t.clock.now = new Date("2026-11-25T13:00:00Z"); // 21:00 in China
    await send("wx-night", "English");
    await send("wx-night", "my house was flooded");
    t.clock.now = new Date("2026-11-25T13:45:00Z");
    expect(await t.app.services.conversationTimeouts.run()).toEqual({ conversations: 1 });
    const [push] = await pushesTo("wx-night");
    expect(push).toMatchObject({ text: expect.stringContaining("it is kept"), notBefore: new Date("2026-11-26T00:00:00Z") });
  });
});
