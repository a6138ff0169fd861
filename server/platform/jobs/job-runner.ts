import crypto from "node:crypto";
import PgBoss from "pg-boss";
import type { Database, PrismaClient } from "../database/database.ts";
import type { Prisma } from "../database/generated/client.ts";
import { AppError } from "../../core/errors.ts";
import { jobQueueSchema } from "../scheduler/scheduler.ts";

/** What a job's handler is given: the job, and a way to say how far it got. */
export interface JobContext {
  id: string;
  params: Prisma.JsonValue;
  createdById: string | null;
  regionPath: string;
  /**
   * Records progress and keeps the claim alive. Throws JobCancelledError once the job was cancelled or
   * taken over by another instance: the handler stops where it is (every step it committed stands).
   */
  progress(done: number, total: number | null, phase: string): Promise<void>;
}

/** A kind of long work. Its handler must be idempotent: a job whose instance stopped is run again from the start. */
export interface JobKind {
  /** The job queue's name (letters, digits, dashes). */
  name: string;
  run(context: JobContext): Promise<Prisma.InputJsonObject>;
  /** Called once the job ended without a result (failed or cancelled), to leave what it is about in a state that says so. */
  ended?(context: Omit<JobContext, "progress">, status: "FAILED" | "CANCELLED", error: string | null): Promise<void>;
}

export class JobCancelledError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
  }
}

export type JobStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

/** What other instances and the sockets hear when a job moves. */
export interface JobChange {
  jobId: string;
  kind: string;
  regionPath: string;
  createdById: string | null;
  status: JobStatus;
  done: number;
  total: number | null;
  phase: string;
}

export interface JobRunnerLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JobRunnerOptions {
  /** A running job whose claim was not renewed for this long is taken for lost (its instance stopped) and run again. */
  staleSeconds?: number;
  /** How often each instance looks for lost jobs. */
  sweepSeconds?: number;
  onChange?: (change: JobChange) => void;
}

/** A failure of the job's own data (an AppError) ends it at once; anything else is tried again this many times. */
const retryLimit = 2;
const defaultStaleSeconds = 120;
const stopTimeoutMs = 10_000;

/**
 * Long work (a household import of tens of thousands of rows) run in the background. The Job table is the
 * record users see (status, progress, result); pg-boss, the job queue the scheduler already keeps in the
 * database, carries the work to one instance. Exactly once: a handler starts only by claiming the job's row
 * (QUEUED, or RUNNING with a claim nobody renewed for `staleSeconds`); its progress renews the claim. An
 * instance that stops leaves a stale claim, which the next sweep of any instance sends to the queue again.
 * The queue is started on first use, or at start when jobs are waiting: servers that never run one pay nothing.
 */
export class JobRunner {
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;
  private readonly kinds = new Map<string, JobKind>();
  private readonly workers = new Map<string, string>();
  private readonly instance = crypto.randomUUID();
  private sweepTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly staleSeconds: number;
  private readonly sweepSeconds: number;

  constructor(
    private readonly database: Pick<Database, "executeSql">,
    private readonly prisma: PrismaClient,
    private readonly log: JobRunnerLog,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.staleSeconds = options.staleSeconds ?? defaultStaleSeconds;
    this.sweepSeconds = options.sweepSeconds ?? Math.max(1, Math.floor(this.staleSeconds / 2));
  }

  /** A kind of job this instance runs; all are registered before start. */
  register(kind: JobKind): void {
    this.kinds.set(kind.name, kind);
  }

  /** Records the job, in the caller's transaction when given; dispatch() then hands it to the queue. */
  async enqueue(
    kind: string,
    params: Prisma.InputJsonObject,
    by: { createdById: string | null; regionPath: string },
    tx: Prisma.TransactionClient | PrismaClient = this.prisma,
  ) {
    if (!this.kinds.has(kind)) throw new Error(`no job kind ${kind}`);
    const job = await tx.job.create({ data: { kind, params, createdById: by.createdById, regionPath: by.regionPath } });
    return job;
  }

  /** Sends a recorded job to the queue (after the transaction that recorded it committed). */
  async dispatch(jobId: string, kind: string): Promise<void> {
    const boss = await this.started();
    await boss.send(this.queueOf(kind), { jobId }, { retryLimit, retryDelay: 5, retryBackoff: true, expireInHours: 23 });
    const worker = this.workers.get(kind);
    if (worker) boss.notifyWorker(worker);
  }

