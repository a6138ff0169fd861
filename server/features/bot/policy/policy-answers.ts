import topicsJson from "./policy-topics.json" with { type: "json" };

/**
 * Which policy question a resident is asking: "低保要什么条件" → the low-income topic, its conditions. Pure and
 * framework-free: the conversation engine calls it and replies with the i18n keys from policyAnswerKeys (the
 * texts are in server/core/i18n/locales/policy-answers.ts, under `bot.policy`). Topics, cues and the seed each
 * answer is drawn from are data (policy-topics.json); a topic's source quote is checked against the seed copy in
 * sources/ by the tests.
 */

export type PolicyApplicationKind = "ASSISTANCE_APPLICATION" | "MONITORING_APPLICATION";
export const policyAspects = ["materials", "conditions", "timeline", "amount", "process"] as const;
export type PolicyAspect = (typeof policyAspects)[number];

/** Where an answer comes from: a seed document, as written there. */
export interface PolicySource {
  /** The seed's file name (a copy is in sources/). */
  file: string;
  /** The document's title as the seed spells it. */
  title: string;
  /** The heading of the part (篇) inside a compilation, as written, or null for a single document. */
  part: string | null;
  /** The section or article the answer follows. */
  section: string;
  /** A short passage (at most 40 characters) copied verbatim from the seed. */
  quote: string;
}

export interface PolicyTopicAspect {
  /** Cues for this aspect in this topic only, on top of the shared ones. */
  cues?: string[];
  /** Its own source, when it is drawn from another section than the topic's. */
  source?: PolicySource;
}

export interface PolicyTopic {
  /** kebab-case; the i18n keys use its camelCase form. */
  key: string;
  /** A question about the service itself (where to apply, fees aside): considered only when no subject topic matches. */
  general: boolean;
  /** Wins over other topics that match as well (a question about fees names the program it is about). */
  priority?: number;
  /** Names of the program: any one picks the topic. */
  cues: string[];
  /** Words around it ("住院", "学费"): pick the topic only together with a policy word ("救助", "补助"). */
  relatedCues?: string[];
  /** At least one of these must also be present (a how-question about progress, not the "查进度" command). */
  requires?: string[];
  /** What the bot offers to start after the answer. */
  applicationKind: PolicyApplicationKind | null;
  source: PolicySource;
  aspects?: Partial<Record<PolicyAspect, PolicyTopicAspect>>;
}

interface AspectDefinition {
  key: PolicyAspect;
  cues: string[];
  /** Answered by this aspect when the topic has no answer of its own (materials → process). */
  fallback?: PolicyAspect;
}

interface PolicyData {
  askCues: string[];
  trailingAskParticles: string[];
  policyWords: string[];
  statusPhrases: string[];
  aspects: AspectDefinition[];
  topics: PolicyTopic[];
}

export interface PolicyMatch {
  topic: string;
  aspect: PolicyAspect | null;
  applicationKind: PolicyApplicationKind | null;
}

const data = topicsJson as PolicyData;

/** Every topic the bot can answer, in the order they are tried. */
export const policyTopics: readonly PolicyTopic[] = data.topics;
/** The aspects in the order they are detected (the first one found wins). */
export const policyAspectDefinitions: readonly AspectDefinition[] = data.aspects;

// ---------- normalising ----------

/** Traditional characters that occur in the cues, written as simplified (NFKC leaves them alone). */
const traditionalToSimplified: Record<string, string> = Object.fromEntries(
  "條条 請请 臨临 時时 醫医 療疗 監监 測测 貧贫 資资 學学 證证 辦办 裡里 麼么 麽么 甚什 幾几 錢钱 報报 進进 補补 養养 戶户 給给 難难 險险 會会 這这 個个 嗎吗 還还 過过 們们 書书 單单 準准 級级 審审 發发 災灾 殘残 診诊 貼贴 費费 務务 門门 鄉乡 鎮镇 縣县 區区 問问 題题 電电 話话 紹绍 該该 於于 後后 寫写 農农 規规 權权 員员 專专 處处 應应 關关 實实 現现 體体 來来 沒没 樣样 帶带 備备 當当 標标 護护 勞劳 動动 貸贷 獎奖 邊边 脫脱 傷伤 鑑鉴 鑒鉴 換换 擔担 盡尽 驗验 傢家 夠够 幫帮 歲岁 讀读 錄录 蓋盖"
    .split(" ")
    .map((pair) => [...pair] as [string, string]),
);

/** NFKC (full-width letters and "？" become ASCII), lower case, common traditional characters as simplified, spaces collapsed. */
export function normalisePolicyText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u3400-\u9fff]/gu, (c) => traditionalToSimplified[c] ?? c)
    .replace(/\s+/gu, " ")
    .trim();
}

const isAscii = (cue: string) => /^[\x20-\x7e]+$/u.test(cue);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
/** Each cue as it is matched: normalised like the message, Latin ones as a pattern. Built once per cue. */
const cueMatchers = new Map<string, (text: string) => boolean>();

/** A Chinese cue anywhere; a Latin one at the start of a word ("apply" is not inside "reapply", "documents" holds "document"). */
function has(text: string, cue: string): boolean {
  let matcher = cueMatchers.get(cue);
  if (!matcher) {
    const normalisedCue = normalisePolicyText(cue);
    const pattern = new RegExp(`(?<![a-z0-9])${escapeRegExp(normalisedCue)}`, "u");
    matcher = isAscii(normalisedCue) ? (t) => pattern.test(t) : (t) => t.includes(normalisedCue);
    cueMatchers.set(cue, matcher);
  }
  return matcher(text);
}

