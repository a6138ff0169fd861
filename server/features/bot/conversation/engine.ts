import type { Understanding } from "../../understanding/understand.ts";
import { findPolicyTopic, type PolicyMatch } from "../policy/policy-answers.ts";
import {
  asksForCall,
  asksProgress,
  asksWhoWeAre,
  declines,
  explicitConsent,
  findContact,
  findCount,
  findPhone,
  findStatedName,
  isNewMatter,
  isOneOf,
  isThanks,
  isWaiting,
  looksLikePlace,
  normalised,
  objectsTo,
  yesOrNo,
} from "./answers.ts";

/**
 * The bot's conversation as a pure state machine: a message and the current
 * conversation in, the next conversation and what to do out. Nobody is lost
 * here: a possible hardship is asked about, then filed or handed to a person
 * (a call-back); an emergency is routed as one with a phone to call now; a
 * draft is put aside, never dropped. Replies are i18n keys; the service words
 * them and carries out the other effects.
 */

export type AttachmentKind = "PHOTO" | "VOICE" | "DOCUMENT";
export type ApplicationKind = "MONITORING_APPLICATION" | "ASSISTANCE_APPLICATION";

/** A village (or township) the region tree recognised, with the name a resident recognises ("柳溪镇桃园村"). */
export interface PlaceRef {
  code: string;
  label: string;
}

interface ContactDraft {
  applicantName?: string;
  phone?: string;
  /** What the resident wrote, or the recognised place's label. */
  address?: string;
  /** The place the tree recognised: the case is routed there, not by the words. */
  regionCode?: string;
}

export interface ReportDraft extends ContactDraft {
  description: string;
  attachmentIds: string[];
  /** Fire, flood, collapse, homeless, no food, serious injury: the emergency-aid (green channel) workflow. */
  emergency?: boolean;
}

