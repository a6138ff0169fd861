import crypto from "node:crypto";
import type { Desk, Locale, StaffRole } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import { earliestPush, type QuietHours } from "./push-schedule.ts";
import { formatDate, hasKey, translator } from "../../core/i18n/i18n.ts";
import { parseNotice, type CaseNotice, type CaseNotifier } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { nextStep, stageLabel, timelineTitle } from "../cases/stage-view.ts";
import { deskOfRole, worksTask } from "../../core/reach.ts";

export interface BotPush {
  id: string;
  /** The WeChat contact to write to. */
  to: string;
  text: string;
}

export interface BotPushOptions {
  quietHours: QuietHours | null;
  minIntervalMs: number;
  /** A push sent but not confirmed is sent again after this long (the bot was gone). */
  redeliverAfterMs: number;
}

/** A storing pass holds the notices it claimed this long; past it (its instance died), another pass takes them. */
const noticeClaimMs = 60_000;
const noticesPerPass = 100;

interface Recipient {
  wechatId: string;
  locale: Locale;
  /** Residents are spaced by the interval; staff get their notices as they come (quiet hours still hold). */
  staff: boolean;
  /** An emergency's new task: its desk hears of it at once, day or night. */
  urgent?: boolean;
}

/**
 * What the bot tells people on its own: applicants hear when their case moves,
 * bound staff hear of new and overdue tasks. Pushes are stored first (so none is
 * lost while the bot is away), spaced per person, held through quiet hours,
 * merged per topic, and sent to the connected bot until it confirms delivery.
 */
export class BotPushService {
  private readonly sinks = new Set<(push: BotPush) => void>();
  /** Storing passes run one after another on this instance, so two notices for one person are spaced in order. */
  private passes: Promise<unknown> = Promise.resolve();
  private passQueued = false;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly options: BotPushOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Stores the pushes of the changes made on this instance as soon as they are published (their notices were
   * recorded with them: every instance hears every notice, but one stores), and sends due pushes to a bot
   * connected here whenever any instance says some are due, or after this one may have missed that (its
   * listening connection was lost).
   */
  listen(notifier: CaseNotifier): () => void {
    const stopStoring = notifier.onPublish(() => this.storeSoon());
    const stopSending = notifier.subscribe((event) => {
      if (event.kind === "bot.pushes.due" || event.kind === "resync") void this.pump().catch(this.onError);
    });
    return () => {
      stopStoring();
      stopSending();
    };
  }

  /** Resolves when the pushes of every notice published here so far are stored (the bot is offered them over the bus). */
  async settled(): Promise<void> {
    let pass: Promise<unknown>;
    do {
      pass = this.passes;
      await pass;
    } while (pass !== this.passes);
  }

  /** A storing pass after the current one, unless one is already waiting: it takes every notice recorded by then. */
  private storeSoon(): void {
    if (this.passQueued) return;
    this.passQueued = true;
    this.passes = this.passes
      .then(() => {
        this.passQueued = false;
        return this.storePending();
      })
      .catch(this.onError);
  }

  /**
   * Turns recorded notices (PendingNotice) into stored pushes, each notice once whichever pass or instance takes
   * it: a pass claims a batch for a while (rows another pass holds are skipped), and a notice is deleted in the
   * transaction that stores its pushes, under the pass's claim. Runs after this instance's own changes, and as a
   * scheduled job that takes what an instance left when it died between a commit and its pass.
   */
  async storePending(): Promise<{ notices: number; pushes: number }> {
    const { sql, prisma, now, notifier } = this.deps;
    let notices = 0;
    let pushes = 0;
    for (;;) {
      const at = now();
      const claim = crypto.randomUUID();
      const claimed = await sql<{ id: string; notice: unknown }>(Prisma.sql`
        UPDATE "PendingNotice" SET "claimedAt" = ${at}, "claim" = ${claim}::uuid
        WHERE "id" IN (
          SELECT "id" FROM "PendingNotice" WHERE "claimedAt" IS NULL OR "claimedAt" < ${new Date(at.getTime() - noticeClaimMs)}
          ORDER BY "id" LIMIT ${noticesPerPass} FOR UPDATE SKIP LOCKED)
        RETURNING "id"::text, "notice"`);
      claimed.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const silent: string[] = [];
      for (const row of claimed) {
        const notice = parseNotice(row.notice);
        // A kind this version does not know (a newer instance's, during a rolling restart) is left for one that does.
        if (!notice) continue;
        const messages = await this.messagesFor(notice);
        notices++;
        if (messages.length === 0) {
          silent.push(row.id);
          continue;
        }
        // One order of recipients everywhere: two passes storing for the same people take their locks alike.
        messages.sort((a, b) => a.recipient.wechatId.localeCompare(b.recipient.wechatId) || a.topic.localeCompare(b.topic));
        const kept = await prisma.$transaction(async (tx) => {
          const deleted = await tx.$executeRaw`DELETE FROM "PendingNotice" WHERE "id" = ${BigInt(row.id)} AND "claim" = ${claim}::uuid`;
          // Its claim ran out and another pass took it: the pushes are that pass's to store.
          if (deleted !== 1) return false;
          for (const m of messages) await this.store(tx, m.recipient, m.topic, m.text);
          return true;
        });
        if (kept) pushes += messages.length;
      }
      if (silent.length > 0)
        await sql(Prisma.sql`DELETE FROM "PendingNotice" WHERE "id" = ANY(${silent}::bigint[]) AND "claim" = ${claim}::uuid`);
      if (claimed.length < noticesPerPass) break;
    }
    if (pushes > 0) notifier.pushesDue();
    return { notices, pushes };
  }

