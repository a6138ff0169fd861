import type { Understanding } from "../../understanding/understand.ts";

/**
 * The bot's conversation as a pure state machine: a message and the current
 * conversation in, the next conversation and what to do out. It asks only for
 * what is still missing, reads a summary back, and submits on "yes". Replies
 * are i18n keys; the service words them and carries out the other effects.
 */

export type AttachmentKind = "PHOTO" | "VOICE" | "DOCUMENT";
export type ApplicationKind = "MONITORING_APPLICATION" | "ASSISTANCE_APPLICATION";

export interface ReportDraft {
  description: string;
  applicantName?: string;
  phone?: string;
  address?: string;
  attachmentIds: string[];
}

export interface ApplicationDraft {
  kind?: ApplicationKind;
  applicantName?: string;
  phone?: string;
  address?: string;
  householdSize?: number;
  difficulty?: string;
  consented?: boolean;
  attachmentIds: string[];
}

/** A household found by the grid worker's search, as the bot lists it. */
export interface HouseholdMatch {
  id: string;
  label: string;
  headName: string;
}

export interface ForwardDraft {
  description: string;
  householdId?: string;
  householdLabel?: string;
  applicantName?: string;
  phone?: string;
  address?: string;
  attachmentIds: string[];
}

export type ApplicationState = {
  step: "apply";
  awaiting: "kind" | "name" | "phone" | "place" | "household" | "difficulty" | "consent" | "confirm";
  draft: ApplicationDraft;
};

export type ConversationState =
  | { step: "idle"; pendingAttachmentIds?: string[] }
  | { step: "report"; awaiting: "name" | "phone" | "place" | "confirm"; draft: ReportDraft }
  | ApplicationState
  | { step: "objection"; awaiting: "case" | "reason" | "confirm"; caseNumber?: string; reason?: string }
  | {
      step: "forward";
      awaiting: "household" | "pick" | "name" | "phone" | "place" | "confirm";
      draft: ForwardDraft;
      matches?: HouseholdMatch[];
    };

/** The whole conversation with one sender: where they are, and an application they put aside. */
export interface Conversation {
  state: ConversationState;
  saved: ApplicationState | null;
}

export interface Submission {
  kind: "HARDSHIP_REPORT" | ApplicationKind;
  description: string;
  applicantName: string;
  phone: string;
  address?: string;
  attachmentIds: string[];
  familyEconomicCheck: boolean;
  /** Applications ask how many people live in the household; the service words it into the description. */
  householdSize?: number;
  /** Filed by a grid worker for this household (or for a new one when absent). */
  onBehalf?: { householdId?: string };
}

export type Effect =
  | { kind: "reply"; key: string; params?: Record<string, string | number> }
  | { kind: "submit"; submission: Submission }
  | { kind: "status"; caseNumber: string | null }
  | { kind: "object"; caseNumber: string; reason: string }
  | { kind: "attachToCase"; attachmentId: string; caseNumber: string }
  | { kind: "myForwarded" }
  | { kind: "bind"; code: string }
  | { kind: "unbind" }
  /** "I don't understand": the service adds who to call. */
  | { kind: "pointToHuman" };

export interface Turn {
  conversation: Conversation;
  effects: Effect[];
}

export interface Input {
  text: string;
  understood: Understanding;
  type: "text" | "chat_history" | "media";
  media?: { attachmentId: string; kind: AttachmentKind };
}

export interface Context {
  /** A bound grid worker (or village cadre) forwards for residents; everyone else is a resident. */
  sender: "resident" | "grid";
  /** The village the message names, when it names exactly one. */
  placeFound: string | null;
  /** Households in the worker's region matching the message (only looked up while asking which household). */
  households?: HouseholdMatch[];
  /** The resident's most recent open case: a photo sent outside a conversation is added to it. */
  openCaseNumber: string | null;
}

