import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { policyAnswersEn, policyAnswersZhCN } from "../../../../../server/core/i18n/locales/policy-answers.ts";
import {
  allPolicyAnswers,
  findPolicyTopic,
  normalisePolicyText,
  policyAnswerKeys,
  policyAspectDefinitions,
  policyAspects,
  policySourceOf,
  policyTopics,
  type PolicySource,
} from "../../../../../server/features/bot/policy/policy-answers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
/** The seeds the answers cite, copied into the repository so this runs on a clean checkout. */
const sourcesDir = path.join(root, "server/features/bot/policy/sources");
const seed = (file: string) => fs.readFileSync(path.join(sourcesDir, file), "utf8");

type Expected = [text: string, topic: string, aspect: string | null];

describe("findPolicyTopic", () => {
  it.each<Expected>([
    // The questions residents ask most.
    ["低保要什么条件", "low-income", "conditions"],
    ["办低保需要什么材料", "low-income", "materials"],
    ["特困供养怎么申请", "extreme-poverty", "process"],
    ["临时救助找谁", "temporary-assistance", "process"],
    ["医疗救助能报多少", "medical-assistance", "amount"],
    ["防返贫监测怎么纳入", "monitoring", "process"],
    ["去哪里申请", "where-to-apply", null],
  ])("%s → %s / %s", (text, topic, aspect) => {
    expect(findPolicyTopic(text)).toMatchObject({ topic, aspect });
  });

  it.each<Expected>([
    // 低保, every aspect, several phrasings.
    ["申请低保需要符合哪些条件?", "low-income", "conditions"],
    ["家里有辆面包车还能吃低保不", "low-income", "conditions"],
    ["生大病的能不能申请低保 要什么条件", "low-income", "conditions"],
    ["低保要啥子材料", "low-income", "materials"],
    ["办低保要带什么证件", "low-income", "materials"],
    ["低保辦理要帶什麼證件？", "low-income", "materials"],
    ["低保去哪里办", "low-income", "process"],
    ["低保咋个申请嘛", "low-income", "process"],
    ["低保的流程是怎样的", "low-income", "process"],
    ["低保批下来要多久", "low-income", "timeline"],
    ["低保公示几天", "low-income", "timeline"],
    ["我们这低保标准一个月多少钱一个人", "low-income", "amount"],
    ["低保金怎么算的", "low-income", "amount"],
    ["低保", "low-income", null],
    ["低保政策", "low-income", null],
    ["最低生活保障是什么", "low-income", null],
    // 特困供养: materials are answered with how to apply, an amount with the general answer.
    ["什么样的人能享受特困供养", "extreme-poverty", "conditions"],
    ["五保户要什么条件", "extreme-poverty", "conditions"],
    ["特困要准备啥材料", "extreme-poverty", "process"],
    ["特困人员一个月给多少", "extreme-poverty", null],
    ["无儿无女的老人有没有救助", "extreme-poverty", null],
    // 临时救助
    ["临时救助要什么条件", "temporary-assistance", "conditions"],
    ["看病花钱太多,符合临时救助的条件吗", "temporary-assistance", "conditions"],
    ["看病花钱太多能申请临时救助吗", "temporary-assistance", null],
    ["急难救助怎么申请", "temporary-assistance", "process"],
    ["临时救助最多能给好多钱", "temporary-assistance", "amount"],
    ["临时救助一年能申请几回", "temporary-assistance", null],
    // 防返贫监测
    ["哪些人能纳入监测", "monitoring", "conditions"],
    ["防返贫监测的收入标准是多少", "monitoring", "conditions"],
    ["申请防返贫监测要带什么材料", "monitoring", "materials"],
    ["纳入监测的流程是啥", "monitoring", "process"],
    ["防返贫监测要多久", "monitoring", "process"],
    ["防返贫监测是啥意思 纳入了有啥好处", "monitoring", null],
    ["边缘户是什么", "monitoring", null],
    // 医疗救助
    ["医疗救助哪些人能享受", "medical-assistance", "conditions"],
    ["住院报销比例是多少 慢性病卡在哪里办", "medical-assistance", "amount"],
    ["医疗救助找哪个部门", "medical-assistance", "process"],
    ["癌症这种大病有没有专门的救助 我就问问 帮别人问的", "medical-assistance", null],
    // 教育资助, 危房改造
    ["娃读大学有没有补助 咋个申请的", "education-aid", null],
    ["助学金怎么申请", "education-aid", null],
    ["危房改造要什么条件", "housing", "conditions"],
    ["危房改造找哪个部门", "housing", "process"],
    ["房子要是鉴定成危房 国家有没有补助修房子的政策", "housing", null],
    // The service itself.
    ["申请这个要不要交钱", "fees", null],
    ["申请低保要交钱吗", "fees", null],
    ["怎么查进度", "check-progress", null],
    ["在哪里能看到办到哪一步了", "check-progress", null],
    ["有什么补助政策", "help-overview", null],
    ["去年发大水我家没受啥影响 就想问下受灾的话是找乡里还是找村里", "where-to-apply", null],
    ["请问怎么申请", "where-to-apply", null],
    ["你是谁", "about-service", null],
    ["这个小程序是干什么的", "about-service", null],
  ])("%s → %s / %s", (text, topic, aspect) => {
    expect(findPolicyTopic(text)).toMatchObject({ topic, aspect });
  });

  it.each<Expected>([
    ["What documents do I need to apply for dibao?", "low-income", "materials"],
    ["How do I apply for the minimum living allowance?", "low-income", "process"],
    ["Am I eligible for dibao", "low-income", "conditions"],
    ["How long does dibao take?", "low-income", "timeline"],
    ["Who is eligible for temporary assistance", "temporary-assistance", "conditions"],
    ["EMERGENCY AID — where do I go?", "temporary-assistance", "process"],
    ["What are the conditions for extreme poverty support?", "extreme-poverty", "conditions"],
    ["How much does medical assistance cover?", "medical-assistance", "amount"],
    ["How do I get into return to poverty monitoring?", "monitoring", "process"],
    ["Is there a scholarship for poor students?", "education-aid", null],
    ["Can I get a subsidy for a dilapidated house?", "housing", "conditions"],
    ["Where do I apply?", "where-to-apply", null],
    ["What is this service?", "about-service", null],
    ["How can I check my progress?", "check-progress", null],
    ["Does it cost money to apply?", "fees", null],
  ])("English: %s → %s / %s", (text, topic, aspect) => {
    expect(findPolicyTopic(text)).toMatchObject({ topic, aspect });
  });

  it("tells what to offer afterwards", () => {
    expect(findPolicyTopic("低保要什么条件")?.applicationKind).toBe("ASSISTANCE_APPLICATION");
    expect(findPolicyTopic("临时救助找谁")?.applicationKind).toBe("ASSISTANCE_APPLICATION");
    expect(findPolicyTopic("防返贫监测怎么纳入")?.applicationKind).toBe("MONITORING_APPLICATION");
    expect(findPolicyTopic("去哪里申请")?.applicationKind).toBeNull();
  });

  it("prefers the most specific program", () => {
    // "临时救助" over the "救助" of the general overview; a program's name over a related word.
    expect(findPolicyTopic("临时救助有什么救助政策")?.topic).toBe("temporary-assistance");
    expect(findPolicyTopic("大病能不能申请低保")?.topic).toBe("low-income");
    // A program named beats the general "where to apply".
    expect(findPolicyTopic("特困供养去哪里申请")).toMatchObject({ topic: "extreme-poverty", aspect: "process" });
  });

  it.each([
    // Hardship stories: the report flow's, not a policy question.
    "我家老伴去年中风瘫在床上,药钱一个月好几百,儿子在外面打零工,家里快揭不开锅了",
    "老伴住院花了三万多,我们怎么办啊",
    "家里房子被洪水冲了",
    "孩子考上大学了,学费交不起",
    "My husband is in hospital and we have no money",
    // Status, thanks, greetings, commands, applications.
    "查进度",
    "进度",
    "我的低保到哪一步了",
    "低保批了没",
    "谢谢",
    "谢谢你",
    "你好",
    "thanks",
    "申请",
    "我想申请低保",
    "取消",
    "2026-000123",
    "",
    "   ",
    "?",
  ])("is not a policy question: %j", (text) => {
    expect(findPolicyTopic(text)).toBeNull();
  });

  it("normalises width, case and common traditional characters", () => {
    expect(normalisePolicyText("ＤＩＢＡＯ　要 什麼 條件？")).toBe("dibao 要 什么 条件?");
    expect(findPolicyTopic("ＤＩＢＡＯ要什麼條件？")).toMatchObject({ topic: "low-income", aspect: "conditions" });
  });
});

