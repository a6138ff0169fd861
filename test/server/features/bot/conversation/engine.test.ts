import { describe, expect, it } from "vitest";
import {
  converse,
  timedOut,
  timeOut,
  type Context,
  type Conversation,
  type ConversationState,
  type Turn,
} from "../../../../../server/features/bot/conversation/engine.ts";
import { understand } from "../../../../../server/features/understanding/understand.ts";

const nowhere = { found: null, choices: [] };
const shimen = { found: { code: "990101001001", label: "柳溪镇石门村" }, choices: [] };
const twoTaoyuan = {
  found: null,
  choices: [
    { code: "990101001002", label: "柳溪镇桃园村" },
    { code: "990101002002", label: "云岭乡桃园村" },
  ],
};
const resident: Context = { sender: "resident", place: nowhere, openCases: [], lastContact: null };
const start: Conversation = { state: { step: "idle" }, saved: null };
const say = (conversation: Conversation, text: string, context: Partial<Context> = {}): Turn =>
  converse(conversation, { text, understood: understand(text), type: "text" }, { ...resident, ...context });
const keys = (turn: Turn) => turn.effects.map((e) => (e.kind === "reply" ? e.key : e.kind));
const state = (turn: Turn): ConversationState => turn.conversation.state;
/** Says each line in turn and returns the last turn. */
const chat = (conversation: Conversation, lines: string[], context: Partial<Context> = {}) =>
  lines.reduce<Turn>((turn, line) => say(turn.conversation, line, context), { conversation, effects: [] });
const submitted = (turn: Turn) => turn.effects.find((e) => e.kind === "submit")?.submission;
const photo = (conversation: Conversation, kind: "PHOTO" | "VOICE" = "PHOTO", context: Partial<Context> = {}) =>
  converse(
    conversation,
    { text: "", understood: understand(""), type: "media", media: { attachmentId: "a1", kind } },
    { ...resident, ...context },
  );

