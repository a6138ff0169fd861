import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "../../helpers/browser.ts";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";

const consoleOrigin = "https://console.example.gov.cn";

function expectHardened(answer: LightMyRequestResponse) {
  expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers["x-frame-options"]).toBe("DENY");
  expect(answer.headers["referrer-policy"]).toBe("no-referrer");
  expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
}

describe("security headers and CORS, by default", () => {
  let t: TestApp;
  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("hardens every kind of answer: JSON, errors, files, the console, the status page and the API docs", async () => {
    const resident = await t.residentToken("header-check");
    const answers = {
      json: await t.app.inject({ method: "GET", url: "/api/regions" }),
      unauthorized: await t.app.inject({ method: "GET", url: "/api/me/cases" }),
      invalid: await t.app.inject({ method: "GET", url: "/api/me/cases/not-a-number", headers: { authorization: `Bearer ${resident}` } }),
      notFound: await t.app.inject({ method: "GET", url: "/api/nothing-here" }),
      health: await t.app.inject({ method: "GET", url: "/health/live" }),
      console: await t.app.inject({ method: "GET", url: "/console/" }),
      status: await t.app.inject({ method: "GET", url: "/status" }),
      docs: await t.app.inject({ method: "GET", url: "/docs" }),
      openapi: await t.app.inject({ method: "GET", url: "/docs/json" }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.statusCode]))).toEqual({
      json: 200,
      unauthorized: 401,
      invalid: 400,
      notFound: 404,
      health: 200,
      console: 200,
      status: 200,
      docs: 200,
      openapi: 200,
    });
    for (const answer of Object.values(answers)) expectHardened(answer);
    // JSON and error answers may load, run and frame nothing.
    for (const answer of [answers.json, answers.unauthorized, answers.invalid, answers.notFound, answers.health]) {
      expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    }
    // The pages keep their own policy: their own scripts, nothing from elsewhere.
    for (const page of [answers.console, answers.status, answers.docs]) {
      expect(page.headers["content-security-policy"]).toMatch(/default-src 'self'.*script-src 'self';/);
      expect(page.headers["content-security-policy"]).not.toMatch(/https?:|unsafe-eval/);
    }
  });

  it("sends no HSTS unless told the server is reached over HTTPS", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/regions" })).headers["strict-transport-security"]).toBeUndefined();
  });

  it("answers no CORS at all when no console origin is configured: a preflight finds no route", async () => {
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: "/api/cases",
      headers: {
        origin: consoleOrigin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.statusCode).toBe(404);
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    const cross = await t.app.inject({ method: "GET", url: "/api/regions", headers: { origin: consoleOrigin } });
    expect(cross.statusCode).toBe(200);
    expect(Object.keys(cross.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });
});

describe("security headers and CORS, configured for a console elsewhere over HTTPS", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ consoleOrigins: `${consoleOrigin}/, https://backup.example.gov.cn`, hstsMaxAgeSeconds: 31_536_000 });
  });
  afterAll(() => t.close());

  const preflight = (origin: string) =>
    t.app.inject({
      method: "OPTIONS",
      url: "/api/cases",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,idempotency-key",
      },
    });

  it("sends HSTS on every answer", async () => {
    for (const url of ["/api/regions", "/api/nothing-here"]) {
      expect((await t.app.inject({ method: "GET", url })).headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    }
  });

  it("lets the console's origins call the API, with the headers it needs and no cookies", async () => {
    for (const origin of [consoleOrigin, "https://backup.example.gov.cn"]) {
      const answer = await preflight(origin);
      expect(answer.statusCode).toBe(204);
      expect(answer.headers["access-control-allow-origin"]).toBe(origin);
      expect(answer.headers["access-control-allow-methods"]).toBe("GET, POST");
      expect(answer.headers["access-control-allow-headers"]).toContain("idempotency-key");
      expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
      expect(answer.headers.vary).toContain("Origin");
    }
    const call = await t.app.inject({ method: "GET", url: "/api/regions", headers: { origin: consoleOrigin } });
    expect(call.headers["access-control-allow-origin"]).toBe(consoleOrigin);
    expect(call.headers["access-control-expose-headers"]).toContain("retry-after");
  });

  it("gives any other origin no CORS header at all, and its preflight the ordinary 404", async () => {
    for (const origin of ["https://evil.example.com", "http://console.example.gov.cn", "https://console.example.gov.cn.evil.com", "null"]) {
      const answer = await preflight(origin);
      expect(answer.statusCode).toBe(404);
      expect(answer.json().code).toBe("NOT_FOUND");
      expect(Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
      const call = await t.app.inject({ method: "GET", url: "/api/regions", headers: { origin } });
      expect(call.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });
});
