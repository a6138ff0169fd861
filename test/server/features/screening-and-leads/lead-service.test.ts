import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeadService, type LeadDraft } from "../../../../server/features/screening-and-leads/lead-service.ts";
import { loadDefinitionFiles, WorkflowRegistry } from "../../../../server/features/workflow/workflow-registry.ts";
import { WorkflowService } from "../../../../server/features/workflow/workflow-service.ts";
import { serviceDepsOf } from "../../../helpers/service-deps.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`planning leads (${testDatabaseKind})`, () => {
  let t: TestApp;
  let leads: LeadService;
  beforeAll(async () => {
    t = await createTestApp();
    const deps = serviceDepsOf(t);
    const registry = new WorkflowRegistry(deps.prisma);
    await registry.register(loadDefinitionFiles([]));
    leads = new LeadService(deps, new WorkflowService(deps, registry));
  });
  afterAll(() => t.close());

  it("inside a transaction, refuses a household whose village was not planned before it rather than read the tree beside it", async () => {
    const household = await t.database.db.prisma.household.findFirstOrThrow();
    const draft: LeadDraft = {
      householdId: household.id,
      channel: "RISK_EVENT",
      riskTypes: ["ILLNESS"],
      description: "暴雨",
      action: "LEAD_FROM_RISK_EVENT",
      reason: "暴雨",
      payload: {},
      idempotencyKey: "lead-service-test",
    };
    // On the embedded database such a read would wait for the transaction: 5 s, then a failure nobody understands.
    await expect(
      t.database.db.prisma.$transaction((tx) => leads.plan([draft], t.clock.now, { db: tx, starts: new Map() })),
    ).rejects.toMatchObject({ code: "REGIONS_CHANGED", statusCode: 409 });
    // Outside a transaction the same household is planned from the tree.
    expect((await leads.plan([draft], t.clock.now)).map((p) => p.household.id)).toEqual([household.id]);
  });
});