export interface ApplicationDraft extends ContactDraft {
  kind?: ApplicationKind;
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

export interface ForwardDraft extends ContactDraft {
  description: string;
  householdId?: string;
  householdLabel?: string;
  attachmentIds: string[];
}

/** What the resident said that the bot could not place, for the person who calls them back. */
export interface CallBackDraft extends ContactDraft {
  messages: string[];
  attachmentIds: string[];
}

export type ReportState = {
  step: "report";
  awaiting: "what" | "duplicate" | "reuse" | "contact" | "placePick" | "confirm";
  draft: ReportDraft;
  choices?: PlaceRef[];
};
export type ApplicationState = {
  step: "apply";
  awaiting: "kind" | "reuse" | "contact" | "placePick" | "household" | "difficulty" | "consent" | "confirm";
  draft: ApplicationDraft;
  choices?: PlaceRef[];
};
export type ForwardState = {
  step: "forward";
  awaiting: "household" | "pick" | "contact" | "placePick" | "confirm";
  draft: ForwardDraft;
  matches?: HouseholdMatch[];
  choices?: PlaceRef[];
};
export type CallBackState = { step: "callback"; awaiting: "contact" | "placePick"; draft: CallBackDraft; choices?: PlaceRef[] };
/** A message that may be a hardship, and the bot asked whether it is. */
export type ClarifyState = { step: "clarify"; messages: string[]; attachmentIds: string[]; contact?: ContactDraft };
export type ObjectionState = { step: "objection"; awaiting: "case" | "reason" | "confirm"; caseNumber?: string; reason?: string };
export type IdleState = { step: "idle"; pendingAttachmentIds?: string[]; offer?: ApplicationKind };

/** A conversation with something being filled in: put aside on a timeout or "先存着", resumed with "继续". */
export type DraftState = ReportState | ApplicationState | ForwardState | CallBackState;
export type ConversationState = IdleState | DraftState | ClarifyState | ObjectionState;

/** The whole conversation with one sender: where they are, and a draft they put aside. */
export interface Conversation {
  state: ConversationState;
  saved: DraftState | null;
}

export interface Submission {
  kind: "HARDSHIP_REPORT" | "EMERGENCY_AID" | "CALL_BACK" | ApplicationKind;
  description: string;
  applicantName: string;
  phone: string;
  address?: string;
  regionCode?: string;
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
  /** More about a case already open: an event its desk sees, not a second case. */
  | { kind: "supplement"; caseNumber: string; text: string; attachmentIds: string[] }
  | { kind: "policy"; match: PolicyMatch; offer: boolean }
  /** A policy question the knowledge base has no answer for: who to ask. */
  | { kind: "policyUnknown" }
  /** Who runs the service and how to check that it is genuine. */
  | { kind: "whoWeAre" }
  /** The phone to call now, in an emergency: the duty office of the place, or the county's. */
  | { kind: "emergencyContact" }
  | { kind: "myForwarded" }
  | { kind: "bind"; code: string }
  | { kind: "unbind" }
  /** Nothing the bot can do: the service adds who to call. */
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

/** The resident's open case, as the duplicate question names it. */
export interface OpenCase {
  number: string;
  stageLabel: string;
}

export interface Context {
  /** A bound grid worker (or village cadre) forwards for residents; everyone else is a resident. */
  sender: "resident" | "grid";
  /** The place the message names: one (found), several it could be (choices), or none. */
  place: { found: PlaceRef | null; choices: PlaceRef[] };
  /** Households in the worker's region matching the message (only looked up while asking which household). */
  households?: HouseholdMatch[];
  /** The resident's open cases, latest first: a photo outside a conversation goes to the first; a new report asks. */
  openCases: OpenCase[];
  /** Name, phone and place from the resident's last case: offered instead of asking again. */
  lastContact: { applicantName: string; phone: string; address?: string; regionCode?: string } | null;
}

const idle: IdleState = { step: "idle" };
const cancelWords = ["取消", "不报了", "算了", "不要了", "不申请了", "cancel", "stop"];
const restartWords = ["重新开始", "重来", "start over", "restart"];
const helpWords = ["帮助", "菜单", "help", "menu", "?", "？"];
const saveWords = ["先存着", "保存", "稍后", "以后再说", "等会再说", "回头再填", "save", "later"];
const resumeWords = ["继续", "继续填", "接着填", "接着报", "continue", "resume"];
const forwardedListWords = ["我转的", "我的转报", "转报记录", "我报的", "my forwarded", "forwarded"];
const newHouseholdWords = ["新户", "没有", "找不到", "new"];
const applyWords = /^(申请|要|要的|要申请|帮我申请|好的?申请|apply|yes,? apply)/i;

const reply = (key: string, params?: Record<string, string | number>): Effect => ({ kind: "reply", key, params });

export { findCount, findPhone, findStatedName };

function applicationKindIn(text: string): ApplicationKind | null {
  const t = normalised(text);
  if (t === "1" || /监测|防返贫|帮扶|monitor/.test(t)) return "MONITORING_APPLICATION";
  if (t === "2" || /低保|救助|特困|临时救助|assistance|welfare/.test(t)) return "ASSISTANCE_APPLICATION";
  return null;
}

/** "吗", "怎么", "?": the message asks something. */
const asksAQuestion = (text: string) => /[?？吗呢么嘛]|怎么|什么|咋|啥|哪|多少|能不能|可不可以|how|what|where|which|can i|do i/i.test(text);

/** A report that says nothing of what happened ("我想报个困难"): the bot asks before filing it. */
function saysWhatHappened(text: string, understood: Understanding): boolean {
  const han = (text.match(/[\u4e00-\u9fa5]/gu) ?? []).length;
  const words = (text.match(/[A-Za-z]+/g) ?? []).length;
  return understood.riskTypes.some((r) => r !== "other") || han >= 14 || words >= 8;
}

// ---------- contact details, asked once for all that is missing ----------

const missingContact = (d: ContactDraft & { householdId?: string }) =>
  // A household on record has its place.
  [!d.applicantName && "name", !d.phone && "phone", !d.address && !d.householdId && "place"].filter((x): x is string => !!x);

/** "请告诉我您的姓名、手机号和住在哪个村" for whichever of the three are missing. */
function askContact(d: ContactDraft & { householdId?: string }, sender: "resident" | "grid" = "resident"): Effect {
  const missing = missingContact(d);
  return reply(sender === "grid" ? "bot.forward.askContact" : "bot.askContact", { missing: missing.join(","), count: missing.length });
}

/**
 * Takes what an answer gives (any of name, phone, place) into the draft. A place the tree finds
 * twice is asked about; words that answer nothing come back as "nothing".
 */
function takeContact<D extends ContactDraft>(
  draft: D,
  input: Input,
  context: Context,
): { draft: D; choices?: PlaceRef[]; took: boolean; badPhone: boolean } {
  const { found, choices } = context.place;
  const contact = findContact(input.text, found ? placeWordsIn(input.text, found) : null);
  const next = { ...draft };
  let took = false;
  if (!next.applicantName && contact.applicantName) {
    next.applicantName = contact.applicantName;
    took = true;
  }
  if (contact.phone) {
    next.phone = contact.phone;
    took = true;
  }
  if (found) {
    next.address = found.label;
    next.regionCode = found.code;
    took = true;
  } else if (choices.length > 1) {
    return { draft: next, choices, took: true, badPhone: false };
  } else if (!next.address && contact.address && (looksLikePlace(contact.address) || /^[A-Za-z][A-Za-z .'-]+$/.test(contact.address))) {
    next.address = contact.address;
    took = true;
  }
  // Eleven digits that are not a mobile number, or a short run of digits where a phone was asked.
  const badPhone = !contact.phone && /\d{5,}/.test(input.text) && !next.phone;
  return { draft: next, took, badPhone };
}

/** The words of the message that named the place, with a group or house number after it (so they are not read as a name). */
function placeWordsIn(text: string, place: PlaceRef): string {
  const compact = text.replace(/\s+/g, "");
  const village = place.label.replace(/^.*?(?:镇|乡|街道)/u, "");
  for (const candidate of [place.label, village, village.replace(/村$|社区$/u, "")])
    if (candidate.length >= 2 && compact.includes(candidate))
      return new RegExp(`${candidate}(?:[一二三四五六七八九十\\d]+(?:组|社|队|号))*`, "u").exec(text)?.[0] ?? candidate;
  return place.label;
}

/** The answer to "which 桃园村?": a number from the list, or words from one label. */
function pickPlace(text: string, choices: PlaceRef[], context: Context): PlaceRef | null {
  const n = Number(normalised(text));
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!;
  if (context.place.found && choices.some((c) => c.code === context.place.found!.code)) return context.place.found;
  const t = normalised(text);
  const byWords = choices.filter((c) => t.length >= 2 && (c.label.includes(t) || t.includes(c.label.slice(0, 2))));
  return byWords.length === 1 ? byWords[0]! : null;
}

const placeChoices = (choices: PlaceRef[]) => choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
const placePickQuestion = (choices: PlaceRef[] = []) => reply("bot.askPlacePick", { list: placeChoices(choices) });

/** "还用上次留的信息吗?" with the name, phone and place of the resident's last case. */
const reuseQuestion = (context: Context) =>
  reply("bot.reuse", {
    name: context.lastContact?.applicantName ?? "",
    phone: context.lastContact?.phone ?? "",
    place: context.lastContact?.address ?? "",
  });

// ---------- reports (free-text hardship) ----------

function nextReport(draft: ReportDraft, context: Context, asked: { reuse?: boolean } = {}): ReportState {
  if (!draft.applicantName && !draft.phone && !draft.address && context.lastContact && !asked.reuse)
    return { step: "report", awaiting: "reuse", draft };
  if (missingContact(draft).length > 0) return { step: "report", awaiting: "contact", draft };
  return { step: "report", awaiting: "confirm", draft };
}

function reportQuestion(state: ReportState, context: Context): Effect {
  const { draft } = state;
  switch (state.awaiting) {
    case "what":
      return reply("bot.askWhat");
    case "duplicate":
      return reply("bot.duplicate.ask", { number: context.openCases[0]?.number ?? "", stage: context.openCases[0]?.stageLabel ?? "" });
    case "reuse":
      return reuseQuestion(context);
    case "contact":
      return askContact(draft);
    case "placePick":
      return placePickQuestion(state.choices);
    case "confirm":
      return reply(draft.emergency ? "bot.emergency.confirm" : "bot.confirm", {
        name: draft.applicantName!,
        phone: draft.phone!,
        place: draft.address!,
        description: draft.description,
        photos: draft.attachmentIds.length,
      });
  }
}

/** More of the story, sent in pieces: added to the description. */
const moreStory = (description: string, text: string) => (description ? `${description}\n${text.trim()}` : text.trim());

function reportSubmission(draft: ReportDraft): Effect {
  return {
    kind: "submit",
    submission: {
      kind: draft.emergency ? "EMERGENCY_AID" : "HARDSHIP_REPORT",
      description: draft.description,
      applicantName: draft.applicantName!,
      phone: draft.phone!,
      address: draft.address,
      regionCode: draft.regionCode,
      attachmentIds: draft.attachmentIds,
      familyEconomicCheck: false,
    },
  };
}

function report(state: ReportState, input: Input, context: Context): { state: ConversationState; effects: Effect[] } {
  const ask = (next: ReportState, before: Effect[] = []) => ({
    state: next as ConversationState,
    effects: [...before, reportQuestion(next, context)],
  });
  const { draft } = state;
  const text = input.text.trim();
  switch (state.awaiting) {
    case "what": {
      if (yesOrNo(text) === "no") return { state: idle, effects: [reply("bot.cancelled")] };
      if (text.length < 2 || yesOrNo(text) === "yes") return ask(state);
      const description = moreStory(draft.description, text);
      return ask(nextReport({ ...draft, description, emergency: draft.emergency || input.understood.emergency }, context));
    }
    case "duplicate": {
      const answer = yesOrNo(text);
      if (isNewMatter(text) || answer === "no") return ask(nextReport(draft, context), [reply("bot.duplicate.newMatter")]);
      if (answer === "yes" || /补充|加进去|加到|add/i.test(text))
        return {
          state: idle,
          effects: [
            { kind: "supplement", caseNumber: context.openCases[0]!.number, text: draft.description, attachmentIds: draft.attachmentIds },
          ],
        };
      return ask(state);
    }
    case "reuse": {
      const answer = yesOrNo(text);
      if (answer === "yes" && context.lastContact) return ask(nextReport({ ...draft, ...context.lastContact }, context, { reuse: true }));
      const taken = takeContact(draft, input, context);
      if (taken.choices) return ask({ step: "report", awaiting: "placePick", draft: taken.draft, choices: taken.choices });
      return ask(nextReport(taken.draft, context, { reuse: true }));
    }
    case "contact":
      return contactAnswer(
        state,
        input,
        context,
        (d) => nextReport(d, context, { reuse: true }),
        (s) => reportQuestion(s, context),
      );
    case "placePick": {
      const picked = pickPlace(text, state.choices ?? [], context);
      if (!picked) return ask(state);
      return ask(nextReport({ ...draft, address: picked.label, regionCode: picked.code }, context, { reuse: true }));
    }
    case "confirm": {
      const answer = yesOrNo(text);
      if (answer === "yes") return { state: idle, effects: [reportSubmission(draft)] };
      if (answer === "no")
        return ask(
          {
            step: "report",
            awaiting: "contact",
            draft: { ...draft, applicantName: undefined, phone: undefined, address: undefined, regionCode: undefined },
          },
          [reply("bot.fixDetails")],
        );
      // More of the story, or a correction of one detail: taken in, and the summary read again.
      const taken = takeContact({ ...draft, applicantName: undefined }, input, context);
      const corrected =
        taken.took && !taken.choices ? { ...taken.draft, applicantName: taken.draft.applicantName ?? draft.applicantName } : null;
      if (corrected) return ask({ ...state, draft: corrected });
      if (text.length >= 4)
        return ask({ ...state, draft: { ...draft, description: moreStory(draft.description, text) } }, [reply("bot.addedToStory")]);
      return { state, effects: [reply("bot.confirmAgain")] };
    }
  }
}

/**
 * An answer to the contact question, in any flow: what it gives is taken; a sentence about the
 * difficulty is added to the story; "等一下" waits; anything else is asked again, kindly.
 */
function contactAnswer<S extends (ReportState | ApplicationState | ForwardState | CallBackState) & { draft: ContactDraft }>(
  state: S,
  input: Input,
  context: Context,
  next: (draft: S["draft"]) => S,
  question: (state: S) => Effect,
): { state: ConversationState; effects: Effect[] } {
  const text = input.text.trim();
  if (isWaiting(text)) return { state, effects: [reply("bot.waiting")] };
  const taken = takeContact(state.draft, input, context);
  if (taken.choices) {
    const picking = { ...state, awaiting: "placePick", draft: taken.draft, choices: taken.choices } as S;
    return { state: picking, effects: [question(picking)] };
  }
  if (taken.took) {
    const after = next(taken.draft);
    return { state: after, effects: [question(after)] };
  }
  if (taken.badPhone) return { state, effects: [reply("bot.askPhoneAgain"), question(state)] };
  // A sentence about the difficulty, sent in pieces: it belongs to the story.
  if ("description" in state.draft && (input.understood.isHardship || text.length >= 8)) {
    const draft = { ...state.draft, description: moreStory(state.draft.description, text) };
    const same = { ...state, draft } as S;
    return { state: same, effects: [reply("bot.addedToStory"), question(same)] };
  }
  return { state, effects: [reply("bot.contactAgain"), question(state)] };
}

// ---------- applications (guided, with consent; can be put aside and resumed) ----------

const applicationOrder: ApplicationState["awaiting"][] = ["kind", "reuse", "contact", "household", "difficulty", "consent", "confirm"];

function nextApplication(draft: ApplicationDraft, context: Context, asked: { reuse?: boolean } = {}): ApplicationState {
  const missing: Record<ApplicationState["awaiting"], boolean> = {
    kind: !draft.kind,
    reuse: !asked.reuse && !!context.lastContact && !draft.applicantName && !draft.phone && !draft.address,
    contact: missingContact(draft).length > 0,
    placePick: false,
    household: !draft.householdSize,
    difficulty: !draft.difficulty,
    consent: !draft.consented,
    confirm: true,
  };
  return { step: "apply", awaiting: applicationOrder.find((step) => missing[step])!, draft };
}

function applicationQuestion(state: ApplicationState, context: Context): Effect {
  const { draft } = state;
  switch (state.awaiting) {
    case "kind":
      return reply("bot.apply.askKind");
    case "reuse":
      return reuseQuestion(context);
    case "contact":
      return askContact(draft);
    case "placePick":
      return placePickQuestion(state.choices);
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

function apply(state: ApplicationState, input: Input, context: Context): { state: ConversationState; effects: Effect[] } {
  const draft = { ...state.draft };
  const text = input.text.trim();
  const again = (key: string) => ({ state: state as ConversationState, effects: [reply(key)] });
  const asked = { reuse: state.awaiting !== "kind" };
  switch (state.awaiting) {
    case "kind": {
      const kind = applicationKindIn(text);
      if (!kind) return again("bot.apply.askKind");
      draft.kind = kind;
      break;
    }
    case "reuse": {
      if (yesOrNo(text) === "yes" && context.lastContact) Object.assign(draft, context.lastContact);
      else {
        const taken = takeContact(draft, input, context);
        if (taken.choices) {
          const picking: ApplicationState = { step: "apply", awaiting: "placePick", draft: taken.draft, choices: taken.choices };
          return { state: picking, effects: [applicationQuestion(picking, context)] };
        }
        Object.assign(draft, taken.draft);
      }
      break;
    }
    case "contact":
      return contactAnswer(
        state,
        input,
        context,
        (d) => nextApplication(d, context, { reuse: true }),
        (s) => applicationQuestion(s, context),
      );
    case "placePick": {
      const picked = pickPlace(text, state.choices ?? [], context);
      if (!picked) return { state, effects: [applicationQuestion(state, context)] };
      Object.assign(draft, { address: picked.label, regionCode: picked.code });
      break;
    }
    case "household": {
      const size = findCount(text);
      if (!size) return again("bot.apply.askHouseholdAgain");
      draft.householdSize = size;
      break;
    }
    case "difficulty": {
      if (text.length < 4 || isWaiting(text)) return again("bot.apply.askDifficulty");
      draft.difficulty = text;
      break;
    }
    case "consent": {
      // Only words that say so: a bare "嗯" is not an authorisation to check a family's deposits.
      const consent = explicitConsent(text);
      if (consent === "refuse") return { state: idle, effects: [reply("bot.apply.consentRefused")] };
      if (consent !== "agree") return again("bot.apply.askConsentAgain");
      draft.consented = true;
      break;
    }
    case "confirm": {
      const answer = yesOrNo(text);
      if (answer === "yes") {
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
                regionCode: draft.regionCode,
                attachmentIds: draft.attachmentIds,
                familyEconomicCheck: true,
              },
            },
          ],
        };
      }
      if (answer === "no") {
        const restarted = nextApplication({ kind: draft.kind, attachmentIds: draft.attachmentIds }, context, { reuse: true });
        return { state: restarted, effects: [reply("bot.apply.startAgain"), applicationQuestion(restarted, context)] };
      }
      return again("bot.confirmAgain");
    }
  }
  const next = nextApplication(draft, context, asked);
  return { state: next, effects: [applicationQuestion(next, context)] };
}

// ---------- call-backs: a person rings the resident the bot could not help ----------

function callBackQuestion(state: CallBackState): Effect {
  if (state.awaiting === "placePick") return placePickQuestion(state.choices);
  return reply(state.draft.phone ? "bot.callBack.askPlace" : "bot.callBack.askPhone");
}

function callBackSubmission(draft: CallBackDraft): Effect {
  return {
    kind: "submit",
    submission: {
      kind: "CALL_BACK",
      description: draft.messages.join("\n"),
      applicantName: draft.applicantName ?? "",
      phone: draft.phone!,
      address: draft.address,
      regionCode: draft.regionCode,
      attachmentIds: draft.attachmentIds,
      familyEconomicCheck: false,
    },
  };
}

/** Hands the messages to the village desk: filed at once when a phone is known, else asked for first. */
function handToPerson(draft: CallBackDraft, context: Context, first: Effect[]): { state: ConversationState; effects: Effect[] } {
  const known = { ...draft, ...(context.lastContact && !draft.phone ? context.lastContact : {}) };
  if (known.phone && known.address) return { state: idle, effects: [...first, callBackSubmission(known)] };
  const state: CallBackState = { step: "callback", awaiting: "contact", draft: known };
  return { state, effects: [...first, callBackQuestion(state)] };
}

function callBack(state: CallBackState, input: Input, context: Context): { state: ConversationState; effects: Effect[] } {
  const text = input.text.trim();
  if (state.awaiting === "placePick") {
    const picked = pickPlace(text, state.choices ?? [], context);
    if (!picked) return { state, effects: [callBackQuestion(state)] };
    return { state: idle, effects: [callBackSubmission({ ...state.draft, address: picked.label, regionCode: picked.code })] };
  }
  if (isWaiting(text)) return { state, effects: [reply("bot.waiting")] };
  const taken = takeContact(state.draft, input, context);
  if (taken.choices) {
    const picking: CallBackState = { ...state, awaiting: "placePick", draft: taken.draft, choices: taken.choices };
    return { state: picking, effects: [callBackQuestion(picking)] };
  }
  const draft = taken.draft;
  // A place is wished for, not required: without one the county desk rings back.
  if (draft.phone && (draft.address || (state.draft.phone && !taken.took))) return { state: idle, effects: [callBackSubmission(draft)] };
  if (!taken.took) {
    if (!draft.phone) return { state, effects: [reply(taken.badPhone ? "bot.askPhoneAgain" : "bot.callBack.askPhone")] };
    return { state: idle, effects: [callBackSubmission({ ...draft, messages: [...draft.messages, text] })] };
  }
  const next = { ...state, draft };
  return { state: next, effects: [callBackQuestion(next)] };
}

// ---------- a message the bot is not sure about ----------

function clarify(state: ClarifyState, input: Input, context: Context): { state: ConversationState; effects: Effect[] } {
  const text = input.text.trim();
  const messages = [...state.messages, text];
  const answer = yesOrNo(text);
  if (answer === "no") return { state: idle, effects: [reply("bot.clarify.notHardship"), reply("bot.menu")] };
  if (answer === "yes") {
    // The bot was unsure what the first words meant: what happened is asked, and added to them.
    const next: ReportState = {
      step: "report",
      awaiting: "what",
      draft: { ...state.contact, description: state.messages.join("\n"), attachmentIds: state.attachmentIds },
    };
    return { state: next, effects: [reply("bot.heardDifficulty"), reportQuestion(next, context)] };
  }
  if (input.understood.isHardship || input.understood.emergency)
    return startReport(messages.join("\n"), input, context, state.attachmentIds, state.contact);
  // Still unsure after asking: a person rings back rather than the resident being left with "没看懂".
  return handToPerson({ ...state.contact, messages, attachmentIds: state.attachmentIds }, context, [reply("bot.callBack.handing")]);
}

// ---------- objections to a publicity list ----------

function objection(state: ObjectionState, input: Input): { state: ConversationState; effects: Effect[] } {
  switch (state.awaiting) {
    case "case": {
      const number = input.understood.caseNumber;
      if (!number) return { state, effects: [reply("bot.objection.askCaseAgain")] };
      return { state: { step: "objection", awaiting: "reason", caseNumber: number }, effects: [reply("bot.objection.askReason")] };
    }
    case "reason": {
      if (input.text.trim().length < 4) return { state, effects: [reply("bot.objection.askReason")] };
      const next: ObjectionState = { step: "objection", awaiting: "confirm", caseNumber: state.caseNumber, reason: input.text.trim() };
      return { state: next, effects: [reply("bot.objection.confirm", { number: state.caseNumber!, reason: next.reason! })] };
    }
    case "confirm": {
      const answer = yesOrNo(input.text);
      if (answer === "yes") return { state: idle, effects: [{ kind: "object", caseNumber: state.caseNumber!, reason: state.reason! }] };
      if (answer === "no") return { state: idle, effects: [reply("bot.cancelled")] };
      return { state, effects: [reply("bot.confirmAgain")] };
    }
  }
}

// ---------- grid workers forwarding for residents ----------

function forwardQuestion(state: ForwardState): Effect {
  const { draft } = state;
  switch (state.awaiting) {
    case "household":
      return reply("bot.forward.askHousehold");
    case "pick":
      return reply("bot.forward.pick", { list: (state.matches ?? []).map((m, i) => `${i + 1}. ${m.label}`).join("\n") });
    case "contact":
      return askContact(draft, "grid");
    case "placePick":
      return placePickQuestion(state.choices);
    case "confirm":
      return reply("bot.forward.confirm", {
        household: draft.householdLabel ?? draft.address ?? "",
        name: draft.applicantName!,
        phone: draft.phone!,
        description: draft.description,
      });
  }
}

function nextForward(draft: ForwardDraft): ForwardState {
  const missing = missingContact(draft);
  return { step: "forward", awaiting: missing.length > 0 ? "contact" : "confirm", draft };
}

function forward(state: ForwardState, input: Input, context: Context): { state: ConversationState; effects: Effect[] } {
  const draft = { ...state.draft };
  const ask = (next: ForwardState) => ({ state: next as ConversationState, effects: [forwardQuestion(next)] });
  switch (state.awaiting) {
    case "household": {
      if (isOneOf(input.text, newHouseholdWords)) return ask(nextForward(draft));
      const matches = context.households ?? [];
      if (matches.length === 0) return { state, effects: [reply("bot.forward.noMatch")] };
      return ask({ step: "forward", awaiting: "pick", draft, matches });
    }
    case "pick": {
      if (isOneOf(input.text, newHouseholdWords)) return ask(nextForward(draft));
      const choice = Number(normalised(input.text));
      const picked = Number.isInteger(choice) ? state.matches?.[choice - 1] : undefined;
      // Another name or number: search again.
      if (!picked) return forward({ step: "forward", awaiting: "household", draft }, input, context);
      return ask(nextForward({ ...draft, householdId: picked.id, householdLabel: picked.label, applicantName: picked.headName }));
    }
    case "contact":
      return contactAnswer(state, input, context, (d) => nextForward(d), forwardQuestion);
    case "placePick": {
      const picked = pickPlace(input.text, state.choices ?? [], context);
      if (!picked) return ask(state);
      return ask(nextForward({ ...draft, address: picked.label, regionCode: picked.code }));
    }
    case "confirm": {
      const answer = yesOrNo(input.text);
      if (answer === "yes")
        return {
          state: idle,
          effects: [
            {
              kind: "submit",
              submission: {
                ...(reportSubmission(draft) as { submission: Submission }).submission,
                onBehalf: { householdId: draft.householdId },
              },
            },
          ],
        };
      if (answer === "no") return { state: idle, effects: [reply("bot.forward.dropped")] };
      return { state, effects: [reply("bot.confirmAgain")] };
    }
  }
}

// ---------- media ----------

function currentQuestion(state: ConversationState, context: Context): Effect | null {
  switch (state.step) {
    case "report":
      return reportQuestion(state, context);
    case "apply":
      return applicationQuestion(state, context);
    case "forward":
      return forwardQuestion(state);
    case "callback":
      return callBackQuestion(state);
    case "clarify":
      return reply("bot.clarify.ask");
    case "objection":
      return state.awaiting === "case"
        ? reply("bot.objection.askCase")
        : state.awaiting === "reason"
          ? reply("bot.objection.askReason")
          : reply("bot.confirmAgain");
    case "idle":
      return null;
  }
}

function withMedia(conversation: Conversation, media: NonNullable<Input["media"]>, context: Context): Turn {
  const { state } = conversation;
  const voice = media.kind === "VOICE";
  const kept = reply(voice ? "bot.media.voiceKept" : "bot.media.keptWithDraft");
  if ("draft" in state) {
    const next = {
      ...state,
      draft: { ...state.draft, attachmentIds: [...state.draft.attachmentIds, media.attachmentId] },
    } as ConversationState;
    return { conversation: { ...conversation, state: next }, effects: [kept, currentQuestion(next, context)!] };
  }
  if (state.step === "clarify") {
    const next: ClarifyState = { ...state, attachmentIds: [...state.attachmentIds, media.attachmentId] };
    return { conversation: { ...conversation, state: next }, effects: [kept, reply("bot.clarify.ask")] };
  }
  const open = context.openCases[0];
  if (state.step === "idle" && open) {
    return {
      conversation,
      effects: [{ kind: "attachToCase", attachmentId: media.attachmentId, caseNumber: open.number }],
    };
  }
  if (state.step === "idle" && voice && context.sender === "resident") {
    // No transcriber: a person listens and rings back, instead of "I cannot understand voice" and nothing else.
    const handed = handToPerson({ messages: [], attachmentIds: [...(state.pendingAttachmentIds ?? []), media.attachmentId] }, context, [
      reply("bot.media.voiceToPerson"),
    ]);
    return { conversation: { ...conversation, state: handed.state }, effects: handed.effects };
  }
  if (state.step === "idle") {
    // Kept for the report the photo is about, which usually comes next.
    const next: IdleState = { step: "idle", pendingAttachmentIds: [...(state.pendingAttachmentIds ?? []), media.attachmentId] };
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
 * What half an hour without an answer does to a conversation under way: a draft (a report, an
 * application, a forward, a call-back) is put aside for "继续", replacing one put aside before —
 * never dropped; a question the bot asked (is this a hardship? the objection's reason) is let go.
 * The reply key tells the sender which. Null when nothing is under way.
 */
export function timeOut(conversation: Conversation): { conversation: Conversation; key: string } | null {
  const { state } = conversation;
  if (state.step === "idle") return null;
  if ("draft" in state) return { conversation: { state: idle, saved: state }, key: `bot.saved.onTimeout.${state.step}` };
  return { conversation: { ...conversation, state: idle }, key: "bot.timedOut" };
}

/** Whether a conversation last moved at `updatedAt` has waited too long by `now`. */
export function timedOut(updatedAt: Date, now: Date): boolean {
  return now.getTime() - updatedAt.getTime() > conversationTimeoutMs;
}

// ---------- the conversation ----------

/** A question asked in the middle of something else: answered, then the open question asked again. */
function aside(input: Input, state: ConversationState, sender: Context["sender"], openCases: number): Effect | null {
  const text = input.text.trim();
  const { understood } = input;
  // The case number an objection asks for is its answer, not a progress query.
  if (state.step === "objection") return null;
  if (understood.intent === "status_query" && (understood.caseNumber || normalised(text).length <= 8) && !objectsTo(text))
    return { kind: "status", caseNumber: understood.caseNumber };
  if (sender === "grid") return null;
  if (openCases > 0 && asksProgress(text) && !understood.isHardship && normalised(text).length <= 16)
    return { kind: "status", caseNumber: null };
  const policy = !understood.isHardship && understood.intent === "policy_question" ? findPolicyTopic(text) : null;
  if (policy) return { kind: "policy", match: policy, offer: false };
  if (asksWhoWeAre(text) && text.length <= 24 && !yesOrNo(text)) return { kind: "whoWeAre" };
  return null;
}

/**
 * A name in a report's first message: stated ("我叫…"), or written beside a phone number, as people
 * do who give their details up front ("白沙村李春花 137…"). A story's words are never taken for one.
 */
function nameWithPhone(text: string, place: PlaceRef | null): string | undefined {
  const stated = findStatedName(text);
  if (stated) return stated;
  if (!findPhone(text)) return undefined;
  return findContact(text, place ? placeWordsIn(text, place) : null).applicantName;
}

function startReport(
  description: string,
  input: Input,
  context: Context,
  attachmentIds: string[],
  known: ContactDraft = {},
): { state: ConversationState; effects: Effect[] } {
  const emergency = input.understood.emergency;
  const found = context.place.found;
  const draft: ReportDraft = {
    description,
    phone: findPhone(description) ?? undefined,
    applicantName: nameWithPhone(description, found),
    // A report that already names its village needs no question about the place.
    address: found?.label,
    regionCode: found?.code,
    attachmentIds,
    ...(emergency ? { emergency: true } : {}),
  };
  // What an earlier message gave (the bot asked what it was about) fills what this one lacks.
  for (const key of ["applicantName", "phone", "address", "regionCode"] as const) draft[key] ??= known[key];
  const first: Effect[] = emergency ? [{ kind: "emergencyContact" }] : [];
  let next: ReportState;
  if (!saysWhatHappened(description, input.understood)) next = { step: "report", awaiting: "what", draft };
  else if (!emergency && context.openCases.length > 0 && !isNewMatter(description)) next = { step: "report", awaiting: "duplicate", draft };
  else if (!found && context.place.choices.length > 1 && !context.lastContact)
    next = { step: "report", awaiting: "placePick", draft, choices: context.place.choices };
  else next = nextReport(draft, context);
  if (!emergency) first.push(reply(next.awaiting === "confirm" ? "bot.heardAll" : "bot.heardDifficulty"));
  return { state: next, effects: [...first, reportQuestion(next, context)] };
}

function resumeQuestion(saved: DraftState, context: Context): Effect {
  return currentQuestion(saved, context)!;
}

export function converse(conversation: Conversation, input: Input, context: Context): Turn {
  const { state, saved } = conversation;
  const text = input.text;
  const stay = (effects: Effect[]): Turn => ({ conversation, effects });
  const to = (next: ConversationState, effects: Effect[], nextSaved: DraftState | null = saved): Turn => ({
    conversation: { state: next, saved: nextSaved },
    effects,
  });
  const menu = () => reply(context.sender === "grid" ? "bot.gridMenu" : "bot.menu");

  if (input.media) return withMedia(conversation, input.media, context);
  if (isOneOf(text, cancelWords) || (state.step !== "idle" && declines(text)))
    return to(idle, [reply(state.step === "idle" ? "bot.nothingToCancel" : "bot.cancelled")]);
  if (isOneOf(text, restartWords)) return to(idle, [reply("bot.restarted"), menu()], null);
  if (isOneOf(text, helpWords)) {
    const question = currentQuestion(state, context);
    return stay([menu(), ...(question ? [question] : [])]);
  }
  if ("draft" in state && isOneOf(text, saveWords)) return to(idle, [reply("bot.saved.now")], state);
  if (state.step === "idle" && saved && isOneOf(text, resumeWords))
    return to(saved, [reply("bot.saved.resumed"), resumeQuestion(saved, context)], null);

  if (state.step !== "idle") {
    const asked = aside(input, state, context.sender, context.openCases.length);
    if (asked) return stay([asked, currentQuestion(state, context)!]);
  }

  const flow = (next: { state: ConversationState; effects: Effect[] }) => to(next.state, next.effects);
  // An emergency told in the middle of a report ("水还在涨"): it becomes one at once, the phone given now.
  if (state.step === "report" && input.understood.emergency && !state.draft.emergency) {
    const upgraded: ReportState = {
      ...state,
      draft: { ...state.draft, emergency: true, description: moreStory(state.draft.description, text) },
    };
    return to(upgraded, [{ kind: "emergencyContact" }, reportQuestion(upgraded, context)]);
  }
  switch (state.step) {
    case "report":
      return flow(report(state, input, context));
    case "apply":
      return flow(apply(state, input, context));
    case "objection":
      return flow(objection(state, input));
    case "forward":
      return flow(forward(state, input, context));
    case "callback":
      return flow(callBack(state, input, context));
    case "clarify":
      return flow(clarify(state, input, context));
    case "idle":
      break;
  }

  const bindCode = /^(?:绑定|bind)\s*(\d{6})$/i.exec(text.trim());
  if (bindCode) return to(idle, [{ kind: "bind", code: bindCode[1]! }]);
  const reminder: Effect[] = saved ? [reply(`bot.saved.reminder.${saved.step}`)] : [];
  const pending = state.pendingAttachmentIds ?? [];
  const { understood } = input;

  if (context.sender === "grid") {
    if (/^(解除绑定|unbind)$/i.test(normalised(text))) return to(idle, [{ kind: "unbind" }]);
    if (isOneOf(text, forwardedListWords)) return to(idle, [{ kind: "myForwarded" }]);
    if (understood.intent === "status_query" && understood.caseNumber)
      return to(idle, [{ kind: "status", caseNumber: understood.caseNumber }]);
    // Whatever else a worker sends (a forwarded message or chat record) is a resident's situation to file.
    if (input.type === "chat_history" || understood.isHardship || text.trim().length >= 10) {
      const found = context.place.found;
      const draft: ForwardDraft = {
        description: text.trim(),
        phone: findPhone(text) ?? undefined,
        address: found?.label,
        regionCode: found?.code,
        attachmentIds: pending,
      };
      return to({ step: "forward", awaiting: "household", draft }, [reply("bot.forward.received"), reply("bot.forward.askHousehold")]);
    }
    return to(idle, [menu()]);
  }

  // An answer to "要不要现在帮您申请?" after a policy answer.
  if (state.offer && (applyWords.test(normalised(text)) || yesOrNo(text) === "yes")) {
    const first = nextApplication({ kind: state.offer, attachmentIds: pending }, context);
    return to(first, [reply("bot.apply.intro"), applicationQuestion(first, context)]);
  }
  if (state.offer && yesOrNo(text) === "no") return to(idle, [reply("bot.policy.noApply")]);

  // "你们打电话给我嘛": a person rings back, with whatever was said.
  if (asksForCall(text) && !understood.emergency)
    return flow(
      handToPerson({ messages: [text.trim()], attachmentIds: pending, phone: findPhone(text) ?? undefined }, context, [
        reply("bot.callBack.handing"),
      ]),
    );
  // "村里啥时候来人": a question about the case already open.
  if (context.openCases.length > 0 && asksProgress(text) && !understood.isHardship)
    return to(idle, [{ kind: "status", caseNumber: understood.caseNumber }, ...reminder]);
  // "我有异议 2026-000123": an objection to that case, not a question about its progress.
  if (understood.caseNumber && objectsTo(text))
    return to({ step: "objection", awaiting: "reason", caseNumber: understood.caseNumber }, [reply("bot.objection.askReason")]);
  if (understood.intent === "status_query") return to(idle, [{ kind: "status", caseNumber: understood.caseNumber }, ...reminder]);
  if (understood.intent === "objection" || (objectsTo(text) && !understood.isHardship)) {
    const number = understood.caseNumber;
    return number
      ? to({ step: "objection", awaiting: "reason", caseNumber: number }, [reply("bot.objection.askReason")])
      : to({ step: "objection", awaiting: "case" }, [reply("bot.objection.askCase")]);
  }
  if (understood.emergency) return flow(startReport(text.trim(), input, context, pending));
  // "我想报个困难": a report that has not said what happened yet, not an application.
  if (!understood.isHardship && /报|反映/.test(text) && !applicationKindIn(text) && understood.intent === "application")
    return flow(startReport(text.trim(), input, context, pending));
  if (understood.intent === "application" && !(understood.isHardship && understood.riskTypes.length > 0 && !applicationKindIn(text))) {
    if (saved?.step === "apply") return to(saved, [reply("bot.saved.resumed"), applicationQuestion(saved, context)], null);
    const first = nextApplication(
      {
        kind: applicationKindIn(text) ?? undefined,
        attachmentIds: pending,
        phone: findPhone(text) ?? undefined,
        applicantName: nameWithPhone(text, context.place.found),
        address: context.place.found?.label,
        regionCode: context.place.found?.code,
      },
      context,
    );
    return to(first, [reply("bot.apply.intro"), applicationQuestion(first, context)]);
  }
  if (understood.isHardship) {
    const next = startReport(text.trim(), input, context, pending);
    return to(next.state, [...next.effects, ...reminder]);
  }
  if (asksWhoWeAre(text)) return to(idle, [{ kind: "whoWeAre" }]);
  const policy = findPolicyTopic(text);
  if (policy)
    return to({ step: "idle", ...(policy.applicationKind ? { offer: policy.applicationKind } : {}) }, [
      { kind: "policy", match: policy, offer: !!policy.applicationKind },
    ]);
  if (understood.intent === "policy_question" && !understood.isHardship && asksAQuestion(text))
    return to(idle, [{ kind: "policyUnknown" }]);
  if (isThanks(text)) return to(idle, [reply("bot.thanks"), ...reminder]);
  if (understood.intent === "chit_chat" || /^(喂|在吗|在不在|有人吗|有人在吗|hello|hi|hey)$/i.test(normalised(text)))
    return to(idle, [{ kind: "whoWeAre" }, menu(), ...reminder]);
  // Not understood, but long enough to be somebody's trouble: asked, never answered "没看懂".
  const maybe = understood.hardshipScore >= 0.2 || normalised(text).replace(/[^\p{L}\p{N}]/gu, "").length >= 6;
  // A resident with a case open most likely says more about it: asked whether it belongs there.
  if (maybe && context.openCases.length > 0) {
    const next: ReportState = { step: "report", awaiting: "duplicate", draft: { description: text.trim(), attachmentIds: pending } };
    return to(next, [reportQuestion(next, context)]);
  }
  if (maybe) {
    // Details given before the story ("蒋文华 138… 石门村") are kept for it.
    const contact = takeContact({}, input, context);
    const known = contact.took && !contact.choices ? contact.draft : undefined;
    return to({ step: "clarify", messages: [text.trim()], attachmentIds: pending, ...(known ? { contact: known } : {}) }, [
      reply("bot.clarify.ask"),
    ]);
  }
  return to(state, [{ kind: "pointToHuman" }, ...reminder]);
}
