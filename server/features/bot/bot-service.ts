import type { BotMessageRequest, BotMessageResponse } from "./bot-schemas.ts";
import type { CaseStatusView } from "../cases/case-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import {
  converse,
  timedOut,
  timeOut,
  type Context,
  type Conversation,
  type ConversationState,
  type DraftState,
  type Effect,
  type Input,
  type PlaceRef,
} from "./conversation/engine.ts";
import { findPhone, languageOf } from "./conversation/answers.ts";
import { policyAnswerKeys } from "./policy/policy-answers.ts";
import { stageLabel } from "../cases/stage-view.ts";
import type { RegionNode, RegionTree } from "../../core/regions/routing.ts";
import type { CaseSupplements } from "../cases/case-supplements.ts";
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
  supplements: CaseSupplements;
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
      saved: (stored?.savedApplication as DraftState | null | undefined) ?? null,
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
    // Between conversations the bot answers in the language a message is written in; inside one, a
    // name like "Li Wei" does not switch it.
    const written = conversation.state.step === "idle" && message.type === "text" ? languageOf(text) : null;
    if (!language && written && written !== locale) locale = written;
    if (language) {
      locale = language;
      replies.push(translator(locale)("bot.languageSet"));
    } else {
      const input = await this.input(message, sender, file, locale);
      if (typeof input === "string") {
        replies.push(input);
      } else {
        const context = await this.context(sender, conversation.state, input, locale);
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

  private json(value: DraftState | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
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

  private async context(sender: Sender, state: ConversationState, input: Input, locale: Locale): Promise<Context> {
    const tree = await this.deps.regions.tree();
    const place = input.text ? placeIn(tree, input.text) : { found: null, choices: [] };
    if (sender.kind === "staff") {
      const searching = state.step === "forward" && (state.awaiting === "household" || state.awaiting === "pick") && input.text.length > 0;
      const hits = searching ? await this.services.households.search(sender.principal, input.text) : [];
      return {
        sender: "grid",
        place,
        households: hits.map((h) => ({ id: h.id, headName: h.headName, label: `${h.headNameMasked} · ${h.regionName} · ${h.number}` })),
        openCases: [],
        lastContact: null,
      };
    }
    const cases = await this.deps.prisma.case.findMany({
      where: { reporterResidentId: sender.principal.id, kind: { not: "CALL_BACK" } },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: {
        number: true,
        status: true,
        stage: true,
        applicantName: true,
        contactPhoneEnc: true,
        addressText: true,
        regionId: true,
        personalDataErasedAt: true,
      },
    });
    const latest = cases.find((c) => !c.personalDataErasedAt);
    const region = latest ? tree.get(latest.regionId) : undefined;
    const village = region && (region.level === "VILLAGE" || region.level === "GROUP") ? placeRef(tree, region) : null;
    return {
      sender: "resident",
      place,
      openCases: cases.filter((c) => c.status === "OPEN").map((c) => ({ number: c.number, stageLabel: stageLabel(c.stage, locale) })),
      lastContact: latest
        ? {
            applicantName: latest.applicantName,
            phone: this.deps.cipher.decrypt(latest.contactPhoneEnc),
            address: village?.label ?? latest.addressText ?? undefined,
            regionCode: village?.code,
          }
        : null,
    };
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
                : s.description || t("bot.callBack.voiceOnly"),
              applicantName: s.applicantName || t("bot.callBack.unknownName"),
              regionCode: s.regionCode,
              phone: s.phone,
              address: s.address,
              householdId: sender.kind === "staff" ? s.onBehalf?.householdId : undefined,
              attachmentIds: s.attachmentIds,
              consent: { personalInformation: true, familyEconomicCheck: s.familyEconomicCheck },
              // The worker confirmed in the chat that the household agreed to the filing.
              onBehalf: sender.kind === "staff" ? { confirmationMethod: "VERBAL_WITNESSED" } : undefined,
            },
          });
          if (s.kind === "CALL_BACK") {
            const office = await this.officeWithPhone(ack.routedTo.regionCode);
            const filed = t("bot.callBack.filed", {
              office: ack.routedTo.regionName,
              date: ack.nextStep?.dueAt ? formatDate(new Date(ack.nextStep.dueAt), locale) : "—",
              yours: s.phone,
              number: ack.number,
            });
            return { reply: office ? `${filed}\n${t("bot.callBack.officePhone", office)}` : filed };
          }
          return { reply: ack.message };
        }
        case "supplement": {
          if (sender.kind !== "resident") return { reply: t("bot.gridMenu") };
          const added = await this.services.supplements.add(sender.principal, effect.caseNumber, effect.text, effect.attachmentIds);
          return { reply: t("bot.duplicate.added", { number: added.caseNumber }) };
        }
        case "policy": {
          const keys = policyAnswerKeys(effect.match);
          const county = await this.county();
          const lines = [t(keys.answer), t(keys.source)];
          if (county?.contactPhone) lines.push(t("bot.policy.countyPhone", { phone: county.contactPhone }));
          if (effect.offer) lines.push(t("bot.policy.askApply"));
          return { reply: lines.join("\n") };
        }
        case "policyUnknown": {
          const county = await this.county();
          return {
            reply: county?.contactPhone ? t("bot.policy.notFoundWithPhone", { phone: county.contactPhone }) : t("bot.policy.notFound"),
          };
        }
        case "whoWeAre": {
          const county = await this.county();
          const name = county?.name ?? "";
          return {
            reply: county?.contactPhone
              ? t("bot.whoWeAre", { county: name, phone: county.contactPhone })
              : t("bot.whoWeAreNoPhone", { county: name }),
          };
        }
        case "emergencyContact": {
          const office = await this.dutyOffice(sender, message.text);
          return {
            reply: office ? t("bot.emergency.callNow", { office: office.name, phone: office.phone }) : t("bot.emergency.callNowNoPhone"),
          };
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
    if (typeof params.missing === "string")
      worded.missing = params.missing
        .split(",")
        .map((field) => t(`bot.fields.${field}`))
        .join(locale === "en" ? ", " : "、");
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
      let number = caseNumber;
      if (!number) {
        const { items } = await this.services.caseViews.myCases(sender.principal, locale);
        if (items.length === 0) return t("bot.noCases");
        // Every case, not only the latest: a family may have a report and an application open at once.
        if (items.length > 1)
          return [
            t("bot.status.listHeader", { count: items.length }),
            ...items
              .slice(0, 10)
              .map((c) =>
                t("bot.status.listLine", { number: c.number, kind: c.kindLabel, status: t(`statuses.${c.status}`), stage: c.stageLabel }),
              ),
            t("bot.status.listFooter", { number: items[0]!.number }),
          ].join("\n");
        number = items[0]!.number;
      }
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

  private async county(): Promise<{ name: string; contactPhone: string | null } | null> {
    const tree = await this.deps.regions.tree();
    const county = tree.counties()[0];
    if (!county) return null;
    const row = await this.deps.prisma.region.findUnique({ where: { id: county.id }, select: { contactPhone: true } });
    return { name: county.name, contactPhone: row?.contactPhone ?? null };
  }

  /** The nearest office with a phone on record along a region (the village, then its township, then the county). */
  private async officeWithPhone(regionCode: string): Promise<{ name: string; phone: string } | null> {
    const tree = await this.deps.regions.tree();
    const region = tree.getByCode(regionCode);
    if (!region) return null;
    const codes = region.path.split("/").filter(Boolean);
    const offices = await this.deps.prisma.region.findMany({
      where: { code: { in: codes }, contactPhone: { not: null } },
      orderBy: { code: "desc" },
      take: 1,
      select: { name: true, contactPhone: true },
    });
    return offices[0] ? { name: offices[0].name, phone: offices[0].contactPhone! } : null;
  }

  /** Who to ring in an emergency: the office of the place the message names, else of the resident's last case, else the county. */
  private async dutyOffice(sender: Sender, text: string): Promise<{ name: string; phone: string } | null> {
    const tree = await this.deps.regions.tree();
    const named = placeIn(tree, text).found;
    if (named) return this.officeWithPhone(named.code);
    if (sender.kind === "resident") {
      const office = await this.latestCaseOffice(sender.principal.id);
      if (office) return office;
    }
    const county = await this.county();
    return county?.contactPhone ? { name: county.name, phone: county.contactPhone } : null;
  }

  /** Who to call: the village committee of the resident's latest case, when it has a phone on record. */
  private async pointToHuman(sender: Sender, locale: Locale): Promise<string> {
    const t = translator(locale);
    if (sender.kind === "staff") return t("bot.gridMenu");
    const office = await this.latestCaseOffice(sender.principal.id);
    return office ? t("bot.notUnderstoodWithContact", { office: office.name, phone: office.phone }) : t("bot.notUnderstood");
  }

  /** The nearest office with a phone along the region of the resident's latest case. */
  private async latestCaseOffice(residentId: string): Promise<{ name: string; phone: string } | null> {
    const latest = await this.deps.prisma.case.findFirst({
      where: { reporterResidentId: residentId },
      orderBy: { createdAt: "desc" },
      select: { region: { select: { code: true } } },
    });
    return latest ? this.officeWithPhone(latest.region.code) : null;
  }
}

/** A place named in a message: one village (with its township, as residents say it), several it could be, or none. */
function placeIn(tree: RegionTree, text: string): Context["place"] {
  const routed = routeCase(tree, { address: text });
  if (routed.basis !== "address") return { found: null, choices: [] };
  if (routed.outcome === "VILLAGE") return { found: placeRef(tree, routed.region), choices: [] };
  if (routed.candidates.length > 1) return { found: null, choices: routed.candidates.map((c) => placeRef(tree, c)) };
  return { found: placeRef(tree, routed.region), choices: [] };
}

function placeRef(tree: RegionTree, region: RegionNode): PlaceRef {
  const village = tree.ancestorAt(region, "VILLAGE") ?? region;
  const township = tree.ancestorAt(village, "TOWNSHIP");
  return { code: region.code, label: township && township.id !== village.id ? `${township.name}${village.name}` : village.name };
}
