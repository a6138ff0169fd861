import { createHash } from "node:crypto";
import { combine, type Combined } from "./combine.ts";
import { intents, specificRiskTypes, type LabelledMessage } from "./labels.ts";
import { readLexicon, type LexiconReading } from "./lexicon-rules.ts";
import { defaultFeatureOptions, textFeatures, type FeatureOptions, type Features } from "./text-features.ts";
import { TextModel, type CombinationSettings, type Scores, type SerializedTextModel } from "./text-model.ts";

/**
 * Training the text model (text-model.ts): L2-regularised logistic regression, every head at once, by
 * full-batch gradient descent (Adam) from zero weights for a fixed number of iterations. No randomness
 * anywhere, so the same corpus and options give the same bytes.
 */

export interface TrainingOptions {
  features: FeatureOptions;
  /** A text feature must occur in at least this many training messages to be kept. */
  minCount: number;
  iterations: number;
  learningRate: number;
  /** L2 penalty on the weights (not the biases), per message. */
  l2: number;
  /** Weights are rounded to this many decimals; those that round to less than `prune` are dropped. */
  decimals: number;
  prune: number;
  /** How much a residents' message from a public source (one with a "source") counts against one written for the project. */
  realWeight: number;
}

export const defaultTrainingOptions: TrainingOptions = {
  features: defaultFeatureOptions,
  minCount: 2,
  iterations: 100,
  learningRate: 0.05,
  l2: 1e-3,
  decimals: 3,
  prune: 0.01,
  realWeight: 2,
};

export const defaultCombination: CombinationSettings = {
  lexiconRisks: [...specificRiskTypes],
  lexiconEmergency: false,
  riskThreshold: 0.5,
  extraRiskThreshold: 0.5,
  fallbackRiskThreshold: 0.3,
  emergencyThreshold: 0.5,
};

export const heads = [
  "hardship",
  "emergency",
  ...specificRiskTypes.map((risk) => `risk:${risk}`),
  ...intents.map((intent) => `intent:${intent}`),
] as const;

/** A message read once: the rules' findings and its features. */
export interface ReadMessage {
  message: LabelledMessage;
  reading: LexiconReading;
  features: Features;
}

export function readMessages(messages: LabelledMessage[], options: FeatureOptions): ReadMessage[] {
  return messages.map((message) => {
    const reading = readLexicon(message.text);
    return { message, reading, features: textFeatures(reading, options) };
  });
}

/** The targets of one message per head (NaN: not trained on it) and its intent's index. */
function targets(message: LabelledMessage): { binary: number[]; intent: number } {
  const binary = [
    message.is_hardship ? 1 : 0,
    message.emergency === undefined ? NaN : message.emergency ? 1 : 0,
    // Risk types are learnt among hardships only: which difficulty, given that there is one.
    ...specificRiskTypes.map((risk) => (message.is_hardship ? (message.risk_types.includes(risk) ? 1 : 0) : NaN)),
  ];
  return { binary, intent: intents.indexOf(message.intent) };
}

const round = (x: number, decimals: number) => {
  const r = Number(x.toFixed(decimals));
  return Object.is(r, -0) ? 0 : r;
};