describe("a report, in as few turns as the resident allows", () => {
  it("goes straight to the summary when the first message has name, phone and village, and files on 是的", () => {
    const first = say(start, "我叫刘长根 电话13900005678 石门村的 家里房子被洪水冲垮了", { place: shimen });
    expect(keys(first)).toEqual(["bot.heardAll", "bot.confirm"]);
    expect(first.effects[1]).toMatchObject({ params: { name: "刘长根", phone: "13900005678", place: "柳溪镇石门村" } });
    const done = say(first.conversation, "是的");
    expect(state(done)).toEqual({ step: "idle" });
    expect(submitted(done)).toMatchObject({
      kind: "HARDSHIP_REPORT",
      applicantName: "刘长根",
      phone: "13900005678",
      regionCode: "990101001001",
      familyEconomicCheck: false,
    });
  });

  it("asks for everything missing at once and takes name, phone and village from one answer", () => {
    let turn = say(start, "老伴住院花了三万多,报销完还差两万");
    expect(keys(turn)).toEqual(["bot.heardDifficulty", "bot.askContact"]);
    expect(turn.effects[1]).toMatchObject({ params: { missing: "name,phone,place" } });
    turn = say(turn.conversation, "王秀英 138 0000 1234 石门村", { place: shimen });
    expect(keys(turn)).toEqual(["bot.confirm"]);
    expect(turn.effects[0]).toMatchObject({ params: { name: "王秀英", phone: "13800001234", place: "柳溪镇石门村" } });
  });

  it.each(["是", "是的", "对", "对的", "确定", "要得", "行", "好嘞", "没问题", "OK", "yes", "Yes, correct"])("confirms on %s", (yes) => {
    const asked = chat(start, ["老伴住院花了三万多", "王秀英 13800001234 石门村"], { place: shimen });
    expect(submitted(say(asked.conversation, yes))).toBeDefined();
  });

  it("takes 不对 as a wish to correct the details, keeping the story", () => {
    const asked = chat(start, ["老伴住院花了三万多", "王秀英 13800001234 石门村"], { place: shimen });
    const fixing = say(asked.conversation, "不对");
    expect(keys(fixing)).toEqual(["bot.fixDetails", "bot.askContact"]);
    expect(state(fixing)).toMatchObject({ step: "report", draft: { description: "老伴住院花了三万多" } });
  });

  it("merges a story sent in pieces into the description instead of dropping it", () => {
    let turn = say(start, "我家老汉病了");
    turn = say(turn.conversation, "在县医院住了半个月花了三万多 报销不了多少");
    expect(keys(turn)).toEqual(["bot.addedToStory", "bot.askContact"]);
    turn = say(turn.conversation, "能不能帮我们报一下");
    expect(state(turn)).toMatchObject({ draft: { description: expect.stringContaining("报销不了多少") } });
    turn = chat(turn.conversation, ["张桂兰 13800001234 石门村", "对"], { place: shimen });
    expect(submitted(turn)?.description).toContain("我家老汉病了\n在县医院住了半个月");
  });

  it("refuses non-names kindly, waits when asked to, and answers a menu word mid-flow without losing the draft", () => {
    const asking = say(start, "老伴住院花了三万多").conversation;
    expect(keys(say(asking, "不知道"))).toEqual(["bot.contactAgain", "bot.askContact"]);
    expect(state(say(asking, "不知道"))).toEqual(asking.state);
    expect(keys(say(asking, "等一下 我去找户口本"))).toEqual(["bot.waiting"]);
    const status = say(asking, "查进度");
    expect(keys(status)).toEqual(["status", "bot.askContact"]);
    expect(status.conversation).toEqual(asking);
    expect(keys(say(asking, "12345"))).toEqual(["bot.askPhoneAgain", "bot.askContact"]);
  });

  it("resolves a township named with its village, and asks which village when the name is shared", () => {
    const picking = say(say(start, "老伴住院花了三万多").conversation, "李四 13900002222 桃园村", { place: twoTaoyuan });
    expect(keys(picking)).toEqual(["bot.askPlacePick"]);
    expect(picking.effects[0]).toMatchObject({ params: { list: "1. 柳溪镇桃园村\n2. 云岭乡桃园村" } });
    const picked = say(picking.conversation, "2");
    expect(keys(picked)).toEqual(["bot.confirm"]);
    expect(state(picked)).toMatchObject({ draft: { regionCode: "990101002002", applicantName: "李四", phone: "13900002222" } });
  });

  it("asks what happened when a report says nothing of it", () => {
    let turn = say(start, "我想报个困难");
    expect(keys(turn)).toEqual(["bot.heardDifficulty", "bot.askWhat"]);
    turn = say(turn.conversation, "屋顶漏雨 墙也裂了 住着害怕");
    expect(keys(turn)).toEqual(["bot.askContact"]);
    expect(state(turn)).toMatchObject({ draft: { description: expect.stringContaining("屋顶漏雨") } });
  });

  it("offers a returning resident the details of their last case", () => {
    const lastContact = { applicantName: "王秀英", phone: "13800001234", address: "柳溪镇石门村", regionCode: "990101001001" };
    const turn = say(start, "孙子考上大学了学费凑不齐", { lastContact });
    expect(keys(turn)).toEqual(["bot.heardDifficulty", "bot.reuse"]);
    const confirmed = say(turn.conversation, "是的", { lastContact });
    expect(keys(confirmed)).toEqual(["bot.confirm"]);
    expect(submitted(say(confirmed.conversation, "对"))).toMatchObject({ applicantName: "王秀英", regionCode: "990101001001" });
  });

  it("adds a message about an open case to it, unless the resident says it is a new matter", () => {
    const openCases = [{ number: "2026-000042", stageLabel: "村里上门核实" }];
    const asked = say(start, "老伴又住院了 这次花了一万多", { openCases });
    expect(keys(asked)).toEqual(["bot.heardDifficulty", "bot.duplicate.ask"]);
    expect(say(asked.conversation, "是的", { openCases }).effects).toEqual([
      { kind: "supplement", caseNumber: "2026-000042", text: "老伴又住院了 这次花了一万多", attachmentIds: [] },
    ]);
    expect(keys(say(asked.conversation, "是新的事", { openCases }))).toEqual(["bot.duplicate.newMatter", "bot.askContact"]);
    // A vague message from someone with a case open is asked about that case, not "is this a hardship?".
    expect(keys(say(start, "昨晚上雨又进来了 被子都湿了", { openCases }))).toEqual(["bot.duplicate.ask"]);
  });
});

