import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPassword } from "../../../../server/demo/demo-county.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const botKey = "login-protection-bot-key-0123";

describe(`protection against guessed log-ins (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ botKey, loginFailuresPerClient: 4, bindingFailuresPerSender: 3, bindingFailuresPerHour: 6 });
  });
  afterAll(() => t.close());

  let address = 0;
  const newClient = () => `192.0.2.${++address}`;
  const staffLogin = (username: string, password: string, remoteAddress: string, locale = "zh-CN") =>
    t.app.inject({
      method: "POST",
      url: "/api/auth/staff/login",
      remoteAddress,
      headers: { "accept-language": locale },
      payload: { username, password },
    });
  const later = (minutes: number) => (t.clock.now = new Date(t.clock.now.getTime() + minutes * 60_000));

  it("throttles a client that fails with many user names (credential stuffing), even for a right password, until the window ends", async () => {
    const client = newClient();
    for (const username of ["county", "admin", "dept-health", "nobody-here"])
      expect((await staffLogin(username, "123456", client)).json().code).toBe("INVALID_CREDENTIALS");
    const throttled = await staffLogin("township-yunling", demoPassword, client);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({ code: "LOGIN_THROTTLED", message: "这里登录失败的次数太多,请 15 分钟后再试。" });
    expect((await staffLogin("township-yunling", demoPassword, client, "en")).json().message).toBe(
      "Too many failed log-ins from here. Please try again in 15 minutes.",
    );
    // The accounts themselves were not locked by it, and other clients log in as usual.
    expect((await staffLogin("township-yunling", demoPassword, newClient())).statusCode).toBe(200);
    later(15);
    expect((await staffLogin("township-yunling", demoPassword, client)).statusCode).toBe(200);
  });

  it("answers a user name no account has exactly like a real one with a wrong password, lock included", async () => {
    const attempts = async (username: string) => {
      const answers = [];
      // From a new address each time: the account lock holds however the guesses are spread.
      for (let i = 0; i < 6; i++) answers.push(await staffLogin(username, "wrong-password", newClient()));
      return answers.map((a) => ({ status: a.statusCode, body: { ...a.json(), requestId: undefined } }));
    };
    const real = await attempts("village-baisha");
    const ghost = await attempts("village-nowhere");
    expect(ghost).toEqual(real);
    expect(real.map((a) => a.body.code)).toEqual([...Array(5).fill("INVALID_CREDENTIALS"), "ACCOUNT_LOCKED"]);
    expect(real[5]!.body.message).toContain("15 分钟");
    later(16);
    expect((await staffLogin("village-baisha", demoPassword, newClient())).statusCode).toBe(200);
  });

  it("counts refused WeChat codes against the client, for residents and for staff", async () => {
    const client = newClient();
    const wechat = (url: string, code: string) => t.app.inject({ method: "POST", url, remoteAddress: client, payload: { code } });
    // A WeChat that WeChat vouched for but no staff account is bound to is not a guess: it does not count, however often.
    for (let i = 0; i < 5; i++)
      expect((await wechat("/api/auth/staff/wechat-login", "dev:not-staff")).json().code).toBe("WECHAT_NOT_BOUND");
    for (let i = 0; i < 3; i++) expect((await wechat("/api/auth/wechat/login", `guess-${i}`)).json().code).toBe("WECHAT_LOGIN_FAILED");
    expect((await wechat("/api/auth/staff/wechat-login", "guess-x")).json().code).toBe("WECHAT_LOGIN_FAILED");
    const refused = await wechat("/api/auth/wechat/login", "dev:real-resident");
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe("LOGIN_THROTTLED");
    // The same valid code from elsewhere works: only the guessing client waits.
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/api/auth/wechat/login",
          remoteAddress: newClient(),
          payload: { code: "dev:real-resident" },
        })
      ).statusCode,
    ).toBe(200);
  });

  it("stops a WeChat sender guessing the bot's 6-digit binding code, and everybody once all guesses together are too many", async () => {
    const grid = await t.staffToken("grid-shimen");
    const issue = async () =>
      (
        (
          await t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${grid}` } })
        ).json() as { code: string }
      ).code;
    const code = await issue();
    const wrong = code === "000000" ? "000001" : "000000";
    let n = 0;
    const bind = async (senderId: string, guess: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: "/api/bot/messages",
          headers: { "x-bot-key": botKey },
          payload: { messageId: `bind-${++n}`, senderId, text: `绑定 ${guess}` },
        })
      ).json().replies as string[];

    for (let i = 0; i < 3; i++) expect(await bind("wx-guesser", wrong)).toEqual(["绑定码不对或已过期,请在工作台重新获取。"]);
    // Throttled now, even with the right code, which stays unused.
    expect(await bind("wx-guesser", code)).toEqual(["绑定码试错次数太多,请 60 分钟后再试,或在工作台重新获取绑定码。"]);
    expect(await t.database.db.prisma.staffAccount.count({ where: { wechatId: "wx-guesser" } })).toBe(0);

    // A second guesser fills the hour's budget for everybody: a third sender is held back too.
    for (let i = 0; i < 3; i++) await bind("wx-second-guesser", wrong);
    expect((await bind("wx-grid-worker", code))[0]).toContain("绑定码试错次数太多");
    expect(await t.database.db.prisma.staffAccount.count({ where: { wechatId: "wx-grid-worker" } })).toBe(0);

    // An hour later guessing may resume, and a fresh code (the first one has expired) binds.
    later(60);
    expect((await bind("wx-grid-worker", await issue()))[0]).toMatch(/^绑定成功/);
    expect((await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } })).wechatId).toBe(
      "wx-grid-worker",
    );
  });
});
