import { describe, expect, it } from "vitest";
import type { LabelledMessage } from "../../../../server/features/understanding/labels.ts";
import { TextModel } from "../../../../server/features/understanding/text-model.ts";
import {
  chooseCombination,
  defaultCombination,
  defaultTrainingOptions,
  foldOf,
  outOfFoldScores,
  readMessages,
  trainTextModel,
} from "../../../../server/features/understanding/training.ts";

const tiny: LabelledMessage[] = [
  { text: "老伴住院了 花了好多钱", is_hardship: true, intent: "hardship_report", risk_types: ["illness"], emergency: false },
  { text: "娃儿得了白血病 在医院化疗", is_hardship: true, intent: "hardship_report", risk_types: ["illness"], emergency: false },
  { text: "房子漏雨 墙也裂了", is_hardship: true, intent: "hardship_report", risk_types: ["housing"], emergency: false },
  { text: "屋顶塌了一半 住不得了", is_hardship: true, intent: "hardship_report", risk_types: ["housing"], emergency: false },
  { text: "着火了 快来人", is_hardship: true, intent: "hardship_report", risk_types: ["accident", "housing"], emergency: true },
  { text: "低保要什么条件", is_hardship: false, intent: "policy_question", risk_types: [], emergency: false },
  { text: "临时救助怎么申请", is_hardship: false, intent: "policy_question", risk_types: [] },
  { text: "谢谢你们", is_hardship: false, intent: "chit_chat", risk_types: [], emergency: false },
  { text: "查进度", is_hardship: false, intent: "status_query", risk_types: [], emergency: false },
  { text: "the roof is leaking", is_hardship: true, intent: "hardship_report", risk_types: ["housing"], source: "https://example.org/a" },
];
const options = { ...defaultTrainingOptions, iterations: 30 };

describe("training the text model", () => {
  it("gives the same bytes for the same corpus", () => {
    const first = JSON.stringify(trainTextModel(readMessages(tiny, options.features), options, defaultCombination));
    const second = JSON.stringify(trainTextModel(readMessages(tiny, options.features), options, defaultCombination));
    expect(second).toBe(first);
    // …and the same out-of-fold scores and choice of combination.
    const choose = () => chooseCombination(outOfFoldScores(readMessages(tiny, options.features), options, 3));
    expect(choose()).toEqual(choose());
  });

  it("learns from the corpus, rounds and prunes its weights", () => {
    const serialized = trainTextModel(readMessages(tiny, options.features), options, defaultCombination);
    for (const encoded of Object.values(serialized.weights))
      for (const pair of encoded.split(" ")) {
        const weight = Number(pair.split(":")[1]);
        expect(Math.abs(weight)).toBeGreaterThanOrEqual(options.prune);
        expect(pair.split(":")[1]!.replace(/^-?\d*\.?/, "").length).toBeLessThanOrEqual(options.decimals);
      }
    const model = new TextModel(serialized);
    const [leak] = readMessages([{ ...tiny[2]!, text: "房子漏雨" }], options.features);
    const [thanks] = readMessages([{ ...tiny[7]!, text: "谢谢" }], options.features);
    const leakScores = model.score(leak!.features);
    expect(leakScores.risks.housing).toBeGreaterThan(leakScores.risks.illness);
    expect(leakScores.hardship).toBeGreaterThan(model.score(thanks!.features).hardship);
  });

  it("assigns folds from the text alone", () => {
    expect(foldOf("查进度", 5)).toBe(foldOf("查进度", 5));
    expect(foldOf("查进度", 5, "second")).toBe(foldOf("查进度", 5, "second"));
    const folds = new Set(tiny.map((m) => foldOf(m.text, 3)));
    expect(folds.size).toBeGreaterThan(1);
  });
});