describe("what residents tried that lost them before", () => {
  it("never takes 快点 for a name nor a sentence with 村 in it for an address", () => {
    const asking = say(start, "老伴住院花了三万多").conversation;
    expect(state(say(asking, "快点"))).toEqual(asking.state);
    expect(state(say(asking, "村长知道的 你问村长嘛"))).not.toMatchObject({ draft: { address: expect.any(String) } });
    expect(state(say(asking, "不是我家的事 是村里的路"))).not.toMatchObject({ draft: { address: expect.any(String) } });
  });

  it("reads English details: the words before the phone are the name, those after it the place", () => {
    const asking = say(start, "My mother had a stroke and the hospital bills are too much").conversation;
    expect(state(say(asking, "his name is Li Wei, 13611112222, we live in Taoyuan"))).toMatchObject({
      draft: { applicantName: "Li Wei", phone: "13611112222", address: "Taoyuan" },
    });
    expect(state(say(asking, "Chen Mei 15500001111 Hongqi village Hekou"))).toMatchObject({
      draft: { applicantName: "Chen Mei", address: "Hongqi village Hekou" },
    });
  });

  it("takes a phone said in words, and lets the resident out with 不报了", () => {
    const asking = say(start, "老伴住院花了三万多").conversation;
    expect(state(say(asking, "一三九 零零 一二 三四五六"))).toMatchObject({ draft: { phone: "13900123456" } });
    expect(keys(say(asking, "不报了"))).toEqual(["bot.cancelled"]);
    expect(keys(say(asking, "我不是要报 就是问一下"))).toEqual(["bot.cancelled"]);
  });

  it("turns a report into an emergency when the water is still rising", () => {
    const asking = say(start, "河里涨水了 地里的庄稼都泡了").conversation;
    expect(state({ conversation: asking, effects: [] })).toMatchObject({ step: "report", draft: { description: expect.any(String) } });
    expect(state({ conversation: asking, effects: [] })).not.toMatchObject({ draft: { emergency: true } });
    const rising = say(asking, "水还在涨 都到膝盖了 怎么办");
    expect(keys(rising)[0]).toBe("emergencyContact");
    expect(state(rising)).toMatchObject({ draft: { emergency: true, description: expect.stringContaining("水还在涨") } });
  });

  it("rings back a resident who asks to be called, answers 村里啥时候来人 with the case, and greets 喂", () => {
    expect(keys(say(start, "我不会打字 你们打电话给我嘛 13700137000"))).toEqual(["bot.callBack.handing", "bot.callBack.askPlace"]);
    const openCases = [{ number: "2026-000042", stageLabel: "村里上门核实" }];
    expect(say(start, "村里啥时候来人", { openCases }).effects).toEqual([{ kind: "status", caseNumber: null }]);
    expect(keys(say(start, "喂"))).toEqual(["whoWeAre", "bot.menu"]);
    expect(keys(say(start, "有困难"))).not.toContain("policyUnknown");
  });

  it("keeps details sent before the story", () => {
    const first = say(start, "蒋文华 13800138000 柳溪镇石门村", { place: shimen });
    expect(keys(first)).toEqual(["bot.clarify.ask"]);
    const story = say(first.conversation, "地里的玉米全被冰雹打坏了 一年白干");
    expect(keys(story)).toEqual(["bot.heardAll", "bot.confirm"]);
  });
});

describe("emergencies first", () => {
  it.each([
    "昨晚上房子着火烧没了 一家人没地方住 急需帮助",
    "房子塌了 老人压伤了 快来人",
    "My house burned down last night and we have nowhere to live",
  ])("%s → the phone to call now, then the emergency-aid workflow", (text) => {
    const turn = say(start, text);
    expect(keys(turn)[0]).toBe("emergencyContact");
    const done = chat(turn.conversation, ["王秀英 13800001234 石门村", "是"], { place: shimen });
    expect(submitted(done)).toMatchObject({ kind: "EMERGENCY_AID" });
  });
});

