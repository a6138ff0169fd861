import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`publicity lists and objections (${testDatabaseKind})`, () => {
  let t: TestApp;
  let village: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    village = await t.staffToken("village-shimen");
  });
  afterAll(() => t.close());

  let applicants = 0;
  /** Files a case in 石门村 and takes it through the visit and the appraisal into publicity. */
  async function intoPublicity(applicantName: string, extra: object = {}) {
    const resident = await t.residentToken(`publicity-${++applicants}`);
    const ack = (
      await t.submit(resident, {
        description: "老伴住院花了三万多",
        regionCode: "990101001001",
        applicantName,
        phone: "13811112222",
        ...extra,
      })
    ).json();
    for (const body of [
      {
        type: "RECORD_HOME_VISIT",
        visitedAt: "2026-11-25T01:00:00Z",
        investigators: ["赵书记", "刘芳"],
        findings: {
          annualIncome: 6000,
          rigidExpenses: 30000,
          foodAndClothing: "SECURE",
          education: "SECURE",
          medical: "AT_RISK",
          housing: "SECURE",
          drinkingWater: "SECURE",
        },
      },
      { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "PROPOSE", reason: "同意" },
    ]) {
      const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId, status: "OPEN" } });
      const response = await t.app.inject({
        method: "POST",
        url: `/api/staff/tasks/${task.id}/actions`,
        headers: auth(village),
        payload: body,
      });
      expect(response.statusCode).toBe(200);
    }
    return { ack, resident };
  }

  it("publishes masked names only, and leaves protected households out", async () => {
    t.clock.now = new Date(defaultTestTime);
    const { ack } = await intoPublicity("赵大山");
    // 张德福's household is marked protected (a confidential illness).
    await t.database.db.prisma.household.update({ where: { number: "990101001001-0007" }, data: { protected: true } });
    const hidden = await intoPublicity("张德福", { idNumber: demoIdNumber("1956-03-07", 31) });

    const neighbour = await t.residentToken("neighbour");
    const list = await t.app.inject({ method: "GET", url: "/api/publicity/990101001001", headers: auth(neighbour) });
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.village).toBe("石门村");
    expect(body.items).toContainEqual(
      expect.objectContaining({ caseNumber: ack.number, applicantName: "赵**", kindLabel: "困难情况报告" }),
    );
    expect(body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(hidden.ack.number);
    const text = JSON.stringify(body);
    for (const secret of ["赵大山", "13811112222", "住院", "ILLNESS", "因病"]) expect(text).not.toContain(secret);

    const elsewhere = await t.staffToken("township-yunling");
    expect((await t.app.inject({ method: "GET", url: "/api/publicity/990101001001", headers: auth(elsewhere) })).statusCode).toBe(403);
  });

  it("takes a resident's objection, sends the case back to the survey, and records who objected", async () => {
    t.clock.now = new Date(defaultTestTime);
    const { ack, resident } = await intoPublicity("钱多多");
    const objector = await t.residentToken("objector");
    const response = await t.app.inject({
      method: "POST",
      url: "/api/publicity/objections",
      headers: auth(objector),
      payload: { caseNumber: ack.number, objection: "他家在城里有两套房" },
    });
    expect(response.json()).toEqual({ caseNumber: ack.number, received: true });
    const event = await t.database.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: ack.caseId, action: "PUBLICITY_OBJECTION" } });
    expect(event).toMatchObject({ actorType: "RESIDENT", actorRole: "RESIDENT", toStage: "VILLAGE_VERIFICATION" });
    const applicantView = (await t.app.inject({ method: "GET", url: `/api/me/cases/${ack.number}`, headers: auth(resident) })).json();
    expect(applicantView.stage).toBe("VILLAGE_VERIFICATION");
    expect(JSON.stringify(applicantView)).not.toContain("两套房");

    // Not on a list any more: nothing to object to.
    const late = await t.app.inject({
      method: "POST",
      url: "/api/publicity/objections",
      headers: auth(objector),
      payload: { caseNumber: ack.number, objection: "再次反映" },
    });
    expect(late.statusCode).toBe(404);
  });

  it("refuses objections once the publicity period is over", async () => {
    t.clock.now = new Date(defaultTestTime);
    const { ack } = await intoPublicity("孙悟");
    t.clock.now = new Date("2026-12-05T02:00:00Z");
    const objector = await t.residentToken("late-objector");
    const response = await t.app.inject({
      method: "POST",
      url: "/api/publicity/objections",
      headers: auth(objector),
      payload: { caseNumber: ack.number, objection: "他家有车" },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe("PUBLICITY_OVER");
  });
});
