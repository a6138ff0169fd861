import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import lexiconJson from "./lexicon.json" with { type: "json" };

/**
 * Reads a short colloquial message the way a village cadre would: what kind
 * of difficulty it reports, what the sender wants, and the amounts, people and
 * case numbers in it. Rules and word lists are data (lexicon.json); a word
 * segmenter (jieba) keeps a cue from matching inside an unrelated word
 * ("有车" must not fire inside "没有车").
 */

export const understandingRiskTypes = [
  "illness",
  "disability",
  "schooling",
  "disaster",
  "accident",
  "business_failure",
  "job_loss",
  "housing",
  "water",
  "death_of_labourer",
  "other",
] as const;
export type UnderstoodRisk = (typeof understandingRiskTypes)[number];
export const intents = ["hardship_report", "application", "status_query", "policy_question", "objection", "chit_chat", "other"] as const;
export type Intent = (typeof intents)[number];

export interface Understanding {
  isHardship: boolean;
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

interface Lexicon {
  corrections: Record<string, string>;
  risks: Record<Exclude<UnderstoodRisk, "other">, string[]>;
  deathWeak: string[];
  people: string[];
  hardshipGeneric: string[];
  expenseSurge: string[];
  incomeDrop: string[];
  negations: string[];
  intents: Record<Exclude<Intent, "hardship_report" | "other">, string[]>;
  questionMarkers: string[];
}

const lexicon = lexiconJson as Lexicon;
const jieba = Jieba.withDict(dict);

/** Full-width to half-width, lower case, and the usual typos and dialect words replaced. */
function normalise(text: string): string {
  let result = text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  // Longest first, so "屋头" is replaced before a shorter entry could split it.
  for (const [from, to] of Object.entries(lexicon.corrections).sort((a, b) => b[0].length - a[0].length))
    result = result.split(from).join(to);
  return result;
}

class Matcher {
  private readonly starts = new Set<number>();

  constructor(private readonly text: string) {
    let at = 0;
    for (const token of jieba.cut(text, false)) {
      this.starts.add(at);
      at += token.length;
    }
  }

  /** A Chinese cue must begin where a word begins; an English cue must stand as whole words. */
  has(cue: string): boolean {
    // ASCII alone: an English cue.
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]+$/.test(cue))
      return new RegExp(`(^|[^a-z])${cue.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`, "i").test(this.text);
    for (let at = this.text.indexOf(cue); at !== -1; at = this.text.indexOf(cue, at + 1)) if (this.starts.has(at)) return true;
    return false;
  }

  any(cues: readonly string[]): boolean {
    return cues.some((cue) => this.has(cue));
  }
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

export function understand(message: string): Understanding {
  const text = normalise(message);
  const match = new Matcher(text);
  const caseNumber = /(20\d{2})-?(\d{6,})/.exec(text);

  const riskTypes: UnderstoodRisk[] = (Object.keys(lexicon.risks) as Exclude<UnderstoodRisk, "other">[]).filter((type) =>
    match.any(lexicon.risks[type]),
  );
  const people = lexicon.people.filter((person) => match.has(person));
  if (!riskTypes.includes("death_of_labourer") && people.length > 0 && match.any(lexicon.deathWeak)) riskTypes.push("death_of_labourer");
  const negated = match.any(lexicon.negations) && riskTypes.length === 0;
  if (riskTypes.length === 0 && !negated && match.any(lexicon.hardshipGeneric)) riskTypes.push("other");

  const asks = match.any(lexicon.questionMarkers);
  let intent: Intent;
  if (caseNumber || match.any(lexicon.intents.status_query)) intent = "status_query";
  else if (match.any(lexicon.intents.objection) && !riskTypes.some((r) => r !== "other")) intent = "objection";
  else if (asks && match.any(lexicon.intents.policy_question)) intent = "policy_question";
  else if (match.any(lexicon.intents.application)) intent = "application";
  else if (riskTypes.length > 0) intent = "hardship_report";
  else if (match.any(lexicon.intents.chit_chat)) intent = "chit_chat";
  else intent = "other";

  const isHardship = (intent === "hardship_report" || intent === "application") && riskTypes.length > 0;
  return {
    isHardship,
    intent,
    riskTypes: isHardship ? riskTypes : [],
    amounts: extractAmounts(text),
    people,
    caseNumber: caseNumber ? `${caseNumber[1]}-${caseNumber[2]}` : null,
    signals: { expenseSurge: match.any(lexicon.expenseSurge), incomeDrop: match.any(lexicon.incomeDrop) },
  };
}