describe("nobody left with 没看懂", () => {
  it("asks when unsure, then files it as a report on yes", () => {
    const asked = say(start, "我们家那个事情你们到底能不能管一下嘛");
    expect(keys(asked)).toEqual(["bot.clarify.ask"]);
    const yes = say(asked.conversation, "是");
    expect(keys(yes)).toEqual(["bot.heardDifficulty", "bot.askWhat"]);
  });

  it("hands it to a person when still unsure: a call-back with the messages, once a phone is known", () => {
    const asked = say(start, "我们家那个事情你们到底能不能管一下嘛");
    const handing = say(asked.conversation, "就是那个嘛上回说的那个");
    expect(keys(handing)).toEqual(["bot.callBack.handing", "bot.callBack.askPhone"]);
    const place = say(handing.conversation, "13800001234");
    expect(keys(place)).toEqual(["bot.callBack.askPlace"]);
    const filed = say(place.conversation, "石门村", { place: shimen });
    expect(submitted(filed)).toMatchObject({
      kind: "CALL_BACK",
      phone: "13800001234",
      regionCode: "990101001001",
      description: "我们家那个事情你们到底能不能管一下嘛\n就是那个嘛上回说的那个",
    });
    // Not knowing the village does not stop the call-back: the county desk rings instead.
    expect(submitted(say(place.conversation, "不知道"))).toMatchObject({ kind: "CALL_BACK", phone: "13800001234" });
  });

  it("hands a voice note to a person (no transcriber), at once for a returning resident", () => {
    const voice = photo(start, "VOICE");
    expect(keys(voice)).toEqual(["bot.media.voiceToPerson", "bot.callBack.askPhone"]);
    const lastContact = { applicantName: "王秀英", phone: "13800001234", address: "柳溪镇石门村", regionCode: "990101001001" };
    expect(submitted(photo(start, "VOICE", { lastContact }))).toMatchObject({
      kind: "CALL_BACK",
      attachmentIds: ["a1"],
      phone: "13800001234",
    });
  });

  it("says who runs the service, thanks without filing, and greets", () => {
    expect(keys(say(start, "你们是政府的吗"))).toEqual(["whoWeAre"]);
    expect(keys(say(start, "这个是骗子吧"))).toEqual(["whoWeAre"]);
    expect(keys(say(start, "谢谢你们"))).toEqual(["bot.thanks"]);
    expect(keys(say(start, "thank you"))).toEqual(["bot.thanks"]);
    expect(keys(say(start, "你好"))).toEqual(["whoWeAre", "bot.menu"]);
    expect(keys(say(start, "嗯"))).toEqual(["whoWeAre", "bot.menu"]);
    expect(keys(say(start, "123"))).toEqual(["pointToHuman"]);
  });
});

describe("questions, objections and applications", () => {
  it("answers a policy question, then offers to apply", () => {
    const answered = say(start, "低保要什么条件");
    expect(answered.effects).toEqual([
      { kind: "policy", match: expect.objectContaining({ applicationKind: "ASSISTANCE_APPLICATION" }), offer: true },
    ]);
    const applying = say(answered.conversation, "要");
    expect(keys(applying)).toEqual(["bot.apply.intro", "bot.askContact"]);
    expect(state(applying)).toMatchObject({ step: "apply", draft: { kind: "ASSISTANCE_APPLICATION" } });
  });

  it("reads 我有异议 with a case number as an objection, not a progress query", () => {
    const turn = say(start, "我有异议 2026-000123");
    expect(keys(turn)).toEqual(["bot.objection.askReason"]);
    expect(state(turn)).toMatchObject({ step: "objection", caseNumber: "2026-000123" });
    expect(say(start, "2026-000123 到哪一步了").effects).toEqual([{ kind: "status", caseNumber: "2026-000123" }]);
  });

  it("never takes a bare 嗯 as consent to check the family's deposits, vehicles and property", () => {
    let turn = chat(start, ["我想申请低保", "李桂英 13600001111 石门村", "家里5口人", "孙子得了白血病,一年花了十几万"], { place: shimen });
    expect(keys(turn)).toEqual(["bot.apply.askConsent"]);
    for (const vague of ["嗯", "好", "是的", "ok"]) expect(keys(say(turn.conversation, vague))).toEqual(["bot.apply.askConsentAgain"]);
    expect(keys(say(turn.conversation, "不同意"))).toEqual(["bot.apply.consentRefused"]);
    turn = chat(turn.conversation, ["我同意", "对"]);
    expect(submitted(turn)).toMatchObject({ kind: "ASSISTANCE_APPLICATION", householdSize: 5, familyEconomicCheck: true });
  });

  it("takes an objection: case number, reason, confirmation", () => {
    let turn = say(start, "我对公示名单有意见");
    expect(keys(turn)).toEqual(["bot.objection.askCase"]);
    turn = chat(turn.conversation, ["2026-000042", "他家有车有房,不困难"]);
    expect(keys(turn)).toEqual(["bot.objection.confirm"]);
    expect(say(turn.conversation, "是的").effects).toEqual([{ kind: "object", caseNumber: "2026-000042", reason: "他家有车有房,不困难" }]);
  });
});