const hasAny = (text: string, cues: readonly string[] | undefined) => (cues ?? []).some((cue) => has(text, cue));
const longest = (text: string, cues: readonly string[] | undefined) =>
  Math.max(0, ...(cues ?? []).filter((cue) => has(text, cue)).map((cue) => normalisePolicyText(cue).length));
const bare = (text: string) => text.replace(/[\s\p{P}\p{S}]/gu, "");

// ---------- finding the topic ----------

function aspectCues(definition: AspectDefinition, topic: PolicyTopic): string[] {
  return [...definition.cues, ...(topic.aspects?.[definition.key]?.cues ?? [])];
}

/** The message reads as a question: a question word or mark, an aspect cue, or a trailing 不/没/吗 ("能吃低保不"). */
function asks(text: string): boolean {
  if (hasAny(text, data.askCues)) return true;
  if (data.aspects.some((definition) => hasAny(text, definition.cues))) return true;
  const trimmed = text.replace(/[\s\p{P}\p{S}]+$/gu, "");
  return data.trailingAskParticles.some((particle) => trimmed.endsWith(particle));
}

function detectAspect(text: string, topic: PolicyTopic): PolicyAspect | null {
  const answers = topic.aspects ?? {};
  for (const definition of data.aspects) {
    if (!hasAny(text, aspectCues(definition, topic))) continue;
    if (answers[definition.key]) return definition.key;
    if (definition.fallback && answers[definition.fallback]) return definition.fallback;
  }
  return null;
}

const match = (topic: PolicyTopic, aspect: PolicyAspect | null): PolicyMatch => ({
  topic: topic.key,
  aspect,
  applicationKind: topic.applicationKind,
});

/**
 * The policy topic and aspect a message asks about, or null when it is not a policy question (a hardship
 * story, "查进度", "谢谢"). The most specific topic wins: a program's name beats a related word, a longer name
 * beats a shorter one ("临时救助" over "救助"), and the general topics (where to apply, this service, progress)
 * answer only when no program is named.
 */
export function findPolicyTopic(text: string): PolicyMatch | null {
  const t = normalisePolicyText(text);
  if (!bare(t)) return null;

  const satisfies = (topic: PolicyTopic) => !topic.requires || hasAny(t, topic.requires);

  // "我的低保到哪一步了" asks about a case, which is the status flow's; only "怎么查进度" is a question for us.
  if (hasAny(t, data.statusPhrases)) {
    const progress = data.topics.find((topic) => topic.key === "check-progress");
    return progress && hasAny(t, progress.cues) && satisfies(progress) ? match(progress, null) : null;
  }

  const asking = asks(t);
  const isBareName = (topic: PolicyTopic) => topic.cues.some((cue) => bare(normalisePolicyText(cue)) === bare(t));

  let best: { topic: PolicyTopic; rank: [number, number, number] } | null = null;
  for (const topic of data.topics) {
    if (topic.general || !satisfies(topic)) continue;
    const strong = longest(t, topic.cues);
    const weak = strong > 0 ? 0 : longest(t, topic.relatedCues);
    if (strong === 0 && (weak === 0 || !hasAny(t, data.policyWords))) continue;
    if (!asking && !isBareName(topic)) continue;
    const rank: [number, number, number] = [topic.priority ?? 0, strong > 0 ? 2 : 1, strong || weak];
    if (!best || compareRanks(rank, best.rank) > 0) best = { topic, rank };
  }
  if (best) return match(best.topic, detectAspect(t, best.topic));

  let general: { topic: PolicyTopic; length: number } | null = null;
  for (const topic of data.topics) {
    if (!topic.general || !satisfies(topic)) continue;
    const length = longest(t, topic.cues);
    if (length === 0 || !(asking || isBareName(topic))) continue;
    if (!general || length > general.length) general = { topic, length };
  }
  return general ? match(general.topic, null) : null;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

// ---------- the keys of the answer ----------

const camel = (kebab: string) => kebab.replace(/-([a-z])/gu, (_, letter: string) => letter.toUpperCase());
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The i18n keys of the answer and of its citation, under `bot.policy.` and flat (camelCase topic + aspect, so
 * i18next's "." separator never meets a nested object): `bot.policy.lowIncomeMaterials` and
 * `bot.policy.lowIncomeMaterialsSource`, or the topic's own `bot.policy.lowIncomeSource` when the aspect is
 * drawn from the topic's section.
 */
export function policyAnswerKeys(found: Pick<PolicyMatch, "topic" | "aspect">): { answer: string; source: string } {
  const topic = data.topics.find((candidate) => candidate.key === found.topic);
  if (!topic) throw new Error(`no policy topic "${found.topic}"`);
  const aspect = found.aspect && topic.aspects?.[found.aspect] ? found.aspect : null;
  const base = camel(topic.key);
  const answer = aspect ? `${base}${capitalised(aspect)}` : base;
  const source = aspect && topic.aspects?.[aspect]?.source ? `${answer}Source` : `${base}Source`;
  return { answer: `bot.policy.${answer}`, source: `bot.policy.${source}` };
}

/** The source an answer is drawn from: the aspect's own, or the topic's. */
export function policySourceOf(found: Pick<PolicyMatch, "topic" | "aspect">): PolicySource {
  const topic = data.topics.find((candidate) => candidate.key === found.topic);
  if (!topic) throw new Error(`no policy topic "${found.topic}"`);
  return (found.aspect && topic.aspects?.[found.aspect]?.source) || topic.source;
}

/** Every answer the bot can give: each topic's general answer and each of its aspects. */
export function allPolicyAnswers(): PolicyMatch[] {
  return data.topics.flatMap((topic) => [
    match(topic, null),
    ...policyAspects.filter((aspect) => topic.aspects?.[aspect]).map((aspect) => match(topic, aspect)),
  ]);
}
