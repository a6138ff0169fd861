import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { publicFile, publicSplit, readCorpus, readJsonl, writtenFile } from "../../../../server/features/understanding/corpus.ts";
import { evaluate } from "../../../../server/features/understanding/evaluate.ts";
import { intents, understandingRiskTypes, type LabelledMessage } from "../../../../server/features/understanding/labels.ts";
import { textModelFile, type SerializedTextModel } from "../../../../server/features/understanding/text-model.ts";
import { understand, understandByLexicon } from "../../../../server/features/understanding/understand.ts";

const written = readJsonl(writtenFile);
const real = readJsonl(publicFile);
const corpus = readCorpus();

function wellFormed(message: LabelledMessage) {
  expect(message.text.trim().length, message.text).toBeGreaterThan(0);
  expect(intents, message.text).toContain(message.intent);
  for (const risk of message.risk_types) expect(understandingRiskTypes, message.text).toContain(risk);
  // A hardship is a report or an application with at least one risk type; nothing else has any.
  expect(message.is_hardship, message.text).toBe(message.risk_types.length > 0);
  if (message.intent === "hardship_report") expect(message.is_hardship, message.text).toBe(true);
  if (!["hardship_report", "application"].includes(message.intent)) expect(message.risk_types, message.text).toEqual([]);
  expect(typeof message.emergency, message.text).toBe("boolean");
}

describe("the corpus", () => {
  it("has 400+ written messages, well-formed, every risk type and intent, some in English", () => {
    expect(written.length).toBeGreaterThanOrEqual(400);
    for (const message of written) {
      wellFormed(message);
      if (message.risk_types.includes("other")) expect(message.risk_types).toEqual(["other"]);
    }
    expect(new Set(written.map((m) => m.text)).size).toBe(written.length);
    expect(new Set(written.flatMap((m) => m.risk_types)).size).toBe(understandingRiskTypes.length);
    expect(new Set(written.map((m) => m.intent)).size).toBe(intents.length);
    expect(written.filter((m) => m.emergency).length).toBeGreaterThanOrEqual(30);
    // eslint-disable-next-line no-control-regex
    const english = written.filter((m) => /^[\x00-\x7f]+$/.test(m.text)).length;
    expect(english / written.length).toBeGreaterThanOrEqual(0.08);
  });

  it("keeps where each public message was found", () => {
    expect(real.length).toBeGreaterThan(0);
    for (const message of real) {
      wellFormed(message);
      expect(message.source, message.text).toMatch(/^https?:\/\//);
    }
  });

  it("holds out about 30 % of the public messages, by their text alone, and never trains on them", () => {
    expect(publicSplit("查进度")).toBe(publicSplit("查进度"));
    const share = corpus.heldOut.length / real.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    const heldOut = new Set(corpus.heldOut.map((m) => m.text));
    expect(corpus.train.some((m) => heldOut.has(m.text))).toBe(false);
    expect(corpus.fixture.some((f) => corpus.train.some((m) => m.text === f.text))).toBe(false);
  });

  it("is what the committed model was trained on (run npm run bot:train after changing it)", () => {
    const model = JSON.parse(fs.readFileSync(textModelFile, "utf8")) as SerializedTextModel;
    expect(model.training.messages).toBe(corpus.train.length);
    expect(model.training.publicMessages).toBe(corpus.train.filter((m) => m.source).length);
  });
});

describe("the held-out public messages (regression floors, README)", () => {
  const figures = (classify: typeof understand) =>
    evaluate(corpus.heldOut, (text) => {
      const r = classify(text);
      return { is_hardship: r.isHardship, intent: r.intent, risk_types: r.riskTypes };
    });

  it("keeps the model and the rules above the floors: hardship accuracy ≥ 90 %, risk types micro F1 ≥ 72 %", () => {
    // Achieved: 94 % and 73 % on 81 messages (the rules alone: 77 % and 63 %).
    const result = figures(understand);
    expect(result.hardshipAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.micro.f1).toBeGreaterThanOrEqual(0.72);
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(0.8);
  });

  it("does better than the rules alone", () => {
    const combined = figures(understand);
    const rules = figures(understandByLexicon);
    expect(combined.hardshipAccuracy).toBeGreaterThan(rules.hardshipAccuracy);
    expect(combined.micro.f1).toBeGreaterThan(rules.micro.f1);
  });
});
