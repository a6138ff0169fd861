import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegionTree } from "../../../../server/core/regions/routing.ts";
import { loadDefinitionFiles, WorkflowRegistry } from "../../../../server/features/workflow/workflow-registry.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

const county = { id: "c", code: "990101", name: "青山县", aliases: [], level: "COUNTY" as const, parentId: null, path: "990101/" };
const village = {
  id: "v",
  code: "990101001001",
  name: "石门村",
  aliases: [],
  level: "VILLAGE" as const,
  parentId: "c",
  path: "990101/990101001001/",
};
const otherCounty = { id: "o", code: "990102", name: "别县", aliases: [], level: "COUNTY" as const, parentId: null, path: "990102/" };
const tree = new RegionTree([county, village, otherCounty]);

describe(`workflow versions (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.migrate();
  });
  afterAll(() => t.drop());

  it("stores each distinct definition once, numbers versions, and keeps a running case on the version it started with", async () => {
    const shipped = loadDefinitionFiles([]);
    const registry = new WorkflowRegistry(t.db.prisma);
    await registry.register(shipped);
    await registry.register(shipped);
    expect(await t.db.prisma.workflowDefinition.count()).toBe(shipped.length);

    const started = registry.forNewCase("MONITORING_APPLICATION", village, tree);
    const changed = shipped.map((d) => (d.key === "monitoring-identification" ? { ...d, caseLimit: { workingDays: 20 } } : d));
    // A new process (another instance, or after a restart) with the changed rules.
    const later = new WorkflowRegistry(t.db.prisma);
    await later.register(changed);
    const next = later.forNewCase("MONITORING_APPLICATION", village, tree);
    expect(next.id).not.toBe(started.id);
    const versions = await t.db.prisma.workflowDefinition.findMany({
      where: { key: "monitoring-identification" },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await later.byVersion(started.id)).caseLimit.workingDays).toBe(15);
    expect((await later.byVersion(next.id)).caseLimit.workingDays).toBe(20);
  });

  it("stores a new definition once when several instances start with it at the same moment", async () => {
    const changed = loadDefinitionFiles([]).map((d) => (d.key === "emergency-aid" ? { ...d, caseLimit: { workingDays: 9 } } : d));
    const instances = Array.from({ length: 8 }, () => new WorkflowRegistry(t.db.prisma));
    await Promise.all(instances.map((registry) => registry.register(changed)));
    const versions = await t.db.prisma.workflowDefinition.findMany({ where: { key: "emergency-aid" }, orderBy: { version: "asc" } });
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(new Set(instances.map((registry) => registry.forNewCase("EMERGENCY_AID", village, tree).id))).toEqual(
      new Set([versions[1]!.id]),
    );
  });

  it("prefers a county's own definition inside that county and the default elsewhere", async () => {
    const shipped = loadDefinitionFiles([]);
    const base = shipped.find((d) => d.key === "monitoring-identification")!;
    const registry = new WorkflowRegistry(t.db.prisma);
    await registry.register([...shipped, { ...base, regionCode: "990101", caseLimit: { workingDays: 10 } }]);
    expect(registry.forNewCase("HARDSHIP_REPORT", village, tree).definition.regionCode).toBe("990101");
    expect(registry.forNewCase("HARDSHIP_REPORT", otherCounty, tree).definition.regionCode).toBeUndefined();
    expect(() => registry.forNewCase("DEPARTMENT_LEAD", village, new RegionTree([]))).not.toThrow();
  });
});
