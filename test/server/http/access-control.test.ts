import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlugin } from "../../../server/http/access.ts";
import { servicesPlugin, type Services } from "../../../server/app-services.ts";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

describe(`access control (${testDatabaseKind})`, () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let aliceCase: { number: string; caseId: string };
  let liuxiCase: { number: string; caseId: string };
  let yunlingCase: { number: string; caseId: string };
  let triageCase: { number: string; caseId: string };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await t.residentToken("alice");
    bob = await t.residentToken("bob");
    aliceCase = (await t.submit(alice, { description: "我家里有困难需要帮助", regionCode: "990101001001" })).json();
    liuxiCase = (await t.submit(bob, { description: "柳溪镇石门村的困难户", regionCode: "990101001001" })).json();
    yunlingCase = (await t.submit(bob, { description: "云岭乡白沙村的困难户", regionCode: "990101002001" })).json();
    triageCase = (await t.submit(bob, { description: "柳溪镇上的困难户", regionCode: "990101001" })).json();
  });
  afterAll(() => t.close());

  const get = (url: string, token?: string) =>
    t.app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("every registered route declares its access rule; a route without one fails at start-up", async () => {
    const probe = Fastify();
    await probe.register(servicesPlugin, {} as Services);
    await probe.register(accessPlugin);
    expect(() => probe.get("/undeclared", async () => "oops")).toThrow(/GET \/undeclared declares no access rule/);
    expect(() => probe.get("/declared", { config: { access: { public: true } } }, async () => "ok")).not.toThrow();
  });

  it("refuses calls without a token or with a forged one", async () => {
    expect((await get("/api/me/cases")).statusCode).toBe(401);
    const forged = await get("/api/me/cases", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidHlwIjoic3RhZmYifQ.c2lnbmF0dXJl");
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe("TOKEN_INVALID");
  });

  it("a resident cannot read another resident's case", async () => {
    expect((await get(`/api/me/cases/${aliceCase.number}`, alice)).statusCode).toBe(200);
    const denied = await get(`/api/me/cases/${aliceCase.number}`, bob);
    expect(denied.statusCode).toBe(404);
    expect(denied.json().code).toBe("CASE_NOT_FOUND");
    const bobsList = (await get("/api/me/cases", bob)).json().items.map((c: { number: string }) => c.number);
    expect(bobsList).not.toContain(aliceCase.number);
  });

  it("residents cannot use staff routes, and staff cannot use residents' routes", async () => {
    expect((await get("/api/staff/cases", alice)).statusCode).toBe(403);
    expect((await get(`/api/staff/cases/${aliceCase.caseId}`, alice)).statusCode).toBe(403);
    const county = await t.staffToken("county");
    expect((await get("/api/me/cases", county)).statusCode).toBe(403);
  });

  it("staff of one township cannot read another township's cases", async () => {
    const liuxi = await t.staffToken("township-liuxi");
    const queue = (await get("/api/staff/cases?limit=100", liuxi)).json().items.map((c: { number: string }) => c.number);
    expect(queue).toEqual(expect.arrayContaining([liuxiCase.number, triageCase.number]));
    expect(queue).not.toContain(yunlingCase.number);
    expect((await get(`/api/staff/cases/${liuxiCase.caseId}`, liuxi)).statusCode).toBe(200);
    expect((await get(`/api/staff/cases/${yunlingCase.caseId}`, liuxi)).statusCode).toBe(404);
    const narrowed = await get("/api/staff/cases?regionCode=990101002001", liuxi);
    expect(narrowed.statusCode).toBe(403);
    expect(narrowed.json().code).toBe("REGION_OUT_OF_SCOPE");
  });

  it("a village sees its own cases but not the township's triage queue; the county sees all", async () => {
    const shimen = await t.staffToken("village-shimen");
    const villageQueue = (await get("/api/staff/cases?limit=100", shimen)).json().items.map((c: { number: string }) => c.number);
    expect(villageQueue).toContain(liuxiCase.number);
    expect(villageQueue).not.toContain(triageCase.number);
    expect(villageQueue).not.toContain(yunlingCase.number);

    const county = await t.staffToken("county");
    const all = (await get("/api/staff/cases?limit=100", county)).json().items.map((c: { number: string }) => c.number);
    expect(all).toEqual(expect.arrayContaining([liuxiCase.number, yunlingCase.number, triageCase.number, aliceCase.number]));
  });

  it("department handlers have no general queue", async () => {
    const dept = await t.staffToken("dept-health");
    expect((await get("/api/staff/cases", dept)).statusCode).toBe(403);
  });

  it("answers a caller who may not call the route before reading the body", async () => {
    const malformed = await t.app.inject({
      method: "POST",
      url: "/api/staff/tasks/bulk-actions",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(401);
    const resident = await t.app.inject({
      method: "POST",
      url: "/api/staff/tasks/bulk-actions",
      headers: { authorization: `Bearer ${alice}` },
      payload: { nonsense: true },
    });
    expect(resident.statusCode).toBe(403);
    expect(resident.json().code).toBe("FORBIDDEN");

    // Another township's task answers as if it did not exist, whatever the body; one's own gets to validation.
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: yunlingCase.caseId, status: "OPEN" } });
    const act = async (username: string) =>
      t.app.inject({
        method: "POST",
        url: `/api/staff/tasks/${task.id}/actions`,
        headers: { authorization: `Bearer ${await t.staffToken(username)}` },
        payload: {},
      });
    const outside = await act("township-liuxi");
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe("TASK_NOT_FOUND");
    expect((await act("village-baisha")).json().code).toBe("VALIDATION_FAILED");
  });

  it("a disabled staff account's token stops working at once", async () => {
    const token = await t.staffToken("village-baisha");
    expect((await get("/api/staff/cases", token)).statusCode).toBe(200);
    await t.database.db.prisma.staffAccount.update({ where: { username: "village-baisha" }, data: { active: false } });
    expect((await get("/api/staff/cases", token)).statusCode).toBe(401);
  });
});
