import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import type { Intent, SpecificRisk, UnderstoodRisk } from "./labels.ts";
import lexiconJson from "./lexicon.json" with { type: "json" };

/**
 * The rules: cue words kept as data (lexicon.json) found in a message the way a village cadre would spot them.
 * A word segmenter (jieba) keeps a cue from matching inside an unrelated word ("有车" must not fire inside
 * "没有车"). What the rules find is strong evidence; the statistical model (text-model.ts) reads the rest.
 */

interface Lexicon {
  corrections: Record<string, string>;
  /** Cue words that state a difficulty of that type ("住院", "学费", "失业"). */
  risks: Record<SpecificRisk, string[]>;
  /** Words that point to a type without stating a difficulty ("医院", "打工", "玉米"): evidence for the model only. */
  riskHints: Record<SpecificRisk, string[]>;
  deathWeak: string[];
  people: string[];
  hardshipGeneric: string[];
  expenseSurge: string[];
  incomeDrop: string[];
  negations: string[];
  intents: Record<Exclude<Intent, "hardship_report" | "other">, string[]>;
  questionMarkers: string[];
  emergency: string[];
}

const lexicon = lexiconJson as Lexicon;
const jieba = Jieba.withDict(dict);
// Longest first, so "屋头" is replaced before a shorter entry could split it.
const corrections = Object.entries(lexicon.corrections).sort((a, b) => b[0].length - a[0].length);

/** Full-width to half-width, lower case, and the usual typos and dialect words replaced. */
export function normalise(text: string): string {
  let result = text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  for (const [from, to] of corrections) result = result.split(from).join(to);
  return result;
}

const englishCues = new Map<string, RegExp>();
/** ASCII alone: an English cue, which must stand as whole words. */
// eslint-disable-next-line no-control-regex
const isEnglishCue = (cue: string) => /^[\x00-\x7f]+$/.test(cue);

class Matcher {
  private readonly starts = new Set<number>();
  readonly words: string[];

  constructor(private readonly text: string) {
    this.words = jieba.cut(text, false);
    let at = 0;
    for (const token of this.words) {
      this.starts.add(at);
      at += token.length;
    }
  }

  /** A Chinese cue must begin where a word begins; an English cue must stand as whole words. */
  has(cue: string): boolean {
    if (isEnglishCue(cue)) {
      let pattern = englishCues.get(cue);
      if (!pattern) {
        pattern = new RegExp(`(^|[^a-z])${cue.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`, "i");
        englishCues.set(cue, pattern);
      }
      return pattern.test(this.text);
    }
    for (let at = this.text.indexOf(cue); at !== -1; at = this.text.indexOf(cue, at + 1)) if (this.starts.has(at)) return true;
    return false;
  }

  any(cues: readonly string[]): boolean {
    return cues.some((cue) => this.has(cue));
  }
}

/** What the rules find in one message. */
export interface LexiconReading {
  /** The message normalised (normalise()). */
  text: string;
  /** Its words, as jieba cuts them. */
  words: string[];
  /** Risk types whose cue words or hints appear ("other" for a generic hardship word and nothing more specific): the rules' reading. */
  riskTypes: UnderstoodRisk[];
  /** Risk types whose cue words (not mere hints) appear. */
  statedRiskTypes: SpecificRisk[];
  people: string[];
  caseNumber: string | null;
  cues: {
    statusQuery: boolean;
    objection: boolean;
    policyQuestion: boolean;
    application: boolean;
    chitChat: boolean;
    question: boolean;
    negation: boolean;
    generic: boolean;
    deathWeak: boolean;
    emergency: boolean;
  };
  /** The rules' own verdict, as before the model: intent first, then hardship = a risk type and a reporting intent. */
  intent: Intent;
  isHardship: boolean;
  signals: { expenseSurge: boolean; incomeDrop: boolean };
}

export function readLexicon(message: string): LexiconReading {
  const text = normalise(message);
  const match = new Matcher(text);
  const caseNumber = /(20\d{2})-?(\d{6,})/.exec(text);

  const types = Object.keys(lexicon.risks) as SpecificRisk[];
  const statedRiskTypes = types.filter((type) => match.any(lexicon.risks[type]));
  const riskTypes: UnderstoodRisk[] = types.filter((type) => statedRiskTypes.includes(type) || match.any(lexicon.riskHints[type]));
  const people = lexicon.people.filter((person) => match.has(person));
  const deathWeak = match.any(lexicon.deathWeak);
  if (!riskTypes.includes("death_of_labourer") && people.length > 0 && deathWeak) riskTypes.push("death_of_labourer");
  const negation = match.any(lexicon.negations);
  const generic = match.any(lexicon.hardshipGeneric);
  if (riskTypes.length === 0 && !negation && generic) riskTypes.push("other");

  const cues = {
    statusQuery: match.any(lexicon.intents.status_query),
    objection: match.any(lexicon.intents.objection),
    policyQuestion: match.any(lexicon.intents.policy_question),
    application: match.any(lexicon.intents.application),
    chitChat: match.any(lexicon.intents.chit_chat),
    question: match.any(lexicon.questionMarkers),
    negation,
    generic,
    deathWeak,
    emergency: match.any(lexicon.emergency),
  };
  let intent: Intent;
  if (caseNumber || cues.statusQuery) intent = "status_query";
  else if (cues.objection && !riskTypes.some((r) => r !== "other")) intent = "objection";
  else if (cues.question && cues.policyQuestion) intent = "policy_question";
  else if (cues.application) intent = "application";
  else if (riskTypes.length > 0) intent = "hardship_report";
  else if (cues.chitChat) intent = "chit_chat";
  else intent = "other";

  return {
    text,
    words: match.words,
    riskTypes,
    statedRiskTypes,
    people,
    caseNumber: caseNumber ? `${caseNumber[1]}-${caseNumber[2]}` : null,
    cues,
    intent,
    isHardship: (intent === "hardship_report" || intent === "application") && riskTypes.length > 0,
    signals: { expenseSurge: match.any(lexicon.expenseSurge), incomeDrop: match.any(lexicon.incomeDrop) },
  };
}
