import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";

describe(`staff queue and case view (${testDatabaseKind})`, () => {
  let t: TestApp;
  let township: string;
  /** The demo county's own cases in 桃园村 (柳溪镇), all open and waiting for the village's visit. */
  let demoCases: number;
  const get = (url: string, token: string) => t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp();
    township = await t.staffToken("township-liuxi");
    demoCases = await t.database.db.prisma.case.count({
      where: { regionPath: { startsWith: "990101/990101001/990101001002/" }, status: "OPEN", stage: "VILLAGE_VERIFICATION" },
    });
    const resident = await t.residentToken("queue-filler");
    for (let i = 0; i < 5; i++) {
      await t.submit(resident, {
        description: `第${i}户 老人住院看病`,
        applicantName: `病号${i}`,
        regionCode: "990101001002",
        riskTypes: ["ILLNESS"],
      });
      t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    }
    await t.submit(resident, {
      description: "学费交不起",
      applicantName: "学生家长",
      regionCode: "990101001002",
      riskTypes: ["SCHOOLING"],
    });
  });
  afterAll(() => t.close());

  it("pages through the region's cases newest first without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/staff/cases?limit=3&regionCode=990101001002${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await get(url, township)).json();
      seen.push(...page.items.map((c: { number: string }) => c.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6 + demoCases);
    expect(new Set(seen).size).toBe(6 + demoCases);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("filters by risk type and searches by name or number, masking phones", async () => {
    const schooling = (await get("/api/staff/cases?riskType=SCHOOLING&regionCode=990101001002", township)).json().items;
    expect(schooling).toHaveLength(1);
    expect(schooling[0]).toMatchObject({
      applicantName: "学生家长",
      phoneMasked: "135****5678",
      stage: "VILLAGE_VERIFICATION",
      stageLabel: "村里上门核实",
    });
    const byName = (await get(`/api/staff/cases?q=${encodeURIComponent("病号3")}`, township)).json().items;
    expect(byName.map((c: { applicantName: string }) => c.applicantName)).toEqual(["病号3"]);
    const byNumber = (await get(`/api/staff/cases?q=${schooling[0].number}`, township)).json().items;
    expect(byNumber.map((c: { number: string }) => c.number)).toEqual([schooling[0].number]);
  });

  it("finds cases by a full ID number, the applicant's or a household member's, though it is stored only encrypted", async () => {
    const county = await t.staffToken("county");
    // 李秀英 is a member (not the applicant) of the demo household whose head applied in case 1.
    const member = (await get(`/api/staff/cases?q=${demoIdNumber("1958-11-20", 42)}`, county)).json().items;
    expect(member.map((c: { applicantName: string }) => c.applicantName)).toEqual(["张德福"]);
    const applicant = (await get(`/api/staff/cases?q=${demoIdNumber("1975-08-15", 11).toLowerCase()}&status=REJECTED`, county)).json()
      .items;
    expect(applicant.map((c: { applicantName: string }) => c.applicantName)).toEqual(["王建国"]);
    // Outside the caller's region the same number finds nothing.
    expect((await get(`/api/staff/cases?q=${demoIdNumber("1975-08-15", 11)}`, township)).json().items).toEqual([]);
  });

  it("marks cases overdue once their stage's working-day deadline has passed", async () => {
    expect((await get("/api/staff/cases?overdue=true&regionCode=990101001002", township)).json().items).toHaveLength(0);
    // Five working days from Wed 25 Nov is Wed 2 Dec; on Thu 3 Dec they are late.
    t.clock.now = new Date("2026-12-03T02:00:00Z");
    const overdue = (await get("/api/staff/cases?overdue=true&regionCode=990101001002", township)).json().items;
    // The six filed here, and the demo's (filed before them, so late before them).
    expect(overdue).toHaveLength(6 + demoCases);
    expect(overdue.every((c: { overdue: boolean }) => c.overdue)).toBe(true);
  });

  it("opens a case with its trace, consents and masked identity", async () => {
    const [first] = (await get("/api/staff/cases?riskType=SCHOOLING", township)).json().items;
    const detail = (await get(`/api/staff/cases/${first.id}`, township)).json();
    expect(detail.events.map((e: { action: string }) => e.action)).toEqual(["SUBMITTED", "ROUTED_VILLAGE"]);
    expect(detail.events[1]).toMatchObject({ actorType: "SYSTEM", fromStage: "SUBMITTED", toStage: "VILLAGE_VERIFICATION" });
    expect(detail.consents.map((c: { scope: string }) => c.scope)).toEqual(["PERSONAL_INFORMATION"]);
    expect(detail.phoneMasked).toBe("135****5678");
    expect(JSON.stringify(detail)).not.toContain("13512345678");
  });

  it("refuses a tampered cursor rather than silently restarting", async () => {
    const response = await get("/api/staff/cases?cursor=bm90LWEtY3Vyc29y", township);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields[0].path).toBe("cursor");
  });
});