export function trainTextModel(
  examples: ReadMessage[],
  options: TrainingOptions,
  combination: CombinationSettings,
  about = "",
): SerializedTextModel {
  // The vocabulary: rule features always, text features seen in at least minCount messages; sorted.
  const counts = new Map<string, number>();
  for (const example of examples) for (const name of example.features.names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const vocabulary = [...counts]
    .filter(([name, count]) => name.startsWith("L:") || count >= options.minCount)
    .map(([name]) => name)
    .sort();
  const index = new Map(vocabulary.map((name, i) => [name, i]));
  const rows = examples.map(({ features }) => {
    const at: number[] = [];
    const values: number[] = [];
    features.names.forEach((name, i) => {
      const j = index.get(name);
      if (j !== undefined) {
        at.push(j);
        values.push(features.values[i]!);
      }
    });
    return { at: Int32Array.from(at), values: Float64Array.from(values) };
  });
  const labels = examples.map(({ message }) => targets(message));
  const weightOf = examples.map(({ message }) => (message.source ? options.realWeight : 1));

  const binaryHeads = 2 + specificRiskTypes.length;
  const H = binaryHeads + intents.length;
  const F = vocabulary.length;
  const counted = new Float64Array(binaryHeads);
  labels.forEach(({ binary }, r) => binary.forEach((y, h) => (counted[h]! += Number.isNaN(y) ? 0 : weightOf[r]!)));
  const total = weightOf.reduce((a, b) => a + b, 0);

  const size = F * H + H; // weights, feature-major, then the biases
  const w = new Float64Array(size);
  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const z = new Float64Array(H);
  const g = new Float64Array(H);
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const N = examples.length;
  const intentNorm = total;

  for (let step = 1; step <= options.iterations; step++) {
    grad.fill(0);
    for (let r = 0; r < N; r++) {
      const { at, values } = rows[r]!;
      const { binary, intent } = labels[r]!;
      const weight = weightOf[r]!;
      for (let h = 0; h < H; h++) z[h] = w[F * H + h]!;
      for (let k = 0; k < at.length; k++) {
        const base = at[k]! * H;
        const x = values[k]!;
        for (let h = 0; h < H; h++) z[h]! += w[base + h]! * x;
      }
      for (let h = 0; h < binaryHeads; h++) {
        const y = binary[h]!;
        g[h] = Number.isNaN(y) ? 0 : ((1 / (1 + Math.exp(-z[h]!)) - y) * weight) / counted[h]!;
      }
      let max = -Infinity;
      for (let h = binaryHeads; h < H; h++) max = Math.max(max, z[h]!);
      let sum = 0;
      for (let h = binaryHeads; h < H; h++) sum += Math.exp(z[h]! - max);
      for (let h = binaryHeads; h < H; h++)
        g[h] = ((Math.exp(z[h]! - max) / sum - (h - binaryHeads === intent ? 1 : 0)) * weight) / intentNorm;
      for (let h = 0; h < H; h++) grad[F * H + h]! += g[h]!;
      for (let k = 0; k < at.length; k++) {
        const base = at[k]! * H;
        const x = values[k]!;
        for (let h = 0; h < H; h++) grad[base + h]! += g[h]! * x;
      }
    }
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let p = 0; p < size; p++) {
      const gp = grad[p]! + (p < F * H ? options.l2 * w[p]! : 0);
      m[p] = beta1 * m[p]! + (1 - beta1) * gp;
      v[p] = beta2 * v[p]! + (1 - beta2) * gp * gp;
      w[p]! -= (options.learningRate * (m[p]! / correction1)) / (Math.sqrt(v[p]! / correction2) + epsilon);
    }
  }

  const weights: Record<string, string> = {};
  vocabulary.forEach((name, j) => {
    const pairs: string[] = [];
    for (let h = 0; h < H; h++) {
      const weight = round(w[j * H + h]!, options.decimals);
      if (Math.abs(weight) >= options.prune) pairs.push(`${h}:${weight}`);
    }
    if (pairs.length > 0) weights[name] = pairs.join(" ");
  });
  return {
    about,
    features: options.features,
    heads: [...heads],
    bias: [...w.subarray(F * H)].map((b) => round(b, options.decimals)),
    combination,
    training: {
      messages: N,
      minCount: options.minCount,
      iterations: options.iterations,
      learningRate: options.learningRate,
      l2: options.l2,
      realWeight: options.realWeight,
    },
    weights,
  };
}

/** A number from the text alone: the first four bytes of its SHA-256 (UTF-8), big-endian. */
export function textHash(text: string): number {
  return createHash("sha256").update(text, "utf8").digest().readUInt32BE(0);
}

/** Which of k folds a message falls in: a pure function of its text (and of a salt, for repeated cross-validation). */
export const foldOf = (text: string, folds: number, salt = "") => textHash(salt + text) % folds;

export interface OutOfFold {
  read: ReadMessage;
  scores: Scores;
}