  /** Asks a job to stop: a queued one never starts, a running one stops at its next step. False when it had ended. */
  async cancel(jobId: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: { id: jobId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", finishedAt: new Date() },
    });
    if (count === 0) return false;
    const job = await this.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    await this.kinds.get(job.kind)?.ended?.(this.contextOf(job), "CANCELLED", null);
    this.changed(job);
    return true;
  }

  /** At start: the queue runs if jobs are waiting or were left running, and lost ones are looked for from then on. */
  async start(): Promise<void> {
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepSeconds * 1000);
    this.sweepTimer.unref();
    const waiting = await this.prisma.job.count({ where: { kind: { in: [...this.kinds.keys()] }, status: { in: ["QUEUED", "RUNNING"] } } });
    if (waiting > 0) await this.started();
    await this.sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const boss = this.boss ?? (await this.starting?.catch(() => null));
    // Jobs still running after the timeout are handed back; their claim goes stale and another instance takes them.
    if (boss) await boss.stop({ graceful: true, timeout: stopTimeoutMs, close: false });
  }

  /** Jobs waiting with no queue running here, and running ones whose instance stopped, sent to the queue again. */
  async sweep(): Promise<number> {
    if (this.stopped) return 0;
    try {
      const lost = await this.prisma.job.findMany({
        where: {
          kind: { in: [...this.kinds.keys()] },
          OR: [
            { status: "QUEUED", createdAt: { lt: new Date(Date.now() - this.staleSeconds * 1000) } },
            { status: "RUNNING", heartbeatAt: { lt: new Date(Date.now() - this.staleSeconds * 1000) } },
          ],
        },
        select: { id: true, kind: true },
        take: 100,
      });
      for (const job of lost) await this.dispatch(job.id, job.kind);
      if (lost.length > 0) this.log.info({ jobs: lost.map((j) => j.id) }, "jobs taken up again");
      return lost.length;
    } catch (err) {
      this.log.error({ err }, "could not look for lost jobs");
      return 0;
    }
  }

  private queueOf(kind: string) {
    return `job-${kind}`;
  }

  private started(): Promise<PgBoss> {
    if (this.boss) return Promise.resolve(this.boss);
    this.starting ??= this.startQueue().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  private async startQueue(): Promise<PgBoss> {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.database.executeSql(text, values) },
      schema: jobQueueSchema,
      schedule: false,
    });
    boss.on("error", (err) => this.log.error({ err }, "the job queue failed"));
    await boss.start();
    for (const kind of this.kinds.values()) {
      const queue = this.queueOf(kind.name);
      await createQueue(boss, queue);
      const worker = await boss.work<{ jobId: string }>(queue, { pollingIntervalSeconds: 2, includeMetadata: true }, async ([taken]) =>
        this.runJob(kind, taken!.data.jobId, taken!.retryCount),
      );
      this.workers.set(kind.name, worker);
    }
    this.boss = boss;
    return boss;
  }

  private contextOf(job: Prisma.JobGetPayload<object>): Omit<JobContext, "progress"> {
    return { id: job.id, params: job.params, createdById: job.createdById, regionPath: job.regionPath };
  }

  /** Takes the job's row, unless it ended or a live instance holds it. */
  private async claim(jobId: string) {
    const stale = new Date(Date.now() - this.staleSeconds * 1000);
    const now = new Date();
    const { count } = await this.prisma.job.updateMany({
      where: { id: jobId, OR: [{ status: "QUEUED" }, { status: "RUNNING", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }] }] },
      data: { status: "RUNNING", claimedBy: this.instance, heartbeatAt: now },
    });
    if (count === 0) return null;
    const job = await this.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    if (!job.startedAt) await this.prisma.job.update({ where: { id: jobId }, data: { startedAt: now } });
    return job;
  }

  private async runJob(kind: JobKind, jobId: string, retryCount: number): Promise<void> {
    const job = await this.claim(jobId);
    if (!job) return;
    this.changed(job);
    const context: JobContext = {
      ...this.contextOf(job),
      progress: async (done, total, phase) => {
        const progress = { done, total, phase };
        const { count } = await this.prisma.job.updateMany({
          where: { id: jobId, status: "RUNNING", claimedBy: this.instance },
          data: { progress, heartbeatAt: new Date() },
        });
        if (count === 0) throw new JobCancelledError(jobId);
        this.changed({ ...job, status: "RUNNING", progress });
      },
    };
    try {
      const result = await kind.run(context);
      const ended = await this.finish(jobId, { status: "SUCCEEDED", result, error: null });
      if (ended) this.log.info({ job: kind.name, jobId, result }, "job done");
    } catch (err) {
      if (err instanceof JobCancelledError) return;
      const final = err instanceof AppError || retryCount >= retryLimit;
      this.log.error({ err, job: kind.name, jobId, retryCount, final }, "job failed");
      if (!final) {
        // Handed back to the queue for another try: the claim is let go so the retry may take it.
        await this.prisma.job.updateMany({
          where: { id: jobId, claimedBy: this.instance, status: "RUNNING" },
          data: { heartbeatAt: null },
        });
        throw err;
      }
      const code = err instanceof AppError ? err.code : "JOB_FAILED";
      const params = err instanceof AppError ? (err.params as Prisma.InputJsonObject | undefined) : undefined;
      if (await this.finish(jobId, { status: "FAILED", result: params ? { params } : undefined, error: code }))
        await kind.ended?.(this.contextOf(job), "FAILED", code);
    }
  }

  private async finish(jobId: string, end: { status: "SUCCEEDED" | "FAILED"; result?: Prisma.InputJsonObject; error: string | null }) {
    const { count } = await this.prisma.job.updateMany({
      where: { id: jobId, status: "RUNNING", claimedBy: this.instance },
      data: { status: end.status, result: end.result, error: end.error, finishedAt: new Date() },
    });
    if (count > 0) this.changed(await this.prisma.job.findUniqueOrThrow({ where: { id: jobId } }));
    return count > 0;
  }

  private changed(job: Prisma.JobGetPayload<object>) {
    const progress = (job.progress ?? {}) as { done?: number; total?: number | null; phase?: string };
    this.options.onChange?.({
      jobId: job.id,
      kind: job.kind,
      regionPath: job.regionPath,
      createdById: job.createdById,
      status: job.status,
      done: progress.done ?? 0,
      total: progress.total ?? null,
      phase: progress.phase ?? "",
    });
  }
}

const deadlockDetected = "40P01";

/** As the scheduler does: instances creating a queue at once may be resolved by PostgreSQL as a deadlock; the loser tries again. */
async function createQueue(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await boss.createQueue(name);
    } catch (err) {
      if ((err as { code?: string }).code !== deadlockDetected || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
