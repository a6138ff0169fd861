import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import type { DeclaredHousehold } from "../../../../server/features/cases/case-schemas.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`intake and status API (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;

  beforeAll(async () => {
    t = await createTestApp();
    resident = await t.residentToken("wanglaohan");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it("acknowledges a report at once with a case number, the village's next step and its working-day deadline", async () => {
    const response = await t.submit(resident, {
      description: "家里房子被洪水冲了,现在没地方住",
      address: "柳溪镇石门村二组",
      applicantName: "王老汉",
      phone: "13512340001",
    });
    expect(response.statusCode).toBe(201);
    const ack = response.json();
    expect(ack.number).toMatch(/^2026-\d{6}$/);
    expect(ack.duplicate).toBe(false);
    expect(ack.stage).toBe("VILLAGE_VERIFICATION");
    expect(ack.routedTo).toMatchObject({ regionCode: "990101001001", regionName: "石门村", triage: false });
    expect(ack.riskTypes).toEqual(expect.arrayContaining(["DISASTER", "HOUSING"]));
    // Wed 25 Nov 2026 + 5 working days = Wed 2 Dec 2026, end of day in China.
    expect(ack.nextStep.dueAt).toBe("2026-12-02T15:59:59.999Z");
    expect(ack.nextStep.text).toContain("石门村");
    expect(ack.message).toContain(ack.number);
  });

  it("keeps an application's declared household, encrypted, and shows it to reviewers masked and against the standard", async () => {
    const head = demoIdNumber("1960-05-05", 71);
    const household: DeclaredHousehold = {
      members: [
        { name: "周大山", relation: "HEAD", idNumber: head, birthYear: 1960, labourCapacity: "PARTIAL", health: "CHRONIC_ILLNESS" },
        { name: "周小花", relation: "GRANDCHILD", birthYear: 2012, labourCapacity: "NOT_WORKING_AGE", health: "HEALTHY" },
      ],
      incomes: [{ source: "WAGE", amount: 12000, productionCost: 0 }],
      expenses: [{ kind: "MEDICAL", amount: 6000 }],
    };
    const twoHeads = await t.submit(resident, {
      kind: "ASSISTANCE_APPLICATION",
      description: "老伴走了,我身体不好,孙女上学",
      regionCode: "990101001001",
      household: { ...household, members: household.members.map((m) => ({ ...m, relation: "HEAD" as const })) },
    });
    expect(twoHeads.statusCode).toBe(400);
    expect(twoHeads.json().fields).toEqual([{ path: "household.members", message: expect.stringContaining("有且只有一位户主") }]);

    const response = await t.submit(resident, {
      kind: "ASSISTANCE_APPLICATION",
      description: "老伴走了,我身体不好,孙女上学",
      regionCode: "990101001001",
      household,
      consent: { personalInformation: true, familyEconomicCheck: true, alsoAgreed: ["周小花"] },
    });
    expect(response.statusCode).toBe(201);
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({
      where: { number: response.json().number },
      include: { consents: true },
    });
    expect(stored.declaredHouseholdEnc).not.toContain(head);
    expect(stored.declaredHouseholdEnc).not.toContain("周大山");
    expect(
      stored.consents
        .filter((c) => c.grantorName === "周小花")
        .map((c) => c.scope)
        .sort(),
    ).toEqual(["FAMILY_ECONOMIC_CHECK", "PERSONAL_INFORMATION"]);

    const village = await t.staffToken("village-shimen");
    const detail = (await t.app.inject({ method: "GET", url: `/api/staff/cases/${stored.id}`, headers: auth(village) })).json();
    expect(detail.declaredHousehold.members[0]).toMatchObject({ name: "周大山", idNumberMasked: expect.stringContaining("*") });
    expect(detail.declaredHousehold.members[0].idNumberMasked).not.toContain(head.slice(6, 14));
    // (12000 − 6000 medical) / 2 = 3000 a head after rigid expenses; the net income a head is 6000, below the 8500 line.
    expect(detail.declaredHousehold).toMatchObject({ perCapitaNetIncome: 6000, incomeLine: 8500, belowLine: true });
  });

  it("shows the applicant their case as a plain-language timeline, in their language", async () => {
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101002001" })).json();
    const zh = await t.app.inject({ method: "GET", url: `/api/me/cases/${ack.number}`, headers: auth(resident) });
    expect(zh.statusCode).toBe(200);
    const view = zh.json();
    expect(view.stageLabel).toBe("村里上门核实");
    expect(view.timeline.map((e: { action: string }) => e.action)).toEqual(["SUBMITTED", "ROUTED_VILLAGE"]);
    expect(view.timeline[1].title).toBe("已交给白沙村办理");
    expect(view.riskTypes).toEqual(expect.arrayContaining(["ILLNESS", "EXPENSE_SURGE"]));

    const en = await t.app.inject({
      method: "GET",
      url: `/api/me/cases/${ack.number.replace("-", "")}`,
      headers: { ...auth(resident), "accept-language": "en-US,en;q=0.9" },
    });
    expect(en.statusCode).toBe(200);
    expect(en.json().stageLabel).toBe("Home visit by the village");
    expect(en.json().nextStep.text).toMatch(/^Staff of 白沙村 will visit your home by/);

    const mine = await t.app.inject({ method: "GET", url: "/api/me/cases", headers: auth(resident) });
    expect(mine.json().items.map((c: { number: string }) => c.number)).toContain(ack.number);
  });

  it("answers a retried submission (same key, same body) with the same case and creates no second one", async () => {
    const body = { description: "孩子考上大学交不起学费", regionCode: "990101003001" };
    const first = await t.submit(resident, body, "retry-key-0001");
    const second = await t.submit(resident, body, "retry-key-0001");
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().duplicate).toBe(true);
    expect(second.json().number).toBe(first.json().number);
    expect(await t.database.db.prisma.case.count({ where: { description: body.description } })).toBe(1);
    expect(await t.database.db.prisma.caseEvent.count({ where: { caseId: first.json().caseId } })).toBe(2);
  });

  it("creates exactly one case when the same submission arrives many times at once", async () => {
    const body = { description: "养的猪得了猪瘟全死了", regionCode: "990101003002" };
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.submit(resident, body, "burst-key-0001")));
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.json().number)).size).toBe(1);
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    expect(await t.database.db.prisma.case.count({ where: { description: body.description } })).toBe(1);
  });

  it("refuses to reuse a key for a different submission", async () => {
    await t.submit(resident, { description: "第一份申请内容" }, "reused-key-0001");
    const response = await t.submit(resident, { description: "完全不同的第二份申请" }, "reused-key-0001");
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("routes an ambiguous village name to triage and an unknown place to the county, never dropping it", async () => {
    // Two villages are called 桃园村, in different townships.
    const ambiguous = (await t.submit(resident, { description: "家里没收入了", address: "桃园村" })).json();
    expect(ambiguous.stage).toBe("COUNTY_TRIAGE");
    expect(ambiguous.routedTo).toMatchObject({ regionCode: "990101", triage: true });

    const disambiguated = (await t.submit(resident, { description: "家里没收入了", address: "云岭乡桃园村" })).json();
    expect(disambiguated.routedTo.regionCode).toBe("990101002002");

    const townshipOnly = (await t.submit(resident, { description: "家里着火了", address: "河口镇街上" })).json();
    expect(townshipOnly).toMatchObject({ stage: "TOWNSHIP_TRIAGE", routedTo: { regionCode: "990101003", triage: true } });
    // Triage has 2 working days: Wed 25 → Fri 27 Nov.
    expect(townshipOnly.nextStep.dueAt).toBe("2026-11-27T15:59:59.999Z");

    const nowhere = (await t.submit(resident, { description: "日子过不下去了" })).json();
    expect(nowhere).toMatchObject({ stage: "COUNTY_TRIAGE", routedTo: { regionCode: "990101" } });

    const events = await t.database.db.prisma.caseEvent.findMany({ where: { caseId: ambiguous.caseId, action: "ROUTED_COUNTY_TRIAGE" } });
    expect((events[0]!.payload as { candidates: string[] }).candidates.sort()).toEqual(["990101001002", "990101002002"]);
  });

  it("routes by the household on record when the ID number is known, whatever the address says", async () => {
    const response = await t.submit(resident, {
      description: "老毛病又犯了,要住院",
      idNumber: demoIdNumber("1975-08-15", 11),
      address: "石门村",
    });
    expect(response.json().routedTo.regionCode).toBe("990101002001");
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: response.json().caseId } });
    expect(stored.householdId).not.toBeNull();
    // Never in clear.
    expect(stored.applicantIdNumberEnc).not.toContain("990101");
    expect(stored.contactPhoneEnc).not.toContain("1351234");
  });

  it("lets a grid worker file for a resident, recording reporter, channel and the proxy consent", async () => {
    const grid = await t.staffToken("grid-shimen");
    const missingConfirmation = await t.submit(grid, { description: "刘大爷摔断了腿没人照顾", applicantName: "刘大爷" });
    expect(missingConfirmation.statusCode).toBe(400);
    expect(missingConfirmation.json().code).toBe("PROXY_NOT_CONFIRMED");

    const response = await t.submit(grid, {
      description: "刘大爷摔断了腿没人照顾",
      applicantName: "刘大爷",
      onBehalf: { confirmationMethod: "SIGNED_PAPER" },
    });
    expect(response.statusCode).toBe(201);
    // No address: the grid worker's own village owns it.
    expect(response.json().routedTo.regionCode).toBe("990101001001");
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({
      where: { id: response.json().caseId },
      include: { consents: true, events: true },
    });
    expect(stored.channel).toBe("GRID_WORKER");
    expect(stored.reporterStaffId).not.toBeNull();
    expect(stored.reporterResidentId).toBeNull();
    expect(stored.consents.map((c) => c.scope).sort()).toEqual(["PERSONAL_INFORMATION", "PROXY_FILING"]);
    expect(stored.consents.every((c) => c.method === "SIGNED_PAPER" && c.recordedByStaffId === stored.reporterStaffId)).toBe(true);
    expect(stored.events.find((e) => e.action === "SUBMITTED_BY_STAFF")).toMatchObject({ actorType: "STAFF", actorRole: "GRID_WORKER" });
  });

  it("refuses proxy filing by a resident", async () => {
    const response = await t.submit(resident, { description: "替邻居申请救助", onBehalf: { confirmationMethod: "SIGNED_PAPER" } });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe("PROXY_ONLY_FOR_STAFF");
  });

  it("looks a case up without login by number plus the phone's last 4 digits, and nothing less", async () => {
    const ack = (await t.submit(resident, { description: "因病住院欠了很多钱", phone: "13698761234", regionCode: "990101001002" })).json();
    const ok = await t.app.inject({ method: "POST", url: "/api/public/case-status", payload: { number: ack.number, phoneLast4: "1234" } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().number).toBe(ack.number);
    expect(JSON.stringify(ok.json())).not.toContain("13698761234");
    // The anonymous look-up shows exactly what the applicant sees logged in: the same stage, times and timeline.
    const own = await t.app.inject({ method: "GET", url: `/api/me/cases/${ack.number}`, headers: auth(resident) });
    expect(ok.json()).toEqual(own.json());
    expect(ok.json().timeline.length).toBeGreaterThan(0);
    expect(Date.parse(ok.json().timeline[0].at)).toBe(Date.parse(ack.submittedAt));

    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      payload: { number: ack.number, phoneLast4: "4321" },
    });
    expect(wrong.statusCode).toBe(404);
    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      payload: { number: "2026-999999", phoneLast4: "1234" },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe(wrong.json().message);
  });

  // Last in the file: it moves the number sequence on for every case after it.
  it("keeps every digit of case numbers past a million, and finds them", async () => {
    await t.database.db.query("SELECT setval('case_number_seq', 999999)");
    const first = (await t.submit(resident, { description: "家里遭了水灾", phone: "13698765555", regionCode: "990101001001" })).json();
    const second = (await t.submit(resident, { description: "孩子上学交不起学费", regionCode: "990101001001" })).json();
    expect([first.number, second.number]).toEqual(["2026-1000000", "2026-1000001"]);
    const found = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      payload: { number: first.number, phoneLast4: "5555" },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().number).toBe("2026-1000000");
  });
});
