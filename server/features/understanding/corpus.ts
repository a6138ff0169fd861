import fs from "node:fs";
import path from "node:path";
import type { LabelledMessage } from "./labels.ts";
import { textHash } from "./training.ts";

/**
 * The labelled messages the model learns from and is measured on (README, "Understanding residents' messages"):
 *   corpus/written-messages.jsonl   written for the project in residents' manner; all for training
 *   corpus/public-messages.jsonl    residents' messages from public sources, each with its "source" URL;
 *                                   split by publicSplit(): about 70 % train, 30 % held out for evaluation
 *   test/fixtures/understanding/labelled-messages.jsonl   the older 218-sentence set; evaluation only
 */

export const corpusDir = path.join(import.meta.dirname, "corpus");
export const writtenFile = path.join(corpusDir, "written-messages.jsonl");
export const publicFile = path.join(corpusDir, "public-messages.jsonl");
export const fixtureFile = path.resolve(import.meta.dirname, "../../../test/fixtures/understanding/labelled-messages.jsonl");

export function readJsonl(file: string): LabelledMessage[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledMessage);
}

/**
 * Held out or not, from the text alone: the first four bytes of SHA-256(text), as a number, modulo 100 below
 * 30 is the held-out test split. The same text always falls on the same side, whoever adds messages around it.
 */
export function publicSplit(text: string): "train" | "test" {
  return textHash(text) % 100 < 30 ? "test" : "train";
}

export interface Corpus {
  train: LabelledMessage[];
  /** Real messages never trained or tuned on. Empty when there is no public file. */
  heldOut: LabelledMessage[];
  fixture: LabelledMessage[];
}

export function readCorpus(): Corpus {
  const written = readJsonl(writtenFile);
  const real = fs.existsSync(publicFile) ? readJsonl(publicFile) : [];
  return {
    train: [...written, ...real.filter((m) => publicSplit(m.text) === "train")],
    heldOut: real.filter((m) => publicSplit(m.text) === "test"),
    fixture: readJsonl(fixtureFile),
  };
}
