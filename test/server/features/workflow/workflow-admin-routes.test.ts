import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecondInstance, createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const shipped = JSON.parse(
  fs.readFileSync(
    path.resolve(import.meta.dirname, "../../../../server/features/workflow/definitions/monitoring-identification.json"),
    "utf8",
  ),
) as { key: string; stages: { key: string; deadline?: unknown }[] };
/** The county's own rules: 3 working days for the home visit instead of 5. */
const county = {
  ...shipped,
  regionCode: "990101",
  stages: shipped.stages.map((s) => (s.key === "VILLAGE_VERIFICATION" ? { ...s, deadline: { workingDays: 3 } } : s)),
};

describe(`workflow definitions put in force from the console (${testDatabaseKind})`, () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.staffToken("admin");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const upload = (definition: object, token = admin, reason = "县里缩短入户核实时限") =>
    t.app.inject({ method: "POST", url: "/api/admin/workflow-definitions", headers: auth(token), payload: { definition, reason } });
  const report = async () => {
    const resident = await t.residentToken(`workflow-admin-${Math.random()}`);
    return (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
  };

  it("refuses a definition that does not hold together, one without the county's region, and any but the administrator, naming the problem", async () => {
    const broken = await upload({
      ...county,
      stages: county.stages.map((s) => (s.key === "VILLAGE_VERIFICATION" ? { ...s, next: "NO_SUCH_STAGE" } : s)),
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe("WORKFLOW_DEFINITION_INVALID");
    expect(broken.json().message).toContain("NO_SUCH_STAGE");
    const { regionCode: _none, ...everywhere } = county;
    expect((await upload(everywhere)).json().code).toBe("WORKFLOW_REGION_REQUIRED");
    expect((await upload({ ...county, regionCode: "990102" })).json().code).toBe("WORKFLOW_REGION_OUT_OF_SCOPE");
    expect((await upload(county, await t.staffToken("county"))).statusCode).toBe(403);
    // Nothing was put in force.
    expect(await t.database.db.prisma.workflowUpload.count()).toBe(0);
  });

  it("puts the county's definition in force for new cases, keeps running cases on theirs, and every instance started later on it", async () => {
    const before = await report();
    // Wed 25 Nov + 5 working days.
    expect(before.nextStep.dueAt).toBe("2026-12-02T15:59:59.999Z");
    const uploaded = await upload(county);
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const mine = uploaded
      .json()
      .items.find((d: { key: string; regionCode: string }) => d.key === "monitoring-identification" && d.regionCode === "990101");
    expect(mine).toMatchObject({ source: "CONSOLE", uploadedBy: "系统管理员", reason: "县里缩短入户核实时限", version: 1 });
    expect(uploaded.json().history[0]).toMatchObject({ key: "monitoring-identification", version: 1, actorName: "系统管理员" });

    const after = await report();
    expect(after.nextStep.dueAt).toBe("2026-11-30T15:59:59.999Z");
    const prisma = t.database.db.prisma;
    expect((await prisma.case.findUniqueOrThrow({ where: { id: after.caseId } })).workflowId).toBe(mine.id);
    expect((await prisma.case.findUniqueOrThrow({ where: { id: before.caseId } })).workflowId).not.toBe(mine.id);

    // The stored version reads back as the file that was uploaded.
    const body = (await t.app.inject({ method: "GET", url: `/api/admin/workflow-definitions/${mine.id}`, headers: auth(admin) })).json();
    expect(body.definition).toEqual(county);

    const second = await createSecondInstance(t);
    try {
      const resident = await second.residentToken("workflow-admin-second");
      const ack = (await second.submit(resident, { description: "家里老人摔伤住院", regionCode: "990101001001" })).json();
      expect(ack.nextStep.dueAt).toBe("2026-11-30T15:59:59.999Z");
    } finally {
      await second.close();
    }
  });

  it("starts, on the file's definition, when an upload no longer reads", async () => {
    const prisma = t.database.db.prisma;
    const unreadable = await prisma.workflowDefinition.create({
      data: {
        key: "monitoring-identification",
        regionCode: "990101",
        version: 99,
        checksum: "unreadable",
        body: { key: "monitoring-identification", stages: "gone" },
      },
    });
    await prisma.workflowUpload.create({
      data: { definitionId: unreadable.id, key: "monitoring-identification", regionCode: "990101", actorName: "测试", reason: "旧格式" },
    });
    const second = await createSecondInstance(t);
    try {
      const resident = await second.residentToken("workflow-admin-unreadable");
      const ack = (await second.submit(resident, { description: "家里老人摔伤住院", regionCode: "990101001001" })).json();
      expect(ack.nextStep.dueAt).toBe("2026-12-02T15:59:59.999Z");
    } finally {
      await second.close();
    }
  });
});
