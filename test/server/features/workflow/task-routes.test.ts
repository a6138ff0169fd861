import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { isSampled } from "../../../../server/features/workflow/engine.ts";
import { homeVisit } from "../../../helpers/actions.ts";

const visit = (investigators?: string[]) => homeVisit({ investigators });
const appraisal = (proposal: "PROPOSE" | "DECLINE", votes: Record<string, number> = {}) => ({
  type: "RECORD_APPRAISAL",
  meetingAt: "2026-11-25T01:30:00Z",
  proposal,
  reason: "村两委会议讨论",
  ...votes,
});

describe(`review workflow through the API (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;
  let village: string;
  let township: string;
  let county: string;

  beforeAll(async () => {
    t = await createTestApp();
    resident = await t.residentToken("workflow-applicant");
    village = await t.staffToken("village-shimen");
    township = await t.staffToken("township-liuxi");
    county = await t.staffToken("county");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const openTask = async (token: string, number: string) => {
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(token) })).json().items as {
      id: string;
      caseNumber: string;
      stage: string;
      actions: string[];
      dueAt: string | null;
    }[];
    return tasks.find((task) => task.caseNumber === number);
  };
  const act = async (token: string, number: string, body: object) => {
    const task = await openTask(token, number);
    if (!task) throw new Error(`no open task for ${number}`);
    return t.app.inject({ method: "POST", url: `/api/staff/tasks/${task.id}/actions`, headers: auth(token), payload: body });
  };
  const status = async (number: string) =>
    (await t.app.inject({ method: "GET", url: `/api/me/cases/${number}`, headers: auth(resident) })).json();
  const submit = async (body: object) =>
    (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001", ...body })).json();

  it("takes an identification case from intake to monitoring, through a return loop and the county's data comparison", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({ kind: "MONITORING_APPLICATION" });
    const first = await openTask(village, ack.number);
    expect(first).toMatchObject({ stage: "VILLAGE_VERIFICATION", actions: ["RECORD_HOME_VISIT"], dueAt: "2026-12-02T15:59:59.999Z" });

    const lonely = await act(village, ack.number, visit(["赵书记", "赵书记"]));
    expect(lonely.statusCode).toBe(409);
    expect(lonely.json()).toMatchObject({ code: "TOO_FEW_INVESTIGATORS", message: "入户核实至少需要 2 名不同的核查人员。" });

    expect((await act(village, ack.number, visit())).json()).toMatchObject({ toStage: "VILLAGE_APPRAISAL" });
    expect((await act(village, ack.number, appraisal("PROPOSE"))).json()).toMatchObject({ toStage: "VILLAGE_PUBLICITY" });

    const early = await act(village, ack.number, { type: "CLOSE_PUBLICITY" });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe("PUBLICITY_NOT_OVER");
    t.clock.now = new Date("2026-12-01T02:00:00Z"); // five days of publicity have passed
    expect((await act(village, ack.number, { type: "CLOSE_PUBLICITY" })).json()).toMatchObject({ toStage: "TOWNSHIP_REVIEW" });

    const returned = await act(township, ack.number, { type: "RETURN", reason: "缺少医疗费用票据,请补充" });
    expect(returned.json()).toMatchObject({ toStage: "VILLAGE_VERIFICATION", nextTask: { stage: "VILLAGE_VERIFICATION" } });
    const afterReturn = await status(ack.number);
    expect(afterReturn.timeline.at(-1)).toMatchObject({
      action: "RETURNED",
      title: "乡镇审核:退回补充",
      detail: "缺少医疗费用票据,请补充",
    });

    await act(village, ack.number, visit());
    await act(village, ack.number, appraisal("PROPOSE"));
    t.clock.now = new Date("2026-12-08T02:00:00Z");
    await act(village, ack.number, { type: "CLOSE_PUBLICITY" });
    expect((await act(township, ack.number, { type: "APPROVE" })).json().toStage).toBe("COUNTY_APPROVAL");

    const task = await openTask(county, ack.number);
    expect(task?.actions).toEqual(["RECORD_DATA_COMPARISON", "RETURN", "REJECT"]);
    const tooSoon = await act(county, ack.number, { type: "APPROVE" });
    expect(tooSoon.json().code).toBe("DATA_COMPARISON_REQUIRED");
    expect((await act(county, ack.number, { type: "RECORD_DATA_COMPARISON", result: "CLEAR" })).json()).toMatchObject({
      toStage: "COUNTY_APPROVAL",
    });
    expect((await act(county, ack.number, { type: "APPROVE", note: "纳入监测" })).json()).toMatchObject({
      toStage: "DISPATCH",
      status: "OPEN",
    });
    const dispatched = await act(county, ack.number, {
      type: "DISPATCH",
      needs: [{ riskType: "ILLNESS", department: "HEALTH_INSURANCE", measure: "大病保险二次报销" }],
    });
    expect(dispatched.json()).toMatchObject({ toStage: "HELP", status: "APPROVED", nextTask: { stage: "HELP", dueAt: null } });

    const final = await status(ack.number);
    expect(final).toMatchObject({ status: "APPROVED", stageLabel: "帮扶中" });
    const detail = (await t.app.inject({ method: "GET", url: `/api/staff/cases/${ack.caseId}`, headers: auth(county) })).json();
    // Every step left an event with who and what.
    expect(detail.events.map((e: { action: string }) => e.action)).toEqual([
      "SUBMITTED",
      "ROUTED_VILLAGE",
      "HOME_VISIT_RECORDED",
      "APPRAISAL_PROPOSED",
      "PUBLICITY_CLOSED",
      "RETURNED",
      "HOME_VISIT_RECORDED",
      "APPRAISAL_PROPOSED",
      "PUBLICITY_CLOSED",
      "APPROVED",
      "DATA_COMPARISON_CLEAR",
      "APPROVED",
      "DISPATCHED",
    ]);
    expect(detail.events.slice(2).every((e: { actorType: string }) => e.actorType === "STAFF")).toBe(true);
    expect(await t.database.db.prisma.caseTask.count({ where: { case: { number: ack.number }, status: "OPEN" } })).toBe(1);
  });

  it("helps a monitored household, refuses risk elimination until its preconditions hold, then eliminates and re-identifies", async () => {
    t.clock.now = new Date(defaultTestTime);
    const baisha = await t.staffToken("village-baisha");
    const yunling = await t.staffToken("township-yunling");
    const dept = await t.staffToken("dept-health");
    // 王建国's household is on record (and has a working-age member): the case is linked to it by his ID number.
    const ack = await submit({ regionCode: undefined, idNumber: demoIdNumber("1975-08-15", 11) });
    expect(ack.routedTo.regionCode).toBe("990101002001");
    await act(baisha, ack.number, visit(["孙主任", "李会计"]));
    await act(baisha, ack.number, appraisal("PROPOSE"));
    t.clock.now = new Date("2026-12-01T02:00:00Z");
    await act(baisha, ack.number, { type: "CLOSE_PUBLICITY" });
    await act(yunling, ack.number, { type: "APPROVE" });
    await act(county, ack.number, { type: "RECORD_DATA_COMPARISON", result: "CLEAR" });
    await act(county, ack.number, { type: "APPROVE" });
    await act(county, ack.number, {
      type: "DISPATCH",
      needs: [{ riskType: "ILLNESS", department: "HEALTH_INSURANCE", measure: "慢病门诊报销" }],
    });
    expect((await act(baisha, ack.number, { type: "ASSIGN_HELPER", helperName: "孙主任" })).json().toStage).toBe("HELP");
    expect(
      (await act(baisha, ack.number, { type: "RECORD_FOLLOW_UP", visitedAt: "2026-12-01T01:00:00Z", notes: "家中情况稳定" })).json()
        .toStage,
    ).toBe("HELP");

    const tooSoon = await act(baisha, ack.number, { type: "PROPOSE_ELIMINATION", reason: "收入已稳定" });
    expect(tooSoon.json()).toMatchObject({ code: "MONITORED_TOO_SHORT", message: "纳入监测未满 6 个月,暂不能提出风险消除。" });

    // Half a year later, but no department has reported any help yet.
    t.clock.now = new Date("2027-06-02T02:00:00Z");
    expect((await act(baisha, ack.number, { type: "PROPOSE_ELIMINATION", reason: "收入已稳定" })).json().code).toBe(
      "TOO_FEW_HELP_MEASURES",
    );

    const assignments = (await t.app.inject({ method: "GET", url: "/api/department/assignments", headers: auth(dept) })).json().items;
    const mine = assignments.find((a: { caseNumber: string }) => a.caseNumber === ack.number);
    expect(mine).toMatchObject({ riskType: "ILLNESS", measure: "慢病门诊报销", status: "OPEN" });
    const reported = await t.app.inject({
      method: "POST",
      url: `/api/department/assignments/${mine.id}/report`,
      headers: auth(dept),
      payload: { report: "已按慢病政策报销 4,200 元" },
    });
    expect(reported.statusCode).toBe(200);
    const again = await t.app.inject({
      method: "POST",
      url: `/api/department/assignments/${mine.id}/report`,
      headers: auth(dept),
      payload: { report: "重复提交" },
    });
    expect(again.json().code).toBe("ASSIGNMENT_ALREADY_REPORTED");

    expect((await openTask(baisha, ack.number))?.actions).toContain("PROPOSE_ELIMINATION");
    expect((await act(baisha, ack.number, { type: "PROPOSE_ELIMINATION", reason: "务工收入稳定,医疗费用已报销" })).json().toStage).toBe(
      "ELIMINATION_TOWNSHIP_REVIEW",
    );
    await act(yunling, ack.number, { type: "APPROVE" });
    expect((await act(county, ack.number, { type: "APPROVE" })).json()).toMatchObject({
      toStage: "RISK_ELIMINATED",
      status: "CLOSED",
      nextTask: null,
    });

    // The risk came back: the same case goes through identification again.
    const reidentified = await t.app.inject({
      method: "POST",
      url: `/api/staff/cases/${ack.caseId}/reidentify`,
      headers: auth(baisha),
      payload: { reason: "再次因病住院,医疗支出大" },
    });
    expect(reidentified.json()).toMatchObject({
      toStage: "VILLAGE_VERIFICATION",
      status: "OPEN",
      nextTask: { stage: "VILLAGE_VERIFICATION" },
    });
    const twice = await t.app.inject({
      method: "POST",
      url: `/api/staff/cases/${ack.caseId}/reidentify`,
      headers: auth(baisha),
      payload: { reason: "再次因病住院" },
    });
    expect(twice.json().code).toBe("ACTION_NOT_ALLOWED_HERE");
    expect((await status(ack.number)).timeline.at(-1)).toMatchObject({ title: "重新纳入监测核实", detail: "再次因病住院,医疗支出大" });
  });

  it("keeps helping while the household's income after rigid expenses is below the standard", async () => {
    t.clock.now = new Date(defaultTestTime);
    const shimen = await t.staffToken("village-shimen");
    // 张德福's household: 10,200 yuan net for three people and 35,000 of medical and school costs in 2026.
    const ack = await submit({ idNumber: demoIdNumber("1956-03-07", 31) });
    await t.database.db.prisma.case.update({
      where: { id: ack.caseId },
      data: { stage: "HELP", status: "APPROVED", monitoredSince: new Date("2026-01-01T00:00:00Z") },
    });
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId, status: "OPEN" } });
    await t.database.db.prisma.caseTask.update({ where: { id: task.id }, data: { stage: "HELP" } });
    await t.database.db.prisma.departmentAssignment.create({
      data: {
        caseId: ack.caseId,
        department: "HEALTH_INSURANCE",
        riskType: "ILLNESS",
        measure: "大病保险",
        regionPath: "990101/",
        status: "REPORTED",
      },
    });
    const refused = await act(shimen, ack.number, { type: "PROPOSE_ELIMINATION", reason: "情况稳定" });
    expect(refused.json().code).toBe("STILL_BELOW_LINE");

    const detail = (await t.app.inject({ method: "GET", url: `/api/staff/cases/${ack.caseId}`, headers: auth(county) })).json();
    expect(detail.assessment).toMatchObject({
      year: 2026,
      incomeLine: 8500,
      netIncome: 10200,
      perCapitaNetIncome: 3400,
      rigidExpenses: 35000,
      belowLine: true,
      belowLineAfterRigidExpenses: true,
      grade: "RED",
    });
  });

  it("never marks a household without working-age labour as risk-eliminated", async () => {
    t.clock.now = new Date(defaultTestTime);
    const shimen = await t.staffToken("village-shimen");
    const region = await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101001001" } });
    const household = await t.database.db.prisma.household.create({
      data: {
        number: "test-no-labour",
        regionId: region.id,
        address: "石门村",
        members: {
          create: [
            {
              name: "独居老人",
              relation: "HEAD",
              birthDate: new Date("1940-01-01"),
              labourCapacity: "NONE",
              idNumberEnc: "x",
              idNumberHash: "no-labour-hash",
            },
          ],
        },
      },
    });
    const ack = await submit({});
    await t.database.db.prisma.case.update({
      where: { id: ack.caseId },
      data: { householdId: household.id, stage: "HELP", status: "APPROVED", monitoredSince: new Date("2026-01-01T00:00:00Z") },
    });
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId, status: "OPEN" } });
    await t.database.db.prisma.caseTask.update({ where: { id: task.id }, data: { stage: "HELP" } });
    await t.database.db.prisma.departmentAssignment.create({
      data: {
        caseId: ack.caseId,
        department: "CIVIL_AFFAIRS",
        riskType: "ILLNESS",
        measure: "低保兜底",
        regionPath: "990101/",
        status: "REPORTED",
      },
    });
    const refused = await act(shimen, ack.number, { type: "PROPOSE_ELIMINATION", reason: "情况稳定" });
    expect(refused.json()).toMatchObject({ code: "NO_LABOUR_HOUSEHOLD" });
  });

  it("reopens the survey when someone objects during publicity", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    await act(village, ack.number, visit());
    await act(village, ack.number, appraisal("PROPOSE"));
    const objection = await act(village, ack.number, { type: "RECORD_OBJECTION", objection: "邻居反映其家中有营运车辆" });
    expect(objection.json()).toMatchObject({ toStage: "VILLAGE_VERIFICATION" });
    const view = await status(ack.number);
    expect(view.timeline.at(-1).title).toBe("公示期间有人提出异议,村里将重新核实");
    // The objector's words stay with the staff.
    expect(JSON.stringify(view)).not.toContain("营运车辆");
  });

  it("refuses a home visit dated before the day the case was reported, and says which day that was", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    const early = await act(village, ack.number, { ...visit(), visitedAt: "2026-11-20T02:00:00Z" });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: "DATE_BEFORE_REPORT", message: "日期不能早于报告的那天(2026-11-25)。" });
    expect((await act(village, ack.number, visit())).statusCode).toBe(200);
  });

  it("rejects with a reason the applicant reads in plain words", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    await act(village, ack.number, visit());
    await act(village, ack.number, appraisal("PROPOSE"));
    t.clock.now = new Date("2026-12-01T02:00:00Z");
    await act(village, ack.number, { type: "CLOSE_PUBLICITY" });
    const noReason = await act(township, ack.number, { type: "REJECT", reason: "" });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields[0].message).toBe("理由:请写明理由(至少 2 个字),申请人会看到");
    const rejected = await act(township, ack.number, { type: "REJECT", reason: "家庭人均纯收入高于监测标准" });
    expect(rejected.json()).toMatchObject({ toStage: "NOT_IDENTIFIED", status: "REJECTED" });
    const view = await status(ack.number);
    expect(view).toMatchObject({ status: "REJECTED", statusLabel: "未通过" });
    expect(view.timeline.at(-1)).toMatchObject({ title: "乡镇审核:未通过", detail: "家庭人均纯收入高于监测标准" });
  });

  it("acts on a case started on a workflow version this process has not loaded (rules changed since, then a restart)", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({ kind: "MONITORING_APPLICATION" });
    const current = await t.database.db.prisma.case.findFirstOrThrow({ where: { number: ack.number }, include: { workflow: true } });
    const older = await t.database.db.prisma.workflowDefinition.create({
      data: {
        key: current.workflow!.key,
        regionCode: "",
        checksum: "an-older-release",
        version: 1000,
        body: { ...(current.workflow!.body as object), caseLimit: { workingDays: 25 } },
      },
    });
    await t.database.db.prisma.case.update({ where: { id: current.id }, data: { workflowId: older.id } });
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: current.id, status: "OPEN" } });
    // Straight to the action: listing the tasks first would load the version outside the action's transaction.
    const visited = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(village),
      payload: visit(),
    });
    expect(visited.statusCode).toBe(200);
    expect(visited.json()).toMatchObject({ toStage: "VILLAGE_APPRAISAL" });
  });

  it("enforces the democratic vote for low-income assistance: quorum, majority, and a decline that ends the case", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({ kind: "ASSISTANCE_APPLICATION" });
    expect((await openTask(village, ack.number))?.stage).toBe("ECONOMIC_SURVEY");
    await act(village, ack.number, visit());
    expect((await act(village, ack.number, appraisal("PROPOSE"))).json().code).toBe("VOTE_REQUIRED");
    const noQuorum = await act(village, ack.number, appraisal("PROPOSE", { membersTotal: 11, present: 5, votesFor: 5, votesAgainst: 0 }));
    expect(noQuorum.json()).toMatchObject({ code: "QUORUM_NOT_MET", message: "实到 5 人,未超过应到 11 人的半数,评议无效。" });
    expect(
      (await act(village, ack.number, appraisal("PROPOSE", { membersTotal: 11, present: 8, votesFor: 4, votesAgainst: 4 }))).json().code,
    ).toBe("MAJORITY_NOT_REACHED");
    const declined = await act(village, ack.number, {
      ...appraisal("DECLINE", { membersTotal: 11, present: 8, votesFor: 2, votesAgainst: 6 }),
      reason: "家庭有稳定务工收入",
    });
    expect(declined.json()).toMatchObject({ toStage: "NOT_GRANTED", status: "REJECTED" });
    expect((await status(ack.number)).timeline.at(-1)).toMatchObject({ title: "村级评议未通过", detail: "家庭有稳定务工收入" });
  });

  it("grants low-income assistance after the vote, publicity, the township's sample survey where drawn, and the county's check", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({ kind: "ASSISTANCE_APPLICATION" });
    await act(village, ack.number, visit());
    await act(village, ack.number, appraisal("PROPOSE", { membersTotal: 11, present: 9, votesFor: 7, votesAgainst: 2 }));
    t.clock.now = new Date("2026-12-03T02:00:00Z"); // seven days of publicity have passed
    expect((await act(village, ack.number, { type: "CLOSE_PUBLICITY" })).json().toStage).toBe("TOWNSHIP_REVIEW");
    const task = await openTask(township, ack.number);
    if (isSampled(ack.caseId, "TOWNSHIP_REVIEW", 20)) {
      expect(task?.actions).toEqual(["RECORD_HOME_VISIT", "RETURN", "REJECT"]);
      expect((await act(township, ack.number, { type: "APPROVE" })).json().code).toBe("SAMPLE_SURVEY_REQUIRED");
      expect((await act(township, ack.number, visit(["陈干事", "周干事"]))).json().toStage).toBe("TOWNSHIP_REVIEW");
    } else {
      expect(task?.actions).toEqual(["APPROVE", "RETURN", "REJECT"]);
    }
    expect((await act(township, ack.number, { type: "APPROVE" })).json().toStage).toBe("COUNTY_APPROVAL");
    await act(county, ack.number, { type: "RECORD_DATA_COMPARISON", result: "CLEAR" });
    expect((await act(county, ack.number, { type: "APPROVE" })).json()).toMatchObject({
      toStage: "GRANTED",
      status: "APPROVED",
      nextTask: null,
    });
    expect(await status(ack.number)).toMatchObject({ status: "APPROVED", stageLabel: "已批准救助", nextStep: null });
  });

  it("helps first in an emergency: the township decides before the village visit", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({ kind: "EMERGENCY_AID", description: "家里着火了,东西都烧了" });
    expect(ack.stage).toBe("TOWNSHIP_EMERGENCY_RELIEF");
    expect(await openTask(village, ack.number)).toBeUndefined();
    expect((await act(township, ack.number, { type: "APPROVE", note: "先行发放临时救助 2000 元" })).json().toStage).toBe(
      "VILLAGE_VERIFICATION",
    );
    await act(village, ack.number, visit());
    expect((await act(township, ack.number, { type: "APPROVE" })).json()).toMatchObject({ toStage: "RELIEVED", status: "CLOSED" });
  });

  it("lets the county assign a triaged case to a village, where the workflow then starts", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = (await t.submit(resident, { description: "日子过不下去了" })).json();
    expect(ack.stage).toBe("COUNTY_TRIAGE");
    const outside = await act(county, ack.number, { type: "ASSIGN_REGION", regionCode: "990199" });
    expect(outside.statusCode).toBe(400);
    const assigned = await act(county, ack.number, { type: "ASSIGN_REGION", regionCode: "990101001001" });
    expect(assigned.json()).toMatchObject({ toStage: "VILLAGE_VERIFICATION", nextTask: { regionName: "石门村" } });
    expect((await status(ack.number)).timeline.at(-1).title).toBe("已交给石门村办理");
  });

  it("lets exactly one of two simultaneous actions on a task win", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    const task = await openTask(village, ack.number);
    expect(task, "the new case's task is on the village's list").toBeDefined();
    const [a, b] = await Promise.all([
      t.app.inject({ method: "POST", url: `/api/staff/tasks/${task!.id}/actions`, headers: auth(village), payload: visit() }),
      t.app.inject({ method: "POST", url: `/api/staff/tasks/${task!.id}/actions`, headers: auth(village), payload: visit(["甲", "乙"]) }),
    ]);
    expect([a.statusCode, b.statusCode].sort(), `${a.body} / ${b.body}`).toEqual([200, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().code).toBe("TASK_ALREADY_HANDLED");
    expect(await t.database.db.prisma.caseEvent.count({ where: { case: { number: ack.number }, action: "HOME_VISIT_RECORDED" } })).toBe(1);
    expect(await t.database.db.prisma.caseTask.count({ where: { case: { number: ack.number }, status: "OPEN" } })).toBe(1);
  });

  it("lets a grid worker record the home visit of a case in their area, and nothing else", async () => {
    t.clock.now = new Date(defaultTestTime);
    const grid = await t.staffToken("grid-shimen");
    const mine = await submit({});
    const elsewhere = await submit({ regionCode: "990101002001" });
    const listed = await openTask(grid, mine.number);
    expect(listed).toMatchObject({ stage: "VILLAGE_VERIFICATION", actions: ["RECORD_HOME_VISIT"] });
    expect(await openTask(grid, elsewhere.number)).toBeUndefined();
    expect((await act(grid, mine.number, visit(["刘芳", "赵书记"]))).json()).toMatchObject({ toStage: "VILLAGE_APPRAISAL" });
    // The appraisal is the village's: the grid worker no longer sees the case's task.
    expect(await openTask(grid, mine.number)).toBeUndefined();
    expect((await t.app.inject({ method: "GET", url: "/api/staff/tasks?view=escalated", headers: auth(grid) })).statusCode).toBe(403);
  });

  it("fills a grid worker's page with home visits, however many of the village's other tasks come first", async () => {
    t.clock.now = new Date(defaultTestTime);
    const grid = await t.staffToken("grid-shimen");
    for (let i = 0; i < 4; i++) await submit({});
    const all = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(grid) })).json().items as {
      actions: string[];
    }[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const page = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=4", headers: auth(grid) })).json().items as {
      id: string;
      actions: string[];
    }[];
    expect(page).toHaveLength(4);
    expect(page.every((task) => task.actions.join() === "RECORD_HOME_VISIT")).toBe(true);
    // The same tasks, in the same order, as the first four of the whole list.
    expect(page.map((task) => task.id)).toEqual(all.slice(0, 4).map((task) => (task as unknown as { id: string }).id));
    // The village's own desk sees other tasks among its first four (so a page cut before keeping home visits would be short).
    const villageFirst = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=4", headers: auth(village) })).json().items as {
      actions: string[];
    }[];
    expect(villageFirst.some((task) => !task.actions.includes("RECORD_HOME_VISIT"))).toBe(true);
  });

  it("takes one decision on a batch of tasks, each on its own, and reports those it could not take", async () => {
    t.clock.now = new Date(defaultTestTime);
    const atTownship = async () => {
      const ack = await submit({});
      await act(village, ack.number, visit());
      await act(village, ack.number, appraisal("PROPOSE"));
      t.clock.now = new Date(defaultTestTime.getTime() + 8 * 86_400_000);
      await act(village, ack.number, { type: "CLOSE_PUBLICITY" });
      t.clock.now = new Date(defaultTestTime);
      return ack.number as string;
    };
    const first = await atTownship();
    const second = await atTownship();
    const elsewhere = await submit({ regionCode: "990101001002" });
    const ids = [(await openTask(township, first))!.id, (await openTask(township, second))!.id];
    const notReady = (await openTask(await t.staffToken("township-liuxi"), elsewhere.number)) ?? null;
    expect(notReady).toBeNull();
    const villageTask = (await openTask(village, (await submit({})).number))!.id;

    const bulk = await t.app.inject({
      method: "POST",
      url: "/api/staff/tasks/bulk-actions",
      headers: auth(township),
      payload: { taskIds: [...ids, villageTask], action: { type: "APPROVE" } },
    });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.json()).toMatchObject({ done: 2, failed: 1 });
    expect(bulk.json().results).toEqual([
      { taskId: ids[0], ok: true, caseNumber: first, toStage: "COUNTY_APPROVAL", toStageLabel: "县级审定" },
      { taskId: ids[1], ok: true, caseNumber: second, toStage: "COUNTY_APPROVAL", toStageLabel: "县级审定" },
      { taskId: villageTask, ok: false, error: { code: "NOT_YOUR_DESK", message: expect.any(String) } },
    ]);
    expect((await status(first)).stage).toBe("COUNTY_APPROVAL");
    // A task of another township named in the body is out of reach (the gate checks only a path's task): refused, untouched.
    const third = await atTownship();
    const thirdTask = (await openTask(township, third))!.id;
    const outsider = await t.app.inject({
      method: "POST",
      url: "/api/staff/tasks/bulk-actions",
      headers: auth(await t.staffToken("township-yunling")),
      payload: { taskIds: [thirdTask], action: { type: "APPROVE" } },
    });
    expect(outsider.json()).toMatchObject({
      done: 0,
      failed: 1,
      results: [{ taskId: thirdTask, ok: false, error: { code: "TASK_NOT_FOUND" } }],
    });
    expect((await status(third)).stage).toBe("TOWNSHIP_REVIEW");
    // Each task leaves its own trace, as if approved one by one.
    const events = await t.database.db.prisma.caseEvent.findMany({
      where: { case: { number: { in: [first, second] } }, action: "APPROVED" },
    });
    expect(events).toHaveLength(2);

    // Findings are recorded one case at a time; a batch only takes decisions.
    const visitBatch = await t.app.inject({
      method: "POST",
      url: "/api/staff/tasks/bulk-actions",
      headers: { ...auth(village), "accept-language": "en" },
      payload: { taskIds: [villageTask], action: visit() },
    });
    expect(visitBatch.statusCode).toBe(400);
    expect(visitBatch.json().fields).toEqual([{ path: "action", message: "Action: This action is taken one case at a time, not in bulk" }]);
    const grid = await t.staffToken("grid-shimen");
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/api/staff/tasks/bulk-actions",
          headers: auth(grid),
          payload: { taskIds: [villageTask], action: { type: "APPROVE" } },
        })
      ).statusCode,
    ).toBe(403);
  });

  it("lists a case's open tasks, with actions only on the caller's desk", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    const caseTasks = async (token: string) =>
      t.app.inject({ method: "GET", url: `/api/staff/cases/${ack.caseId}/tasks`, headers: auth(token) });
    expect((await caseTasks(village)).json().items).toEqual([
      expect.objectContaining({ stage: "VILLAGE_VERIFICATION", desk: "VILLAGE", actions: ["RECORD_HOME_VISIT"] }),
    ]);
    expect((await caseTasks(township)).json().items).toEqual([expect.objectContaining({ stage: "VILLAGE_VERIFICATION", actions: [] })]);
    // Another village's case answers as if it did not exist, like the case itself.
    const outside = await caseTasks(await t.staffToken("village-baisha"));
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe("CASE_NOT_FOUND");
  });

  it("refuses actions by the wrong role or from the wrong region", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = await submit({});
    const task = (await openTask(village, ack.number))!;
    const post = (token: string) =>
      t.app.inject({ method: "POST", url: `/api/staff/tasks/${task.id}/actions`, headers: auth(token), payload: visit() });
    expect((await post(township)).json().code).toBe("NOT_YOUR_DESK");
    expect((await post(county)).json().code).toBe("NOT_YOUR_DESK");
    expect((await post(await t.staffToken("village-baisha"))).json().code).toBe("TASK_NOT_FOUND");
    expect((await post(await t.staffToken("township-yunling"))).statusCode).toBe(404);
    expect((await post(await t.staffToken("dept-health"))).statusCode).toBe(403);
    const grid = await t.staffToken("grid-shimen");
    const gridReturn = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(grid),
      payload: { type: "RETURN", reason: "材料不全" },
    });
    expect(gridReturn.json().code).toBe("NOT_YOUR_DESK");
    expect((await post(resident)).statusCode).toBe(403);
    // Higher desks: only the township of the case's own township, only the county.
    await act(village, ack.number, visit());
    await act(village, ack.number, appraisal("PROPOSE"));
    t.clock.now = new Date("2026-12-01T02:00:00Z");
    await act(village, ack.number, { type: "CLOSE_PUBLICITY" });
    const townshipTask = (await openTask(township, ack.number))!;
    const approveAt = (token: string, id: string) =>
      t.app.inject({ method: "POST", url: `/api/staff/tasks/${id}/actions`, headers: auth(token), payload: { type: "APPROVE" } });
    expect((await approveAt(village, townshipTask.id)).statusCode).toBe(404);
    expect((await approveAt(county, townshipTask.id)).json().code).toBe("NOT_YOUR_DESK");
    expect((await approveAt(await t.staffToken("township-yunling"), townshipTask.id)).json().code).toBe("TASK_NOT_FOUND");
    expect((await approveAt(township, townshipTask.id)).statusCode).toBe(200);
    const countyTask = (await openTask(county, ack.number))!;
    for (const token of [
      village,
      township,
      await t.staffToken("township-yunling"),
      await t.staffToken("dept-health"),
      await t.staffToken("admin"),
    ]) {
      expect((await approveAt(token, countyTask.id)).statusCode).toBeGreaterThanOrEqual(403);
    }
    expect(await t.database.db.prisma.caseTask.count({ where: { id: countyTask.id, status: "OPEN" } })).toBe(1);
    // A village cannot approve at the township's desk, even for its own case.
    const fresh = (await openTask(village, (await submit({})).number))!;
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: `/api/staff/tasks/${fresh.id}/actions`,
          headers: auth(village),
          payload: { type: "APPROVE" },
        })
      ).json().code,
    ).toBe("ACTION_NOT_ALLOWED_HERE");
  });
});

describe(`a county's own workflow rules, loaded as configuration (${testDatabaseKind})`, () => {
  let t: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "county-workflow-"));
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const shipped = JSON.parse(
      fs.readFileSync(
        path.resolve(import.meta.dirname, "../../../../server/features/workflow/definitions/monitoring-identification.json"),
        "utf8",
      ),
    );
    const county = {
      ...shipped,
      regionCode: "990101",
      stages: shipped.stages
        // 3 working days for the home visit, and no publicity (004: 不公示): appraisal goes straight to the township.
        .filter((s: { key: string }) => s.key !== "VILLAGE_PUBLICITY")
        .map((s: { key: string }) =>
          s.key === "VILLAGE_VERIFICATION"
            ? { ...s, deadline: { workingDays: 3 } }
            : s.key === "VILLAGE_APPRAISAL"
              ? { ...s, next: "TOWNSHIP_REVIEW" }
              : // 004 篇八's monthly calendar: the township by the 20th.
                s.key === "TOWNSHIP_REVIEW"
                ? { ...s, deadline: { dayOfMonth: 20 } }
                : s,
        ),
    };
    fs.writeFileSync(path.join(dir, "qingshan.json"), JSON.stringify(county));
    t = await createTestApp({ workflowFiles: path.join(dir, "qingshan.json") });
  });

  it("changes the deadlines (working days and a monthly calendar) and drops publicity with no code change", async () => {
    const resident = await t.residentToken("county-rules");
    const village = await t.staffToken("village-shimen");
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
    // Wed 25 Nov + 3 working days = Mon 30 Nov.
    expect(ack.nextStep.dueAt).toBe("2026-11-30T15:59:59.999Z");
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks", headers: { authorization: `Bearer ${village}` } })).json()
      .items;
    const task = tasks.find((x: { caseNumber: string }) => x.caseNumber === ack.number);
    await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: visit(),
    });
    const next = (await t.app.inject({ method: "GET", url: "/api/staff/tasks", headers: { authorization: `Bearer ${village}` } }))
      .json()
      .items.find((x: { caseNumber: string }) => x.caseNumber === ack.number);
    const appraised = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${next.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: appraisal("PROPOSE"),
    });
    expect(appraised.json()).toMatchObject({ toStage: "TOWNSHIP_REVIEW", nextTask: { dueAt: "2026-12-20T15:59:59.999Z" } });
  });
});
