import { combine } from "./combine.ts";
import type { Intent, UnderstoodRisk } from "./labels.ts";
import { readLexicon, type LexiconReading } from "./lexicon-rules.ts";
import { textFeatures } from "./text-features.ts";
import { textModel } from "./text-model.ts";

/**
 * Reads a short colloquial message the way a village cadre would: whether it reports a difficulty and which,
 * whether it is an emergency, what the sender wants, and the amounts, people and case numbers in it. Two
 * readers: rules and word lists kept as data (lexicon.json, lexicon-rules.ts), and a linear model over
 * character n-grams trained on labelled messages (text-model.ts, `npm run bot:train`); combine.ts joins them.
 */

export { intents, understandingRiskTypes, type Intent, type UnderstoodRisk } from "./labels.ts";

export interface Understanding {
  isHardship: boolean;
  /** 0..1: how sure the reading is that the message reports a hardship; isHardship is hardshipScore ≥ 0.5 for a report or an application. */
  hardshipScore: number;
  /** Acute danger now: fire, flood, a collapse, nowhere to sleep, no food, a serious injury, "救命", "urgent". */
  emergency: boolean;
  intent: Intent;
  riskTypes: UnderstoodRisk[];
  /** Money mentioned, in yuan ("三万多" → 30000). */
  amounts: number[];
  /** Family members mentioned (老伴, 孩子…). */
  people: string[];
  caseNumber: string | null;
  /** Money spent or owed, and income lost: they add EXPENSE_SURGE / INCOME_DROP to a case's risk types. */
  signals: { expenseSurge: boolean; incomeDrop: boolean };
}

export function understand(message: string): Understanding {
  const reading = readLexicon(message);
  const model = textModel();
  const combined = combine(reading, model.score(textFeatures(reading, model.featureOptions)), model.combination);
  return { ...combined, ...details(reading) };
}

/** The rules alone, as before the model (for comparison: npm run bot:evaluate). */
export function understandByLexicon(message: string): Understanding {
  const reading = readLexicon(message);
  return {
    isHardship: reading.isHardship,
    hardshipScore: reading.isHardship ? 1 : 0,
    emergency: reading.cues.emergency,
    intent: reading.intent,
    riskTypes: reading.isHardship ? reading.riskTypes : [],
    ...details(reading),
  };
}

function details(reading: LexiconReading) {
  return { amounts: extractAmounts(reading.text), people: reading.people, caseNumber: reading.caseNumber, signals: reading.signals };
}

const digits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10_000 };

/** "三万五" → 35000, "2000块" → 2000, "1.5万" → 15000, "三千多" → 3000. */
export function extractAmounts(text: string): number[] {
  const found: number[] = [];
  const pattern = /(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(万|千|百|k)?\s*(多|来|余)?\s*(块|元|钱|rmb|yuan)?/gi;
  for (const match of text.matchAll(pattern)) {
    const [whole, number, unit, , currency] = match;
    if (!number) continue;
    const isChinese = !/\d/.test(number);
    // Bare Chinese numerals ("一下", "三个孩子") are not money; they need a unit of value or a currency word.
    if (isChinese && !/[十百千万]/.test(number) && !unit && !currency) continue;
    if (!isChinese && !unit && !currency) continue;
    let value = isChinese ? chineseNumber(number) : Number(number);
    if (unit) value *= unit.toLowerCase() === "k" ? 1000 : units[unit]!;
    // "一万五": a trailing digit after 万 means thousands.
    if (isChinese && /万[一二两三四五六七八九]$/.test(number)) value = chineseNumber(number.replace(/万(.)$/, "万$1千"));
    if (value > 0 && whole.trim().length > 0) found.push(Math.round(value));
  }
  return found;
}

function chineseNumber(text: string): number {
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const char of text) {
    if (char in digits) digit = digits[char]!;
    else if (char === "万") {
      total += (section + digit) * 10_000;
      section = 0;
      digit = 0;
    } else if (char in units) {
      section += (digit || 1) * units[char]!;
      digit = 0;
    }
  }
  return total + section + digit;
}
