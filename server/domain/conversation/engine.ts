import type { Understanding } from "../understanding/understand.ts";

/**
 * The bot's conversation as a pure state machine: a message and the current
 * state in, the next state and what to do out. It asks only for what a report
 * still lacks (name, phone, place), reads a summary back, and submits on "yes".
 * Replies are i18n keys; the service words them and carries out the effects.
 */

export interface ReportDraft {
  description: string;
  riskTypes: string[];
  applicantName?: string;
  phone?: string;
  address?: string;
}

export type ConversationState = { step: "idle" } | { step: "report"; awaiting: "name" | "phone" | "place" | "confirm"; draft: ReportDraft };

export type Effect =
  | { kind: "reply"; key: string; params?: Record<string, string | number> }
  | { kind: "submit"; draft: Required<Pick<ReportDraft, "description" | "applicantName" | "phone">> & ReportDraft }
  | { kind: "status"; caseNumber: string | null };

export interface Turn {
  state: ConversationState;
  effects: Effect[];
}

const idle: ConversationState = { step: "idle" };
const cancelWords = ["取消", "不报了", "算了", "不要了", "cancel", "stop"];
const restartWords = ["重新开始", "重来", "start over", "restart"];
const helpWords = ["帮助", "菜单", "help", "menu", "?", "？"];
const yesWords = ["是", "对", "对的", "确认", "好", "好的", "可以", "没错", "嗯", "提交", "yes", "y", "ok", "confirm"];
const noWords = ["不对", "不是", "错了", "改", "no", "n"];

const normalised = (text: string) => text.trim().toLowerCase().replace(/[。.!！,，\s]+$/g, "");
const isOneOf = (text: string, words: string[]) => words.includes(normalised(text));

/** A phone number written the way people do: spaces or dashes inside. */
export function findPhone(text: string): string | null {
  const match = /(?<!\d)(1\d{2}[\s-]?\d{4}[\s-]?\d{4})(?!\d)/.exec(text);
  return match ? match[1]!.replace(/[\s-]/g, "") : null;
}

/** "我叫张三" / "张三": a Chinese name of 2–4 characters, or a short Latin name. */
export function findName(text: string): string | null {
  const stated = /(?:我叫|我是|名字是|叫)([\u4e00-\u9fa5]{2,4})/.exec(text);
  if (stated) return stated[1]!;
  const bare = text.trim();
  if (/^[\u4e00-\u9fa5]{2,4}$/.test(bare)) return bare;
  if (/^[A-Za-z][A-Za-z .'-]{1,40}$/.test(bare)) return bare;
  return null;
}

/** The first thing a draft still lacks, in the order people find easiest to answer. */
function nextQuestion(draft: ReportDraft): Turn {
  if (!draft.applicantName) return { state: { step: "report", awaiting: "name", draft }, effects: [{ kind: "reply", key: "bot.askName" }] };
  if (!draft.phone) return { state: { step: "report", awaiting: "phone", draft }, effects: [{ kind: "reply", key: "bot.askPhone" }] };
  if (!draft.address) return { state: { step: "report", awaiting: "place", draft }, effects: [{ kind: "reply", key: "bot.askPlace" }] };
  return {
    state: { step: "report", awaiting: "confirm", draft },
    effects: [{ kind: "reply", key: "bot.confirm", params: { name: draft.applicantName, phone: draft.phone, place: draft.address, description: draft.description } }],
  };
}

export function converse(state: ConversationState, text: string, understood: Understanding, context: { placeFound: string | null } = { placeFound: null }): Turn {
  if (isOneOf(text, cancelWords)) return { state: idle, effects: [{ kind: "reply", key: state.step === "idle" ? "bot.nothingToCancel" : "bot.cancelled" }] };
  if (isOneOf(text, restartWords)) return { state: idle, effects: [{ kind: "reply", key: "bot.restarted" }, { kind: "reply", key: "bot.menu" }] };
  if (isOneOf(text, helpWords)) return { state, effects: [{ kind: "reply", key: "bot.menu" }] };

  if (state.step === "report") {
    const draft = { ...state.draft };
    switch (state.awaiting) {
      case "name": {
        const name = findName(text);
        if (!name) return { state, effects: [{ kind: "reply", key: "bot.askNameAgain" }] };
        draft.applicantName = name;
        draft.phone ??= findPhone(text) ?? undefined;
        return nextQuestion(draft);
      }
      case "phone": {
        const phone = findPhone(text);
        if (!phone) return { state, effects: [{ kind: "reply", key: "bot.askPhoneAgain" }] };
        draft.phone = phone;
        return nextQuestion(draft);
      }
      case "place": {
        if (text.trim().length < 2) return { state, effects: [{ kind: "reply", key: "bot.askPlace" }] };
        draft.address = text.trim();
        return nextQuestion(draft);
      }
      case "confirm": {
        if (isOneOf(text, yesWords)) {
          return { state: idle, effects: [{ kind: "submit", draft: { ...draft, applicantName: draft.applicantName!, phone: draft.phone!, description: draft.description } }] };
        }
        if (isOneOf(text, noWords)) return { state: idle, effects: [{ kind: "reply", key: "bot.startAgain" }] };
        return { state, effects: [{ kind: "reply", key: "bot.confirmAgain" }] };
      }
    }
  }

  if (understood.intent === "status_query") return { state: idle, effects: [{ kind: "status", caseNumber: understood.caseNumber }] };
  if (understood.isHardship) {
    const draft: ReportDraft = {
      description: text.trim(),
      riskTypes: understood.riskTypes,
      phone: findPhone(text) ?? undefined,
      applicantName: findName(text) ?? undefined,
      // A report that already names its village needs no question about the place.
      address: context.placeFound ?? undefined,
    };
    const next = nextQuestion(draft);
    return { state: next.state, effects: [{ kind: "reply", key: "bot.heardDifficulty" }, ...next.effects] };
  }
  if (understood.intent === "chit_chat") return { state: idle, effects: [{ kind: "reply", key: "bot.greeting" }, { kind: "reply", key: "bot.menu" }] };
  // Anything else gets a person to talk to rather than a loop of "I don't understand".
  return { state: idle, effects: [{ kind: "reply", key: "bot.notUnderstood" }] };
}
