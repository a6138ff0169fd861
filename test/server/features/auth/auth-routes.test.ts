import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPassword } from "../../../../server/demo/demo-county.ts";
import { WechatApiCodeExchange } from "../../../../server/platform/wechat-code-exchange.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`login (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) =>
    t.app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username, password } });

  it("logs staff in with an argon2id-hashed password and tells them their role and region", async () => {
    const ok = await login("township-liuxi", "demo1234");
    expect(ok.statusCode).toBe(200);
    expect(ok.json().staff).toMatchObject({ role: "TOWNSHIP", region: { code: "990101001", name: "柳溪镇" } });
    const stored = await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "township-liuxi" } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const wrong = await login("county", "nope");
    const unknown = await login("nobody", "nope");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
    expect(wrong.json().code).toBe("INVALID_CREDENTIALS");
  });

  it("locks an account for 15 minutes after 5 wrong passwords, even for the right one", async () => {
    for (let i = 0; i < 5; i++) expect((await login("village-shimen", "wrong")).statusCode).toBe(401);
    const locked = await login("village-shimen", "demo1234");
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: "ACCOUNT_LOCKED", message: expect.stringContaining("15 分钟") });
    t.clock.now = new Date(t.clock.now.getTime() + 16 * 60_000);
    expect((await login("village-shimen", "demo1234")).statusCode).toBe(200);
  });

  it("logs a resident in through the development code exchange, the same identity each time", async () => {
    const first = await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:grandma" } });
    const second = await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:grandma", locale: "en" } });
    expect(first.statusCode).toBe(200);
    expect(second.json().resident.id).toBe(first.json().resident.id);
    expect(second.json().resident.locale).toBe("en");
    const refused = await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "real-looking-code" } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe("WECHAT_LOGIN_FAILED");
  });

  it("lets staff bind the mini-program's WeChat at a password log-in, log in with it later, and unbind it by logging out", async () => {
    const wechatLogin = (code: string) => t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-login", payload: { code } });
    expect((await wechatLogin("dev:zhao-phone")).json()).toMatchObject({
      code: "WECHAT_NOT_BOUND",
      message: expect.stringContaining("绑定"),
    });
    const first = await t.app.inject({
      method: "POST",
      url: "/api/auth/staff/login",
      payload: { username: "village-shimen", password: demoPassword, wechatCode: "dev:zhao-phone" },
    });
    expect(first.statusCode).toBe(200);
    const again = await wechatLogin("dev:zhao-phone");
    expect(again.json()).toMatchObject({ staff: { username: "village-shimen", role: "VILLAGE" }, token: expect.any(String) });
    // A resident logging in with the same WeChat stays a resident: the binding opens the staff log-in only.
    expect(
      (await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:zhao-phone" } })).json().resident,
    ).toBeDefined();
    const out = await t.app.inject({
      method: "POST",
      url: "/api/auth/staff/wechat-logout",
      headers: { authorization: `Bearer ${again.json().token}` },
    });
    expect(out.json()).toEqual({ released: true });
    expect((await wechatLogin("dev:zhao-phone")).statusCode).toBe(401);
  });

  it("rate-limits anonymous case look-ups per client", async () => {
    const answers = [];
    for (let i = 0; i < t.config.lookupRateLimitPerMinute + 1; i++) {
      // A forged X-Forwarded-For does not buy a fresh allowance (the server is not told to trust a proxy).
      const headers = { "x-forwarded-for": `10.0.0.${i}` };
      answers.push(
        (
          await t.app.inject({
            method: "POST",
            url: "/api/public/case-status",
            headers,
            payload: { number: "2026-000001", phoneLast4: String(1000 + i) },
          })
        ).statusCode,
      );
    }
    expect(answers.slice(0, -1).every((s) => s === 404)).toBe(true);
    expect(answers.at(-1)).toBe(429);
  });
});

