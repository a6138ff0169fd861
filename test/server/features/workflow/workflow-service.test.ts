import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { RegionDirectory } from "../../../../server/platform/region-directory.ts";
import { loadDefinitionFiles, WorkflowRegistry } from "../../../../server/features/workflow/workflow-registry.ts";
import { WorkflowService } from "../../../../server/features/workflow/workflow-service.ts";
import { homeVisit } from "../../../helpers/actions.ts";
import { serviceDepsOf, staffPrincipal } from "../../../helpers/service-deps.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

/**
 * An action reads everything it decides on through its own transaction. The embedded database runs one
 * transaction at a time, so a read beside it (a cache reloading on a miss) would wait for it to end: the
 * action would hang for Prisma's 5 s and fail. Here the region tree is reloaded on every call.
 */
describe(`workflow actions read through their transaction (${testDatabaseKind})`, () => {
  let t: TestApp;
  let caseId: string;
  let service: WorkflowService;
  const openTaskId = async () => (await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId, status: "OPEN" } })).id;

  beforeAll(async () => {
    t = await createTestApp();
    const registry = new WorkflowRegistry(t.database.db.prisma);
    await registry.register(loadDefinitionFiles([]));
    service = new WorkflowService(serviceDepsOf(t, { regions: new RegionDirectory(t.database.db.prisma, -1) }), registry);
    // 王建国's household is on record: a case about it, taken to the help stage.
    const resident = await t.residentToken("uncached-tree");
    caseId = (await t.submit(resident, { description: "老伴住院花了三万多", idNumber: demoIdNumber("1975-08-15", 11) })).json().caseId;
    const act = async (username: string, action: object) => {
      const done = await t.app.inject({
        method: "POST",
        url: `/api/staff/tasks/${await openTaskId()}/actions`,
        headers: { authorization: `Bearer ${await t.staffToken(username)}` },
        payload: action,
      });
      expect(done.statusCode, JSON.stringify(action)).toBe(200);
    };
    await act("village-baisha", homeVisit({ investigators: ["孙主任", "李会计"] }));
    await act("village-baisha", {
      type: "RECORD_APPRAISAL",
      meetingAt: "2026-11-25T01:30:00Z",
      proposal: "PROPOSE",
      reason: "村两委会议讨论",
    });
    // The publicity period is over.
    t.clock.now = new Date("2026-12-01T02:00:00Z");
    await act("village-baisha", { type: "CLOSE_PUBLICITY" });
    await act("township-yunling", { type: "APPROVE" });
    await act("county", { type: "RECORD_DATA_COMPARISON", result: "CLEAR" });
    await act("county", { type: "APPROVE" });
    await act("county", { type: "DISPATCH", needs: [{ riskType: "ILLNESS", department: "HEALTH_INSURANCE", measure: "慢病门诊报销" }] });
    await act("village-baisha", { type: "ASSIGN_HELPER", helperName: "孙主任" });
  });
  afterAll(() => t.close());

  it("records a follow-up in the help stage, where the household's figures are read", async () => {
    const done = await service.act(
      await staffPrincipal(t, "village-baisha"),
      await openTaskId(),
      { type: "RECORD_FOLLOW_UP", visitedAt: "2026-12-01T01:00:00Z", notes: "家中情况稳定" },
      "zh-CN",
    );
    expect(done).toMatchObject({ toStage: "HELP", status: "APPROVED" });
  });

  it("refuses a re-identification in the help stage with the workflow's reason", async () => {
    await expect(service.reidentify(await staffPrincipal(t, "village-baisha"), caseId, "再次因病住院", "zh-CN")).rejects.toMatchObject({
      code: "ACTION_NOT_ALLOWED_HERE",
    });
  });
});
