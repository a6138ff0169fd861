import fs from "node:fs";
import path from "node:path";
import { intents, specificRiskTypes, type Intent, type SpecificRisk } from "./labels.ts";
import type { Features, FeatureOptions } from "./text-features.ts";

/**
 * The statistical half of understanding: a linear model over the features of text-features.ts, trained by
 * `npm run bot:train` (train-model.ts) and kept as data in text-model.json. Heads: hardship (yes/no),
 * emergency (yes/no), one yes/no head per specific risk type, and the intents (one softmax over all seven).
 */

/** How the model's scores and the rules' findings are put together (combine.ts), chosen by cross-validation at training. */
export interface CombinationSettings {
  /**
   * Risk types the rules are trusted with: found by a cue word, kept whatever the model says. For the others the
   * model decides (it has the rules' finding among its features).
   */
  lexiconRisks: SpecificRisk[];
  /** An emergency cue word (lexicon.json "emergency") makes an emergency by itself. */
  lexiconEmergency: boolean;
  /** A risk type the model gives at least this probability is reported, when the rules found none they are trusted with… */
  riskThreshold: number;
  /** …and at least this, beside the rules' types. */
  extraRiskThreshold: number;
  /** A hardship with no type above riskThreshold still gets the model's best type if it reaches this (else "other"). */
  fallbackRiskThreshold: number;
  /** The emergency head's probability at which a message is an emergency. */
  emergencyThreshold: number;
}

/** text-model.json. Each feature's weights are one string, "head:weight head:weight …" (heads by index). */
export interface SerializedTextModel {
  about: string;
  features: FeatureOptions;
  heads: string[];
  bias: number[];
  combination: CombinationSettings;
  training: Record<string, number | string>;
  weights: Record<string, string>;
}

export interface Scores {
  hardship: number;
  emergency: number;
  risks: Record<SpecificRisk, number>;
  intents: Record<Intent, number>;
}

export class TextModel {
  readonly featureOptions: FeatureOptions;
  readonly combination: CombinationSettings;
  private readonly bias: Float64Array;
  private readonly weights = new Map<string, { heads: Uint8Array; weights: Float64Array }>();
  private readonly hardshipHead: number;
  private readonly emergencyHead: number;
  private readonly riskHeads: number[];
  private readonly intentHeads: number[];

  constructor(serialized: SerializedTextModel) {
    this.featureOptions = serialized.features;
    this.combination = serialized.combination;
    this.bias = Float64Array.from(serialized.bias);
    const headIndex = (name: string) => {
      const at = serialized.heads.indexOf(name);
      if (at < 0) throw new Error(`text model: no head ${name}`);
      return at;
    };
    this.hardshipHead = headIndex("hardship");
    this.emergencyHead = headIndex("emergency");
    this.riskHeads = specificRiskTypes.map((risk) => headIndex(`risk:${risk}`));
    this.intentHeads = intents.map((intent) => headIndex(`intent:${intent}`));
    for (const [feature, encoded] of Object.entries(serialized.weights)) {
      const pairs = encoded.split(" ");
      const heads = new Uint8Array(pairs.length);
      const weights = new Float64Array(pairs.length);
      pairs.forEach((pair, i) => {
        const colon = pair.indexOf(":");
        heads[i] = Number(pair.slice(0, colon));
        weights[i] = Number(pair.slice(colon + 1));
      });
      this.weights.set(feature, { heads, weights });
    }
  }

  /** The raw score of every head (before the logistic / softmax). */
  logits(features: Features): Float64Array {
    const z = Float64Array.from(this.bias);
    features.names.forEach((name, i) => {
      const entry = this.weights.get(name);
      if (!entry) return;
      const value = features.values[i]!;
      for (let k = 0; k < entry.heads.length; k++) z[entry.heads[k]!]! += entry.weights[k]! * value;
    });
    return z;
  }

  score(features: Features): Scores {
    const z = this.logits(features);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const max = Math.max(...this.intentHeads.map((h) => z[h]!));
    const exp = this.intentHeads.map((h) => Math.exp(z[h]! - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    return {
      hardship: sigmoid(z[this.hardshipHead]!),
      emergency: sigmoid(z[this.emergencyHead]!),
      risks: Object.fromEntries(specificRiskTypes.map((risk, i) => [risk, sigmoid(z[this.riskHeads[i]!]!)])) as Record<
        SpecificRisk,
        number
      >,
      intents: Object.fromEntries(intents.map((intent, i) => [intent, exp[i]! / sum])) as Record<Intent, number>,
    };
  }
}

export const textModelFile = path.join(import.meta.dirname, "text-model.json");

let loaded: TextModel | undefined;

/** The committed model, read once. */
export function textModel(): TextModel {
  loaded ??= new TextModel(JSON.parse(fs.readFileSync(textModelFile, "utf8")) as SerializedTextModel);
  return loaded;
}
