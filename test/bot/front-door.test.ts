import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockWeChat } from "../../bot/mock-wechat.ts";
import { createTestApp, defaultTestTime, type TestApp } from "../helpers/test-app.ts";
import { startMockWeChat, testBotKey } from "../helpers/mock-wechat-harness.ts";
import { testDatabaseKind } from "../helpers/test-database.ts";

const silk = Buffer.concat([Buffer.from([0x02]), Buffer.from("#!SILK_V3"), Buffer.alloc(64, 7)]);
const caseNumberIn = (text: string) => /(20\d{2}-\d{6})(?!\d)/.exec(text)?.[1];

/**
 * Nobody lost at the bot's front door: residents as they write, through the real bot on the mock
 * puppet against the running server, in Chinese and in English.
 */
describe(`the bot's front door (${testDatabaseKind})`, () => {
  let t: TestApp;
  let wechat: MockWeChat;

  beforeAll(async () => {
    t = await createTestApp({ botKey: testBotKey, botPushIntervalSeconds: 600 });
    wechat = await startMockWeChat(t);
  });
  afterAll(async () => {
    await wechat.stop();
    await t.close();
  });
  const prisma = () => t.database.db.prisma;
  const filed = (number: string) => prisma().case.findUniqueOrThrow({ where: { number }, include: { region: true } });

  it("files a hardship asked as a question in three turns, confirmed with 要得", async () => {
    t.clock.now = new Date(defaultTestTime);
    const li = wechat.person("wxid-fd-li", "李大山");
    const [heard, summary] = await li.say("我叫李大山 电话13700001111 石门村的 家里养的猪这几天死了一大半 能不能帮我们报一下");
    expect(heard).toContain("收到");
    expect(summary).toContain("申请人:李大山");
    const [ack] = await li.say("要得");
    const c = await filed(caseNumberIn(ack!)!);
    expect(c).toMatchObject({ kind: "HARDSHIP_REPORT", applicantName: "李大山", stage: "VILLAGE_VERIFICATION" });
    expect(c.region.code).toBe("990101001001");
  });

  it("asks once for name, phone and village, and takes them from one answer (five turns at most)", async () => {
    t.clock.now = new Date(defaultTestTime);
    const zhou = wechat.person("wxid-fd-zhou", "周");
    const first = await zhou.say("屋顶漏雨好多天了 墙也裂了 一家人住着害怕");
    expect(first.at(-1)).toContain("请告诉我申请人姓名、手机号、住在哪个村");
    const [summary] = await zhou.say("周桂芳 137 0000 2222 柳溪镇桃园村");
    expect(summary).toContain("地址:柳溪镇桃园村");
    const [ack] = await zhou.say("对的");
    expect((await filed(caseNumberIn(ack!)!)).region.code).toBe("990101001002");
  });

  it("asks which 桃园村 when the village name is shared, instead of sending the case to triage", async () => {
    t.clock.now = new Date(defaultTestTime);
    const wu = wechat.person("wxid-fd-wu", "吴");
    await wu.say("老伴癌症住院 化疗花了五万多 借遍了亲戚");
    const [pick] = await wu.say("吴秀兰 13700003333 桃园村");
    expect(pick).toContain("1. 柳溪镇桃园村");
    expect(pick).toContain("2. 云岭乡桃园村");
    await wu.say("2");
    const [ack] = await wu.say("确定");
    const c = await filed(caseNumberIn(ack!)!);
    expect(c.routing).toBe("VILLAGE");
    expect(c.region.code).toBe("990101002002");
  });

  it("routes an emergency as one: the duty phone at once, the green channel, the township's desk", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ma = wechat.person("wxid-fd-ma", "马");
    const [first, question] = await ma.say("昨天晚上房子着火烧光了 一家人没地方住 急需帮助 我们是石门村的");
    expect(first).toContain("0999-6601001");
    expect(first).toContain("120");
    expect(question).toContain("申请人姓名、手机号");
    const [summary] = await ma.say("马桂花 13700004444");
    expect(summary).toContain("急难救助");
    const [ack] = await ma.say("确定");
    const c = await filed(caseNumberIn(ack!)!);
    expect(c).toMatchObject({ kind: "EMERGENCY_AID", stage: "TOWNSHIP_EMERGENCY_RELIEF" });
    const task = await prisma().caseTask.findFirstOrThrow({ where: { caseId: c.id, status: "OPEN" } });
    expect(task.desk).toBe("TOWNSHIP");
  });

  it("tells the township's bound staff of an emergency at once, even at night (quiet hours hold only ordinary pushes)", async () => {
    t.clock.now = new Date("2026-11-25T15:00:00Z"); // 23:00 in China
    const officer = wechat.person("wxid-fd-township", "陈干事");
    const token = await t.staffToken("township-liuxi");
    const { code } = (
      await t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${token}` } })
    ).json();
    await officer.say(`绑定 ${code}`);
    const resident = wechat.person("wxid-fd-night", "夜");
    await resident.say("房子塌了 老人被压伤了 急需帮助 石门村");
    await resident.say("袁秀兰 13700001212");
    const number = caseNumberIn((await resident.say("是"))[0]!)!;
    await t.app.services.botPushes.settled();
    await t.app.services.botPushes.pump();
    await officer.waitFor((text) => text.startsWith(`新任务:案件 ${number}“乡镇先行救助”`));
  });

  it("answers a policy question with its source and the county's phone, then offers to apply", async () => {
    t.clock.now = new Date(defaultTestTime);
    const he = wechat.person("wxid-fd-he", "何");
    const [answer] = await he.say("办低保需要什么材料");
    expect(answer).toContain("依据");
    expect(answer).toContain("0999-6600000");
    expect(answer).toContain("要不要现在帮您申请");
    const [intro] = await he.say("要");
    expect(intro).toContain("申请");
    expect((await prisma().botConversation.findUniqueOrThrow({ where: { senderId: "wxid-fd-he" } })).state).toMatchObject({
      step: "apply",
      draft: { kind: "ASSISTANCE_APPLICATION" },
    });
  });

  it("says who runs it and how to check, thanks without filing, and never answers 没看懂 to a possible hardship", async () => {
    t.clock.now = new Date(defaultTestTime);
    const gu = wechat.person("wxid-fd-gu", "顾");
    const cases = await prisma().case.count();
    const [who] = await gu.say("这个是骗子吧");
    expect(who).toContain("青山县");
    expect(who).toContain("0999-6600000");
    expect(who).toContain("不会要银行卡密码");
    expect(await gu.say("谢谢你们")).toEqual(["不客气!家里有事随时找我。"]);
    const [asked] = await gu.say("我们家那个事情你们到底能不能管一下嘛");
    expect(asked).toContain("您是想反映家里遇到的困难吗");
    expect(asked).not.toContain("没看懂");
    expect(await prisma().case.count()).toBe(cases);
  });

  it("hands what it still cannot place to a person: a call-back task at the village, with who calls and by when", async () => {
    t.clock.now = new Date(defaultTestTime);
    const qin = wechat.person("wxid-fd-qin", "秦");
    await qin.say("我们家那个事情你们到底能不能管一下嘛");
    const handing = await qin.say("就是上回说的那个 一直没人管");
    expect(handing[0]).toContain("请村里的工作人员打电话给您");
    expect(await qin.say("13700005555")).toEqual(["您住在哪个村?发一下村名,好安排您村里的人联系您;不知道就回复“不知道”。"]);
    const [told] = await qin.say("白沙村");
    expect(told).toContain("白沙村的工作人员");
    expect(told).toContain("0999-6602001");
    const c = await filed(caseNumberIn(told!)!);
    expect(c).toMatchObject({ kind: "CALL_BACK", stage: "VILLAGE_CALL_BACK" });
    expect(c.description).toContain("一直没人管");
    const task = await prisma().caseTask.findFirstOrThrow({ where: { caseId: c.id, status: "OPEN" } });
    expect(task).toMatchObject({ desk: "VILLAGE" });
    expect(task.dueAt).not.toBeNull();

    // The village rings, says so, and the resident's status tells it in plain words.
    const village = await t.staffToken("village-baisha");
    const called = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: { type: "APPROVE", note: "已电话联系,老人腿脚不便,下周上门" },
    });
    expect(called.statusCode, called.body).toBe(200);
    const [status] = await qin.say("查进度");
    expect(status).toContain("村里已给您回电");
  });

  it("hands a voice note to a person when no transcriber is configured", async () => {
    t.clock.now = new Date(defaultTestTime);
    const lao = wechat.person("wxid-fd-lao", "老");
    const replies = await lao.send(silk, "voice.sil");
    expect(replies[0]).toContain("已经请村里的工作人员听您的语音");
    await lao.say("13700006666");
    const [told] = await lao.say("红旗村");
    const c = await prisma().case.findUniqueOrThrow({ where: { number: caseNumberIn(told!)! }, include: { attachments: true } });
    expect(c.kind).toBe("CALL_BACK");
    expect(c.attachments.map((a) => a.kind)).toEqual(["VOICE"]);
  });

  it("adds more about an open case to it as a supplement the desk sees, lists every case, and reads 我有异议 <number> as an objection", async () => {
    t.clock.now = new Date(defaultTestTime);
    const tian = wechat.person("wxid-fd-tian", "田");
    await tian.say("老伴中风瘫在床上了 每个月药费两千多 石门村");
    await tian.say("田秀英 13700007777");
    const number = caseNumberIn((await tian.say("是的"))[0]!)!;
    const asked = (await tian.say("又摔了一跤 送医院又花了三千")).at(-1);
    expect(asked).toContain(number);
    const [added] = await tian.say("是的");
    expect(added).toContain(`已经补充到您的案件 ${number}`);
    const supplement = await prisma().caseEvent.findFirstOrThrow({ where: { case: { number }, action: "SUPPLEMENT_ADDED" } });
    expect(supplement.reason).toContain("又摔了一跤");
    expect(await prisma().case.count({ where: { reporterResident: { openid: "wechat:wxid-fd-tian" } } })).toBe(1);

    // A new matter is filed apart, on the details of last time.
    await tian.say("孙子考上大学了 学费一万多凑不齐");
    const reuse = (await tian.say("新的")).at(-1);
    expect(reuse).toContain("还用上次留的信息吗");
    expect(reuse).toContain("田秀英");
    const [summary] = await tian.say("是");
    expect(summary).toContain("申请人:田秀英");
    const second = caseNumberIn((await tian.say("对"))[0]!)!;
    const [list] = await tian.say("查进度");
    expect(list).toContain(number);
    expect(list).toContain(second);

    const [objection] = await tian.say(`我有异议 ${number}`);
    expect(objection).toContain("请说一下您的意见和理由");
  });

  it("keeps a report left half-way (never drops it) and picks it up on 继续", async () => {
    t.clock.now = new Date(defaultTestTime);
    const jiang = wechat.person("wxid-fd-jiang", "蒋");
    await jiang.say("地里的庄稼全被冰雹打坏了 一年的收成没了 河口镇红旗村");
    t.clock.now = new Date(defaultTestTime.getTime() + 31 * 60_000);
    const back = await jiang.say("你好");
    expect(back[0]).toContain("已经帮您存着了");
    const [resumed, question] = await jiang.say("继续");
    expect(resumed).toBe("我们接着填。");
    expect(question).toContain("申请人姓名、手机号");
    const [summary] = await jiang.say("蒋大富 13700008888");
    expect(summary).toContain("冰雹");
    expect(summary).toContain("河口镇红旗村");
  });

  it("in English too: an emergency gets a phone at once and the green channel, a policy question its answer, thanks are not filed", async () => {
    t.clock.now = new Date(defaultTestTime);
    const ben = wechat.person("wxid-fd-ben", "Ben");
    const [first] = await ben.say("Our house collapsed in the storm last night, my father is hurt, please help urgently");
    expect(first).toContain("0999-6600000");
    expect(first).toContain("120");
    const [summary] = await ben.say("Ben Wang 13700004545 白沙村");
    expect(summary).toContain("emergency help");
    const [ack] = await ben.say("yes");
    expect((await filed(caseNumberIn(ack!)!)).kind).toBe("EMERGENCY_AID");
    const [answer] = await ben.say("What documents do I need to apply for dibao?");
    expect(answer).toContain("Source");
    expect(answer).toContain("Shall I help you apply now?");
    const cases = await prisma().case.count();
    expect(await ben.say("thank you")).toEqual(["You are welcome! Message me whenever you need."]);
    expect(await prisma().case.count()).toBe(cases);
  });

  it("in English too: a call-back when asked to ring, a draft kept over a pause, a supplement to the open case", async () => {
    t.clock.now = new Date(defaultTestTime);
    const kim = wechat.person("wxid-fd-kim", "Kim");
    const [handing, askPhone] = await kim.say("I cannot type much, please call me");
    expect(handing).toContain("village staff to call you");
    expect(askPhone).toContain("mobile number");
    expect((await kim.say("13700001313"))[0]).toContain("Which village");
    const [told] = await kim.say("don't know");
    const callBack = await filed(caseNumberIn(told!)!);
    expect(callBack).toMatchObject({ kind: "CALL_BACK", routing: "COUNTY_TRIAGE" });
    expect(told).toContain("will call you by");

    const roof = wechat.person("wxid-fd-roof", "Roof");
    await roof.say("Our roof is leaking badly and a wall has cracked, we are afraid to sleep inside");
    t.clock.now = new Date(defaultTestTime.getTime() + 31 * 60_000);
    expect((await roof.say("hello"))[0]).toContain("it is kept");
    const resumed = await roof.say("continue");
    expect(resumed[0]).toBe("Let's go on.");
    const [summary] = await roof.say("Sam Lee 13700001414 红旗村");
    expect(summary).toContain("roof is leaking");
    const number = caseNumberIn((await roof.say("yes"))[0]!)!;
    const more = await roof.say("The rain came in again last night and soaked the bedding");
    expect(more.at(-1)).toContain(number);
    expect((await roof.say("yes"))[0]).toContain(`Added to your case ${number}`);
  });

  it("answers an English speaker in English from the first message, and files on yes", async () => {
    t.clock.now = new Date(defaultTestTime);
    const anna = wechat.person("wxid-fd-anna", "Anna");
    const [heard, question] = await anna.say("My husband lost his job and we cannot pay the rent");
    expect(heard).toMatch(/noted your difficulty/);
    expect(question).toMatch(/applicant's name/);
    const [summary] = await anna.say("Anna Li 13700009999 石门村");
    expect(summary).toContain("Applicant: Anna Li");
    const [ack] = await anna.say("yes");
    expect(caseNumberIn(ack!)).toBeDefined();
    const [who] = await anna.say("Is this official or a scam?");
    expect(who).toContain("never ask for bank passwords");
  });
});
