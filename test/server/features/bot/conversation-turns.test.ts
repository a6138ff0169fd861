import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const botKey = "test-bot-key-turns-0123456";

/**
 * A resident who answers whatever the bot asks, the way people do: the bot's
 * question decides the answer, not a script. Each persona's first message is
 * written like a villager's; the measure is whether the case is filed as what
 * it is, and in how many messages.
 */
interface Persona {
  first: string;
  name: string;
  phone: string;
  village: string;
  /** What happened, when the bot asks. */
  story?: string;
  expect: "HARDSHIP_REPORT" | "EMERGENCY_AID";
}

const complete: Persona[] = [
  { first: "我叫王德顺 13712340001 石门村 老伴住院花了三万多 报销完还差两万", name: "", phone: "", village: "", expect: "HARDSHIP_REPORT" },
  {
    first: "我是白沙村的李春花 电话13712340002 家里的牛死了两头 能申请点补助不",
    name: "",
    phone: "",
    village: "",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "红旗村张有才 13712340003 儿子在工地摔断了腿 老板不给钱 能不能帮我们报一下",
    name: "",
    phone: "",
    village: "",
    expect: "HARDSHIP_REPORT",
  },
  { first: "13712340004 柳溪镇桃园村 我叫赵秀兰 屋顶漏雨 墙也裂了 住着害怕", name: "", phone: "", village: "", expect: "HARDSHIP_REPORT" },
  { first: "我叫孙大海 13712340005 石门村 孩子考上大学了学费一万多凑不齐", name: "", phone: "", village: "", expect: "HARDSHIP_REPORT" },
  {
    first: "白沙村周玉梅 13712340006 昨晚房子着火烧没了 一家五口没地方住 急需帮助",
    name: "",
    phone: "",
    village: "",
    expect: "EMERGENCY_AID",
  },
];

const partial: Persona[] = [
  {
    first: "老汉得了癌症 化疗一次好几千 家里实在拿不出来了",
    name: "钱桂英",
    phone: "13712340011",
    village: "石门村",
    expect: "HARDSHIP_REPORT",
  },
  { first: "今年天旱 庄稼全干死了 一年白干", name: "吴老三", phone: "13712340012", village: "红旗村", expect: "HARDSHIP_REPORT" },
  {
    first: "厂里不要人了 回来几个月没找到活干 娃儿还要上学",
    name: "郑小军",
    phone: "13712340013",
    village: "白沙村",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "家里吃的井水干了 每天要走很远去挑水",
    name: "冯大爷",
    phone: "13712340014",
    village: "柳溪镇桃园村",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "我想报个困难",
    name: "陈阿婆",
    phone: "13712340015",
    village: "石门村",
    story: "老伴瘫在床上好几年了 药费一个月两千多",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "娃他爸去年走了 就剩我和两个娃 地也种不过来",
    name: "褚秀芬",
    phone: "13712340016",
    village: "红旗村",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "发大水把我家房子冲垮了 人都在外面 没地方住了 快来人啊",
    name: "卫大成",
    phone: "13712340017",
    village: "白沙村",
    expect: "EMERGENCY_AID",
  },
  {
    first: "养了二十头猪 得病死了一大半 贷款还不上了 这个能申请不",
    name: "蒋富贵",
    phone: "13712340018",
    village: "石门村",
    expect: "HARDSHIP_REPORT",
  },
  {
    first: "My mother had a stroke and the hospital bills are more than we can pay",
    name: "Li Na",
    phone: "13712340019",
    village: "白沙村",
    expect: "HARDSHIP_REPORT",
  },
];

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe(`residents answering whatever the bot asks (${testDatabaseKind})`, () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp({ botKey });
  });
  afterAll(() => t.close());

  const send = async (senderId: string, text: string): Promise<string> =>
    (
      (
        await t.app.inject({
          method: "POST",
          url: "/api/bot/messages",
          headers: { "x-bot-key": botKey },
          payload: { messageId: `turns-${++n}`, senderId, text },
        })
      ).json() as { replies: string[] }
    ).replies.join("\n");

  /** What this resident says to the bot's last words. */
  const answer = (persona: Persona, said: string): string => {
    if (/请核对|Please check/.test(said)) return persona.first.startsWith("My") ? "yes" : "是的";
    if (/遇到了什么事|what happened/.test(said)) return persona.story ?? persona.first;
    if (/姓名|手机号|哪个村|name|mobile|village/i.test(said)) return `${persona.name} ${persona.phone} ${persona.village}`;
    if (/哪一个|Which one/.test(said)) return "1";
    throw new Error(`the resident does not know what to answer to: ${said}`);
  };

  const converse = async (persona: Persona, senderId: string) => {
    let said = await send(senderId, persona.first);
    for (let turn = 1; turn <= 8; turn++) {
      const number = /(20\d{2}-\d{6})(?!\d)/.exec(said)?.[1];
      if (number) return { turns: turn, number };
      said = await send(senderId, answer(persona, said));
    }
    throw new Error(`not filed after 8 messages: ${persona.first}`);
  };

  it("files every hardship as what it is, in at most three messages when the first has name, phone and village, five otherwise", async () => {
    t.clock.now = new Date(defaultTestTime);
    const run = async (personas: Persona[], prefix: string) => {
      const turns: number[] = [];
      for (const [i, persona] of personas.entries()) {
        const { turns: taken, number } = await converse(persona, `${prefix}-${i}`);
        const filed = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number } });
        expect(filed.kind, persona.first).toBe(persona.expect);
        turns.push(taken);
      }
      return turns;
    };
    const withEverything = await run(complete, "wx-turns-complete");
    const withNothing = await run(partial, "wx-turns-partial");
    expect(median(withEverything)).toBeLessThanOrEqual(3);
    expect(Math.max(...withEverything)).toBeLessThanOrEqual(3);
    expect(median(withNothing)).toBeLessThanOrEqual(5);
    expect(Math.max(...withNothing)).toBeLessThanOrEqual(5);
  });
});
