import { describe, expect, it } from "vitest";
import { converse, findName, findPhone, type ConversationState } from "../../../../server/domain/conversation/engine.ts";
import { understand } from "../../../../server/domain/understanding/understand.ts";

const say = (state: ConversationState, text: string, placeFound: string | null = null) => converse(state, text, understand(text), { placeFound });
const keys = (turn: ReturnType<typeof say>) => turn.effects.map((e) => (e.kind === "reply" ? e.key : e.kind));

describe("the bot's conversation", () => {
  it("asks only for what a report lacks, reads it back, and submits on yes", () => {
    let turn = say({ step: "idle" }, "家里房子被洪水冲了", "石门村");
    expect(keys(turn)).toEqual(["bot.heardDifficulty", "bot.askName"]);
    turn = say(turn.state, "我叫刘长根 电话13900005678");
    // Name and phone in one message: straight to the summary, the place came with the report.
    expect(keys(turn)).toEqual(["bot.confirm"]);
    expect(turn.effects[0]).toMatchObject({ params: { name: "刘长根", phone: "13900005678", place: "石门村" } });
    turn = say(turn.state, "是");
    expect(turn.state).toEqual({ step: "idle" });
    expect(turn.effects).toEqual([{ kind: "submit", draft: expect.objectContaining({ applicantName: "刘长根", phone: "13900005678", address: "石门村", description: "家里房子被洪水冲了" }) }]);
  });

  it("asks again, plainly, when an answer does not fit", () => {
    let turn = say({ step: "idle" }, "老伴住院花了三万多");
    turn = say(turn.state, "不知道啊你说呢我也不清楚");
    expect(keys(turn)).toEqual(["bot.askNameAgain"]);
    turn = say(turn.state, "王秀英");
    expect(keys(turn)).toEqual(["bot.askPhone"]);
    turn = say(turn.state, "12345");
    expect(keys(turn)).toEqual(["bot.askPhoneAgain"]);
    turn = say(turn.state, "138 0000 1234");
    expect(keys(turn)).toEqual(["bot.askPlace"]);
    turn = say(turn.state, "白沙村二组");
    expect(keys(turn)).toEqual(["bot.confirm"]);
    expect(keys(say(turn.state, "嗯?啥意思"))).toEqual(["bot.confirmAgain"]);
    expect(say(turn.state, "不对")).toMatchObject({ state: { step: "idle" } });
  });

  it("cancels, restarts and helps at any point without losing its place on help", () => {
    const asking = say({ step: "idle" }, "老伴住院花了三万多").state;
    expect(say(asking, "取消")).toMatchObject({ state: { step: "idle" }, effects: [{ key: "bot.cancelled" }] });
    expect(say({ step: "idle" }, "取消").effects).toEqual([{ kind: "reply", key: "bot.nothingToCancel" }]);
    expect(say(asking, "帮助").state).toEqual(asking);
    expect(keys(say(asking, "重新开始"))).toEqual(["bot.restarted", "bot.menu"]);
  });

  it("answers status questions, greetings, and points to a person when lost", () => {
    expect(say({ step: "idle" }, "查进度").effects).toEqual([{ kind: "status", caseNumber: null }]);
    expect(say({ step: "idle" }, "2026-000123 到哪一步了").effects).toEqual([{ kind: "status", caseNumber: "2026-000123" }]);
    expect(keys(say({ step: "idle" }, "你好"))).toEqual(["bot.greeting", "bot.menu"]);
    expect(keys(say({ step: "idle" }, "asdfgh"))).toEqual(["bot.notUnderstood"]);
  });

  it("finds phones and names the way people type them", () => {
    expect(findPhone("我的电话是 139-0000-5678 谢谢")).toBe("13900005678");
    expect(findPhone("编号2026000123")).toBeNull();
    expect(findName("我叫张德福")).toBe("张德福");
    expect(findName("张德福")).toBe("张德福");
    expect(findName("我不知道该怎么说才好")).toBeNull();
  });
});
