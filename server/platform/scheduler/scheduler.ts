import PgBoss from "pg-boss";
import type { Database } from "../database/database.ts";
import { archiveAfterSeconds, jobCadence, maintenanceSeconds } from "./job-schedule.ts";

/** A piece of recurring work; its effects must be idempotent (a run after a crash half-way repeats nothing). */
export interface ScheduledJob {
  /** The job queue's name (letters, digits, dashes). */
  name: string;
  /** Runs once per this many seconds across every instance. */
  everySeconds: number;
  /** A run still going after this long is taken for lost (its instance died) and run again elsewhere. */
  timeoutSeconds: number;
  /** What it did, kept with the finished job (and logged when it did anything). */
  run(): Promise<Record<string, number>>;
}

export interface SchedulerLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SchedulerOptions {
  /** The first retry's pause; each next one doubles it (pg-boss adds up to as much again at random). */
  retryDelaySeconds?: number;
}

/** Where pg-boss keeps its tables: its own schema, created and upgraded by pg-boss itself at start. */
export const jobQueueSchema = "pgboss";
/** A failed run is tried again this many times, after 5, 10, 20… seconds (with jitter) by default. */
const retryLimit = 5;
const defaultRetryDelaySeconds = 5;
const deadlockDetected = "40P01";
/** How long a stopping instance waits for its running jobs before handing them back for a retry. */
const stopTimeoutMs = 10_000;

/**
 * Recurring work (overdue escalations, reminders, conversation timeouts, the
 * retention policy) run once per period across every instance of the server,
 * through pg-boss, a job queue kept in the database itself: the embedded one
 * or the PostgreSQL server all instances share.
 *
 * Every instance asks, several times a period, for the current period's job;
 * pg-boss keeps one job per job name and period (a unique index on the
 * period's start, reckoned on the database's clock), so however many ask, one
 * job exists. Whoever takes it (FOR UPDATE SKIP LOCKED) runs it; a run that
 * throws is retried with growing pauses, and one whose instance died is found
 * by pg-boss's maintenance after the job's timeout and handed to another
 * instance. Jobs are rows, so a restart loses none.
 */
export class Scheduler {
  private readonly boss: PgBoss;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly workers = new Map<string, string>();
  private stopped = false;
  private readonly retryDelaySeconds: number;

  constructor(
    database: Pick<Database, "executeSql">,
    private readonly jobs: readonly ScheduledJob[],
    private readonly log: SchedulerLog,
    options: SchedulerOptions = {},
  ) {
    this.retryDelaySeconds = options.retryDelaySeconds ?? defaultRetryDelaySeconds;
    if (jobs.length === 0) throw new Error("a scheduler needs at least one job");
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => database.executeSql(text, values) },
      schema: jobQueueSchema,
      // Cron schedules and the state monitor are unused: periods are asked for by every instance (above).
      schedule: false,
      maintenanceIntervalSeconds: maintenanceSeconds(jobs.map((job) => job.timeoutSeconds)),
      archiveCompletedAfterSeconds: archiveAfterSeconds(jobs.map((job) => job.everySeconds)),
    });
    this.boss.on("error", (err) => this.log.error({ err }, "the job queue failed"));
  }

  /** Creates or upgrades the job queue's tables, starts asking for and working on jobs. */
  async start(): Promise<void> {
    await this.boss.start();
    for (const job of this.jobs) {
      await this.createQueue(job.name);
      const cadence = jobCadence(job.everySeconds, this.retryDelaySeconds);
      const workerId = await this.boss.work<object>(
        job.name,
        { pollingIntervalSeconds: cadence.pollSeconds, includeMetadata: true },
        async ([taken]) => this.runJob(job, taken!.id, taken!.retryCount),
      );
      this.workers.set(job.name, workerId);
      // Asked at once, then every tick give or take half of one: instances' timers drift apart, so no
      // instance makes (and takes) every period's job, and the work spreads over them.
      const askNow = () => {
        void this.ask(job);
        if (this.stopped) return;
        const timer = setTimeout(askNow, cadence.tickMs * (0.5 + Math.random()));
        timer.unref();
        this.timers.set(job.name, timer);
      };
      askNow();
    }
    this.log.info({ jobs: this.jobs.map((job) => ({ name: job.name, everySeconds: job.everySeconds })) }, "scheduler started");
  }

  /**
   * Stops asking and taking jobs; waits a while for the ones running here, then hands those still
   * running back (failed, so another instance retries them). The database stays open.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.boss.stop({ graceful: true, timeout: stopTimeoutMs, close: false });
  }

  /**
   * A queue is a row and a partition of pg-boss's job table; instances starting together on a new database
   * create them at once, which PostgreSQL may resolve by aborting one as a deadlock (pg-boss #133, supabase/storage
   * #703). The one aborted tries again and finds the queue made.
   */
  private async createQueue(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.boss.createQueue(name);
      } catch (err) {
        if ((err as { code?: string }).code !== deadlockDetected || attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /** This period's job, unless an instance made it already; the instance that made it takes it at once. */
  private async ask(job: ScheduledJob): Promise<void> {
    if (this.stopped) return;
    try {
      const id = await this.boss.send(
        job.name,
        {},
        {
          singletonKey: job.name,
          singletonSeconds: job.everySeconds,
          expireInSeconds: job.timeoutSeconds,
          retryLimit,
          retryDelay: this.retryDelaySeconds,
          retryBackoff: true,
        },
      );
      const worker = this.workers.get(job.name);
      if (id && worker && !this.stopped) this.boss.notifyWorker(worker);
    } catch (err) {
      // The next ask tries again; the database being away for a moment must not end the process.
      this.log.error({ err, job: job.name }, "could not ask for a scheduled job");
    }
  }

  private async runJob(job: ScheduledJob, jobId: string, retryCount: number): Promise<Record<string, number>> {
    this.log.debug({ job: job.name, jobId, retryCount }, "scheduled job started");
    try {
      const result = await job.run();
      if (Object.values(result).some((n) => n > 0)) this.log.info({ job: job.name, jobId, result }, "scheduled job done");
      return result;
    } catch (err) {
      this.log.error({ err, job: job.name, jobId, retryCount, retryLimit }, "scheduled job failed");
      throw err;
    }
  }
}
