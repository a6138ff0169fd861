import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordNotices, taskNotice } from "../../../../server/platform/case-notifier.ts";
import { createSecondInstance, createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const villageWechat = "wx-village-shimen-pending";

/**
 * A change records its notices in its own transaction (PendingNotice); the pushes they lead to are stored from
 * there. Two apps on one database stand for two instances.
 */
describe(`pushes from notices recorded with their changes (${testDatabaseKind})`, () => {
  let t: TestApp;
  let second: TestApp;
  let resident: string;

  beforeAll(async () => {
    t = await createTestApp();
    second = await createSecondInstance(t);
    resident = await t.residentToken("pending-notices");
    await t.database.db.prisma.staffAccount.update({ where: { username: "village-shimen" }, data: { wechatId: villageWechat } });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const prisma = () => t.database.db.prisma;
  const taskOpenedPushes = (caseNumber: string) =>
    prisma().botPush.findMany({ where: { recipientId: villageWechat, text: { contains: `新任务:案件 ${caseNumber}` } } });

  /** What a change leaves when its instance dies right after the commit: its rows and its notice, no push yet. */
  async function changeCommittedThenInstanceDied() {
    const ack = (await t.submit(resident, { description: "家里房子被水冲了", regionCode: "990101001001" })).json();
    await t.app.services.botPushes.settled();
    const task = await prisma().caseTask.findFirstOrThrow({ where: { caseId: ack.caseId } });
    await prisma().botPush.deleteMany({ where: { topic: `task:${task.id}` } });
    await prisma().$transaction((tx) => recordNotices(tx, [taskNotice("task.opened", task, ack.number)], new Date(t.clock.now)));
    return { number: ack.number as string, taskId: task.id };
  }

  it("stores a report's push to the village desk from the notice its own statement recorded, and keeps no notice after", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
    await t.app.services.botPushes.settled();
    expect(await taskOpenedPushes(ack.number)).toHaveLength(1);
    expect(await prisma().pendingNotice.count()).toBe(0);

    // The same report sent again opens nothing, and records no second notice.
    const report = { description: "孩子上学交不起学费", regionCode: "990101001001" };
    const again = await t.submit(resident, report, "pending-notices-1");
    expect(again.statusCode).toBe(201);
    expect((await t.submit(resident, report, "pending-notices-1")).statusCode).toBe(200);
    await t.app.services.botPushes.settled();
    expect(await taskOpenedPushes(again.json().number)).toHaveLength(1);
    expect(await prisma().pendingNotice.count()).toBe(0);
  });

  it("stores, once, the pushes of a change whose instance died before it could, when both instances' passes run", async () => {
    const { number, taskId } = await changeCommittedThenInstanceDied();
    expect(await taskOpenedPushes(number)).toHaveLength(0);
    expect(await prisma().pendingNotice.count()).toBe(1);

    // The scheduled job's pass, on both instances at once.
    const [a, b] = await Promise.all([t.app.services.botPushes.storePending(), second.app.services.botPushes.storePending()]);
    expect(a.notices + b.notices).toBe(1);
    // The village desk and the grid worker of the area are bound: one push each, stored by one of the passes.
    const stored = await prisma().botPush.findMany({ where: { topic: `task:${taskId}` } });
    expect(stored.map((p) => p.recipientId).sort()).toEqual(["demo-grid-shimen", villageWechat].sort());
    expect(a.pushes + b.pushes).toBe(stored.length);
    expect(await prisma().pendingNotice.count()).toBe(0);
    expect((await t.app.services.botPushes.storePending()).notices).toBe(0);
  });

  it("takes up a notice whose pass stopped half-way once its claim has run out, and not before", async () => {
    const { number } = await changeCommittedThenInstanceDied();
    // A pass claimed it, then its instance died.
    await prisma().pendingNotice.updateMany({ data: { claimedAt: new Date(t.clock.now), claim: "00000000-0000-4000-8000-000000000001" } });
    expect(await second.app.services.botPushes.storePending()).toEqual({ notices: 0, pushes: 0 });

    t.clock.now = new Date(t.clock.now.getTime() + 61_000);
    expect(await second.app.services.botPushes.storePending()).toEqual({ notices: 1, pushes: 2 });
    expect(await taskOpenedPushes(number)).toHaveLength(1);
    expect(await prisma().pendingNotice.count()).toBe(0);
  });
});