const idle: ConversationState = { step: "idle" };
const cancelWords = ["取消", "不报了", "算了", "不要了", "不申请了", "cancel", "stop"];
const restartWords = ["重新开始", "重来", "start over", "restart"];
const helpWords = ["帮助", "菜单", "help", "menu", "?", "？"];
const saveWords = ["先存着", "保存", "稍后", "以后再说", "等会再说", "回头再填", "save", "later"];
const resumeWords = ["继续", "继续填", "接着填", "continue", "resume"];
const yesWords = ["是", "对", "对的", "确认", "好", "好的", "可以", "没错", "嗯", "提交", "yes", "y", "ok", "confirm"];
const noWords = ["不对", "不是", "错了", "改", "no", "n"];
const agreeWords = ["同意", "我同意", "同意授权", "授权", "agree", "i agree"];
const refuseWords = ["不同意", "不授权", "disagree", "no"];
const forwardedListWords = ["我转的", "我的转报", "转报记录", "我报的", "my forwarded", "forwarded"];
const newHouseholdWords = ["新户", "没有", "找不到", "new"];

const normalised = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[。.!！,，\s]+$/g, "");
const isOneOf = (text: string, words: string[]) => words.includes(normalised(text));
const reply = (key: string, params?: Record<string, string | number>): Effect => ({ kind: "reply", key, params });

/** A phone number written the way people do: spaces or dashes inside. */
export function findPhone(text: string): string | null {
  const match = /(?<!\d)(1\d{2}[\s-]?\d{4}[\s-]?\d{4})(?!\d)/.exec(text);
  return match ? match[1]!.replace(/[\s-]/g, "") : null;
}

/** "我叫张三": a name stated inside a longer message (a report's first words are never taken for a name). */
export function findStatedName(text: string): string | null {
  const name = /(?:我叫|我是|名字是|叫)([\u4e00-\u9fa5]{2,4})/.exec(text)?.[1];
  // "我是石门村的" states a place, not a name.
  return name && !/[村镇乡组县的人家里]/.test(name) ? name : null;
}

