import { describe, expect, it } from "vitest";
import {
  converse,
  findCount,
  findName,
  findPhone,
  findStatedName,
  timedOut,
  timeOut,
  type Context,
  type Conversation,
  type ConversationState,
  type Turn,
} from "../../../../../server/features/bot/conversation/engine.ts";
import { understand } from "../../../../../server/features/understanding/understand.ts";

const resident: Context = { sender: "resident", placeFound: null, openCaseNumber: null };
const start: Conversation = { state: { step: "idle" }, saved: null };
const say = (conversation: Conversation, text: string, context: Partial<Context> = {}): Turn =>
  converse(conversation, { text, understood: understand(text), type: "text" }, { ...resident, ...context });
const keys = (turn: Turn) => turn.effects.map((e) => (e.kind === "reply" ? e.key : e.kind));
const state = (turn: Turn): ConversationState => turn.conversation.state;
/** Says each line in turn and returns the last turn. */
const chat = (conversation: Conversation, lines: string[], context: Partial<Context> = {}) =>
  lines.reduce<Turn>((turn, line) => say(turn.conversation, line, context), { conversation, effects: [] });

describe("the bot's conversation", () => {
  it("asks only for what a report lacks, reads it back, and submits on yes", () => {
    let turn = say(start, "家里房子被洪水冲了", { placeFound: "石门村" });
    expect(keys(turn)).toEqual(["bot.heardDifficulty", "bot.askName"]);
    turn = say(turn.conversation, "我叫刘长根 电话13900005678");
    // Name and phone in one message: straight to the summary, the place came with the report.
    expect(keys(turn)).toEqual(["bot.confirm"]);
    expect(turn.effects[0]).toMatchObject({ params: { name: "刘长根", phone: "13900005678", place: "石门村" } });
    turn = say(turn.conversation, "是");
    expect(state(turn)).toEqual({ step: "idle" });
    expect(turn.effects).toEqual([
      {
        kind: "submit",
        submission: expect.objectContaining({
          kind: "HARDSHIP_REPORT",
          applicantName: "刘长根",
          phone: "13900005678",
          address: "石门村",
          description: "家里房子被洪水冲了",
          familyEconomicCheck: false,
        }),
      },
    ]);
  });

  it("asks again, plainly, when an answer does not fit", () => {
    let turn = say(start, "老伴住院花了三万多");
    turn = say(turn.conversation, "不知道啊你说呢我也不清楚");
    expect(keys(turn)).toEqual(["bot.askNameAgain"]);
    turn = chat(turn.conversation, ["王秀英"]);
    expect(keys(turn)).toEqual(["bot.askPhone"]);
    turn = say(turn.conversation, "12345");
    expect(keys(turn)).toEqual(["bot.askPhoneAgain"]);
    turn = chat(turn.conversation, ["138 0000 1234", "白沙村二组"]);
    expect(keys(turn)).toEqual(["bot.confirm"]);
    expect(keys(say(turn.conversation, "嗯?啥意思"))).toEqual(["bot.confirmAgain"]);
    expect(state(say(turn.conversation, "不对"))).toEqual({ step: "idle" });
  });

  it("cancels, restarts and helps at any point, repeating the open question on help", () => {
    const asking = say(start, "老伴住院花了三万多").conversation;
    expect(say(asking, "取消")).toMatchObject({ conversation: { state: { step: "idle" } }, effects: [{ key: "bot.cancelled" }] });
    expect(say(start, "取消").effects).toEqual([{ kind: "reply", key: "bot.nothingToCancel" }]);
    const help = say(asking, "帮助");
    expect(help.conversation).toEqual(asking);
    expect(keys(help)).toEqual(["bot.menu", "bot.askName"]);
    expect(keys(say(asking, "重新开始"))).toEqual(["bot.restarted", "bot.menu"]);
  });

  it("answers status questions and greetings, and hands what it cannot understand to a person", () => {
    expect(say(start, "查进度").effects).toEqual([{ kind: "status", caseNumber: null }]);
    expect(say(start, "2026-000123 到哪一步了").effects).toEqual([{ kind: "status", caseNumber: "2026-000123" }]);
    expect(keys(say(start, "你好"))).toEqual(["bot.greeting", "bot.menu"]);
    expect(keys(say(start, "asdfgh"))).toEqual(["pointToHuman"]);
  });

  it("guides an application to consent and a summary; without consent nothing is submitted", () => {
    let turn = say(start, "我想申请");
    expect(keys(turn)).toEqual(["bot.apply.intro", "bot.apply.askKind"]);
    expect(keys(say(turn.conversation, "不知道"))).toEqual(["bot.apply.askKind"]);
    turn = chat(turn.conversation, ["1", "李桂英", "13600001111", "桃园村", "家里5口人", "孙子得了白血病,一年花了十几万"]);
    expect(keys(turn)).toEqual(["bot.apply.askConsent"]);
    expect(keys(say(turn.conversation, "不同意"))).toEqual(["bot.apply.consentRefused"]);
    expect(state(say(turn.conversation, "不同意"))).toEqual({ step: "idle" });
    turn = chat(turn.conversation, ["同意", "是"]);
    expect(turn.effects).toEqual([
      {
        kind: "submit",
        submission: expect.objectContaining({
          kind: "MONITORING_APPLICATION",
          applicantName: "李桂英",
          householdSize: 5,
          familyEconomicCheck: true,
          description: "孙子得了白血病,一年花了十几万",
        }),
      },
    ]);
  });

  it("puts an application aside on request and picks it up at the same question", () => {
    const midway = chat(start, ["申请低保", "李桂英"]);
    const saved = say(midway.conversation, "先存着");
    expect(saved.conversation.state).toEqual({ step: "idle" });
    expect(saved.conversation.saved).toMatchObject({
      step: "apply",
      awaiting: "phone",
      draft: { applicantName: "李桂英", kind: "ASSISTANCE_APPLICATION" },
    });
    expect(keys(say(saved.conversation, "你好"))).toEqual(["bot.greeting", "bot.menu", "bot.apply.savedReminder"]);
    const resumed = say(saved.conversation, "继续");
    expect(keys(resumed)).toEqual(["bot.apply.resumed", "bot.askPhone"]);
    expect(resumed.conversation.saved).toBeNull();
    // Asking to apply again also resumes rather than starting over.
    expect(keys(say(saved.conversation, "我要申请"))).toEqual(["bot.apply.resumed", "bot.askPhone"]);
  });

  it("takes an objection: case number, reason, confirmation", () => {
    let turn = say(start, "我对公示名单有意见");
    expect(keys(turn)).toEqual(["bot.objection.askCase"]);
    expect(keys(say(turn.conversation, "不知道"))).toEqual(["bot.objection.askCaseAgain"]);
    turn = chat(turn.conversation, ["2026-000042", "他家有车有房,不困难"]);
    expect(keys(turn)).toEqual(["bot.objection.confirm"]);
    expect(say(turn.conversation, "是").effects).toEqual([{ kind: "object", caseNumber: "2026-000042", reason: "他家有车有房,不困难" }]);
  });

  it("keeps photos with the draft being filled in, or adds them to the open case, or holds them for the next report", () => {
    const asking = say(start, "房子塌了", { placeFound: "石门村" }).conversation;
    const photo = (conversation: Conversation, context: Partial<Context> = {}) =>
      converse(
        conversation,
        { text: "", understood: understand(""), type: "media", media: { attachmentId: "a1", kind: "PHOTO" } },
        { ...resident, ...context },
      );
    const withPhoto = photo(asking);
    expect(keys(withPhoto)).toEqual(["bot.media.keptWithDraft", "bot.askName"]);
    expect(withPhoto.conversation.state).toMatchObject({ draft: { attachmentIds: ["a1"] } });
    expect(photo(start, { openCaseNumber: "2026-000009" }).effects).toEqual([
      { kind: "attachToCase", attachmentId: "a1", caseNumber: "2026-000009" },
    ]);
    const held = photo(start);
    expect(keys(held)).toEqual(["bot.media.keptWithDraft", "bot.media.tellWhat"]);
    expect(say(held.conversation, "老伴住院花了三万多").conversation.state).toMatchObject({
      step: "report",
      draft: { attachmentIds: ["a1"] },
    });
  });

  it("lets a grid worker file a forwarded message for a household found in their area", () => {
    const grid = { sender: "grid" as const };
    const households = [{ id: "h7", headName: "张德福", label: "张** · 一组 · 0007" }];
    let turn = say(start, "张德福家老伴住院了花了两万多", grid);
    expect(keys(turn)).toEqual(["bot.forward.received", "bot.forward.askHousehold"]);
    expect(keys(say(turn.conversation, "王五", { ...grid, households: [] }))).toEqual(["bot.forward.noMatch"]);
    turn = say(turn.conversation, "张德福", { ...grid, households });
    expect(turn.effects).toEqual([{ kind: "reply", key: "bot.forward.pick", params: { list: "1. 张** · 一组 · 0007" } }]);
    turn = chat(turn.conversation, ["1", "13800001234"], grid);
    expect(keys(turn)).toEqual(["bot.forward.confirm"]);
    expect(say(turn.conversation, "是", grid).effects).toEqual([
      {
        kind: "submit",
        submission: expect.objectContaining({ applicantName: "张德福", phone: "13800001234", onBehalf: { householdId: "h7" } }),
      },
    ]);
    // A household not on record: the worker gives name, phone and place.
    const fresh = chat(start, ["李四家的牛被洪水冲走了,损失很大", "新户", "李四", "13900002222", "桃园村"], grid);
    expect(keys(fresh)).toEqual(["bot.forward.confirm"]);
    expect(keys(say(start, "我转的", grid))).toEqual(["myForwarded"]);
    expect(keys(say(start, "你好", grid))).toEqual(["bot.gridMenu"]);
  });

  it("binds staff only through a six-digit code", () => {
    expect(say(start, "绑定 123456").effects).toEqual([{ kind: "bind", code: "123456" }]);
    expect(keys(say(start, "绑定"))).not.toContain("bind");
  });

  it("finds phones, names and head counts the way people type them", () => {
    expect(findPhone("我的电话是 139-0000-5678 谢谢")).toBe("13900005678");
    expect(findPhone("编号2026000123")).toBeNull();
    expect(findName("我叫张德福")).toBe("张德福");
    expect(findName("张德福")).toBe("张德福");
    expect(findName("我不知道该怎么说才好")).toBeNull();
    expect(findStatedName("老伴住院了,我是石门村的")).toBeNull();
    expect(findStatedName("房子塌了")).toBeNull();
    expect(findStatedName("房子塌了,我叫孙建国")).toBe("孙建国");
    expect(findCount("4")).toBe(4);
    expect(findCount("家里五口人")).toBe(5);
    expect(findCount("两个")).toBe(2);
    expect(findCount("十二口")).toBe(12);
    expect(findCount("二十")).toBe(20);
    expect(findCount("很多")).toBeNull();
    expect(findCount("99")).toBeNull();
  });
});

describe("a conversation left alone", () => {
  const at = new Date("2026-11-25T02:00:00Z");

  it("waits half an hour for the next message, no longer", () => {
    expect(timedOut(at, new Date(at.getTime() + 30 * 60_000))).toBe(false);
    expect(timedOut(at, new Date(at.getTime() + 30 * 60_000 + 1))).toBe(true);
  });

  it("puts an unfinished application aside (replacing one kept before) and drops anything else", () => {
    const application = chat(start, ["我想申请低保", "周桂花"]).conversation;
    const older = {
      ...application.state,
      draft: { ...(application.state as { draft: object }).draft, applicantName: "旧的" },
    } as Conversation["saved"];
    expect(timeOut({ ...application, saved: older })).toEqual({
      conversation: { state: { step: "idle" }, saved: application.state },
      key: "bot.apply.savedOnTimeout",
    });

    const report = chat(start, ["家里房子被洪水冲了"]).conversation;
    expect(timeOut({ ...report, saved: older })).toEqual({ conversation: { state: { step: "idle" }, saved: older }, key: "bot.timedOut" });
    expect(timeOut(start)).toBeNull();
  });
});
