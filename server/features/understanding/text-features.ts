import type { LexiconReading } from "./lexicon-rules.ts";

/**
 * The features the statistical model reads in a message: character 1–3-grams of its Chinese (digits as "0"),
 * the run edges ("<能", "不>": a voice message's pieces begin and end with telling words), jieba's words,
 * English words and word pairs (crudely stemmed), and what the rules found (lexicon-rules.ts) as named
 * features, so the model learns how far to trust each kind of cue.
 *
 * The text features together have length 1 (each 1/√n), so a long message weighs as much as a short one; a
 * rule feature is 1.
 */

export interface FeatureOptions {
  /** Add the rules' findings as features ("L:…"). */
  lexicon: boolean;
  /** Add jieba's words ("j:…"). */
  words: boolean;
  /** Longest character n-gram. */
  maxGram: number;
  /** Scale the text features to length 1 (else each is `textValue`). */
  normalise: boolean;
  textValue: number;
}

export const defaultFeatureOptions: FeatureOptions = { lexicon: true, words: true, maxGram: 3, normalise: false, textValue: 1 };

export interface Features {
  names: string[];
  values: number[];
}

const englishStopWords = new Set(["a", "an", "the", "to", "of", "and", "is", "are", "was", "be", "in", "on", "at", "it", "this", "that"]);

/** "destroyed" → "destroy", "houses" → "house": enough to join the forms residents write. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ied")) return word.slice(0, -3) + "y";
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith("es")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

export function textFeatures(reading: LexiconReading, options: FeatureOptions = defaultFeatureOptions): Features {
  const text = reading.text.replace(/[0-9]/g, "0");
  const grams = new Set<string>();
  for (const run of text.match(/[\p{Script=Han}0]+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      let gram = "";
      for (let n = 0; n < options.maxGram && i + n < chars.length; n++) grams.add((gram += chars[i + n]!));
    }
    grams.add("<" + chars.slice(0, 2).join(""));
    grams.add(chars.slice(-2).join("") + ">");
  }
  const english = (text.match(/[a-z]+(?:'[a-z]+)?/g) ?? []).map(stem);
  english.forEach((word, i) => {
    if (!englishStopWords.has(word)) grams.add("w:" + word);
    if (i + 1 < english.length) grams.add("b:" + word + " " + english[i + 1]!);
  });
  if (/[?？]/.test(text)) grams.add("?");
  if (options.words) for (const word of reading.words) if (word.length >= 2 && /\p{Script=Han}/u.test(word)) grams.add("j:" + word);
  // Very short messages ("在吗", "谢谢") are a kind of their own.
  const length = [...text.replace(/\s/g, "")].length;
  grams.add(length <= 4 ? "len:short" : length <= 15 ? "len:medium" : "len:long");

  const names = [...grams];
  const value = !options.normalise ? options.textValue : names.length > 0 ? 1 / Math.sqrt(names.length) : 0;
  const values = names.map(() => value);
  if (options.lexicon) {
    const rules: string[] = [];
    for (const risk of reading.riskTypes) rules.push("L:risk:" + risk);
    for (const risk of reading.statedRiskTypes) rules.push("L:stated:" + risk);
    if (reading.riskTypes.length === 0) rules.push("L:risk:none");
    for (const [cue, found] of Object.entries(reading.cues)) if (found) rules.push("L:cue:" + cue);
    if (reading.people.length > 0) rules.push("L:people");
    if (reading.caseNumber) rules.push("L:case");
    rules.push("L:intent:" + reading.intent);
    if (reading.isHardship) rules.push("L:hardship");
    for (const name of rules) {
      names.push(name);
      values.push(1);
    }
  }
  return { names, values };
}