  /** A connected bot; it is offered every due push until one bot confirms it. */
  attach(sink: (push: BotPush) => void): () => void {
    this.sinks.add(sink);
    void this.pump().catch(this.onError);
    return () => this.sinks.delete(sink);
  }

  async delivered(id: string): Promise<void> {
    await this.deps.prisma.botPush.updateMany({ where: { id, deliveredAt: null }, data: { deliveredAt: this.deps.now() } });
  }

  /**
   * Offers due pushes to a bot connected to this instance; run when pushes are due (on any instance) and on a
   * timer (quiet hours end, lost bots). Each push is claimed by one statement that skips rows another pump holds,
   * so two pumps (here or on another instance) never send the same push at the same time.
   */
  async pump(): Promise<number> {
    if (this.sinks.size === 0) return 0;
    const { prisma, now } = this.deps;
    const at = now();
    const due = await prisma.$queryRaw<{ id: string; recipientId: string; text: string; notBefore: Date }[]>`
      UPDATE "BotPush" SET "sentAt" = ${at}
      WHERE "id" IN (
        SELECT "id" FROM "BotPush"
        WHERE "deliveredAt" IS NULL AND "notBefore" <= ${at} AND ("sentAt" IS NULL OR "sentAt" < ${new Date(at.getTime() - this.options.redeliverAfterMs)})
        ORDER BY "notBefore" LIMIT 100
        FOR UPDATE SKIP LOCKED)
      RETURNING "id"::text, "recipientId", "text", "notBefore"`;
    due.sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime());
    for (const push of due) {
      // Every bot connected here is offered it (the real one, the demo's simulator): only one can reach the contact and confirm.
      for (const sink of this.sinks) sink({ id: push.id, to: push.recipientId, text: push.text });
    }
    return due.length;
  }

  private messagesFor(notice: CaseNotice) {
    return notice.kind === "case.updated" ? this.caseMessages(notice) : this.taskMessages(notice);
  }

  /**
   * Something the server says on its own to one resident's WeChat (their conversation was put aside), stored in
   * the caller's transaction: stored exactly when the change it tells of commits. Spaced and held through quiet
   * hours like every push; tell the notifier pushesDue() after the commit.
   */
  async storeWithin(tx: Prisma.TransactionClient, wechatId: string, topic: string, text: string): Promise<void> {
    await this.store(tx, { wechatId, locale: "zh-CN", staff: false }, topic, text);
  }

  private async store(tx: Prisma.TransactionClient, recipient: Recipient, topic: string, text: string): Promise<void> {
    const { now } = this.deps;
    const recipientId = recipient.wechatId;
    // One person's pushes are stored one at a time, whichever instance stores them: a waiting push is merged
    // into, and the spacing is reckoned from the last one.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727003, hashtext(${recipientId}))`;
    const waiting = await tx.botPush.findFirst({ where: { recipientId, topic, sentAt: null } });
    if (waiting) {
      await tx.botPush.update({ where: { id: waiting.id }, data: { text } });
      return;
    }
    const last = await tx.botPush.findFirst({ where: { recipientId }, orderBy: { notBefore: "desc" }, select: { notBefore: true } });
    const notBefore = earliestPush(
      now(),
      last?.notBefore ?? null,
      recipient.staff ? 0 : this.options.minIntervalMs,
      recipient.urgent ? null : this.options.quietHours,
    );
    await tx.botPush.create({ data: { recipientId, topic, text, notBefore, createdAt: now() } });
  }

  private async caseMessages(notice: Extract<CaseNotice, { kind: "case.updated" }>) {
    // Internal steps have no wording for applicants and are not pushed.
    if (!hasKey(`timeline.${notice.event}`)) return [];
    const { prisma } = this.deps;
    const c = await prisma.case.findUnique({ where: { id: notice.caseId }, include: { region: { select: { name: true } } } });
    if (!c) return [];
    const recipients: Recipient[] = [];
    const whose = [
      ...(notice.reporterResidentId ? [{ id: notice.reporterResidentId }] : []),
      ...(notice.householdId ? [{ householdId: notice.householdId }] : []),
    ];
    const residents =
      whose.length > 0
        ? await prisma.residentIdentity.findMany({ where: { openid: { startsWith: "wechat:" }, OR: whose }, select: { openid: true } })
        : [];
    for (const r of residents) {
      const wechatId = r.openid.slice("wechat:".length);
      recipients.push({ wechatId, locale: await this.localeOf(wechatId), staff: false });
    }
    // The worker who filed the case follows it too; lateness reaches them as an overdue reminder instead.
    if (notice.reporterStaffId && notice.event !== "OVERDUE_ESCALATED") {
      const staff = await prisma.staffAccount.findUnique({
        where: { id: notice.reporterStaffId },
        select: { wechatId: true, active: true },
      });
      if (staff?.wechatId && staff.active) recipients.push({ wechatId: staff.wechatId, locale: "zh-CN", staff: true });
    }
    const region = notice.regionCode ? this.deps.regions.nameOf(notice.regionCode) : c.region.name;
    return recipients.map((recipient) => {
      const t = translator(recipient.locale);
      const title = timelineTitle(notice.event, region, notice.fromStage, notice.stage, recipient.locale);
      const next =
        c.status === "OPEN"
          ? nextStep(c.stage, c.region.name, { at: c.stageDueAt, provisional: c.stageDueProvisional }, recipient.locale).text
          : t(`statuses.${c.status}`);
      return {
        recipient,
        topic: `case:${c.id}`,
        text: t(recipient.staff ? "bot.push.forwardedCaseUpdated" : "bot.push.caseUpdated", { number: c.number, title, next }),
      };
    });
  }

  private async taskMessages(notice: Exclude<CaseNotice, { kind: "case.updated" }>) {
    // Only staff along the task's region (and the escalation's) can be told: read just those, by region id.
    const tree = await this.deps.regions.tree();
    const regionIds = new Set(tree.idsAlong(notice.regionPath));
    if (notice.escalatedToPath) for (const id of tree.idsAlong(notice.escalatedToPath)) regionIds.add(id);
    const rows = await this.deps.sql<{ wechatId: string; role: StaffRole; regionId: string }>(Prisma.sql`
      SELECT "wechatId", "role"::text, "regionId"::text FROM "StaffAccount"
      WHERE "regionId" = ANY(${[...regionIds]}::uuid[]) AND "wechatId" IS NOT NULL AND "active" AND "role" IN ('GRID_WORKER', 'VILLAGE', 'TOWNSHIP', 'COUNTY')
      ORDER BY "wechatId"`);
    const bound = rows.flatMap((s) => {
      const region = tree.get(s.regionId);
      return region ? [{ ...s, region }] : [];
    });
    const t = translator("zh-CN");
    const stage = stageLabel(notice.stage, "zh-CN");
    // Only a task with a date is pushed with one (help runs without an end date).
    const date = notice.dueAt ? formatDate(notice.dueAt, "zh-CN") + (notice.dueProvisional ? t("provisionalShort") : "") : "";
    // Whoever works the task hears of it: its desk in its region, and the grid workers around it (core/reach.ts).
    const works = (s: (typeof bound)[number], desk: Desk, path: string) =>
      worksTask({ role: s.role, regionPath: s.region.path }, { desk, regionPath: path });
    const messages: { recipient: Recipient; topic: string; text: string }[] = [];
    for (const s of bound) {
      const recipient = { wechatId: s.wechatId, locale: "zh-CN" as const, staff: true };
      if (notice.kind === "task.opened" && works(s, notice.desk, notice.regionPath)) {
        messages.push({
          recipient: { ...recipient, urgent: notice.urgent },
          topic: `task:${notice.taskId}`,
          text: t(date ? "bot.push.taskOpened" : "bot.push.taskOpenedUndated", { number: notice.caseNumber, stage, date }),
        });
      }
      if (notice.kind === "task.dueSoon" && works(s, notice.desk, notice.regionPath)) {
        messages.push({
          recipient,
          topic: `task:${notice.taskId}`,
          text: t("bot.push.taskDueSoon", { number: notice.caseNumber, stage, date }),
        });
      }
      // Closing publicity is the desk's own act, not the grid worker's.
      if (notice.kind === "task.publicityEnded" && s.role !== "GRID_WORKER" && works(s, notice.desk, notice.regionPath)) {
        messages.push({
          recipient,
          topic: `task:${notice.taskId}`,
          text: t("bot.push.publicityEnded", { number: notice.caseNumber, date }),
        });
      }
      if (notice.kind === "task.escalated") {
        if (works(s, notice.desk, notice.regionPath)) {
          messages.push({
            recipient,
            topic: `task:${notice.taskId}`,
            text: t("bot.push.taskOverdue", { number: notice.caseNumber, stage, date }),
          });
        } else if (
          notice.escalatedToPath &&
          notice.escalatedToPath.startsWith(s.region.path) &&
          deskOfRole(s.role) &&
          deskOfRole(s.role) !== notice.desk
        ) {
          messages.push({
            recipient,
            topic: `task:${notice.taskId}`,
            text: t("bot.push.taskEscalated", { number: notice.caseNumber, stage, date }),
          });
        }
      }
    }
    return messages;
  }

  private async localeOf(wechatId: string): Promise<Locale> {
    const conversation = await this.deps.prisma.botConversation.findUnique({ where: { senderId: wechatId }, select: { locale: true } });
    return conversation?.locale === "en" ? "en" : "zh-CN";
  }
}
