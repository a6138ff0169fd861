// npm run bot:train: trains the text model (text-model.ts) on the corpus (corpus.ts) and writes text-model.json.
//
// 1. Reads corpus/written-messages.jsonl and the training split of corpus/public-messages.jsonl (the held-out
//    split and the 218-sentence fixture are never read here).
// 2. Scores every training message by 5-fold cross-validation, three times over with different folds (folds are
//    a hash of the text), and chooses how the model and the rules are combined (thresholds, which risk types
//    the rules are trusted with) on those out-of-fold scores.
// 3. Trains on all the training messages and writes the weights, Prettier-formatted, as data.
// No randomness: the same corpus gives the same bytes.
import fs from "node:fs";
import path from "node:path";
import prettier from "prettier";
import { combine } from "./combine.ts";
import { readCorpus } from "./corpus.ts";
import { textModelFile } from "./text-model.ts";
import { chooseCombination, defaultTrainingOptions, figures, outOfFoldScores, readMessages, trainTextModel } from "./training.ts";

const started = performance.now();
const corpus = readCorpus();
const options = defaultTrainingOptions;
const train = readMessages(corpus.train, options.features);
const scored = ["", "second", "third"].flatMap((salt) => outOfFoldScores(train, options, 5, salt));
const combination = chooseCombination(scored);
const outcomes = scored.map(({ read, scores }) => ({ message: read.message, combined: combine(read.reading, scores, combination) }));
const crossValidated = figures(outcomes);
const crossValidatedReal = figures(outcomes.filter(({ message }) => message.source));

const model = trainTextModel(
  train,
  options,
  combination,
  "Written by npm run bot:train (server/features/understanding/train-model.ts) from corpus/; do not edit by hand.",
);
const round = (x: number) => Math.round(x * 1000) / 1000;
model.training = {
  ...model.training,
  writtenMessages: corpus.train.filter((m) => !m.source).length,
  publicMessages: corpus.train.filter((m) => m.source).length,
  cvHardshipAccuracy: round(crossValidated.hardshipAccuracy),
  cvRiskMicroF1: round(crossValidated.riskMicroF1),
  cvRealHardshipAccuracy: round(crossValidatedReal.hardshipAccuracy),
  cvRealRiskMicroF1: round(crossValidatedReal.riskMicroF1),
};
const json = await prettier.format(JSON.stringify(model), { ...(await prettier.resolveConfig(textModelFile)), parser: "json" });
fs.writeFileSync(textModelFile, json);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  [
    `trained on ${train.length} messages (${model.training.writtenMessages} written, ${model.training.publicMessages} public) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    `cross-validated: hardship ${pct(crossValidated.hardshipAccuracy)}, intent ${pct(crossValidated.intentAccuracy)}, risk micro F1 ${pct(crossValidated.riskMicroF1)}, emergency F1 ${pct(crossValidated.emergencyF1)}`,
    `  public messages only: hardship ${pct(crossValidatedReal.hardshipAccuracy)}, risk micro F1 ${pct(crossValidatedReal.riskMicroF1)}`,
    `combination: ${JSON.stringify(combination)}`,
    `${path.relative(process.cwd(), textModelFile)}: ${Object.keys(model.weights).length} features, ${(Buffer.byteLength(json) / 1024).toFixed(0)} KB`,
  ].join("\n"),
);
