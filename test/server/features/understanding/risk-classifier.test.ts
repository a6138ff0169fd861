import { describe, expect, it } from "vitest";
import { riskTypes, type RiskType } from "../../../../server/core/vocabulary.ts";
import { classifyRisks } from "../../../../server/features/understanding/risk-classifier.ts";

function kinds(text: string): RiskType[] {
  return [...classifyRisks(text)].sort();
}

function sorted(...types: RiskType[]): RiskType[] {
  return [...types].sort();
}

describe("classifyRisks", () => {
  it.each<[string, RiskType[]]>([
    ["家里房子被洪水冲了", ["DISASTER", "HOUSING"]],
    ["老伴住院花了三万多", ["ILLNESS", "EXPENSE_SURGE"]],
    ["儿子打工的工厂倒闭了,现在没活干", ["UNSTABLE_WORK"]],
    ["去年被裁员了,一直找不到工作", ["UNSTABLE_WORK"]],
    ["孩子考上大学了,学费交不起", ["SCHOOLING"]],
    ["养的猪得了猪瘟,全死了", ["BUSINESS_FAILURE"]],
    ["村里水井干了,家里没水喝", ["DRINKING_WATER"]],
    ["下暴雨山上滑坡,把路冲垮了", ["DISASTER"]],
    ["爸爸开三轮车出了车祸,腿摔断了", ["ACCIDENT"]],
    ["老房子漏雨,墙裂了好几条缝", ["HOUSING"]],
    ["她眼睛失明了,是残疾人", ["DISABILITY"]],
  ])("classifies %s", (text, expected) => {
    expect(kinds(text)).toEqual(sorted(...expected));
  });

  it("can find several risks in one long report", () => {
    const found = kinds("我老公得了癌症在医院化疗,欠了亲戚十几万,孩子读高中的学费也没着落");
    expect(found).toEqual(sorted("ILLNESS", "EXPENSE_SURGE", "SCHOOLING"));
  });

  it.each<[string, RiskType[]]>([
    ["My husband lost his job and we have no income", ["UNSTABLE_WORK", "INCOME_DROP"]],
    ["FLOOD destroyed our HOUSE", ["DISASTER", "HOUSING"]],
    ["My mother is in Hospital and we had to borrow money", ["ILLNESS", "EXPENSE_SURGE"]],
    ["Our well dried up, there is no drinking water", ["DRINKING_WATER"]],
    ["Can't pay the school tuition", ["SCHOOLING"]],
    ["A fire burned down the barn", ["ACCIDENT"]],
  ])("classifies English text %s regardless of case", (text, expected) => {
    expect(kinds(text)).toEqual(sorted(...expected));
  });

  it("returns OTHER when no cue matches", () => {
    expect(classifyRisks("想问一下政策")).toEqual(["OTHER"]);
    expect(classifyRisks("")).toEqual(["OTHER"]);
    expect(classifyRisks("Hello, I have a question")).toEqual(["OTHER"]);
  });

  it("does not read a fever as an accident, nor being fired as a fire", () => {
    expect(classifyRisks("孩子发烧了")).not.toContain("ACCIDENT");
    expect(classifyRisks("孩子发高烧了")).not.toContain("ACCIDENT");
    expect(classifyRisks("I was fired last month")).not.toContain("ACCIDENT");
    // …while a house that burned still is one.
    expect(classifyRisks("房子烧了")).toContain("ACCIDENT");
  });

  it("returns each type at most once and only known types", () => {
    const found = classifyRisks("病了又病,住院又住院,手术又手术");
    expect(found).toEqual(["ILLNESS"]);
    for (const type of classifyRisks("洪水冲走了房子,老人受伤住院,欠债")) expect(riskTypes).toContain(type);
  });

  it("never returns OTHER together with another type", () => {
    const samples = [
      "家里房子被洪水冲了",
      "老伴住院花了三万多",
      "没事",
      "其他情况,说不清楚",
      "other problems",
      "我家困难,别的说不清,就是房子塌了",
      "lost my job, other stuff too",
    ];
    for (const text of samples) {
      const found = classifyRisks(text);
      expect(found.length).toBeGreaterThan(0);
      if (found.includes("OTHER")) expect(found).toEqual(["OTHER"]);
    }
  });
});