/** Each message scored by a model trained without its fold. */
export function outOfFoldScores(examples: ReadMessage[], options: TrainingOptions, folds: number, salt = ""): OutOfFold[] {
  const result = new Array<OutOfFold>(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const inFold = examples.map((e) => foldOf(e.message.text, folds, salt) === fold);
    const model = new TextModel(
      trainTextModel(
        examples.filter((_, i) => !inFold[i]),
        options,
        defaultCombination,
      ),
    );
    examples.forEach((read, i) => {
      if (inFold[i]) result[i] = { read, scores: model.score(read.features) };
    });
  }
  return result;
}

export interface Figures {
  hardshipAccuracy: number;
  intentAccuracy: number;
  riskMicroF1: number;
  emergencyF1: number;
}

export function figures(outcomes: { message: LabelledMessage; combined: Combined }[]): Figures {
  let [hardship, intent, tp, fp, fn, etp, efp, efn] = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const { message, combined } of outcomes) {
    if (message.is_hardship === combined.isHardship) hardship++;
    if (message.intent === combined.intent) intent++;
    for (const risk of combined.riskTypes)
      if (message.risk_types.includes(risk)) tp++;
      else fp++;
    for (const risk of message.risk_types) if (!combined.riskTypes.includes(risk)) fn++;
    if (message.emergency !== undefined) {
      if (message.emergency && combined.emergency) etp++;
      else if (combined.emergency) efp++;
      else if (message.emergency) efn++;
    }
  }
  const n = Math.max(1, outcomes.length);
  return {
    hardshipAccuracy: hardship / n,
    intentAccuracy: intent / n,
    riskMicroF1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    emergencyF1: etp === 0 ? 0 : (2 * etp) / (2 * etp + efp + efn),
  };
}

/**
 * The combination settings that do best on out-of-fold scores, by risk micro F1 (with hardship decided as it
 * will be): the risk thresholds; then the threshold for a type beside the rules' own, the highest within 0.002
 * of the best F1 (the rules are strong evidence); then whether any type is better left to the model than to the
 * rules' cue words (one at a time, in a fixed order, only for a clear gain). The emergency threshold and cue
 * words by emergency F1. Coarse grids; ties go to the first tried.
 */
export function chooseCombination(scored: OutOfFold[]): CombinationSettings {
  const grid = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];
  const run = (settings: CombinationSettings) =>
    figures(scored.map(({ read, scores }) => ({ message: read.message, combined: combine(read.reading, scores, settings) })));
  let best = { ...defaultCombination };
  let bestF1 = -1;
  const consider = (settings: CombinationSettings, margin = 1e-9) => {
    const f1 = run(settings).riskMicroF1;
    if (f1 > bestF1 + margin) [best, bestF1] = [settings, f1];
  };
  for (const riskThreshold of grid)
    for (const fallbackRiskThreshold of [0.05, 0.1, 0.15, 0.2, 0.3, 1])
      if (fallbackRiskThreshold <= riskThreshold || fallbackRiskThreshold === 1)
        consider({ ...best, riskThreshold, extraRiskThreshold: riskThreshold, fallbackRiskThreshold });
  // A type beside the rules' own needs more: the highest threshold within a hair of the best F1.
  const base = { ...best };
  const tolerance = 0.002;
  for (const extraRiskThreshold of [...grid, 0.75, 0.8, 0.85, 0.9].filter((t) => t > base.riskThreshold)) {
    const settings = { ...base, extraRiskThreshold };
    const f1 = run(settings).riskMicroF1;
    if (f1 >= bestF1 - tolerance) [best, bestF1] = [settings, Math.max(bestF1, f1)];
  }
  bestF1 = run(best).riskMicroF1;
  // The rules' stated types are trusted unless leaving one to the model does clearly better.
  for (const risk of specificRiskTypes) consider({ ...best, lexiconRisks: best.lexiconRisks.filter((r) => r !== risk) }, 0.005);
  let bestEmergency = -1;
  for (const lexiconEmergency of [false, true])
    for (const emergencyThreshold of grid) {
      const settings = { ...best, lexiconEmergency, emergencyThreshold };
      const f1 = run(settings).emergencyF1;
      if (f1 > bestEmergency + 1e-9) [best, bestEmergency] = [settings, f1];
    }
  return best;
}
