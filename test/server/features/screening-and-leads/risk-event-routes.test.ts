import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PersonalDataCipher } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { homeVisit } from "../../../helpers/actions.ts";

const flood = {
  type: "FLOOD",
  title: "11月山洪",
  description: "石门河、白沙河沿岸农田和房屋被淹",
  villageCodes: ["990101001001", "990101002001"],
  startsOn: "2026-11-20",
  endsOn: "2026-11-23",
  scope: "MONITORED",
};

describe(`large-scale risk events (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  const prisma = () => t.database.db.prisma;
  const declare = (token: string, body: Record<string, unknown>, key: string | null, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: "/api/staff/risk-events",
      headers: { authorization: `Bearer ${token}`, ...(key ? { "idempotency-key": key } : {}), ...headers },
      payload: body,
    });
  const get = (token: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    t = await createTestApp();
    county = await t.staffToken("county");
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    const db = prisma();
    const household = async (
      number: string,
      groupCode: string,
      category: "NONE" | "SUDDEN_HARDSHIP" | "MARGINAL",
      head: string,
      id: string,
    ) => {
      const group = await db.region.findUniqueOrThrow({ where: { code: groupCode } });
      await db.household.create({
        data: {
          number,
          regionId: group.id,
          address: `${number} 号`,
          category,
          members: {
            create: [
              {
                name: head,
                relation: "HEAD",
                birthDate: new Date("1970-01-01"),
                labourCapacity: "FULL",
                idNumberEnc: cipher.encrypt(id),
                idNumberHash: cipher.lookupHash(id),
              },
            ],
          },
        },
      });
    };
    // Households of this file's own (numbers 9001+, ID serials under 100); the demo's households are checked against the database.
    await household("990101001001-9001", "990101001001001", "SUDDEN_HARDSHIP", "孙二娘", demoIdNumber("1972-02-02", 12));
    await household("990101001001-9002", "990101001001002", "NONE", "赵大山", demoIdNumber("1968-05-12", 17));
    await household("990101002001-9001", "990101002001002", "MARGINAL", "钱塘", demoIdNumber("1966-06-06", 18));
    await household("990101001002-9001", "990101001002001", "SUDDEN_HARDSHIP", "李四", demoIdNumber("1971-07-07", 16));
    // A village of another county.
    const other = await db.region.create({ data: { code: "990102", name: "绿水县", level: "COUNTY", path: "990102/" } });
    await db.region.create({
      data: { code: "990102001001", name: "外县村", level: "VILLAGE", parentId: other.id, path: "990102/990102001001/" },
    });
    t.app.services.regions.invalidate();
  });
  afterAll(() => t.close());

  let eventId = "";
  const demoOpenCase = () => prisma().case.findFirstOrThrow({ where: { idempotencyKey: { endsWith: ":demo-case-1" } } });

  /** What a declaration should find, read straight from the database: the villages' households (of the categories) and any case under way. */
  async function expectedHouseholds(villageCodes: string[], categories: string[] | null) {
    const villages = await prisma().region.findMany({ where: { code: { in: villageCodes } } });
    const households = await prisma().household.findMany({
      where: {
        OR: villages.map((v) => ({ region: { path: { startsWith: v.path } } })),
        ...(categories ? { category: { in: categories as never } } : {}),
      },
      include: { cases: { where: { status: { in: ["OPEN", "APPROVED"] } }, orderBy: { createdAt: "asc" }, take: 1 } },
    });
    return households
      .map((h) => ({ householdNumber: h.number, outcome: h.cases[0] ? "ALREADY_OPEN" : "LEAD_CREATED", caseNumber: h.cases[0]?.number }))
      .sort((a, b) => a.householdNumber.localeCompare(b.householdNumber));
  }

  it("declares a flood for two villages: one lead per monitored household, open cases tracked, not duplicated", async () => {
    const before = await prisma().case.count();
    const expected = await expectedHouseholds(flood.villageCodes, ["FORMERLY_POOR", "MARGINAL", "SUDDEN_HARDSHIP"]);
    const open = await demoOpenCase();
    expect(expected).toEqual(
      expect.arrayContaining([
        { householdNumber: "990101001001-0007", outcome: "ALREADY_OPEN", caseNumber: open.number },
        { householdNumber: "990101001001-9001", outcome: "LEAD_CREATED", caseNumber: undefined },
        { householdNumber: "990101002001-9001", outcome: "LEAD_CREATED", caseNumber: undefined },
      ]),
    );
    const created = expected.filter((h) => h.outcome === "LEAD_CREATED").length;

    const response = await declare(county, flood, "flood-2026-11-a");
    expect(response.statusCode).toBe(201);
    const body = response.json();
    eventId = body.event.id;
    expect(body.duplicate).toBe(false);
    expect(body.event).toMatchObject({
      type: "FLOOD",
      typeLabel: "洪涝灾害",
      title: "11月山洪",
      startsOn: "2026-11-20",
      endsOn: "2026-11-23",
      scope: "MONITORED",
      riskTypes: ["DISASTER"],
      villages: [
        { code: "990101001001", name: "石门村" },
        { code: "990101002001", name: "白沙村" },
      ],
      declaredBy: "县防返贫办 李主任",
    });
    const got = (
      body.households as { householdNumber: string; outcome: string; caseNumber: string; villageCode: string; headName: string }[]
    ).map((h) => ({
      householdNumber: h.householdNumber,
      outcome: h.outcome,
      caseNumber: h.outcome === "ALREADY_OPEN" ? h.caseNumber : undefined,
    }));
    expect(got.sort((a, b) => a.householdNumber.localeCompare(b.householdNumber))).toEqual(expected);
    expect(body.households.find((h: { householdNumber: string }) => h.householdNumber === "990101001001-9001")).toMatchObject({
      headName: "孙**",
      villageName: "石门村",
      caseStatus: "OPEN",
      stage: "VILLAGE_VERIFICATION",
    });
    // Not monitored, or not in the villages: not checked.
    expect(got.map((h) => h.householdNumber)).not.toContain("990101001001-9002");
    expect(got.map((h) => h.householdNumber)).not.toContain("990101001002-9001");
    expect(body.event.progress).toMatchObject({
      households: expected.length,
      leadsCreated: created,
      alreadyOpen: expected.length - created,
    });
    expect(await prisma().case.count()).toBe(before + created);

    const leads = await prisma().case.findMany({
      where: { riskEventId: eventId },
      include: { region: true, household: true, events: { orderBy: { id: "asc" } } },
      orderBy: { number: "asc" },
    });
    expect(leads).toHaveLength(created);
    expect(leads.find((c) => c.household?.number === "990101001001-9001")?.region.name).toBe("石门村");
    expect(leads.find((c) => c.household?.number === "990101002001-9001")?.region.name).toBe("白沙村");
    for (const c of leads) {
      expect(c).toMatchObject({
        kind: "DEPARTMENT_LEAD",
        channel: "RISK_EVENT",
        riskTypes: ["DISASTER"],
        stage: "VILLAGE_VERIFICATION",
        status: "OPEN",
        routing: "VILLAGE",
        idempotencyKey: `risk-event:${eventId}:${c.householdId}`,
      });
      expect(c.stageDueAt?.toISOString()).toBe("2026-12-02T15:59:59.999Z");
      expect(c.description).toBe(
        "规模性返贫风险排查:洪涝灾害“11月山洪”(2026-11-20 起)影响本村。情况:石门河、白沙河沿岸农田和房屋被淹。请入户核实这户受影响的情况。",
      );
      expect(c.events.map((e) => [e.action, e.actorType, e.actorRole])).toEqual([
        ["LEAD_FROM_RISK_EVENT", "STAFF", "COUNTY"],
        ["ROUTED_VILLAGE", "SYSTEM", null],
      ]);
    }
    // The open case is told about the event instead of getting a second one.
    const linked = await prisma().caseEvent.findMany({ where: { caseId: open.id, action: "RISK_EVENT_LINKED" } });
    expect(linked).toHaveLength(1);
    expect(linked[0]!.payload).toMatchObject({ riskEventId: eventId, type: "FLOOD" });

    const baishaLead = leads.find((c) => c.household?.number === "990101002001-9001")!;
    const tasks = (await get(await t.staffToken("village-baisha"), "/api/staff/tasks")).json().items;
    expect(tasks.map((task: { caseNumber: string }) => task.caseNumber)).toContain(baishaLead.number);
  });

  it("answers a retried declaration with the same event and creates nothing", async () => {
    const before = await prisma().case.count();
    const retry = await declare(county, flood, "flood-2026-11-a");
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ duplicate: true, event: { id: eventId } });
    expect(retry.json().households).toHaveLength(await prisma().riskEventHousehold.count({ where: { eventId } }));
    expect(retry.json().households.length).toBeGreaterThanOrEqual(3);
    expect(await prisma().case.count()).toBe(before);
    expect(await prisma().riskEvent.count()).toBe(1);
    const changed = await declare(county, { ...flood, title: "另一场洪水" }, "flood-2026-11-a");
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("checks every household of a village with scope ALL, leaving those already under review to their case", async () => {
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const expected = await expectedHouseholds(["990101001001"], null);
    const response = await declare(
      county,
      { type: "PRICE_COLLAPSE", title: "生猪价格大跌", villageCodes: ["990101001001"], startsOn: "2026-11-01", scope: "ALL" },
      "pigs-2026-11",
    );
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.event).toMatchObject({
      endsOn: null,
      description: null,
      scopeLabel: "全部农户",
      riskTypes: ["BUSINESS_FAILURE", "INCOME_DROP"],
    });
    const got = (body.households as { householdNumber: string; outcome: string }[]).map((h) => [h.householdNumber, h.outcome]);
    expect(got).toEqual(expected.map((h) => [h.householdNumber, h.outcome]));
    // The flood's lead is under way, so that household is not checked twice; the household outside the monitoring categories now is.
    expect(got).toEqual(
      expect.arrayContaining([
        ["990101001001-9001", "ALREADY_OPEN"],
        ["990101001001-9002", "LEAD_CREATED"],
        ["990101001001-0007", "ALREADY_OPEN"],
      ]),
    );
  });

  it("tracks progress as the village acts on a lead, and shows each desk only its region", async () => {
    const village = await t.staffToken("village-shimen");
    const progressOf = async (token = county) => (await get(token, `/api/staff/risk-events/${eventId}`)).json();
    const start = (await progressOf()).event.progress;
    const lead = await prisma().case.findFirstOrThrow({ where: { riskEventId: eventId, household: { number: "990101001001-9001" } } });
    const task = await prisma().caseTask.findFirstOrThrow({ where: { caseId: lead.id, status: "OPEN" } });
    const visit = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: homeVisit({ findings: { annualIncome: 26000, rigidExpenses: 0, medical: "SECURE" } }),
    });
    expect(visit.statusCode).toBe(200);
    const stageCount = (progress: { byStage: { stage: string; count: number }[] }, stage: string) =>
      progress.byStage.find((s) => s.stage === stage)?.count ?? 0;
    const visited = (await progressOf()).event.progress;
    expect(stageCount(visited, "VILLAGE_APPRAISAL")).toBe(stageCount(start, "VILLAGE_APPRAISAL") + 1);
    expect(stageCount(visited, "VILLAGE_VERIFICATION")).toBe(stageCount(start, "VILLAGE_VERIFICATION") - 1);
    expect(visited.byStage.find((s: { stage: string }) => s.stage === "VILLAGE_APPRAISAL").stageLabel).toBe("村级评议");
    expect(visited.open).toBe(start.open);

    const declined = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${visit.json().nextTask.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "DECLINE", reason: "洪水未淹到这户,收入稳定" },
    });
    expect(declined.json()).toMatchObject({ toStage: "NOT_IDENTIFIED", status: "REJECTED" });

    const detail = await progressOf();
    const progress = detail.event.progress;
    expect(progress).toMatchObject({
      households: start.households,
      open: start.open - 1,
      decided: { total: start.decided.total + 1, rejected: start.decided.rejected + 1, approved: start.decided.approved },
    });
    const shimen = (p: typeof progress) => p.byVillage.find((v: { villageCode: string }) => v.villageCode === "990101001001");
    expect(shimen(progress)).toMatchObject({
      villageName: "石门村",
      open: shimen(start).open - 1,
      decided: expect.objectContaining({ rejected: shimen(start).decided.rejected + 1 }),
    });
    expect(progress.byVillage.map((v: { villageCode: string }) => v.villageCode)).toEqual(["990101001001", "990101002001"]);
    expect(stageCount(progress, "NOT_IDENTIFIED")).toBe(stageCount(start, "NOT_IDENTIFIED") + 1);
    expect(detail.households.find((h: { householdNumber: string }) => h.householdNumber === "990101001001-9001")).toMatchObject({
      caseStatus: "REJECTED",
      stage: "NOT_IDENTIFIED",
      stageLabel: "未纳入监测",
      overdue: false,
    });

    // A week later the 白沙村 lead is past its 5-working-day deadline.
    expect(detail.households.find((h: { householdNumber: string }) => h.householdNumber === "990101002001-9001")).toMatchObject({
      overdue: false,
    });
    t.clock.now = new Date("2026-12-03T02:00:00Z");
    const late = await progressOf();
    expect(late.households.find((h: { householdNumber: string }) => h.householdNumber === "990101002001-9001")).toMatchObject({
      overdue: true,
      stageDueAt: "2026-12-02T15:59:59.999Z",
    });
    const baishaLate = late.event.progress.byVillage.find((v: { villageCode: string }) => v.villageCode === "990101002001");
    expect(baishaLate.overdue).toBeGreaterThanOrEqual(1);
    expect(baishaLate.overdue).toBe(
      late.households.filter((h: { villageCode: string; overdue: boolean }) => h.villageCode === "990101002001" && h.overdue).length,
    );

    // The village sees the events touching it and only its own households.
    const baisha = await t.staffToken("village-baisha");
    const theirs = (await get(baisha, "/api/staff/risk-events")).json().items;
    expect(theirs.map((e: { id: string }) => e.id)).toEqual([eventId]);
    const theirDetail = await progressOf(baisha);
    expect(theirDetail.households.length).toBeGreaterThan(0);
    expect(theirDetail.households.every((h: { villageCode: string }) => h.villageCode === "990101002001")).toBe(true);
    expect(theirs[0].progress).toMatchObject({
      households: theirDetail.households.length,
      byVillage: [expect.objectContaining({ villageCode: "990101002001" })],
    });
    const township = (await get(await t.staffToken("township-liuxi"), "/api/staff/risk-events", { "accept-language": "en" })).json().items;
    expect(township).toHaveLength(2);
    expect(township[1]).toMatchObject({
      id: eventId,
      typeLabel: "Flood",
      progress: { households: shimen(late.event.progress).households },
    });
    const pigs = township[0].id;
    expect((await get(baisha, `/api/staff/risk-events/${pigs}`)).statusCode).toBe(404);
    expect((await get(county, "/api/staff/risk-events")).json().items).toHaveLength(2);
  });

  it("refuses other roles and bad declarations, localized", async () => {
    const township = await t.staffToken("township-liuxi");
    expect((await declare(township, flood, "flood-by-township")).statusCode).toBe(403);
    expect((await get(await t.staffToken("dept-health"), "/api/staff/risk-events")).statusCode).toBe(403);

    const noKey = await declare(county, flood, null);
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().fields[0].path).toBe("headers.idempotency-key");

    const none = await declare(county, { ...flood, villageCodes: [] }, "bad-declaration-1");
    expect(none.statusCode).toBe(400);
    expect(none.json().fields[0]).toMatchObject({ path: "villageCodes" });
    expect(none.json().fields[0].message).toContain("请至少选择一个村");

    const backwards = await declare(county, { ...flood, endsOn: "2026-11-19" }, "bad-declaration-2", { "accept-language": "en" });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().fields[0]).toMatchObject({ path: "endsOn" });
    expect(backwards.json().fields[0].message).toContain("The end date cannot be before the start date");

    const unknown = await declare(county, { ...flood, villageCodes: ["990101009009"] }, "bad-declaration-3");
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.json(), unknown.body).toMatchObject({ code: "UNKNOWN_REGION", message: "没有找到这个地区编码。" });

    const notVillage = await declare(county, { ...flood, villageCodes: ["990101001"] }, "bad-declaration-4");
    expect(notVillage.statusCode).toBe(400);
    expect(notVillage.json()).toMatchObject({
      code: "NOT_A_VILLAGE",
      message: "“柳溪镇”不是村(社区),请选择村。",
      fields: [{ path: "villageCodes" }],
    });
    const notVillageEn = await declare(county, { ...flood, villageCodes: ["990101001"] }, "bad-declaration-5", { "accept-language": "en" });
    expect(notVillageEn.json().message).toBe('"柳溪镇" is not a village; please choose villages.');

    const elsewhere = await declare(county, { ...flood, villageCodes: ["990101001001", "990102001001"] }, "bad-declaration-6");
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().code).toBe("REGION_OUT_OF_SCOPE");
    expect(await prisma().riskEvent.count()).toBe(2);
  });
});
