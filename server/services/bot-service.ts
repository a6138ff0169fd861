import type { Locale } from "../api/common-schemas.ts";
import type { Prisma } from "../db/generated/client.ts";
import { converse, type ConversationState, type Effect } from "../domain/conversation/engine.ts";
import { routeCase } from "../domain/routing.ts";
import { understand } from "../domain/understanding/understand.ts";
import { AppError } from "../lib/errors.ts";
import { translator } from "../i18n/i18n.ts";
import type { CaseViewService } from "./case-view-service.ts";
import type { IntakeService } from "./intake-service.ts";
import type { ResidentPrincipal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";

/** A conversation left this long goes back to the start (its draft is dropped). */
const conversationTimeoutMs = 30 * 60_000;

export interface IncomingMessage {
  /** WeChat's id of the message: a redelivery carries the same id. */
  messageId: string;
  senderId: string;
  text: string;
}

/**
 * Runs the conversation for the WeChat bot and the simulator: the bot only
 * relays messages; state, understanding and every rule stay on the server.
 */
export class BotService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly intake: IntakeService,
    private readonly caseViews: CaseViewService,
  ) {}

  async handle(message: IncomingMessage): Promise<{ replies: string[] }> {
    const { prisma, now } = this.deps;
    const seen = await prisma.botMessage.findUnique({ where: { messageId: message.messageId } });
    if (seen) return { replies: seen.replies as string[] };

    const resident = await prisma.residentIdentity.upsert({ where: { openid: `wechat:${message.senderId}` }, create: { openid: `wechat:${message.senderId}` }, update: {} });
    const stored = await prisma.botConversation.findUnique({ where: { senderId: message.senderId } });
    let locale: Locale = stored?.locale === "en" ? "en" : "zh-CN";
    let state: ConversationState = (stored?.state as ConversationState | undefined) ?? { step: "idle" };
    const replies: string[] = [];
    if (state.step !== "idle" && stored && now().getTime() - stored.updatedAt.getTime() > conversationTimeoutMs) {
      state = { step: "idle" };
      replies.push(translator(locale)("bot.timedOut"));
    }

    const text = message.text.trim();
    const language = text.toLowerCase() === "english" || text.toLowerCase() === "en" ? "en" : text === "中文" ? "zh-CN" : null;
    if (language) {
      locale = language;
      replies.push(translator(locale)("bot.languageSet"));
    } else {
      const understood = understand(text);
      const tree = await this.deps.regions.tree();
      const routed = understood.isHardship ? routeCase(tree, { address: text }) : null;
      const turn = converse(state, text, understood, { placeFound: routed?.outcome === "VILLAGE" ? routed.region.name : null });
      const principal: ResidentPrincipal = { kind: "resident", id: resident.id, client: "BOT", locale };
      for (const effect of turn.effects) {
        const outcome = await this.carryOut(effect, principal, message, locale);
        replies.push(outcome.reply);
        // A failed submission keeps the draft so "yes" can be sent again.
        if (outcome.failed) turn.state = state;
      }
      state = turn.state;
    }

    await prisma.$transaction([
      prisma.botConversation.upsert({
        where: { senderId: message.senderId },
        create: { senderId: message.senderId, state: state as Prisma.InputJsonValue, locale, updatedAt: now() },
        update: { state: state as Prisma.InputJsonValue, locale, updatedAt: now() },
      }),
      prisma.botMessage.create({ data: { messageId: message.messageId, senderId: message.senderId, replies, createdAt: now() } }),
    ]);
    return { replies };
  }

  private async carryOut(effect: Effect, principal: ResidentPrincipal, message: IncomingMessage, locale: Locale): Promise<{ reply: string; failed?: boolean }> {
    const t = translator(locale);
    if (effect.kind === "reply") return { reply: t(effect.key, effect.params) };
    if (effect.kind === "submit") {
      try {
        const ack = await this.intake.submit({
          principal,
          // The confirming message's id: a redelivered "yes" finds the case it already made.
          idempotencyKey: `bot-${message.messageId}`,
          locale,
          request: {
            kind: "HARDSHIP_REPORT",
            description: effect.draft.description,
            applicantName: effect.draft.applicantName,
            phone: effect.draft.phone,
            address: effect.draft.address,
            attachmentIds: [],
            consent: { personalInformation: true, familyEconomicCheck: false },
          },
        });
        return { reply: ack.message };
      } catch (error) {
        if (error instanceof AppError && error.statusCode < 500) return { reply: t(`errors.${error.code}`, error.params), failed: true };
        throw error;
      }
    }
    const mine = await this.caseViews.myCases(principal, locale);
    const wanted = effect.caseNumber ? mine.items.find((c) => c.number === effect.caseNumber) : mine.items[0];
    if (!wanted) return { reply: t("bot.noCases") };
    return { reply: t("bot.statusLine", { number: wanted.number, kind: wanted.kindLabel, stage: wanted.stageLabel, next: wanted.nextStep?.text ?? "" }) };
  }
}
