import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockWeChat } from "../../bot/mock-wechat.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../helpers/test-app.ts";
import { startMockWeChat, testBotKey } from "../helpers/mock-wechat-harness.ts";
import { testDatabaseKind } from "../helpers/test-database.ts";

// A whole 1×1 PNG: photos are decoded and encoded again before they are kept, so a header alone is refused.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const silk = Buffer.concat([Buffer.from([0x02]), Buffer.from("#!SILK_V3"), Buffer.alloc(64, 7)]);
const visit = {
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
};
const caseNumberIn = (text: string) => /(\d{4}-\d{6})/.exec(text)?.[1];

describe(`the WeChat bot on the mock puppet, against the running server (${testDatabaseKind})`, () => {
  let t: TestApp;
  let wechat: MockWeChat;
  let village: string;

  beforeAll(async () => {
    t = await createTestApp({ botKey: testBotKey, botPushIntervalSeconds: 600 });
    wechat = await startMockWeChat(t);
    village = await t.staffToken("village-shimen");
  });
  afterAll(async () => {
    await wechat.stop();
    await t.close();
  });

  const prisma = () => t.database.db.prisma;
  const act = async (token: string, number: string, body: object) => {
    const tasks = (
      await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: { authorization: `Bearer ${token}` } })
    ).json().items as { id: string; caseNumber: string }[];
    const task = tasks.find((x) => x.caseNumber === number);
    if (!task) throw new Error(`no open task for ${number}`);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  };

  it("takes a report to a case, answers a status query, and pushes the village's next step to the resident", async () => {
    t.clock.now = new Date(defaultTestTime);
    const liu = wechat.person("wxid-liu-changgen", "刘长根");
    expect(await liu.say("家里房子被洪水冲了,在石门村")).toEqual([
      "收到,您遇到的困难我记下了。再问您几个问题,很快就好。",
      "请告诉我申请人姓名、手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。",
    ]);
    expect(await liu.say("刘长根")).toEqual(["请告诉我手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。"]);
    const [summary] = await liu.say("139 0000 5678");
    expect(summary).toContain("地址:柳溪镇石门村");
    expect(summary).toContain("类型:因灾、住房安全");
    const [ack] = await liu.say("是");
    const number = caseNumberIn(ack!)!;
    expect(ack).toContain("石门村的工作人员会在 2026年12月2日周三 前到您家了解情况");

    const stored = await prisma().case.findUniqueOrThrow({ where: { number }, include: { reporterResident: true } });
    expect(stored).toMatchObject({
      channel: "BOT",
      kind: "HARDSHIP_REPORT",
      applicantName: "刘长根",
      stage: "VILLAGE_VERIFICATION",
      riskTypes: ["DISASTER", "HOUSING"],
    });
    expect(stored.reporterResident?.openid).toBe("wechat:wxid-liu-changgen");

    const [status] = await liu.say("查进度");
    expect(status).toContain(`案件 ${number}(困难情况报告):办理中,现在在“村里上门核实”。`);
    expect(status).toContain("已交给石门村办理");

    await act(village, number, visit);
    await t.app.services.botPushes.settled();
    const push = await liu.waitFor((text) => text.startsWith(`您的案件 ${number} 有新进展`));
    expect(push).toContain("已完成入户核实");
    expect(push).toContain("石门村将在 2026年12月2日周三 前开会评议您的情况");
    expect(push).toContain("回复“查进度”看详情");
  });

  it("holds pushes through quiet hours and merges a case's changes into one message", async () => {
    t.clock.now = new Date(defaultTestTime);
    const wang = wechat.person("wxid-wang", "王秀英");
    await wang.say("老伴住院花了三万多,我是石门村的");
    expect(await wang.say("王秀英")).toEqual(["请告诉我手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。"]);
    expect((await wang.say("13800002222"))[0]).toContain("申请人:王秀英");
    const number = caseNumberIn((await wang.say("是"))[0]!)!;

    // 22:30 China time: the home visit and the appraisal happen, the resident hears nothing yet.
    t.clock.now = new Date("2026-11-25T14:30:00Z");
    await act(village, number, visit);
    await act(village, number, {
      type: "RECORD_APPRAISAL",
      meetingAt: "2026-11-25T14:00:00Z",
      proposal: "PROPOSE",
      reason: "村两委会议讨论",
    });
    await t.app.services.botPushes.settled();
    await t.app.services.botPushes.pump();
    expect(wang.inbox.filter((text) => text.includes(number))).toHaveLength(1); // only the acknowledgement
    const held = await prisma().botPush.findMany({ where: { recipientId: "wxid-wang" } });
    expect(held).toHaveLength(1);
    expect(held[0]!.notBefore).toEqual(new Date("2026-11-26T00:00:00Z")); // 08:00 China time

    t.clock.now = new Date("2026-11-26T00:00:01Z");
    await t.app.services.botPushes.pump();
    const push = await wang.waitFor((text) => text.startsWith(`您的案件 ${number} 有新进展`));
    expect(push).toContain("公示"); // the latest change, not the first
    await expect.poll(async () => (await prisma().botPush.findUniqueOrThrow({ where: { id: held[0]!.id } })).deliveredAt).not.toBeNull();
  });

  it("resumes a conversation after the bot restarts, and a redelivered confirmation files nothing twice", async () => {
    t.clock.now = new Date(defaultTestTime);
    const zhao = wechat.person("wxid-zhao", "赵大妈");
    await zhao.say("孩子上大学学费交不起了,白沙村的");
    await wechat.restart();
    expect(await zhao.say("赵桂兰")).toEqual(["请告诉我手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。"]);
    await zhao.say("13700003333");
    const [ack] = await zhao.say("是");
    const number = caseNumberIn(ack!)!;
    const confirmation = zhao.sent.at(-1)!;

    // The same bot sees the redelivery and ignores it.
    let before = zhao.inbox.length;
    await wechat.redeliver(confirmation, zhao.id);
    expect(zhao.inbox.length).toBe(before);
    // A restarted bot has forgotten it: the server answers with the case it already made.
    await wechat.restart();
    before = zhao.inbox.length;
    await wechat.redeliver(confirmation, zhao.id);
    expect(zhao.inbox.slice(before)).toEqual([ack]);
    expect(await prisma().case.count({ where: { applicantName: "赵桂兰" } })).toBe(1);
    expect((await prisma().case.findUniqueOrThrow({ where: { number } })).regionPath).toContain("990101002001");
  });

  it("keeps photos and voice notes as the case's attachments", async () => {
    t.clock.now = new Date(defaultTestTime);
    const sun = wechat.person("wxid-sun", "孙");
    await sun.say("房子墙上裂了好几条大缝,一下雨就漏水,石门村二组");
    expect(await sun.send(png, "house.png")).toEqual([
      "照片收到了,会和您的材料一起提交。",
      "请告诉我申请人姓名、手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。",
    ]);
    await sun.say("孙建国");
    const [summary] = await sun.say("13600004444");
    expect(summary).toContain("照片:1 张");
    const number = caseNumberIn((await sun.say("是"))[0]!)!;
    const [voiceReply] = await sun.send(silk, "voice.sil");
    expect(voiceReply).toBe(`语音已加到您的案件 ${number},办理人员可以听到。`);
    const attachments = await prisma().attachment.findMany({ where: { case: { number } }, orderBy: { createdAt: "asc" } });
    expect(attachments.map((a) => [a.kind, a.mimeType])).toEqual([
      ["PHOTO", "image/png"],
      ["VOICE", "audio/silk"],
    ]);
    expect(await prisma().caseEvent.count({ where: { case: { number }, action: "ATTACHMENT_ADDED" } })).toBe(1);
    // Judged by content, not by name; and kinds of message the bot cannot use get the same plain answer.
    expect(await sun.send(Buffer.from("just text"), "fake.png")).toEqual(["这种文件我收不了,请发照片、语音或 PDF 文件。"]);
    expect(await sun.send(Buffer.from("just text"), "note.txt")).toEqual(["这种文件我收不了,请发照片、语音或 PDF 文件。"]);
    expect(await prisma().attachment.count({ where: { case: { number } } })).toBe(2);
  });

  it("lets a grid worker bind their WeChat, forward a resident's message for a household, list it, and hear of the task", async () => {
    t.clock.now = new Date(defaultTestTime);
    const worker = wechat.person("wxid-grid-liufang", "刘芳");
    // Unknown senders are residents: a made-up code binds nothing.
    expect(await worker.say("绑定 000000")).toEqual(["绑定码不对或已过期,请在工作台重新获取。"]);
    const gridToken = await t.staffToken("grid-shimen");
    const { code } = (
      await t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${gridToken}` } })
    ).json();
    expect(await worker.say(`绑定 ${code}`)).toEqual([
      "绑定成功:石门村一组 网格员 刘芳(网格员)。以后您转发给我的消息会按代报处理,新任务和超期提醒也会发到这里。",
    ]);
    expect(await worker.say(`绑定 ${code}`)).toEqual(["绑定码不对或已过期,请在工作台重新获取。"]);

    expect(await worker.say("张德福家里老伴又住院了,这次花了两万多,他让我帮忙报一下")).toEqual([
      "收到转发的情况。",
      "这是哪一户?请发户主姓名、户号或身份证号(只在您负责的片区里找)。如果是新户,回复“新户”。",
    ]);
    expect(await worker.say("刘长根")).toEqual(["您的片区里没有找到这一户。请换个名字或户号再试,或回复“新户”按新户登记。"]);
    const [list] = await worker.say("张德福");
    expect(list).toContain("1. 张** · 一组 · 990101001001-0007");
    expect(await worker.say("1")).toEqual(["请发这户的手机号(可以一起发)。"]);
    const [summary] = await worker.say("13800001234");
    expect(summary).toContain("表示您已告知户主并征得同意");
    const number = caseNumberIn((await worker.say("是"))[0]!)!;

    const filed = await prisma().case.findUniqueOrThrow({ where: { number }, include: { household: true, consents: true } });
    const staff = await prisma().staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } });
    expect(filed).toMatchObject({ channel: "GRID_WORKER", reporterStaffId: staff.id, reporterResidentId: null, applicantName: "张德福" });
    expect(filed.household?.number).toBe("990101001001-0007");
    expect(filed.consents.map((c) => [c.scope, c.method]).sort()).toEqual([
      ["PERSONAL_INFORMATION", "VERBAL_WITNESSED"],
      ["PROXY_FILING", "VERBAL_WITNESSED"],
    ]);

    await t.app.services.botPushes.settled();
    await worker.waitFor((text) => text === `新任务:案件 ${number}“村里上门核实”,请在 2026年12月2日周三 前办理。`);
    const [mine] = await worker.say("我转的");
    expect(mine).toContain(`· ${number}:村里上门核实`);

    // A week later nobody has visited: the worker is reminded (the township hears of it on its own desk).
    t.clock.now = new Date("2026-12-03T02:00:00Z");
    await t.app.services.workflow.escalateOverdue();
    await t.app.services.botPushes.settled();
    // Staff notices are not spaced like residents' pushes: both late cases arrive now, no case-update echo.
    await worker.waitFor((text) => text.startsWith("超期提醒:案件 2026-000002"));
    await worker.waitFor((text) => text.startsWith(`超期提醒:案件 ${number}“村里上门核实”已超过期限(2026年12月2日周三)`));
    expect(worker.inbox.filter((text) => text.includes("有新进展"))).toEqual([]);

    expect(await worker.say("解除绑定")).toEqual(["已解除绑定,本微信以后按普通群众对待。"]);
    expect((await worker.say("我转的"))[0]).toContain("请直接说说家里遇到了什么事");
  });

  it("takes an objection to a publicity list", async () => {
    t.clock.now = new Date(defaultTestTime);
    const applicant = await t.residentToken("publicity-applicant");
    const { number } = (
      await t.submit(applicant, { description: "老伴住院花了三万多", regionCode: "990101001001", kind: "MONITORING_APPLICATION" })
    ).json();
    await act(village, number, visit);
    await act(village, number, {
      type: "RECORD_APPRAISAL",
      meetingAt: "2026-11-25T01:30:00Z",
      proposal: "PROPOSE",
      reason: "村两委会议讨论",
    });

    const neighbour = wechat.person("wxid-neighbour", "邻居");
    expect(await neighbour.say("我对公示有异议")).toEqual(["请发您有异议的那条公示上的案件编号(比如 2026-000123)。"]);
    expect(await neighbour.say(number)).toEqual(["请说一下您的意见和理由,村里会核实。您的名字不会公开。"]);
    await neighbour.say("他家去年刚买了小汽车,收入不低");
    expect(await neighbour.say("是")).toEqual([`您的意见已交给村里核实(案件 ${number})。谢谢您的监督。`]);
    expect(await prisma().caseEvent.count({ where: { case: { number }, action: "PUBLICITY_OBJECTION" } })).toBe(1);
  });

  it("serves many residents at once, each in their own conversation", async () => {
    t.clock.now = new Date(defaultTestTime);
    const people = Array.from({ length: 12 }, (_, i) => wechat.person(`wxid-many-${i}`, `村民${i}`));
    const names = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"].map((family) => `${family}有福`);
    const numbers = await Promise.all(
      people.map(async (person, i) => {
        await person.say("家里有人住院了,花了好几万,红旗村的");
        await person.say(names[i]!);
        await person.say(`1370000${String(1000 + i)}`);
        return caseNumberIn((await person.say("是"))[0]!);
      }),
    );
    expect(new Set(numbers).size, JSON.stringify(people.map((p) => p.inbox))).toBe(12);
    const filed = await prisma().case.findMany({ where: { number: { in: numbers as string[] } }, include: { reporterResident: true } });
    // Every case carries its own sender's name: no answer went to another conversation.
    expect(filed.map((c) => [c.reporterResident?.openid, c.applicantName]).sort()).toEqual(
      people.map((p, i) => [`wechat:${p.id}`, names[i]]).sort(),
    );
  });

  it("in a group chat answers only when mentioned, and never with anyone's case or details", async () => {
    t.clock.now = new Date(defaultTestTime);
    const liu = wechat.person("wxid-liu-changgen", "刘长根");
    const other = wechat.person("wxid-group-other", "路人");
    const group = wechat.group("石门村民群", [liu, other]);
    const cases = await prisma().case.count();

    await group.say(liu, "家里房子被洪水冲了,电话13900005678,石门村");
    await group.say(other, "查进度");
    expect(group.transcript).toEqual([]);

    await group.say(liu, "查进度", true);
    await group.say(other, "我电话 13900001111 帮我报一下", true);
    expect(group.transcript).toEqual([
      "您好,我是防返贫监测申报助手。报告困难、申请帮扶或查询进度,请加我好友私聊,个人信息不要发在群里。",
      "您好,我是防返贫监测申报助手。报告困难、申请帮扶或查询进度,请加我好友私聊,个人信息不要发在群里。",
      "提醒:请不要在群里发身份证号、电话等个人信息。",
    ]);
    expect(await prisma().case.count()).toBe(cases);
    expect(await prisma().botConversation.findUnique({ where: { senderId: "wxid-group-other" } })).toBeNull();
  });

  it("refuses a bot without the key, on HTTP and on the WebSocket", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/bot/messages",
      headers: { "x-bot-key": "wrong" },
      payload: { messageId: "m", senderId: "s", text: "hi" },
    });
    expect(response.statusCode).toBe(401);
    const socket = await t.app.injectWS("/ws");
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "auth.bot", key: "wrong" }));
    expect(await closed).toBe(4401);
  });
});
