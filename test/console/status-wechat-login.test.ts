import Fastify, { type FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestApp } from "../helpers/browser.ts";
import type { TestApp } from "../helpers/test-app.ts";

/** Inside WeChat the status page logs the resident in through the official account's OAuth page; a stand-in plays WeChat. */
describe("the status page's WeChat log-in (browser)", () => {
  let wechat: FastifyInstance;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let wechatBase: string;
  let close: () => Promise<void>;
  const authorizations: Record<string, string>[] = [];

  beforeAll(async () => {
    wechat = Fastify();
    // WeChat's OAuth page: silent for snsapi_base, straight back to the page with a code and the state.
    wechat.get("/connect/oauth2/authorize", async (request, reply) => {
      const query = request.query as Record<string, string>;
      authorizations.push(query);
      const back = new URL(query.redirect_uri!);
      back.searchParams.set("code", "web-code");
      back.searchParams.set("state", query.state!);
      return reply.redirect(back.href);
    });
    // The same person: one openid per app, one unionid.
    wechat.get("/sns/oauth2/access_token", async (request) =>
      (request.query as Record<string, string>).code === "web-code"
        ? { access_token: "t", openid: "web-grandma", unionid: "union-grandma", scope: "snsapi_base" }
        : { errcode: 40029 },
    );
    wechat.get("/sns/jscode2session", async (request) =>
      (request.query as Record<string, string>).js_code === "mini-code"
        ? { openid: "mini-grandma", unionid: "union-grandma", session_key: "k" }
        : { errcode: 40029 },
    );
    wechatBase = await wechat.listen({ port: 0, host: "127.0.0.1" });
    ({ t, base, browser, close } = await browserTestApp({
      wechatProvider: "wechat",
      wechatAppId: "wx-mini",
      wechatAppSecret: "mini-secret",
      wechatWebAppId: "wx-web",
      wechatWebAppSecret: "web-secret",
      wechatApiBase: wechatBase,
      wechatOAuthBase: wechatBase,
    }));
  });
  afterAll(async () => {
    await close?.();
    await wechat?.close();
  });

  it("sends a resident opening it in WeChat through the official account's log-in, back to the cases they filed in the mini-program", async () => {
    const mini = await t.app.inject({
      method: "POST",
      url: "/api/auth/wechat/login",
      payload: { code: "mini-code", client: "MINI_PROGRAM" },
    });
    const filed = (await t.submit(mini.json().token, { description: "儿子车祸住院,家里没钱交医药费", regionCode: "990101001001" })).json();
    expect((await t.app.inject({ method: "GET", url: "/console/features" })).json().wechatWebLogin).toEqual({
      appId: "wx-web",
      authorizeUrl: `${wechatBase}/connect/oauth2/authorize`,
    });

    const inWechat = await browser.newContext({
      userAgent: "Mozilla/5.0 (Linux; Android 13) Mobile MicroMessenger/8.0.49",
      viewport: { width: 390, height: 844 },
      reducedMotion: "reduce",
    });
    const page = await inWechat.newPage();
    await page.goto(`${base}/status`);
    await expect.poll(() => page.getByTestId("my-cases").innerText()).toContain(filed.number);
    expect(authorizations).toEqual([
      { appid: "wx-web", redirect_uri: `${base}/status`, response_type: "code", scope: "snsapi_base", state: "status" },
    ]);
    // The single-use code and the state leave the address bar.
    expect(page.url()).toBe(`${base}/status`);
    await inWechat.close();

    // Outside WeChat nobody is sent anywhere: the look-up by case number is there.
    const elsewhere = await (await browser.newContext({ reducedMotion: "reduce" })).newPage();
    await elsewhere.goto(`${base}/status`);
    await elsewhere.getByRole("button").first().waitFor();
    expect(elsewhere.url()).toBe(`${base}/status`);
    expect(authorizations).toHaveLength(1);
    await elsewhere.context().close();
  });
});
