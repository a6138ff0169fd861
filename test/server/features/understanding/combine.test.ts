import { describe, expect, it } from "vitest";
import { combine } from "../../../../server/features/understanding/combine.ts";
import { intents, specificRiskTypes, type Intent, type SpecificRisk } from "../../../../server/features/understanding/labels.ts";
import { readLexicon } from "../../../../server/features/understanding/lexicon-rules.ts";
import type { CombinationSettings, Scores } from "../../../../server/features/understanding/text-model.ts";

const settings: CombinationSettings = {
  lexiconRisks: [...specificRiskTypes],
  lexiconEmergency: true,
  riskThreshold: 0.4,
  extraRiskThreshold: 0.6,
  fallbackRiskThreshold: 0.1,
  emergencyThreshold: 0.5,
};

function scores(
  hardship: number,
  intent: Partial<Record<Intent, number>>,
  risks: Partial<Record<SpecificRisk, number>> = {},
  emergency = 0,
): Scores {
  return {
    hardship,
    emergency,
    risks: Object.fromEntries(specificRiskTypes.map((r) => [r, risks[r] ?? 0])) as Scores["risks"],
    intents: Object.fromEntries(intents.map((i) => [i, intent[i] ?? 0])) as Scores["intents"],
  };
}

describe("combining the rules and the model", () => {
  it("lets a described difficulty asked as a question stay a hardship", () => {
    const result = combine(
      readLexicon("房子漏得住不得了 能申请不"),
      scores(0.8, { application: 0.5, policy_question: 0.4 }, { housing: 0.9 }),
      settings,
    );
    expect(result).toMatchObject({ isHardship: true, intent: "application", riskTypes: ["housing"], hardshipScore: 0.8 });
  });

  it("keeps the rules' stated types and adds the model's only when it is sure", () => {
    const reading = readLexicon("老伴住院花了三万多");
    expect(combine(reading, scores(0.9, { hardship_report: 0.9 }, { illness: 0.2, accident: 0.5 }), settings).riskTypes).toEqual([
      "illness",
    ]);
    expect(combine(reading, scores(0.9, { hardship_report: 0.9 }, { accident: 0.7 }), settings).riskTypes).toEqual(["illness", "accident"]);
  });

  it("names the model's types when the rules find none, else the likeliest, else other", () => {
    const reading = readLexicon("圈里的猪一个接一个倒了");
    expect(combine(reading, scores(0.9, { hardship_report: 1 }, { business_failure: 0.5 }), settings).riskTypes).toEqual([
      "business_failure",
    ]);
    expect(combine(reading, scores(0.9, { hardship_report: 1 }, { business_failure: 0.2, water: 0.1 }), settings).riskTypes).toEqual([
      "business_failure",
    ]);
    expect(combine(reading, scores(0.9, { hardship_report: 1 }, { business_failure: 0.05 }), settings).riskTypes).toEqual(["other"]);
  });

  it("gives no risk types and the likeliest other intent below 0.5", () => {
    const result = combine(
      readLexicon("低保要什么条件"),
      scores(0.3, { hardship_report: 0.5, policy_question: 0.4 }, { illness: 0.9 }),
      settings,
    );
    expect(result).toMatchObject({ isHardship: false, intent: "policy_question", riskTypes: [] });
  });

  it("makes a case number a status query whatever the model says", () => {
    const result = combine(readLexicon("2026-000123 房子还漏"), scores(0.9, { hardship_report: 1 }, { housing: 1 }), settings);
    expect(result).toMatchObject({ intent: "status_query", isHardship: false, riskTypes: [] });
  });

  it("raises an emergency on the model's score or on a cue word", () => {
    expect(combine(readLexicon("房子塌了"), scores(0.9, { hardship_report: 1 }, {}, 0.7), settings).emergency).toBe(true);
    expect(combine(readLexicon("救命"), scores(0.9, { hardship_report: 1 }, {}, 0.1), settings).emergency).toBe(true);
    expect(
      combine(readLexicon("救命"), scores(0.9, { hardship_report: 1 }, {}, 0.1), { ...settings, lexiconEmergency: false }).emergency,
    ).toBe(false);
    expect(combine(readLexicon("谢谢"), scores(0.1, { chit_chat: 1 }, {}, 0.1), settings).emergency).toBe(false);
  });

  it("does not raise an emergency for a status query, however urgent its tone", () => {
    expect(combine(readLexicon("急 我的申请到哪了"), scores(0.1, { status_query: 1 }, {}, 0.9), settings).emergency).toBe(false);
  });
});