describe("WeChat code exchanges", () => {
  it("asks WeChat's API for the openid, the mini-program's code at code2Session and a web page's at the OAuth exchange, and refuses WeChat's errors", async () => {
    const fake = Fastify();
    const seen: { path: string; query: Record<string, string> }[] = [];
    const answer = (code: string | undefined, openid: string) =>
      code === "good" ? { openid, unionid: "u-9", session_key: "k", access_token: "t" } : { errcode: 40029, errmsg: "invalid code" };
    fake.get("/sns/jscode2session", async (request) => {
      const query = request.query as Record<string, string>;
      seen.push({ path: "jscode2session", query });
      return answer(query.js_code, "o-mini");
    });
    fake.get("/sns/oauth2/access_token", async (request) => {
      const query = request.query as Record<string, string>;
      seen.push({ path: "oauth2", query });
      return answer(query.code, "o-web");
    });
    const base = await fake.listen({ port: 0, host: "127.0.0.1" });
    try {
      const exchange = new WechatApiCodeExchange({
        appId: "wx-app",
        appSecret: "secret",
        apiBase: base,
        web: { appId: "wx-web", appSecret: "web-secret" },
      });
      await expect(exchange.exchange("good", "MINI_PROGRAM")).resolves.toEqual({ openid: "o-mini", unionid: "u-9" });
      await expect(exchange.exchange("bad", "MINI_PROGRAM")).rejects.toMatchObject({ code: "WECHAT_LOGIN_FAILED" });
      await expect(exchange.exchange("good", "WEB")).resolves.toEqual({ openid: "o-web", unionid: "u-9" });
      await expect(exchange.exchange("bad", "WEB")).rejects.toMatchObject({ code: "WECHAT_LOGIN_FAILED" });
      expect(seen[0]).toEqual({
        path: "jscode2session",
        query: { appid: "wx-app", secret: "secret", js_code: "good", grant_type: "authorization_code" },
      });
      expect(seen[2]).toEqual({
        path: "oauth2",
        query: { appid: "wx-web", secret: "web-secret", code: "good", grant_type: "authorization_code" },
      });
      // Without an official account configured, a web code is refused without asking WeChat.
      const miniOnly = new WechatApiCodeExchange({ appId: "wx-app", appSecret: "secret", apiBase: base });
      await expect(miniOnly.exchange("good", "WEB")).rejects.toMatchObject({ code: "WECHAT_LOGIN_FAILED" });
      expect(seen).toHaveLength(4);
    } finally {
      await fake.close();
    }
  });
});

describe(`one resident across WeChat's apps (${testDatabaseKind})`, () => {
  let t: TestApp;
  // Codes "<app>:<person>[:before-binding]": each app sees its own openid, the open platform one unionid per person
  // (none for "solo", nor before the app was bound to the open platform).
  const wechat = {
    exchange: async (code: string, source: "MINI_PROGRAM" | "WEB") => {
      const [app, person, when] = code.split(":") as [string, string, string?];
      if ((app === "web") !== (source === "WEB")) throw new Error(`a ${app} code exchanged as ${source}`);
      return { openid: `${app}-${person}`, unionid: person === "solo" || when === "before-binding" ? null : `union-${person}` };
    },
  };
  beforeAll(async () => {
    t = await createTestApp({}, { wechat });
  });
  afterAll(() => t.close());

  const login = async (code: string, client: "MINI_PROGRAM" | "WEB") => {
    const response = await t.app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code, client } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { token: string; resident: { id: string } };
  };

  it("lets a resident who applied in the mini-program follow the case on the status page, found by the unionid", async () => {
    const mini = await login("mini:li", "MINI_PROGRAM");
    const filed = (await t.submit(mini.token, { description: "家里房子被水冲坏了", regionCode: "990101001001" })).json();
    const web = await login("web:li", "WEB");
    expect(web.resident.id).toBe(mini.resident.id);
    const mine = await t.app.inject({ method: "GET", url: "/api/me/cases", headers: { authorization: `Bearer ${web.token}` } });
    expect(mine.json().items.map((c: { number: string }) => c.number)).toEqual([filed.number]);

    // Someone else, and someone whose apps share no open platform, stay apart.
    expect((await login("web:wang", "WEB")).resident.id).not.toBe(mini.resident.id);
    expect((await login("web:solo", "WEB")).resident.id).not.toBe((await login("mini:solo", "MINI_PROGRAM")).resident.id);
    // First log-ins racing create one resident.
    const racing = await Promise.all(
      Array.from({ length: 4 }, (_, i) => login(i % 2 ? "web:zhou" : "mini:zhou", i % 2 ? "WEB" : "MINI_PROGRAM")),
    );
    expect(new Set(racing.map((r) => r.resident.id)).size).toBe(1);
    expect(await t.database.db.prisma.residentIdentity.count({ where: { unionid: "union-zhou" } })).toBe(1);
    // A mini-program resident from before the apps were bound, and a web one since: the unionid stays where it is.
    const before = await login("mini:sun:before-binding", "MINI_PROGRAM");
    const sinceOnWeb = await login("web:sun", "WEB");
    expect(sinceOnWeb.resident.id).not.toBe(before.resident.id);
    expect((await login("mini:sun", "MINI_PROGRAM")).resident.id).toBe(before.resident.id);
    expect((await login("web:sun", "WEB")).resident.id).toBe(sinceOnWeb.resident.id);
  });
});
