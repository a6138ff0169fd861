import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`deadlines and escalation (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it("escalates a late village task to its township exactly once, tells the applicant, and tracks the whole-case limit", async () => {
    t.clock.now = new Date(defaultTestTime);
    const resident = await t.residentToken("late-case");
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001002" })).json();
    const township = await t.staffToken("township-liuxi");
    const escalatedView = async () =>
      (
        (await t.app.inject({ method: "GET", url: "/api/staff/tasks?view=escalated", headers: auth(township) })).json().items as {
          caseNumber: string;
          escalated: boolean;
          overdue: boolean;
        }[]
      ).filter((task) => task.caseNumber === ack.number);

    // Due Wed 2 Dec: nothing happens on the due day itself.
    t.clock.now = new Date("2026-12-02T12:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    expect(await escalatedView()).toEqual([]);

    t.clock.now = new Date("2026-12-03T01:00:00Z");
    // Two scanners at once (two instances): one escalation.
    await Promise.all([t.app.services.workflow.escalateOverdue(), t.app.services.workflow.escalateOverdue()]);
    await t.app.services.workflow.escalateOverdue();
    expect(await escalatedView()).toEqual([expect.objectContaining({ escalated: true, overdue: true })]);
    const events = await t.database.db.prisma.caseEvent.findMany({ where: { caseId: ack.caseId, action: "OVERDUE_ESCALATED" } });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ regionCode: "990101001", desk: "VILLAGE" });

    const status = (await t.app.inject({ method: "GET", url: `/api/me/cases/${ack.number}`, headers: auth(resident) })).json();
    expect(status.timeline.at(-1).title).toBe("办理已超过期限,已报柳溪镇督办");

    // The national guide's 15 working days from Wed 25 Nov end on Wed 16 Dec.
    const limitEvents = () => t.database.db.prisma.caseEvent.count({ where: { caseId: ack.caseId, action: "CASE_LIMIT_EXCEEDED" } });
    t.clock.now = new Date("2026-12-16T12:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    expect(await limitEvents()).toBe(0);
    t.clock.now = new Date("2026-12-17T01:00:00Z");
    expect((await t.app.services.workflow.escalateOverdue()).cases).toBeGreaterThanOrEqual(1);
    expect(await limitEvents()).toBe(1);
    await t.app.services.workflow.escalateOverdue();
    expect(await limitEvents()).toBe(1);
  });

  it("counts deadlines across the 2026 National Day holiday and its make-up Saturday", async () => {
    // Wed 30 Sep 2026: 1–7 Oct are off, Sat 10 Oct is worked; five working days end Tue 13 Oct.
    t.clock.now = new Date("2026-09-30T02:00:00Z");
    const resident = await t.residentToken("national-day");
    const ack = (await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001002" })).json();
    expect(ack.nextStep.dueAt).toBe("2026-10-13T15:59:59.999Z");
  });

  it("counts deadlines across the 2026 Spring Festival and its make-up Saturdays", async () => {
    // Fri 13 Feb 2026: Sat 14 Feb is worked, 15–23 Feb are off; five working days end Fri 27 Feb.
    t.clock.now = new Date("2026-02-13T02:00:00Z");
    const resident = await t.residentToken("spring-festival");
    const ack = (await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001002" })).json();
    expect(ack.nextStep.dueAt).toBe("2026-02-27T15:59:59.999Z");
  });

  it('keeps a report in a year no official arrangement covers yet, with a provisional due date and never "as soon as possible"', async () => {
    // Tue 5 Jan 2027 + 5 working days on the holiday law alone: Jan 6, 7, 8, 11, 12.
    t.clock.now = new Date("2027-01-05T02:00:00Z");
    const resident = await t.residentToken("uncovered-year");
    const response = await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001002" });
    expect(response.statusCode).toBe(201);
    expect(response.json().nextStep).toMatchObject({
      dueAt: "2027-01-12T15:59:59.999Z",
      provisional: true,
      text: expect.not.stringContaining("尽快"),
    });
  });
});