/** The answer to "what is the name?": "我叫张三" / "张三", or a short Latin name. */
export function findName(text: string): string | null {
  const stated = findStatedName(text);
  if (stated) return stated;
  const bare = text.trim();
  if (/^[\u4e00-\u9fa5]{2,4}$/.test(bare)) return bare;
  if (/^[A-Za-z][A-Za-z .'-]{1,40}$/.test(bare)) return bare;
  return null;
}

const chineseDigits: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** "4" / "四口人" / "家里五个人" → the number of people (1–20). */
export function findCount(text: string): number | null {
  const digits = /(\d{1,2})/.exec(text);
  if (digits) {
    const n = Number(digits[1]);
    return n >= 1 && n <= 20 ? n : null;
  }
  const spelled = /(十[一二三四五六七八九]?|[一两二三四五六七八九]十?)/.exec(text);
  if (!spelled) return null;
  const word = spelled[1]!;
  if (word.length === 1) return chineseDigits[word]!;
  if (word.startsWith("十")) return 10 + chineseDigits[word[1]!]!;
  return chineseDigits[word[0]!]! * 10;
}

function applicationKindIn(text: string): ApplicationKind | null {
  const t = normalised(text);
  if (t === "1" || /监测|防返贫|帮扶|monitor/.test(t)) return "MONITORING_APPLICATION";
  if (t === "2" || /低保|救助|特困|临时救助|assistance|welfare/.test(t)) return "ASSISTANCE_APPLICATION";
  return null;
}

// ---------- answers every flow asks for ----------

interface ContactDraft {
  applicantName?: string;
  phone?: string;
  address?: string;
}

/** The answer to a name, phone or place question, taken into the draft; or the key that asks again. */
function takeContactAnswer<D extends ContactDraft>(awaiting: "name" | "phone" | "place", text: string, draft: D): D | { again: string } {
  switch (awaiting) {
    case "name": {
      const name = findName(text);
      // A phone given with the name saves a question.
      return name ? { ...draft, applicantName: name, phone: draft.phone ?? findPhone(text) ?? undefined } : { again: "bot.askNameAgain" };
    }
    case "phone": {
      const phone = findPhone(text);
      return phone ? { ...draft, phone } : { again: "bot.askPhoneAgain" };
    }
    case "place":
      return text.trim().length >= 2 ? { ...draft, address: text.trim() } : { again: "bot.askPlace" };
  }
}

const contactQuestions = { name: "bot.askName", phone: "bot.askPhone", place: "bot.askPlace" } as const;
const isContactStep = (step: string): step is keyof typeof contactQuestions => step in contactQuestions;

function hardshipSubmission(draft: ReportDraft | ForwardDraft, onBehalf?: Submission["onBehalf"]): Effect {
  return {
    kind: "submit",
    submission: {
      kind: "HARDSHIP_REPORT",
      description: draft.description,
      applicantName: draft.applicantName!,
      phone: draft.phone!,
      address: draft.address,
      attachmentIds: draft.attachmentIds,
      familyEconomicCheck: false,
      ...(onBehalf ? { onBehalf } : {}),
    },
  };
}

// ---------- reports (free-text hardship) ----------

function nextReportQuestion(draft: ReportDraft): ConversationState & { step: "report" } {
  if (!draft.applicantName) return { step: "report", awaiting: "name", draft };
  if (!draft.phone) return { step: "report", awaiting: "phone", draft };
  if (!draft.address) return { step: "report", awaiting: "place", draft };
  return { step: "report", awaiting: "confirm", draft };
}

function reportQuestion(state: ConversationState & { step: "report" }): Effect {
  const { draft } = state;
  if (isContactStep(state.awaiting)) return reply(contactQuestions[state.awaiting]);
  return reply("bot.confirm", {
    name: draft.applicantName!,
    phone: draft.phone!,
    place: draft.address!,
    description: draft.description,
    photos: draft.attachmentIds.length,
  });
}

function report(state: ConversationState & { step: "report" }, input: Input): { state: ConversationState; effects: Effect[] } {
  if (state.awaiting !== "confirm") {
    const taken = takeContactAnswer(state.awaiting, input.text, state.draft);
    if ("again" in taken) return { state, effects: [reply(taken.again)] };
    const next = nextReportQuestion(taken);
    return { state: next, effects: [reportQuestion(next)] };
  }
  if (isOneOf(input.text, yesWords)) return { state: idle, effects: [hardshipSubmission(state.draft)] };
  if (isOneOf(input.text, noWords)) return { state: idle, effects: [reply("bot.startAgain")] };
  return { state, effects: [reply("bot.confirmAgain")] };
}

// ---------- applications (guided, with consent; can be put aside and resumed) ----------

const applicationOrder: ApplicationState["awaiting"][] = [
  "kind",
  "name",
  "phone",
  "place",
  "household",
  "difficulty",
  "consent",
  "confirm",
];

function nextApplicationQuestion(draft: ApplicationDraft): ApplicationState {
  const missing: Record<ApplicationState["awaiting"], boolean> = {
    kind: !draft.kind,
    name: !draft.applicantName,
    phone: !draft.phone,
    place: !draft.address,
    household: !draft.householdSize,
    difficulty: !draft.difficulty,
    consent: !draft.consented,
    confirm: true,
  };
  return { step: "apply", awaiting: applicationOrder.find((step) => missing[step])!, draft };
}

function applicationQuestion(state: ApplicationState): Effect {
  const { draft } = state;
  if (isContactStep(state.awaiting)) return reply(contactQuestions[state.awaiting]);
  switch (state.awaiting) {
    case "kind":
      return reply("bot.apply.askKind");
    case "household":
      return reply("bot.apply.askHousehold");
    case "difficulty":
      return reply("bot.apply.askDifficulty");
    case "consent":
      return reply("bot.apply.askConsent");
    case "confirm":
      return reply("bot.apply.confirm", {
        kind: draft.kind!,
        name: draft.applicantName!,
        phone: draft.phone!,
        place: draft.address!,
        size: draft.householdSize!,
        difficulty: draft.difficulty!,
      });
  }
}

function apply(state: ApplicationState, input: Input): { state: ConversationState; effects: Effect[] } {
  const draft = { ...state.draft };
  const ask = (next: ApplicationState) => ({ state: next as ConversationState, effects: [applicationQuestion(next)] });
  const again = (key: string) => ({ state: state as ConversationState, effects: [reply(key)] });
  switch (state.awaiting) {
    case "kind": {
      const kind = applicationKindIn(input.text);
      if (!kind) return again("bot.apply.askKind");
      draft.kind = kind;
      break;
    }
    case "name":
    case "phone":
    case "place": {
      const taken = takeContactAnswer(state.awaiting, input.text, draft);
      if ("again" in taken) return again(taken.again);
      Object.assign(draft, taken);
      break;
    }
    case "household": {
      const size = findCount(input.text);
      if (!size) return again("bot.apply.askHouseholdAgain");
      draft.householdSize = size;
      break;
    }
    case "difficulty": {
      if (input.text.trim().length < 4) return again("bot.apply.askDifficulty");
      draft.difficulty = input.text.trim();
      break;
    }
    case "consent": {
      if (isOneOf(input.text, refuseWords)) return { state: idle, effects: [reply("bot.apply.consentRefused")] };
      if (!isOneOf(input.text, agreeWords) && !isOneOf(input.text, yesWords)) return again("bot.apply.askConsentAgain");
      draft.consented = true;
      break;
    }
    case "confirm": {
      if (isOneOf(input.text, yesWords)) {
        return {
          state: idle,
          effects: [
            {
              kind: "submit",
              submission: {
                kind: draft.kind!,
                description: draft.difficulty!,
                householdSize: draft.householdSize,
                applicantName: draft.applicantName!,
                phone: draft.phone!,
                address: draft.address,
                attachmentIds: draft.attachmentIds,
                familyEconomicCheck: true,
              },
            },
          ],
        };
      }
      if (isOneOf(input.text, noWords)) {
        const restarted = nextApplicationQuestion({ kind: draft.kind, attachmentIds: draft.attachmentIds });
        return { state: restarted, effects: [reply("bot.apply.startAgain"), applicationQuestion(restarted)] };
      }
      return again("bot.confirmAgain");
    }
  }
  return ask(nextApplicationQuestion(draft));
}

// ---------- objections to a publicity list ----------

function objection(state: ConversationState & { step: "objection" }, input: Input): { state: ConversationState; effects: Effect[] } {
  switch (state.awaiting) {
    case "case": {
      const number = input.understood.caseNumber;
      if (!number) return { state, effects: [reply("bot.objection.askCaseAgain")] };
      return { state: { step: "objection", awaiting: "reason", caseNumber: number }, effects: [reply("bot.objection.askReason")] };
    }
    case "reason": {
      if (input.text.trim().length < 4) return { state, effects: [reply("bot.objection.askReason")] };
      const next = { step: "objection" as const, awaiting: "confirm" as const, caseNumber: state.caseNumber, reason: input.text.trim() };
      return { state: next, effects: [reply("bot.objection.confirm", { number: state.caseNumber!, reason: next.reason })] };
    }
    case "confirm": {
      if (isOneOf(input.text, yesWords))
        return { state: idle, effects: [{ kind: "object", caseNumber: state.caseNumber!, reason: state.reason! }] };
      if (isOneOf(input.text, noWords)) return { state: idle, effects: [reply("bot.cancelled")] };
      return { state, effects: [reply("bot.confirmAgain")] };
    }
  }
}

// ---------- grid workers forwarding for residents ----------

function forwardQuestion(state: ConversationState & { step: "forward" }): Effect {
  const { draft } = state;
  switch (state.awaiting) {
    case "household":
      return reply("bot.forward.askHousehold");
    case "pick":
      return reply("bot.forward.pick", { list: (state.matches ?? []).map((m, i) => `${i + 1}. ${m.label}`).join("\n") });
    case "name":
    case "place":
      return reply(contactQuestions[state.awaiting]);
    case "phone":
      return reply("bot.forward.askPhone");
    case "confirm":
      return reply("bot.forward.confirm", {
        household: draft.householdLabel ?? draft.address ?? "",
        name: draft.applicantName!,
        phone: draft.phone!,
        description: draft.description,
      });
  }
}

function nextForwardQuestion(draft: ForwardDraft): ConversationState & { step: "forward" } {
  if (!draft.applicantName) return { step: "forward", awaiting: "name", draft };
  if (!draft.phone) return { step: "forward", awaiting: "phone", draft };
  if (!draft.householdId && !draft.address) return { step: "forward", awaiting: "place", draft };
  return { step: "forward", awaiting: "confirm", draft };
}

function forward(
  state: ConversationState & { step: "forward" },
  input: Input,
  context: Context,
): { state: ConversationState; effects: Effect[] } {
  const draft = { ...state.draft };
  const ask = (next: ConversationState & { step: "forward" }) => ({ state: next, effects: [forwardQuestion(next)] });
  switch (state.awaiting) {
    case "household": {
      if (isOneOf(input.text, newHouseholdWords)) return ask(nextForwardQuestion(draft));
      const matches = context.households ?? [];
      if (matches.length === 0) return { state, effects: [reply("bot.forward.noMatch")] };
      return ask({ step: "forward", awaiting: "pick", draft, matches });
    }
    case "pick": {
      if (isOneOf(input.text, newHouseholdWords)) return ask(nextForwardQuestion(draft));
      const choice = Number(normalised(input.text));
      const picked = Number.isInteger(choice) ? state.matches?.[choice - 1] : undefined;
      if (!picked) {
        // Another name or number: search again.
        return forward({ step: "forward", awaiting: "household", draft }, input, context);
      }
      draft.householdId = picked.id;
      draft.householdLabel = picked.label;
      draft.applicantName = picked.headName;
      return ask(nextForwardQuestion(draft));
    }
    case "name":
    case "phone":
    case "place": {
      const taken = takeContactAnswer(state.awaiting, input.text, draft);
      if ("again" in taken) return { state, effects: [reply(taken.again)] };
      return ask(nextForwardQuestion(taken));
    }
    case "confirm": {
      if (isOneOf(input.text, yesWords)) return { state: idle, effects: [hardshipSubmission(draft, { householdId: draft.householdId })] };
      if (isOneOf(input.text, noWords)) return { state: idle, effects: [reply("bot.forward.dropped")] };
      return { state, effects: [reply("bot.confirmAgain")] };
    }
  }
}

// ---------- media ----------

function currentQuestion(state: ConversationState): Effect | null {
  switch (state.step) {
    case "report":
      return reportQuestion(state);
    case "apply":
      return applicationQuestion(state);
    case "forward":
      return forwardQuestion(state);
    default:
      return null;
  }
}

function withMedia(conversation: Conversation, media: NonNullable<Input["media"]>, context: Context): Turn {
  const { state } = conversation;
  const kept = reply(media.kind === "VOICE" ? "bot.media.voiceKept" : "bot.media.keptWithDraft");
  if (state.step === "report" || state.step === "apply" || state.step === "forward") {
    const next = {
      ...state,
      draft: { ...state.draft, attachmentIds: [...state.draft.attachmentIds, media.attachmentId] },
    } as ConversationState;
    return { conversation: { ...conversation, state: next }, effects: [kept, currentQuestion(next)!] };
  }
  if (state.step === "idle" && context.openCaseNumber) {
    return {
      conversation,
      effects: [
        { kind: "attachToCase", attachmentId: media.attachmentId, caseNumber: context.openCaseNumber },
        ...(media.kind === "VOICE" ? [reply("bot.media.voiceNotTranscribed")] : []),
      ],
    };
  }
  if (state.step === "idle") {
    // Kept for the report the photo is about, which usually comes next.
    const next: ConversationState = { step: "idle", pendingAttachmentIds: [...(state.pendingAttachmentIds ?? []), media.attachmentId] };
    return {
      conversation: { ...conversation, state: next },
      effects: [kept, reply(context.sender === "grid" ? "bot.media.tellWhatForward" : "bot.media.tellWhat")],
    };
  }
  return { conversation, effects: [kept, reply("bot.media.notNow")] };
}

// ---------- a conversation left alone ----------

/** How long a conversation under way may wait for the sender's next message. */
export const conversationTimeoutMs = 30 * 60_000;

/**
 * What half an hour without an answer does to a conversation under way: an application (eight
 * questions, long to redo) is put aside for "继续", replacing one put aside before; anything else
 * (a report, an objection, a forward: short to redo) is dropped. The reply key tells the sender which.
 * Null when nothing is under way.
 */
export function timeOut(conversation: Conversation): { conversation: Conversation; key: string } | null {
  const { state } = conversation;
  if (state.step === "idle") return null;
  if (state.step === "apply") return { conversation: { state: idle, saved: state }, key: "bot.apply.savedOnTimeout" };
  return { conversation: { ...conversation, state: idle }, key: "bot.timedOut" };
}

/** Whether a conversation last moved at `updatedAt` has waited too long by `now`. */
export function timedOut(updatedAt: Date, now: Date): boolean {
  return now.getTime() - updatedAt.getTime() > conversationTimeoutMs;
}

// ---------- the conversation ----------

export function converse(conversation: Conversation, input: Input, context: Context): Turn {
  const { state, saved } = conversation;
  const text = input.text;
  const stay = (effects: Effect[]): Turn => ({ conversation, effects });
  const to = (next: ConversationState, effects: Effect[], nextSaved: ApplicationState | null = saved): Turn => ({
    conversation: { state: next, saved: nextSaved },
    effects,
  });

  if (input.media) return withMedia(conversation, input.media, context);
  if (isOneOf(text, cancelWords)) return to(idle, [reply(state.step === "idle" ? "bot.nothingToCancel" : "bot.cancelled")]);
  if (isOneOf(text, restartWords))
    return to(idle, [reply("bot.restarted"), reply(context.sender === "grid" ? "bot.gridMenu" : "bot.menu")], null);
  if (isOneOf(text, helpWords)) {
    const question = currentQuestion(state);
    return stay([reply(context.sender === "grid" ? "bot.gridMenu" : "bot.menu"), ...(question ? [question] : [])]);
  }
  if (state.step === "apply" && isOneOf(text, saveWords)) return to(idle, [reply("bot.apply.saved")], state);
  if (state.step === "idle" && saved && isOneOf(text, resumeWords))
    return to(saved, [reply("bot.apply.resumed"), applicationQuestion(saved)], null);

  switch (state.step) {
    case "report": {
      const next = report(state, input);
      return to(next.state, next.effects);
    }
    case "apply": {
      const next = apply(state, input);
      return to(next.state, next.effects);
    }
    case "objection": {
      const next = objection(state, input);
      return to(next.state, next.effects);
    }
    case "forward": {
      const next = forward(state, input, context);
      return to(next.state, next.effects);
    }
    case "idle":
      break;
  }

  const bindCode = /^(?:绑定|bind)\s*(\d{6})$/i.exec(text.trim());
  if (bindCode) return to(idle, [{ kind: "bind", code: bindCode[1]! }]);
  const reminder: Effect[] = saved ? [reply("bot.apply.savedReminder")] : [];
  const pending = state.step === "idle" ? (state.pendingAttachmentIds ?? []) : [];

  if (context.sender === "grid") {
    if (/^(解除绑定|unbind)$/i.test(normalised(text))) return to(idle, [{ kind: "unbind" }]);
    if (isOneOf(text, forwardedListWords)) return to(idle, [{ kind: "myForwarded" }]);
    if (input.understood.intent === "status_query" && input.understood.caseNumber)
      return to(idle, [{ kind: "status", caseNumber: input.understood.caseNumber }]);
    // Whatever else a worker sends (a forwarded message or chat record) is a resident's situation to file.
    if (input.type === "chat_history" || input.understood.isHardship || text.trim().length >= 10) {
      const draft: ForwardDraft = {
        description: text.trim(),
        phone: findPhone(text) ?? undefined,
        address: context.placeFound ?? undefined,
        attachmentIds: pending,
      };
      return to({ step: "forward", awaiting: "household", draft }, [reply("bot.forward.received"), reply("bot.forward.askHousehold")]);
    }
    return to(idle, [reply("bot.gridMenu")]);
  }

  if (input.understood.intent === "status_query")
    return to(idle, [{ kind: "status", caseNumber: input.understood.caseNumber }, ...reminder]);
  if (input.understood.intent === "objection") {
    const number = input.understood.caseNumber;
    return number
      ? to({ step: "objection", awaiting: "reason", caseNumber: number }, [reply("bot.objection.askReason")])
      : to({ step: "objection", awaiting: "case" }, [reply("bot.objection.askCase")]);
  }
  if (
    input.understood.intent === "application" &&
    !(input.understood.isHardship && input.understood.riskTypes.length > 0 && !applicationKindIn(text))
  ) {
    if (saved) return to(saved, [reply("bot.apply.resumed"), applicationQuestion(saved)], null);
    const first = nextApplicationQuestion({
      kind: applicationKindIn(text) ?? undefined,
      attachmentIds: pending,
      phone: findPhone(text) ?? undefined,
    });
    return to(first, [reply("bot.apply.intro"), applicationQuestion(first)]);
  }
  if (input.understood.isHardship) {
    const draft: ReportDraft = {
      description: text.trim(),
      phone: findPhone(text) ?? undefined,
      applicantName: findStatedName(text) ?? undefined,
      // A report that already names its village needs no question about the place.
      address: context.placeFound ?? undefined,
      attachmentIds: pending,
    };
    const next = nextReportQuestion(draft);
    return to(next, [reply("bot.heardDifficulty"), reportQuestion(next)]);
  }
  if (input.understood.intent === "chit_chat") return to(state, [reply("bot.greeting"), reply("bot.menu"), ...reminder]);
  // Anything else gets a person to talk to rather than a loop of "I don't understand".
  return to(state, [{ kind: "pointToHuman" }, ...reminder]);
}