describe("the policy data", () => {
  it("names each topic once, in kebab-case, with cues and a known application kind", () => {
    const keys = policyTopics.map((topic) => topic.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const topic of policyTopics) {
      expect(topic.key).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(topic.cues.length).toBeGreaterThan(0);
      expect([null, "ASSISTANCE_APPLICATION", "MONITORING_APPLICATION"]).toContain(topic.applicationKind);
      for (const aspect of Object.keys(topic.aspects ?? {})) expect(policyAspects).toContain(aspect);
    }
  });

  it("covers the topics residents ask about", () => {
    expect(policyTopics.map((topic) => topic.key)).toEqual(
      expect.arrayContaining([
        "low-income",
        "extreme-poverty",
        "temporary-assistance",
        "monitoring",
        "medical-assistance",
        "education-aid",
        "housing",
        "where-to-apply",
        "about-service",
        "check-progress",
      ]),
    );
    const aspectsOf = (key: string) => Object.keys(policyTopics.find((topic) => topic.key === key)?.aspects ?? {}).sort();
    expect(aspectsOf("low-income")).toEqual(["amount", "conditions", "materials", "process", "timeline"]);
    expect(aspectsOf("extreme-poverty")).toEqual(["conditions", "process"]);
    expect(aspectsOf("temporary-assistance")).toEqual(expect.arrayContaining(["conditions", "process"]));
    expect(aspectsOf("monitoring")).toEqual(expect.arrayContaining(["conditions", "process"]));
  });

  it("defines every aspect once, with cues, falling back only to a defined aspect", () => {
    expect(policyAspectDefinitions.map((definition) => definition.key).sort()).toEqual([...policyAspects].sort());
    for (const definition of policyAspectDefinitions) {
      expect(definition.cues.length).toBeGreaterThan(0);
      if (definition.fallback) expect(policyAspects).toContain(definition.fallback);
    }
  });

  const sources: [string, PolicySource][] = allPolicyAnswers().map((found) => [
    `${found.topic}${found.aspect ? `/${found.aspect}` : ""}`,
    policySourceOf(found),
  ]);

  it.each(sources)("%s cites an existing seed, its title and part as written, and a verbatim quote", (_, source) => {
    expect(fs.existsSync(path.join(sourcesDir, source.file))).toBe(true);
    expect(source.file).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
    const text = seed(source.file);
    expect(text).toContain(source.title);
    if (source.part) expect(text).toContain(source.part);
    expect(source.section.length).toBeGreaterThan(0);
    expect(source.quote.length).toBeGreaterThan(4);
    expect(source.quote.length).toBeLessThanOrEqual(40);
    expect(text).toContain(source.quote);
  });
});

