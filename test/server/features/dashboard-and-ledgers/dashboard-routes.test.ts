import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "../../../../server/features/dashboard-and-ledgers/dashboard-schemas.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { homeVisit } from "../../../helpers/actions.ts";

const SM = "990101001001"; // 石门村, whose village committee has a demo account
const TY2 = "990101002002"; // 云岭乡桃园村: one demo case, late

describe(`staff dashboard (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  let township: string;
  let village: string;
  let resident: string;
  const get = async (token: string, query = "", headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `/api/staff/dashboard${query}`, headers: { authorization: `Bearer ${token}`, ...headers } });
  const dashboard = async (token: string, query = ""): Promise<Dashboard> => {
    const response = await get(token, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const countOf = <T extends { count: number }>(items: T[], pick: (item: T) => boolean) => items.find(pick)?.count ?? 0;
  const stageCount = (d: Dashboard, stage: string) => countOf(d.openByStage, (s) => s.stage === stage);
  const riskCount = (d: Dashboard, riskType: string) => countOf(d.openByRiskType, (r) => r.riskType === riskType);
  const today = (d: Dashboard, channel?: string) =>
    channel ? (d.receivedPerDay.series.find((s) => s.channel === channel)?.counts.at(-1) ?? 0) : d.receivedPerDay.totals.at(-1)!;

  beforeAll(async () => {
    t = await createTestApp();
    [county, township, village] = await Promise.all([
      t.staffToken("county"),
      t.staffToken("township-liuxi"),
      t.staffToken("village-shimen"),
    ]);
    resident = await t.residentToken("dashboard-reporter");
  });
  afterAll(() => t.close());

  it("agrees with the database on every count in the caller's region", async () => {
    const prisma = t.database.db.prisma;
    const d = await dashboard(county);
    expect(d.region).toEqual({ code: "990101", name: "青山县", level: "COUNTY" });
    expect(d.generatedAt).toBe("2026-11-25T02:00:00.000Z");
    const open = await prisma.case.findMany({ where: { status: "OPEN" }, select: { stage: true, riskTypes: true, regionPath: true } });
    expect(d.openCases).toBe(open.length);
    expect(d.openCases).toBeGreaterThanOrEqual(12);
    // The households on record, by category and monitoring status, as the database counts them.
    expect(d.households.total).toBe(await prisma.household.count({ where: { region: { path: { startsWith: "990101/" } } } }));
    const formerlyPoor = await prisma.household.count({
      where: { category: "FORMERLY_POOR", region: { path: { startsWith: "990101/" } } },
    });
    expect(d.households.byCategory.find((c: { category: string }) => c.category === "FORMERLY_POOR")).toMatchObject({
      label: "脱贫户",
      count: formerlyPoor,
    });
    expect(d.households.byMonitoringStatus.reduce((n: number, m: { count: number }) => n + m.count, 0)).toBe(d.households.total);
    for (const item of d.openByStage) expect(item.count, item.stage).toBe(open.filter((c) => c.stage === item.stage).length);
    expect(d.openByStage.reduce((sum, s) => sum + s.count, 0)).toBe(open.length);
    expect(d.openByStage.find((s) => s.stage === "VILLAGE_VERIFICATION")?.label).toBe("村里上门核实");
    expect(d.openByRiskType).toHaveLength(12);
    for (const item of d.openByRiskType)
      expect(item.count, item.riskType).toBe(open.filter((c) => c.riskTypes.includes(item.riskType)).length);
    // Townships with names, each counted under its own path; the county's own triage queue as "self".
    expect(d.openByRegion.map((r) => [r.name, r.self])).toEqual([
      ["青山县", true],
      ["柳溪镇", false],
      ["云岭乡", false],
      ["河口镇", false],
    ]);
    for (const r of d.openByRegion)
      expect(r.count, r.name).toBe(
        open.filter((c) => (r.self ? c.regionPath === "990101/" : c.regionPath.startsWith(`990101/${r.code}/`))).length,
      );
    expect(d.byStatus.map((s) => s.status)).toEqual(["OPEN", "APPROVED", "REJECTED", "CLOSED", "WITHDRAWN"]);
    expect(d.byStatus.reduce((sum, s) => sum + s.count, 0)).toBe(await prisma.case.count());
    expect(countOf(d.byStatus, (s) => s.status === "REJECTED")).toBe(await prisma.case.count({ where: { status: "REJECTED" } }));

    // Late work: the demo's history leaves several tasks past their deadline, most late first.
    const late = await prisma.caseTask.count({ where: { status: "OPEN", dueAt: { lt: t.clock.now } } });
    expect(d.overdueTasks.count).toBe(late);
    expect(late).toBeGreaterThanOrEqual(5);
    const most = d.overdueTasks.mostOverdue;
    expect(most.length).toBe(Math.min(10, late));
    expect(most.map((m) => m.dueAt)).toEqual([...most.map((m) => m.dueAt)].sort());
    expect(most.every((m) => m.daysLate >= 1 && m.workingDaysLate >= 1 && m.workingDaysLate <= m.daysLate)).toBe(true);
    expect(most.find((m) => m.caseNumber === "2026-000001")).toMatchObject({
      stage: "TOWNSHIP_REVIEW",
      stageLabel: "乡镇审核",
      desk: "TOWNSHIP",
      regionName: "石门村",
    });

    // Thirty China calendar days, today last; the demo received cases through several channels.
    expect(d.receivedPerDay.dates).toHaveLength(30);
    expect(d.receivedPerDay.dates.at(-1)).toBe("2026-11-25");
    expect(d.receivedPerDay.dates[0]).toBe("2026-10-27");
    const received = await prisma.case.count({ where: { createdAt: { gte: new Date("2026-10-26T16:00:00Z") } } });
    expect(d.receivedPerDay.totals.reduce((a, b) => a + b, 0)).toBe(received);
    expect(d.receivedPerDay.series.map((s) => s.channel)).toEqual(
      expect.arrayContaining(["BOT", "MINI_PROGRAM", "WEB", "GRID_WORKER", "CADRE_VISIT"]),
    );
    for (const s of d.receivedPerDay.series) expect(s.counts).toHaveLength(30);
    expect(d.receivedPerDay.series.find((s) => s.channel === "GRID_WORKER")?.label).toBe("网格员代报");

    // The demo's cases that moved in the last 90 days.
    expect(d.stageTimes.windowDays).toBe(90);
    expect(d.stageTimes.items.map((s) => s.stage)).toEqual(
      expect.arrayContaining(["VILLAGE_VERIFICATION", "VILLAGE_APPRAISAL", "VILLAGE_PUBLICITY", "TOWNSHIP_REVIEW"]),
    );
    expect(d.stageTimes.items.some((s) => s.stage === "SUBMITTED")).toBe(false);
  });

  it("is scoped to the caller, narrows by region like the queue, and speaks the caller's language", async () => {
    const prisma = t.database.db.prisma;
    const liuxi = await dashboard(township);
    expect(liuxi.region.name).toBe("柳溪镇");
    expect(liuxi.openByRegion.map((r) => [r.code, r.name, r.count])).toEqual([
      [SM, "石门村", await prisma.case.count({ where: { status: "OPEN", regionPath: { startsWith: `990101/990101001/${SM}/` } } })],
      [
        "990101001002",
        "桃园村",
        await prisma.case.count({ where: { status: "OPEN", regionPath: { startsWith: "990101/990101001/990101001002/" } } }),
      ],
    ]);
    expect(liuxi.openCases).toBe(await prisma.case.count({ where: { status: "OPEN", regionPath: { startsWith: "990101/990101001/" } } }));
    const { generatedAt: _a, ...narrowed } = await dashboard(county, "?regionCode=990101001");
    const { generatedAt: _b, ...own } = liuxi;
    expect(narrowed).toEqual(own);

    // A village's chart is the village itself (its groups hold no cases).
    const shimen = await dashboard(village);
    expect(shimen.openByRegion).toEqual([{ code: SM, name: "石门村", level: "VILLAGE", self: true, count: shimen.openCases }]);
    expect(shimen.overdueTasks.mostOverdue.every((m) => m.regionCode === SM)).toBe(true);

    const en = (await get(township, "", { "accept-language": "en" })).json() as Dashboard;
    expect(en.byStatus[0]).toEqual({ status: "OPEN", label: "In progress", count: liuxi.byStatus[0]!.count });
    expect(en.openByStage.find((s) => s.stage === "TOWNSHIP_REVIEW")?.label).not.toBe("乡镇审核");
  });

  it("refuses grid workers, department handlers, residents and regions out of scope", async () => {
    expect((await get(await t.staffToken("grid-shimen"))).statusCode).toBe(403);
    expect((await get(await t.staffToken("dept-health"))).statusCode).toBe(403);
    expect((await get(resident)).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/staff/dashboard" })).statusCode).toBe(401);
    expect((await get(township, "?regionCode=990101002001")).statusCode).toBe(403);
    expect((await get(township, "?regionCode=990101001009")).statusCode).toBe(404);
    expect((await get(township, "?regionCode=abc")).statusCode).toBe(400);
    expect((await get(township, "?days=7")).statusCode).toBe(400);
  });

  it("counts three new reports, and moves the stage counts and times when the village acts on one", async () => {
    const before = await dashboard(village);
    const submitted = [];
    for (const [name, riskTypes] of [
      ["看板甲", ["ILLNESS"]],
      ["看板乙", ["ILLNESS", "HOUSING"]],
      ["看板丙", ["UNSTABLE_WORK"]],
    ] as const) {
      const response = await t.submit(resident, {
        description: "家里遇到了困难,请村里来看看",
        applicantName: name,
        regionCode: SM,
        riskTypes: [...riskTypes],
      });
      expect(response.statusCode).toBe(201);
      submitted.push(response.json().caseId as string);
    }
    const after = await dashboard(village);
    expect(after.openCases).toBe(before.openCases + 3);
    expect(stageCount(after, "VILLAGE_VERIFICATION")).toBe(stageCount(before, "VILLAGE_VERIFICATION") + 3);
    expect(riskCount(after, "ILLNESS")).toBe(riskCount(before, "ILLNESS") + 2);
    expect(riskCount(after, "HOUSING")).toBe(riskCount(before, "HOUSING") + 1);
    expect(riskCount(after, "UNSTABLE_WORK")).toBe(riskCount(before, "UNSTABLE_WORK") + 1);
    expect(riskCount(after, "DISASTER")).toBe(riskCount(before, "DISASTER"));
    expect(after.openByRegion[0]!.count).toBe(before.openByRegion[0]!.count + 3);
    expect(today(after)).toBe(today(before) + 3);
    expect(today(after, "MINI_PROGRAM")).toBe(today(before, "MINI_PROGRAM") + 3);
    expect(countOf(after.byStatus, (s) => s.status === "OPEN")).toBe(countOf(before.byStatus, (s) => s.status === "OPEN") + 3);

    // The next day at 12:00 (26 working hours on), the village records its home visit on the first.
    const stay = (d: Dashboard) => d.stageTimes.items.find((s) => s.stage === "VILLAGE_VERIFICATION")!;
    t.clock.now = new Date("2026-11-26T04:00:00Z");
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: submitted[0], status: "OPEN" } });
    const acted = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: homeVisit({ visitedAt: "2026-11-26T02:00:00Z", findings: { annualIncome: 20000, rigidExpenses: 0, medical: "SECURE" } }),
    });
    expect(acted.statusCode, acted.body).toBe(200);
    const moved = await dashboard(village);
    expect(stageCount(moved, "VILLAGE_VERIFICATION")).toBe(stageCount(after, "VILLAGE_VERIFICATION") - 1);
    expect(stageCount(moved, "VILLAGE_APPRAISAL")).toBe(stageCount(after, "VILLAGE_APPRAISAL") + 1);
    expect(moved.openCases).toBe(after.openCases);
    const was = stay(before);
    const now = stay(moved);
    expect(now.stays).toBe(was.stays + 1);
    expect(now.averageWorkingHours).toBeCloseTo((was.averageWorkingHours * was.stays + 26) / (was.stays + 1), 0);
    expect(now.averageWorkingDays).toBeCloseTo(now.averageWorkingHours / 24, 1);
  });

  it("lists overdue tasks with how late they are, and counts a late case once its deadline passes", async () => {
    const scope = `?regionCode=${TY2}`;
    // Thursday 26 November, 12:00 in China.
    t.clock.now = new Date("2026-11-26T04:00:00Z");
    const before = await dashboard(county, scope);
    expect(before.overdueTasks.count).toBe(1);
    expect(before.overdueTasks.mostOverdue[0]).toMatchObject({
      caseNumber: "2026-000011",
      stage: "VILLAGE_VERIFICATION",
      desk: "VILLAGE",
      regionCode: TY2,
      regionName: "桃园村",
    });
    for (const name of ["逾期甲", "逾期乙"]) {
      const response = await t.submit(resident, {
        description: "老人生病住院,家里困难",
        applicantName: name,
        regionCode: TY2,
        riskTypes: ["ILLNESS"],
      });
      expect(response.statusCode).toBe(201);
    }
    // Submitted Thursday 26 November: due by the end of Thursday 3 December (5 working days); Friday the 4th they are a day late.
    t.clock.now = new Date("2026-12-04T02:00:00Z");
    const late = await dashboard(county, scope);
    expect(late.overdueTasks.count).toBe(3);
    expect(late.overdueTasks.mostOverdue.map((m) => [m.stage, m.daysLate, m.workingDaysLate])).toEqual([
      // Eight days on, six of them working days (27 and 30 November, 1–4 December).
      ["VILLAGE_VERIFICATION", before.overdueTasks.mostOverdue[0]!.daysLate + 8, before.overdueTasks.mostOverdue[0]!.workingDaysLate + 6],
      ["VILLAGE_VERIFICATION", 1, 1],
      ["VILLAGE_VERIFICATION", 1, 1],
    ]);
    expect(late.overdueTasks.mostOverdue[1]!.dueAt).toBe("2026-12-03T15:59:59.999Z");
  });
});
