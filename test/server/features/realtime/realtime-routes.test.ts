import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { homeVisit } from "../../../helpers/actions.ts";
import { socketInbox } from "../../../helpers/socket-inbox.ts";

describe(`real-time pushes (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const connect = async (token: string | null) => {
    const socket = await t.app.injectWS("/ws");
    const inbox = socketInbox(socket);
    if (token) {
      socket.send(JSON.stringify({ type: "auth", token }));
      await inbox.next((m) => m.type === "ready");
    }
    return { socket, inbox };
  };

  it("pushes a new task to the village in scope only, and the case's moves to its applicant only", async () => {
    t.clock.now = new Date(defaultTestTime);
    const resident = await t.residentToken("live-applicant");
    const stranger = await t.residentToken("live-stranger");
    const shimen = await connect(await t.staffToken("village-shimen"));
    const baisha = await connect(await t.staffToken("village-baisha"));
    const applicant = await connect(resident);
    const other = await connect(stranger);

    const ack = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json();
    const opened = await shimen.inbox.next((m) => m.type === "task.opened" && m.caseNumber === ack.number);
    expect(opened).toMatchObject({ stage: "VILLAGE_VERIFICATION", stageLabel: "村里上门核实", dueAt: "2026-12-02T15:59:59.999Z" });

    const village = await t.staffToken("village-shimen");
    await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${String(opened.taskId)}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: homeVisit(),
    });
    const moved = await applicant.inbox.next((m) => m.type === "case.updated" && m.caseNumber === ack.number);
    expect(moved).toMatchObject({
      stage: "VILLAGE_APPRAISAL",
      stageLabel: "村级评议",
      event: "HOME_VISIT_RECORDED",
      title: "已完成入户核实",
      status: "OPEN",
    });
    // The village's console hears the move too, to refresh its queue; the other village's does not.
    expect(await shimen.inbox.next((m) => m.type === "case.updated" && m.caseNumber === ack.number)).toMatchObject({
      stage: "VILLAGE_APPRAISAL",
    });

    await new Promise((r) => setTimeout(r, 100));
    expect(baisha.inbox.messages.filter((m) => m.caseNumber === ack.number)).toEqual([]);
    expect(other.inbox.messages.filter((m) => m.caseNumber === ack.number)).toEqual([]);
    expect(applicant.inbox.messages.filter((m) => String(m.type).startsWith("task."))).toEqual([]);
    for (const s of [shimen, baisha, applicant, other]) s.socket.terminate();
  });

  it("pushes an escalation to the township above", async () => {
    t.clock.now = new Date(defaultTestTime);
    const resident = await t.residentToken("live-late");
    const ack = (await t.submit(resident, { description: "家里房子漏雨塌了", regionCode: "990101001002" })).json();
    const township = await connect(await t.staffToken("township-liuxi"));
    t.clock.now = new Date("2026-12-03T01:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    expect(await township.inbox.next((m) => m.type === "task.escalated" && m.caseNumber === ack.number)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
    });
    township.socket.terminate();
  });

  it("hears nothing without a valid token and closes the socket", async () => {
    const { socket, inbox } = await connect(null);
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "auth", token: "not-a-token" }));
    expect(await closed).toBe(4401);
    expect(inbox.messages).toEqual([expect.objectContaining({ type: "error", code: "TOKEN_INVALID" })]);
  });
});
