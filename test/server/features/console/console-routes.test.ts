import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "../../../helpers/browser.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";

describe("console pages", () => {
  let t: TestApp;
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("serves the console and the status page with a policy that allows nothing from elsewhere", async () => {
    for (const url of ["/console/", "/status"]) {
      const page = await t.app.inject({ method: "GET", url });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toContain("text/html");
      expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
      expect(script).toBeDefined();
      const asset = await t.app.inject({ method: "GET", url: script! });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers["cache-control"]).toContain("immutable");
    }
    expect((await t.app.inject({ method: "GET", url: "/" })).headers.location).toBe("/console/");
  });

  it("serves nothing outside the built files", async () => {
    expect((await t.app.inject({ method: "GET", url: "/console/assets/..%2f..%2fpackage.json" })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await t.app.inject({ method: "GET", url: "/console/assets/missing.js" })).statusCode).toBe(404);
  });

  it("tells the pages whether the chat simulator is on and that there is no WeChat web log-in on the development provider", async () => {
    expect((await t.app.inject({ method: "GET", url: "/console/features" })).json()).toEqual({ simulator: false, wechatWebLogin: null });
  });
});
