import { EventEmitter } from "node:events";
import { z } from "zod";
import { caseStatusSchema, deskSchema } from "../core/vocabulary.ts";
import type { Database } from "./database/database.ts";
import type { Prisma } from "./database/generated/client.ts";
import type { JobChange } from "./jobs/job-runner.ts";

/** The PostgreSQL notification channel every instance of the server listens on. */
export const noticeChannel = "fanpin_notices";
/** PostgreSQL refuses a notification payload of 8000 bytes or more. */
const maxPayloadBytes = 7999;

const taskNoticeSchema = z.object({
  // task.dueSoon and task.publicityEnded: reminders to the task's desk (reminder-service.ts).
  kind: z.enum(["task.opened", "task.escalated", "task.dueSoon", "task.publicityEnded"]),
  taskId: z.string(),
  caseNumber: z.string(),
  stage: z.string(),
  desk: deskSchema,
  regionPath: z.string(),
  escalatedToPath: z.string().nullable(),
  dueAt: z.coerce.date().nullable(),
  // Notices recorded before due dates could be provisional carry none.
  dueProvisional: z.boolean().default(false),
  // An emergency (the green channel): its desk hears of it at once, quiet hours or not.
  urgent: z.boolean().default(false),
});
const caseUpdatedSchema = z.object({
  kind: z.literal("case.updated"),
  caseId: z.string(),
  caseNumber: z.string(),
  fromStage: z.string().nullable(),
  stage: z.string(),
  status: caseStatusSchema,
  event: z.string(),
  regionCode: z.string().nullable(),
  reporterResidentId: z.string().nullable(),
  reporterStaffId: z.string().nullable(),
  householdId: z.string().nullable(),
});
/**
 * What travels between instances: ids and what the sockets show, never personal data (a notification is
 * visible to every session of the database, and must stay under 8000 bytes). Parsed on arrival: an instance
 * of another version during a rolling restart may send a kind this one does not know, which it ignores.
 */
const busMessageSchema = z.discriminatedUnion("kind", [
  taskNoticeSchema,
  caseUpdatedSchema,
  z.object({ kind: z.literal("bot.pushes.due") }),
  // An administrator loaded a year's holiday arrangement: every instance reads the calendars again.
  z.object({ kind: z.literal("calendar.changed") }),
  // A staff account was deactivated or its password reset or changed: every instance closes its sockets.
  z.object({ kind: z.literal("staff.sessions.ended"), staffId: z.string() }),
  // The administrative tree changed (places imported, renamed, merged): every instance reloads it.
  z.object({ kind: z.literal("regions.changed") }),
  // An administrator changed a monitoring standard, or put a workflow definition in force: every instance reads them again.
  z.object({ kind: z.literal("standards.changed") }),
  z.object({ kind: z.literal("workflows.changed") }),
  // A background job moved (started, went on, ended): the sockets of the offices over its region hear it.
  z.object({
    kind: z.literal("job.changed"),
    jobId: z.string(),
    jobKind: z.string(),
    regionPath: z.string(),
    status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
    done: z.number(),
    total: z.number().nullable(),
    phase: z.string(),
  }),
]);

/** What happened to a case: recorded in its transaction (recordNotices), published after it commits. */
export type CaseNotice = z.output<typeof taskNoticeSchema> | z.output<typeof caseUpdatedSchema>;
const caseNoticeSchema = z.discriminatedUnion("kind", [taskNoticeSchema, caseUpdatedSchema]);

/** A case moved (or had something recorded): its applicant's sockets and WeChat hear of it. */
export function caseMovedNotice(
  c: {
    id: string;
    number: string;
    stage: string;
    status: Extract<CaseNotice, { kind: "case.updated" }>["status"];
    reporterResidentId: string | null;
    reporterStaffId: string | null;
    householdId: string | null;
  },
  change: { fromStage: string | null; event: string; regionCode: string | null },
): CaseNotice {
  return {
    kind: "case.updated",
    caseId: c.id,
    caseNumber: c.number,
    stage: c.stage,
    status: c.status,
    reporterResidentId: c.reporterResidentId,
    reporterStaffId: c.reporterStaffId,
    householdId: c.householdId,
    ...change,
  };
}

/** A task opened or was escalated: its desk's sockets and bound staff hear of it. */
export function taskNotice(
  kind: "task.opened" | "task.escalated",
  task: {
    id: string;
    stage: string;
    desk: z.output<typeof deskSchema>;
    regionPath: string;
    escalatedToPath: string | null;
    dueAt: Date | null;
    dueProvisional: boolean;
  },
  caseNumber: string,
  urgent = false,
): CaseNotice {
  return {
    kind,
    urgent,
    taskId: task.id,
    caseNumber,
    stage: task.stage,
    desk: task.desk,
    regionPath: task.regionPath,
    escalatedToPath: task.escalatedToPath,
    dueAt: task.dueAt,
    dueProvisional: task.dueProvisional,
  };
}

/**
 * Records notices in the transaction of the change they tell of (PendingNotice), in order: the pushes they lead
 * to are stored from there (BotPushService.storePending), so an instance that dies between the commit and
 * storing them loses none. Publish the same notices after the commit, for the sockets.
 */
