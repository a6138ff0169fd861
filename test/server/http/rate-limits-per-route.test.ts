import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPassword } from "../../../server/demo/demo-county.ts";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

const botKey = "rate-limit-bot-key-0123456789";
/** A real 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** A multipart body: the bot's message field (when given) before the file. */
async function form(file: Buffer, message?: object) {
  const form = new FormData();
  if (message) form.append("message", JSON.stringify(message));
  form.append("file", new Blob([new Uint8Array(file)]), "photo.png");
  const request = new Request("http://x/", { method: "POST", body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get("content-type")! };
}

describe(`rate limits (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      botKey,
      rateLimitPerMinute: 5,
      intakeRateLimitPerMinute: 2,
      uploadRateLimitPerMinute: 2,
      botSenderMessagesPerMinute: 3,
    });
  });
  afterAll(() => t.close());

  let address = 0;
  /** Each test is a client of its own: the limits count per minute, and the test clock does not move them. */
  const newClient = () => `198.51.100.${++address}`;
  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, remoteAddress, headers });

  it("limits every route per client, with a localized answer that says when to come back", async () => {
    const client = newClient();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await get(i % 2 ? "/api/regions" : "/health/live", client));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = answers.at(-1)!;
    expect(limited.json()).toMatchObject({ statusCode: 429, code: "RATE_LIMITED", message: "操作太频繁,请稍后再试。" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await get("/api/regions", client, { "accept-language": "en" })).json().message).toBe(
      "Too many requests. Please wait a moment and try again.",
    );
    // Another client is not held back, nor is a forged X-Forwarded-For a way out (no proxy is trusted here).
    expect((await get("/api/regions", newClient())).statusCode).toBe(200);
    expect((await get("/api/regions", client, { "x-forwarded-for": "203.0.113.99" })).statusCode).toBe(429);
  });

  it("counts a signed-in caller as its account, so residents behind one carrier address do not share an allowance", async () => {
    const client = newClient();
    const first = await t.residentToken("limits-first");
    const second = await t.residentToken("limits-second");
    const mine = (token: string) => get("/api/me/cases", client, { authorization: `Bearer ${token}` });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await mine(first)).statusCode);
    expect(answers).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await mine(second)).statusCode).toBe(200);
    // A made-up token buys nothing: it counts as the address, which has its own allowance.
    const forged = [];
    for (let i = 0; i < 6; i++) forged.push((await mine(`${first.slice(0, -4)}AAAA`)).statusCode);
    expect(forged).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("holds filing and uploads to stricter limits of their own", async () => {
    const client = newClient();
    const resident = await t.residentToken("limits-filer");
    const filings = [];
    for (let i = 0; i < 3; i++) {
      filings.push(
        await t.app.inject({
          method: "POST",
          url: "/api/cases",
          remoteAddress: client,
          headers: { authorization: `Bearer ${resident}`, "idempotency-key": `limits-filing-${i}` },
          payload: { description: "家里房子漏雨", applicantName: "甲", phone: "13512345678", consent: { personalInformation: true } },
        }),
      );
    }
    expect(filings.map((a) => a.statusCode)).toEqual([201, 201, 429]);
    expect(filings[2]!.json().code).toBe("RATE_LIMITED");

    const upload = await form(png);
    const uploads = [];
    for (let i = 0; i < 3; i++) {
      uploads.push(
        (
          await t.app.inject({
            method: "POST",
            url: "/api/attachments",
            remoteAddress: client,
            headers: { authorization: `Bearer ${resident}`, "content-type": upload.contentType },
            payload: upload.payload,
          })
        ).statusCode,
      );
    }
    expect(uploads).toEqual([201, 201, 429]);
    // The general allowance is untouched by those.
    expect((await get("/api/me/cases", client, { authorization: `Bearer ${resident}` })).statusCode).toBe(200);
  });

  it("lets the bot through by its key, however many senders it speaks for; without the key the address counts", async () => {
    const client = newClient();
    const relayed = [];
    for (let i = 0; i < 8; i++) {
      relayed.push(
        (
          await t.app.inject({
            method: "POST",
            url: "/api/bot/messages",
            remoteAddress: client,
            headers: { "x-bot-key": botKey },
            payload: { messageId: `limits-many-${i}`, senderId: `wx-many-${i}`, text: "你好" },
          })
        ).statusCode,
      );
    }
    expect(relayed.every((status) => status === 200)).toBe(true);
    const guessed = [];
    for (let i = 0; i < 6; i++) {
      guessed.push(
        (
          await t.app.inject({
            method: "POST",
            url: "/api/bot/messages",
            remoteAddress: client,
            headers: { "x-bot-key": `guess-${i}` },
            payload: { messageId: `g-${i}`, senderId: "wx-x", text: "你好" },
          })
        ).statusCode,
      );
    }
    expect(guessed).toEqual([401, 401, 401, 401, 401, 429]);
  });

  describe("per WeChat sender", () => {
    const send = (senderId: string, messageId: string, text: string) =>
      t.app.inject({ method: "POST", url: "/api/bot/messages", headers: { "x-bot-key": botKey }, payload: { messageId, senderId, text } });
    const sendPhoto = async (senderId: string, messageId: string) => {
      const media = await form(png, { messageId, senderId, type: "image" });
      return t.app.inject({
        method: "POST",
        url: "/api/bot/media-messages",
        headers: { "x-bot-key": botKey, "content-type": media.contentType },
        payload: media.payload,
      });
    };

    it("reads a sender's messages up to the limit, then says once, politely, that it did not read the next ones, and keeps nothing of them", async () => {
      const prisma = t.database.db.prisma;
      expect((await send("wx-fast", "fast-1", "你好")).statusCode).toBe(200);
      expect((await send("wx-fast", "fast-2", "查进度")).statusCode).toBe(200);
      expect((await send("wx-fast", "fast-3", "你好")).statusCode).toBe(200);
      const before = await prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-fast" } });
      const uploadsBefore = await prisma.attachment.count();

      const over = await send("wx-fast", "fast-4", "一组刘大爷家房子被洪水冲垮了,在石门村");
      expect(over.statusCode).toBe(200);
      expect(over.json().replies).toEqual([expect.stringMatching(/^您发得太快了,刚才这条我没有读到。请过 \d+ 秒再发一次。$/)]);
      // Told once a minute; after that the bot stays quiet instead of flooding the chat.
      expect((await sendPhoto("wx-fast", "fast-5")).json().replies).toEqual([]);
      expect((await send("wx-fast", "fast-6", "你好")).json().replies).toEqual([]);

      // Nothing half-done: no step taken, no photo kept, no message recorded as handled.
      expect(await prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-fast" } })).toEqual(before);
      expect(await prisma.attachment.count()).toBe(uploadsBefore);
      expect(await prisma.botMessage.count({ where: { messageId: { in: ["fast-4", "fast-5", "fast-6"] } } })).toBe(0);

      // Another sender, through the same bot, is not held back.
      expect((await send("wx-patient", "patient-1", "你好")).json().replies.length).toBeGreaterThan(0);

      // A minute later the same message is read in full.
      t.clock.now = new Date(t.clock.now.getTime() + 61_000);
      const again = await send("wx-fast", "fast-4", "一组刘大爷家房子被洪水冲垮了,在石门村");
      expect(again.json().replies).toEqual([
        expect.stringContaining("收到"),
        "请告诉我申请人姓名、手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。",
      ]);
      expect((await prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-fast" } })).state).toMatchObject({ step: "report" });
      // A redelivery of a message already read is answered from the record and not counted.
      for (let i = 0; i < 5; i++)
        expect((await send("wx-fast", "fast-4", "一组刘大爷家房子被洪水冲垮了,在石门村")).json().replies).toEqual(again.json().replies);
    });

    it("speaks the sender's language when it asks them to slow down, and says nothing in a group", async () => {
      await send("wx-english", "en-1", "English");
      await send("wx-english", "en-2", "hello");
      await send("wx-english", "en-3", "hello");
      expect((await send("wx-english", "en-4", "hello")).json().replies).toEqual([
        expect.stringMatching(/^You are sending messages faster than I can read them/),
      ]);

      const inGroup = (messageId: string) =>
        t.app.inject({
          method: "POST",
          url: "/api/bot/messages",
          headers: { "x-bot-key": botKey },
          payload: { messageId, senderId: "wx-group-talker", text: "@助手 你好", room: { id: "room-1", mentioned: true } },
        });
      for (let i = 0; i < 3; i++) expect((await inGroup(`group-${i}`)).json().replies.length).toBeGreaterThan(0);
      expect((await inGroup("group-3")).json().replies).toEqual([]);
    });
  });
});

describe(`rate limits behind a trusted proxy (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ trustProxy: true, rateLimitPerMinute: 2, loginRateLimitPerMinute: 2 });
  });
  afterAll(() => t.close());

  it("counts the client the proxy names in X-Forwarded-For, not the proxy", async () => {
    const from = (client: string, proxy = "10.0.0.1") =>
      t.app.inject({ method: "GET", url: "/api/regions", remoteAddress: proxy, headers: { "x-forwarded-for": client } });
    expect([
      (await from("203.0.113.1")).statusCode,
      (await from("203.0.113.1", "10.0.0.2")).statusCode,
      (await from("203.0.113.1")).statusCode,
    ]).toEqual([200, 200, 429]);
    expect((await from("203.0.113.2")).statusCode).toBe(200);
    // IPv6 clients count by their /64: another address in it is the same client.
    expect([
      (await from("2001:db8:0:7::1")).statusCode,
      (await from("2001:db8:0:7::2")).statusCode,
      (await from("2001:db8:0:7::3")).statusCode,
    ]).toEqual([200, 200, 429]);
  });

  it("holds log-ins to their own limit per client address, right passwords included", async () => {
    const logIn = (client: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/auth/staff/login",
        remoteAddress: "10.0.0.1",
        headers: { "x-forwarded-for": client },
        payload: { username: "county", password: demoPassword },
      });
    const answers = [await logIn("203.0.113.20"), await logIn("203.0.113.20"), await logIn("203.0.113.20")];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 429]);
    expect(answers[2]!.json().code).toBe("RATE_LIMITED");
    expect((await logIn("203.0.113.21")).statusCode).toBe(200);
  });
});