describe("photos, grid workers, cancel and help", () => {
  it("keeps photos with the draft, adds them to the open case, or holds them for the next report", () => {
    const asking = say(start, "房子塌了一半 住不了了").conversation;
    const withPhoto = photo(asking);
    expect(keys(withPhoto)).toEqual(["bot.media.keptWithDraft", "bot.askContact"]);
    expect(withPhoto.conversation.state).toMatchObject({ draft: { attachmentIds: ["a1"] } });
    expect(photo(start, "PHOTO", { openCases: [{ number: "2026-000009", stageLabel: "x" }] }).effects).toEqual([
      { kind: "attachToCase", attachmentId: "a1", caseNumber: "2026-000009" },
    ]);
    const held = photo(start);
    expect(keys(held)).toEqual(["bot.media.keptWithDraft", "bot.media.tellWhat"]);
    expect(say(held.conversation, "老伴住院花了三万多").conversation.state).toMatchObject({
      step: "report",
      draft: { attachmentIds: ["a1"] },
    });
  });

  it("cancels, restarts and helps at any point, repeating the open question on help", () => {
    const asking = say(start, "老伴住院花了三万多").conversation;
    expect(say(asking, "取消")).toMatchObject({ conversation: { state: { step: "idle" } }, effects: [{ key: "bot.cancelled" }] });
    expect(keys(say(asking, "帮助"))).toEqual(["bot.menu", "bot.askContact"]);
    expect(keys(say(asking, "重新开始"))).toEqual(["bot.restarted", "bot.menu"]);
  });

  it("lets a grid worker file a forwarded message for a household found in their area", () => {
    const grid = { sender: "grid" as const };
    const households = [{ id: "h7", headName: "张德福", label: "张** · 一组 · 0007" }];
    let turn = say(start, "张德福家老伴住院了花了两万多", grid);
    expect(keys(turn)).toEqual(["bot.forward.received", "bot.forward.askHousehold"]);
    expect(keys(say(turn.conversation, "王五", { ...grid, households: [] }))).toEqual(["bot.forward.noMatch"]);
    turn = say(turn.conversation, "张德福", { ...grid, households });
    turn = chat(turn.conversation, ["1", "13800001234"], grid);
    expect(keys(turn)).toEqual(["bot.forward.confirm"]);
    expect(submitted(say(turn.conversation, "对", grid))).toMatchObject({ applicantName: "张德福", onBehalf: { householdId: "h7" } });
    const fresh = chat(start, ["李四家的牛被洪水冲走了,损失很大", "新户", "李四 13900002222 石门村"], { ...grid, place: shimen });
    expect(keys(fresh)).toEqual(["bot.forward.confirm"]);
  });
});

describe("a conversation left alone", () => {
  const at = new Date("2026-11-25T02:00:00Z");

  it("waits half an hour for the next message, no longer", () => {
    expect(timedOut(at, new Date(at.getTime() + 30 * 60_000))).toBe(false);
    expect(timedOut(at, new Date(at.getTime() + 30 * 60_000 + 1))).toBe(true);
  });

  it("puts any draft aside (a report as well as an application) and picks it up on 继续", () => {
    const report = say(start, "家里房子被洪水冲了").conversation;
    const kept = timeOut(report)!;
    expect(kept).toEqual({ conversation: { state: { step: "idle" }, saved: report.state }, key: "bot.saved.onTimeout.report" });
    expect(keys(say(kept.conversation, "谢谢"))).toEqual(["bot.thanks", "bot.saved.reminder.report"]);
    const resumed = say(kept.conversation, "继续");
    expect(keys(resumed)).toEqual(["bot.saved.resumed", "bot.askContact"]);
    expect(resumed.conversation.saved).toBeNull();
    const application = say(start, "我想申请低保").conversation;
    expect(timeOut(application)?.key).toBe("bot.saved.onTimeout.apply");
    expect(timeOut(say(start, "我对公示名单有意见").conversation)?.key).toBe("bot.timedOut");
    expect(timeOut(start)).toBeNull();
  });
});
