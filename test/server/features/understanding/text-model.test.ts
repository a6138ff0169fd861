import { describe, expect, it } from "vitest";
import { readCorpus } from "../../../../server/features/understanding/corpus.ts";
import { readLexicon } from "../../../../server/features/understanding/lexicon-rules.ts";
import { textFeatures } from "../../../../server/features/understanding/text-features.ts";
import { textModel } from "../../../../server/features/understanding/text-model.ts";
import { understand, type Intent, type UnderstoodRisk } from "../../../../server/features/understanding/understand.ts";

// Sentences written for these tests, in none of the corpus files nor the fixture (checked below): kinds of
// messages the model has to read, not sentences it has seen.
const hardships: [kind: string, text: string, risk: UnderstoodRisk][] = [
  ["a question: can you report it", "我家那口子腿摔断了躺在床上 这种能不能帮我们报个救助", "accident"],
  ["a question: can I apply", "屋头的羊子死了一大半 能申请点补贴不", "business_failure"],
  ["a question, northern dialect", "俺娘瘫在炕上好几年了 低保能给办不", "disability"],
  ["a question: what can we do", "娃考上大学了学费差一大截 有没有啥子办法", "schooling"],
  ["a story: a harvest nobody pays for", "今年的李子结得好 可是一斤才卖几毛钱 摘了也是亏", "business_failure"],
  ["a story: the spring ran dry", "山上的泉水断了 我们组十几户天天去河里担水", "water"],
  ["a story: wages never paid", "在外头搬砖搬了半年 老板一分钱没结就跑了", "job_loss"],
  ["a story: the litter died", "老母猪下了一窝崽 一个礼拜全死光了", "business_failure"],
  ["a story in English", "sheep keep dying and nobody will buy the wool, can we get any help", "business_failure"],
  ["a story in English: the roof", "the roof fell in during the storm last night, we are sleeping at the neighbours", "housing"],
];

const emergencies = [
  "救命 房子着火了 我婆婆还在里面",
  "水漫进屋了 出不去了 快来人",
  "娃从楼上掉下来了 满头是血 急",
  "urgent our house is on fire",
];

const others: [text: string, intent: Intent][] = [
  ["临时救助要找哪个", "policy_question"],
  ["低保一个月能领多少", "policy_question"],
  ["what do I need to apply for medical assistance", "policy_question"],
  ["谢谢你们 钱已经收到了", "chit_chat"],
  ["感谢政府 房子修好了 住得安心", "chit_chat"],
  ["我的申请批了没有", "status_query"],
  ["这个号到底是不是政府的", "other"],
];

describe("the text model", () => {
  it("loads from text-model.json with every head", () => {
    const model = textModel();
    const scores = model.score(textFeatures(readLexicon("家里房子被洪水冲了"), model.featureOptions));
    expect(Object.keys(scores.risks)).toHaveLength(10);
    expect(Object.keys(scores.intents)).toHaveLength(7);
    for (const p of [scores.hardship, scores.emergency, ...Object.values(scores.risks)]) expect(p).toBeGreaterThanOrEqual(0);
    expect(Object.values(scores.intents).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it("was not shown the sentences of these tests", () => {
    const { train, heldOut, fixture } = readCorpus();
    const seen = new Set([...train, ...heldOut, ...fixture].map((m) => m.text));
    for (const text of [...hardships.map(([, t]) => t), ...emergencies, ...others.map(([t]) => t)])
      expect(seen.has(text), text).toBe(false);
  });

  it.each(hardships)("reads a hardship phrased as %s", (_kind, text, risk) => {
    const result = understand(text);
    expect(result.isHardship).toBe(true);
    expect(result.hardshipScore).toBeGreaterThanOrEqual(0.5);
    expect(["hardship_report", "application"]).toContain(result.intent);
    expect(result.riskTypes).toContain(risk);
    expect(result.emergency).toBe(false);
  });

  it.each(emergencies)("knows an emergency: %s", (text) => {
    const result = understand(text);
    expect(result.emergency).toBe(true);
    expect(result.isHardship).toBe(true);
  });

  it.each(others)("keeps %s out of hardship (%s)", (text, intent) => {
    const result = understand(text);
    expect(result).toMatchObject({ isHardship: false, intent, riskTypes: [], emergency: false });
    expect(result.hardshipScore).toBeLessThan(0.5);
  });

  it("keeps isHardship equal to hardshipScore ≥ 0.5 for reports and applications", () => {
    const { heldOut, fixture } = readCorpus();
    for (const { text } of [...heldOut, ...fixture]) {
      const result = understand(text);
      expect(result.hardshipScore).toBeGreaterThanOrEqual(0);
      expect(result.hardshipScore).toBeLessThanOrEqual(1);
      if (result.intent === "hardship_report" || result.intent === "application")
        expect(result.isHardship, text).toBe(result.hardshipScore >= 0.5);
      else expect(result.isHardship, text).toBe(false);
      expect(result.riskTypes.length > 0, text).toBe(result.isHardship);
      if (result.riskTypes.includes("other")) expect(result.riskTypes).toEqual(["other"]);
    }
  });

  it("reads a message in well under a millisecond", () => {
    const { fixture } = readCorpus();
    understand("预热");
    const started = performance.now();
    for (const { text } of fixture) understand(text);
    // About 0.15 ms on a laptop; the bound leaves room for a busy CI machine.
    expect((performance.now() - started) / fixture.length).toBeLessThan(2);
  });
});