export async function recordNotices(
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  notices: readonly CaseNotice[],
  at: Date,
): Promise<void> {
  if (notices.length === 0) return;
  await tx.$executeRaw`INSERT INTO "PendingNotice" ("notice", "createdAt")
    SELECT n.value, ${at} FROM jsonb_array_elements(${JSON.stringify(notices)}::jsonb) WITH ORDINALITY AS n ORDER BY n.ordinality`;
}

/** A recorded notice, or null for one this version does not know (recorded by another version during a rolling restart). */
export function parseNotice(json: unknown): CaseNotice | null {
  const parsed = caseNoticeSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
/**
 * What subscribers hear: every instance's case notices; "bot.pushes.due" when stored pushes wait for a bot
 * (whichever instance holds its socket sends them); "resync" when this instance may have missed notices
 * (its listening connection was lost), so that whatever they refresh is loaded again.
 */
export type BusEvent = z.output<typeof busMessageSchema> | { kind: "resync" };

export interface NotifierLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/**
 * One bus for case notices across every instance of the server, on the database itself: PostgreSQL
 * LISTEN/NOTIFY on a server, the same statements on the embedded database (where the one process hears its
 * own notices). Publishing also runs this instance's own hooks (onPublish) first: effects that must happen
 * once, such as storing the bot's pushes, belong to the instance that handled the action, never to every
 * instance that hears it.
 *
 * Notices are sent after the change committed, in the order published, several per round trip when they come
 * faster than the database answers; a failure to send is logged and costs the sockets a refresh, never the
 * request that made the change (it is already committed).
 */
export class CaseNotifier {
  private readonly local = new EventEmitter();
  private pending: string[] = [];
  private sending: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: Pick<Database, "notify" | "listen">,
    private readonly log: NotifierLog,
  ) {
    // One listener per open socket.
    this.local.setMaxListeners(0);
  }

  /** Starts hearing every instance's notices (this one's included); resolves once listening. */
  async start(): Promise<void> {
    if (this.stopListening) return;
    this.stopListening = await this.database.listen(noticeChannel, {
      message: (payload) => this.arrived(payload),
      lost: (err) => this.log.warn({ err }, "lost the connection that hears other instances' notices; opening it again"),
      reconnected: () => {
        this.log.info({}, "hearing other instances' notices again; the sockets are told to refresh");
        this.emit({ kind: "resync" });
      },
    });
  }

  /** Sends what is still queued, then stops listening. */
  async stop(): Promise<void> {
    await this.flushed();
    const stop = this.stopListening;
    this.stopListening = null;
    await stop?.();
  }

  publish(notice: CaseNotice): void {
    for (const hook of this.local.listeners("published")) {
      try {
        (hook as (notice: CaseNotice) => void)(notice);
      } catch (err) {
        this.log.error({ err }, "a hook on a published notice failed");
      }
    }
    this.send(notice);
  }

  /** Stored pushes are due: the instance whose socket holds the bot sends them. */
  pushesDue(): void {
    this.send({ kind: "bot.pushes.due" });
  }

  /** A staff account's sessions ended (deactivated, password reset or changed, role or region changed). */
  staffSessionsEnded(staffId: string): void {
    this.send({ kind: "staff.sessions.ended", staffId });
  }

  /** The administrative tree changed. */
  regionsChanged(): void {
    this.send({ kind: "regions.changed" });
  }

  /** The monitoring standards changed. */
  standardsChanged(): void {
    this.send({ kind: "standards.changed" });
  }

  /** A workflow definition was put in force. */
  workflowsChanged(): void {
    this.send({ kind: "workflows.changed" });
  }

  /** A background job moved. */
  jobChanged(change: JobChange): void {
    this.send({
      kind: "job.changed",
      jobId: change.jobId,
      jobKind: change.kind,
      regionPath: change.regionPath,
      status: change.status,
      done: change.done,
      total: change.total,
      phase: change.phase,
    });
  }

  /** The working-day calendars in the database changed. */
  calendarChanged(): void {
    this.send({ kind: "calendar.changed" });
  }

  /** This instance's own notices, as they are published (before any instance hears them). */
  onPublish(hook: (notice: CaseNotice) => void): () => void {
    this.local.on("published", hook);
    return () => this.local.off("published", hook);
  }

  /** Every instance's notices, as they arrive over the bus. */
  subscribe(listener: (event: BusEvent) => void): () => void {
    this.local.on("event", listener);
    return () => this.local.off("event", listener);
  }

  /** Resolves when everything published so far has been handed to the database (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private send(message: z.input<typeof busMessageSchema>): void {
    const payload = JSON.stringify(message);
    if (Buffer.byteLength(payload) > maxPayloadBytes) {
      this.log.error({ kind: message.kind, bytes: Buffer.byteLength(payload) }, "a notice too large for a notification was not sent");
      return;
    }
    this.pending.push(payload);
    this.sending ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.database.notify(noticeChannel, batch);
      } catch (err) {
        this.log.error({ err, notices: batch.length }, "notices could not be sent to the other instances");
      }
    }
    this.sending = null;
  }

  private arrived(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      json = null;
    }
    const parsed = busMessageSchema.safeParse(json);
    if (parsed.success) this.emit(parsed.data);
  }

  private emit(event: BusEvent): void {
    for (const listener of this.local.listeners("event")) {
      try {
        (listener as (event: BusEvent) => void)(event);
      } catch (err) {
        this.log.error({ err }, "a subscriber to the notices failed");
      }
    }
  }
}
