import type { BotMessageRequest, BotMessageResponse } from "./bot-schemas.ts";
import type { CaseStatusView } from "../cases/case-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import {
  converse,
  findPhone,
  timedOut,
  timeOut,
  type ApplicationState,
  type Context,
  type Conversation,
  type ConversationState,
  type Effect,
  type Input,
} from "./conversation/engine.ts";
import { classifyRisks } from "../understanding/risk-classifier.ts";
import { routeCase } from "../../core/regions/routing.ts";
import { understand } from "../understanding/understand.ts";
import { AppError } from "../../core/errors.ts";
import { formatDate, translator } from "../../core/i18n/i18n.ts";
import type { AttachmentService } from "../attachments/attachment-service.ts";
import type { AuthService } from "../auth/auth-service.ts";
import type { CaseViewService } from "../cases/case-view-service.ts";
import type { HouseholdDirectory } from "../households/household-directory.ts";
import type { IntakeService } from "../cases/intake-service.ts";
import type { ResidentPrincipal, StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { SharedCounters } from "../../platform/counters/shared-counters.ts";
import type { WorkflowService } from "../workflow/workflow-service.ts";

/** How many timeline entries a status answer shows (the latest ones). */
const timelineShown = 4;

export interface BotCollaborators {
  intake: IntakeService;
  caseViews: CaseViewService;
  workflow: WorkflowService;
  attachments: AttachmentService;
  auth: AuthService;
  households: HouseholdDirectory;
  counters: SharedCounters;
}

type Sender = { kind: "resident"; principal: ResidentPrincipal } | { kind: "staff"; principal: StaffPrincipal };

/**
 * Runs the conversation for the WeChat bot and the simulators: the bot only
 * relays messages; state, understanding and every rule stay on the server.
 * Each WeChat message is handled once (a redelivery gets the same replies).
 */
export class BotService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly services: BotCollaborators,
    private readonly limits: { messagesPerMinute: number },
  ) {}

  async handle(message: BotMessageRequest, file?: Buffer): Promise<BotMessageResponse> {
    const { prisma } = this.deps;
    const seen = await prisma.botMessage.findUnique({ where: { messageId: message.messageId } });
    if (seen) return { replies: seen.replies as string[] };
    // Over the limit a message is not read at all (no file kept, no step taken, not recorded as handled), so
    // sending it again later handles it in full. The sender is told once per minute, then the bot stays quiet.
    // Counted per WeChat sender (the bot speaks for everybody from one address, so HTTP limits cannot tell senders
    // apart), in the database: the bot's requests may reach any instance.
    const sent = await this.services.counters.hit(`bot-sender:${message.senderId}`, 60_000, this.deps.now());
    if (sent.count > this.limits.messagesPerMinute)
      return {
        replies:
          sent.count === this.limits.messagesPerMinute + 1 && !message.room ? [await this.tooFast(message.senderId, sent.resetAt)] : [],
      };
    const replies = message.room ? this.inGroup(message) : await this.inPrivate(message, file);
    await prisma.botMessage
      .create({ data: { messageId: message.messageId, senderId: message.senderId, replies, createdAt: this.deps.now() } })
      .catch(async (error) => {
        // The same message handled twice at once: the first one's answer stands.
        const first = await prisma.botMessage.findUnique({ where: { messageId: message.messageId } });
        if (!first) throw error;
      });
    return { replies };
  }

  private async tooFast(senderId: string, resetAt: Date): Promise<string> {
    const stored = await this.deps.prisma.botConversation.findUnique({ where: { senderId }, select: { locale: true } });
    return translator(stored?.locale === "en" ? "en" : "zh-CN")("bot.tooFast", {
      seconds: Math.ceil((resetAt.getTime() - this.deps.now().getTime()) / 1000),
    });
  }

  /**
   * Group chats: silent unless mentioned, and then only general help. Nothing
   * personal is ever said there, and no conversation runs there.
   */
  private inGroup(message: BotMessageRequest): string[] {
    if (!message.room?.mentioned) return [];
    const t = translator("zh-CN");
    const personal = !!findPhone(message.text) || /\d{17}[\dXx]/.test(message.text);
    return [t("bot.group.hello"), ...(personal ? [t("bot.group.noPersonalData")] : [])];
  }

  private async inPrivate(message: BotMessageRequest, file?: Buffer): Promise<string[]> {
    const { prisma, now } = this.deps;
    const sender = await this.sender(message.senderId);
    const stored = await prisma.botConversation.findUnique({ where: { senderId: message.senderId } });
    let locale: Locale = stored?.locale === "en" ? "en" : "zh-CN";
    let conversation: Conversation = {
      state: (stored?.state as ConversationState | undefined) ?? { step: "idle" },
      saved: (stored?.savedApplication as ApplicationState | null | undefined) ?? null,
    };
    const replies: string[] = [];
    // The conversation-timeout job usually did this already and told the sender; this covers the time before it ran.
    const expired = stored && timedOut(stored.updatedAt, now()) ? timeOut(conversation) : null;
    if (expired) {
      conversation = expired.conversation;
      replies.push(translator(locale)(expired.key));
    }

    const text = message.text.trim();
    const language = /^(english|en)$/i.test(text) ? "en" : text === "中文" ? "zh-CN" : null;
    if (language) {
      locale = language;
      replies.push(translator(locale)("bot.languageSet"));
    } else {
      const input = await this.input(message, sender, file, locale);
      if (typeof input === "string") {
        replies.push(input);
      } else {
        const context = await this.context(sender, conversation.state, input);
        const turn = converse(conversation, input, context);
        let failed = false;
        for (const effect of turn.effects) {
          const outcome = await this.carryOut(effect, sender, message, locale);
          replies.push(outcome.reply);
          failed ||= !!outcome.failed;
        }
        // A failed submission keeps the draft so "yes" can be sent again.
        if (!failed) conversation = turn.conversation;
      }
    }

    await prisma.botConversation.upsert({
      where: { senderId: message.senderId },
      create: {
        senderId: message.senderId,
        state: conversation.state as Prisma.InputJsonValue,
        savedApplication: this.json(conversation.saved),
        locale,
        updatedAt: now(),
      },
      update: {
        state: conversation.state as Prisma.InputJsonValue,
        savedApplication: this.json(conversation.saved),
        locale,
        updatedAt: now(),
      },
    });
    return replies;
  }

  private json(value: ApplicationState | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
    return value ? (value as unknown as Prisma.InputJsonValue) : Prisma.DbNull;
  }

  /** Staff only when the contact was bound with a code; every other sender is a resident. */
  private async sender(senderId: string): Promise<Sender> {
    const staff = await this.services.auth.staffByWechat(senderId);
    if (staff) return { kind: "staff", principal: staff };
    const openid = `wechat:${senderId}`;
    // Read first: an upsert is a transaction on every message, and the identity exists after a sender's first one.
    const resident =
      (await this.deps.prisma.residentIdentity.findUnique({ where: { openid }, select: { id: true } })) ??
      (await this.deps.prisma.residentIdentity.upsert({ where: { openid }, create: { openid }, update: {}, select: { id: true } }));
    return { kind: "resident", principal: { kind: "resident", id: resident.id, client: "BOT", locale: "zh-CN" } };
  }

  /** The message as the conversation sees it; a string when it is answered right away (a file we cannot keep). */
  private async input(message: BotMessageRequest, sender: Sender, file: Buffer | undefined, locale: Locale): Promise<Input | string> {
    const text = message.text.trim();
    // Videos, stickers, locations…: nothing the conversation can use.
    if (!file && message.type === "other" && !text) return translator(locale)("bot.media.unsupported");
    if (!file) return { text, understood: understand(text), type: message.type === "chat_history" ? "chat_history" : "text" };
    try {
      const stored = await this.services.attachments.store(sender.principal, file);
      return { text: "", understood: understand(""), type: "media", media: { attachmentId: stored.id, kind: stored.kind } };
    } catch (error) {
      // A file of the wrong kind, or one over a limit (a day's uploads, a huge photo): said as such.
      if (error instanceof AppError && error.statusCode < 500) {
        const t = translator(locale);
        return error.code === "UNSUPPORTED_FILE_TYPE" ? t("bot.media.unsupported") : t(`errors.${error.code}`, error.params);
      }
      throw error;
    }
  }

  private async context(sender: Sender, state: ConversationState, input: Input): Promise<Context> {
    const tree = await this.deps.regions.tree();
    const routed = input.text ? routeCase(tree, { address: input.text }) : null;
    const placeFound = routed?.outcome === "VILLAGE" ? routed.region.name : null;
    if (sender.kind === "staff") {
      const searching = state.step === "forward" && (state.awaiting === "household" || state.awaiting === "pick") && input.text.length > 0;
      const hits = searching ? await this.services.households.search(sender.principal, input.text) : [];
      return {
        sender: "grid",
        placeFound,
        households: hits.map((h) => ({ id: h.id, headName: h.headName, label: `${h.headNameMasked} · ${h.regionName} · ${h.number}` })),
        openCaseNumber: null,
      };
    }
    const latestOpen = input.media
      ? await this.deps.prisma.case.findFirst({
          where: { reporterResidentId: sender.principal.id, status: "OPEN" },
          orderBy: { createdAt: "desc" },
          select: { number: true },
        })
      : null;
    return { sender: "resident", placeFound, openCaseNumber: latestOpen?.number ?? null };
  }

  private async carryOut(
    effect: Effect,
    sender: Sender,
    message: BotMessageRequest,
    locale: Locale,
  ): Promise<{ reply: string; failed?: boolean }> {
    const t = translator(locale);
    try {
      switch (effect.kind) {
        case "reply":
          return { reply: t(effect.key, this.worded(effect.params, locale)) };
        case "submit": {
          const s = effect.submission;
          const principal = sender.kind === "staff" ? sender.principal : { ...sender.principal, locale };
          const ack = await this.services.intake.submit({
            principal,
            // The confirming message's id: a redelivered "yes" finds the case it already made.
            idempotencyKey: `bot-${message.messageId}`,
            locale,
            request: {
              kind: s.kind,
              description: s.householdSize
                ? t("bot.apply.description", { difficulty: s.description, size: s.householdSize })
                : s.description,
              applicantName: s.applicantName,
              phone: s.phone,
              address: s.address,
              householdId: sender.kind === "staff" ? s.onBehalf?.householdId : undefined,
              attachmentIds: s.attachmentIds,
              consent: { personalInformation: true, familyEconomicCheck: s.familyEconomicCheck },
              // The worker confirmed in the chat that the household agreed to the filing.
              onBehalf: sender.kind === "staff" ? { confirmationMethod: "VERBAL_WITNESSED" } : undefined,
            },
          });
          return { reply: ack.message };
        }
        case "status":
          return { reply: await this.status(sender, effect.caseNumber, locale) };
        case "object": {
          if (sender.kind !== "resident") return { reply: t("bot.gridMenu") };
          const done = await this.services.workflow.objectAsResident(sender.principal, effect.caseNumber, effect.reason, locale);
          return { reply: t("bot.objection.received", { number: done.caseNumber }) };
        }
        case "attachToCase": {
          const added = await this.services.attachments.addToCase(sender.principal, effect.attachmentId, effect.caseNumber);
          return {
            reply: t(added.kind === "VOICE" ? "bot.media.voiceAddedToCase" : "bot.media.addedToCase", { number: added.caseNumber }),
          };
        }
        case "myForwarded": {
          if (sender.kind !== "staff") return { reply: t("bot.menu") };
          const { items } = await this.services.caseViews.forwardedBy(sender.principal, locale);
          if (items.length === 0) return { reply: t("bot.forward.noneYet") };
          const lines = items.slice(0, 10).map((c) =>
            t("bot.forward.listLine", {
              number: c.number,
              stage: c.stageLabel,
              date: c.nextStep?.dueAt
                ? formatDate(new Date(c.nextStep.dueAt), locale) + (c.nextStep.provisional ? t("provisionalShort") : "")
                : "—",
            }),
          );
          return { reply: [t("bot.forward.listHeader", { count: items.length }), ...lines].join("\n") };
        }
        case "bind": {
          const staff = await this.services.auth.bindWechat(message.senderId, effect.code);
          return staff
            ? { reply: t("bot.binding.bound", { name: staff.displayName, role: t(`roles.${staff.role}`) }) }
            : { reply: t("bot.binding.invalid") };
        }
        case "unbind":
          await this.services.auth.unbindWechat(message.senderId);
          return { reply: t("bot.binding.unbound") };
        case "pointToHuman":
          return { reply: await this.pointToHuman(sender, locale) };
      }
    } catch (error) {
      if (error instanceof AppError && error.statusCode < 500)
        return { reply: t(`errors.${error.code}`, error.params), failed: effect.kind === "submit" };
      throw error;
    }
  }

  /** Words the engine's raw values: a kind of case, and the kinds of difficulty a read-back description shows. */
  private worded(params: Record<string, string | number> | undefined, locale: Locale): Record<string, string | number> | undefined {
    if (!params) return params;
    const t = translator(locale);
    const worded = { ...params };
    if (typeof params.kind === "string") worded.kind = t(`kinds.${params.kind}`);
    // What the case will record, so the resident can see they were understood.
    if (typeof params.description === "string")
      worded.risks = classifyRisks(params.description)
        .map((risk) => t(`riskTypes.${risk}`))
        .join("、");
    return worded;
  }

  private async status(sender: Sender, caseNumber: string | null, locale: Locale): Promise<string> {
    const t = translator(locale);
    let view: CaseStatusView;
    if (sender.kind === "staff") {
      if (!caseNumber) return t("bot.gridMenu");
      view = await this.services.caseViews.staffCaseStatus(sender.principal, caseNumber, locale);
    } else {
      const number = caseNumber ?? (await this.services.caseViews.myCases(sender.principal, locale)).items[0]?.number;
      if (!number) return t("bot.noCases");
      view = await this.services.caseViews.myCaseStatus(sender.principal, number, locale);
    }
    const lines = [
      t("bot.status.header", { number: view.number, kind: view.kindLabel, status: view.statusLabel, stage: view.stageLabel }),
      ...view.timeline
        .slice(-timelineShown)
        .map((e) =>
          t("bot.status.entry", { date: formatDate(new Date(e.at), locale), title: e.title, detail: e.detail ? `(${e.detail})` : "" }),
        ),
    ];
    if (view.nextStep) lines.push(t("bot.status.next", { text: view.nextStep.text }));
    return lines.join("\n");
  }

  /** Who to call: the village committee of the resident's latest case, when it has a phone on record. */
  private async pointToHuman(sender: Sender, locale: Locale): Promise<string> {
    const t = translator(locale);
    if (sender.kind === "staff") return t("bot.gridMenu");
    const latest = await this.deps.prisma.case.findFirst({
      where: { reporterResidentId: sender.principal.id },
      orderBy: { createdAt: "desc" },
      select: { regionPath: true },
    });
    if (latest) {
      const codes = latest.regionPath.split("/").filter(Boolean);
      const offices = await this.deps.prisma.region.findMany({
        where: { code: { in: codes }, contactPhone: { not: null } },
        orderBy: { code: "desc" },
        take: 1,
      });
      const office = offices[0];
      if (office) return t("bot.notUnderstoodWithContact", { office: office.name, phone: office.contactPhone! });
    }
    return t("bot.notUnderstood");
  }
}
