import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`OpenAPI document and health (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("lists every route with its request and response schemas", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/docs/json" })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = t.app.printRoutes({ commonPrefix: false });
    for (const [pathName, method] of [
      ["/api/cases", "post"],
      ["/api/me/cases", "get"],
      ["/api/me/cases/{number}", "get"],
      ["/api/public/case-status", "post"],
      ["/api/staff/cases", "get"],
      ["/api/staff/cases/{id}", "get"],
      ["/api/auth/staff/login", "post"],
      ["/api/auth/wechat/login", "post"],
      ["/api/regions", "get"],
      ["/api/attachments", "post"],
      ["/api/staff/tasks", "get"],
      ["/api/staff/tasks/{id}/actions", "post"],
      ["/api/staff/cases/{id}/reidentify", "post"],
      ["/api/department/assignments", "get"],
      ["/api/department/assignments/{id}/report", "post"],
      ["/api/publicity/{villageCode}", "get"],
      ["/api/publicity/objections", "post"],
      ["/api/bot/messages", "post"],
      ["/api/staff/ledgers/{id}", "get"],
      ["/api/staff/dashboard", "get"],
      ["/api/staff/screening/imports", "post"],
      ["/api/staff/screening/imports/{id}/run", "post"],
      ["/api/staff/risk-events", "post"],
      ["/api/staff/risk-events/{id}", "get"],
      ["/api/staff/cases/{id}/reveal", "post"],
      ["/api/me/data", "get"],
      ["/api/staff/person-data-exports", "post"],
      ["/api/audit/cases/{id}/trace", "get"],
      ["/api/audit/access-log", "get"],
      ["/api/calendars/outlook", "get"],
      ["/api/admin/calendars", "get"],
      ["/api/admin/calendars", "post"],
      ["/api/admin/calendar-versions", "get"],
      ["/health/live", "get"],
      ["/health/ready", "get"],
    ] as const) {
      const operation = doc.paths[pathName]?.[method];
      expect(operation, `${method} ${pathName}`).toBeDefined();
      expect(Object.keys(operation.responses).length, `${method} ${pathName} responses`).toBeGreaterThan(0);
      expect(routes).toContain(
        pathName
          .replace(/\{(\w+)\}/g, ":$1")
          .split("/")
          .pop(),
      );
    }
    const submit = doc.paths["/api/cases"].post;
    expect(submit.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/SubmitCaseRequestInput");
    expect(submit.parameters.map((p: { name: string }) => p.name)).toContain("idempotency-key");
    expect(doc.components.schemas.SubmitCaseRequestInput.additionalProperties).toBe(false);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/api") || p.startsWith("/health")).length).toBe(70);
  });

  it("serves interactive docs", async () => {
    const page = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("swagger");
  });

  it("reports liveness and readiness with the database kind", async () => {
    expect((await t.app.inject({ method: "GET", url: "/health/live" })).json()).toEqual({ status: "ok" });
    // The details name what an operator should act on: here the holiday arrangement for 2027, awaited since 1 November.
    expect((await t.app.inject({ method: "GET", url: "/health/ready" })).json()).toMatchObject({
      status: "ok",
      database: testDatabaseKind,
      details: { calendar: { year: 2026, source: "built-in", nextYear: 2027, nextSource: "provisional", missingYear: 2027 } },
    });
  });

  it("answers unknown paths with a localized 404", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/nope", headers: { "accept-language": "en" } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "NOT_FOUND", message: "Nothing was found here." });
  });
});