describe("the answer texts", () => {
  const matches = allPolicyAnswers();
  const keysUsed = new Set(matches.flatMap((found) => Object.values(policyAnswerKeys(found))));
  const extras = ["askApply", "notFound", "notFoundWithPhone", "countyPhone", "noApply"];
  const local = (key: string) => key.replace(/^bot\.policy\./, "");

  it("uses flat camelCase keys under bot.policy", () => {
    expect(policyAnswerKeys({ topic: "low-income", aspect: "materials" })).toEqual({
      answer: "bot.policy.lowIncomeMaterials",
      source: "bot.policy.lowIncomeMaterialsSource",
    });
    expect(policyAnswerKeys({ topic: "low-income", aspect: "conditions" })).toEqual({
      answer: "bot.policy.lowIncomeConditions",
      source: "bot.policy.lowIncomeSource",
    });
    expect(policyAnswerKeys({ topic: "where-to-apply", aspect: null })).toEqual({
      answer: "bot.policy.whereToApply",
      source: "bot.policy.whereToApplySource",
    });
    for (const key of keysUsed) expect(local(key)).toMatch(/^[a-z][A-Za-z]*$/);
  });

  it("has a zh-CN and an English text for every answer and citation, and nothing else", () => {
    const expected = [...[...keysUsed].map(local), ...extras].sort();
    expect(Object.keys(policyAnswersZhCN).sort()).toEqual(expected);
    expect(Object.keys(policyAnswersEn).sort()).toEqual(expected);
  });

  it.each(Object.keys(policyAnswersZhCN))("%s is short and plain in both languages", (key) => {
    for (const texts of [policyAnswersZhCN, policyAnswersEn] as Record<string, string>[]) {
      const text = texts[key]!;
      expect(text.trim().length).toBeGreaterThan(0);
      expect(text.split("\n").length).toBeLessThanOrEqual(6);
      expect(text.split("\n").every((line) => line.trim().length > 0)).toBe(true);
    }
    expect(policyAnswersEn[key as keyof typeof policyAnswersEn]).toMatch(/[A-Za-z]{3}/);
  });

  it("cites the source in its own key, in plain words", () => {
    for (const key of [...keysUsed].filter((key) => key.endsWith("Source")).map(local)) {
      expect(policyAnswersZhCN[key as keyof typeof policyAnswersZhCN]).toMatch(/^依据:《.+》/);
      expect(policyAnswersEn[key as keyof typeof policyAnswersEn]).toMatch(/^Source: /);
    }
  });

  it("keeps the placeholders the same in both languages", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((found) => found[1]).sort();
    for (const key of Object.keys(policyAnswersZhCN) as (keyof typeof policyAnswersZhCN)[])
      expect(placeholders(policyAnswersEn[key])).toEqual(placeholders(policyAnswersZhCN[key]));
    expect(policyAnswersZhCN.notFoundWithPhone).toContain("{{phone}}");
    expect(policyAnswersZhCN.countyPhone).toContain("{{phone}}");
  });

  it("resolves through i18next under bot.policy with the default key separator", async () => {
    const instance = i18next.createInstance();
    await instance.init({
      resources: {
        "zh-CN": { translation: { bot: { policy: policyAnswersZhCN } } },
        en: { translation: { bot: { policy: policyAnswersEn } } },
      },
      lng: "zh-CN",
      fallbackLng: "zh-CN",
      interpolation: { escapeValue: false },
    });
    for (const key of keysUsed) {
      expect(instance.exists(key, { lng: "zh-CN" })).toBe(true);
      expect(instance.exists(key, { lng: "en" })).toBe(true);
    }
    const { answer, source } = policyAnswerKeys(findPolicyTopic("办低保需要什么材料")!);
    expect(instance.t(answer)).toContain("户口本");
    expect(instance.t(source)).toContain("依据");
    expect(instance.t(answer, { lng: "en" })).toContain("ID cards");
    expect(instance.t("bot.policy.countyPhone", { phone: "0825-1234567" })).toBe("县里的咨询电话:0825-1234567");
  });

  it("never states an amount of money the seeds do not give", () => {
    // Amounts differ by county: the answers point to the local standard instead of a figure in yuan.
    for (const text of [...Object.values(policyAnswersZhCN), ...Object.values(policyAnswersEn)])
      expect(text).not.toMatch(/\d+\s*(元|块|yuan)/i);
  });
});
