import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jobQueueSchema, Scheduler, type ScheduledJob } from "../../../../server/platform/scheduler/scheduler.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(50);
  }
}

/**
 * Several schedulers on one database stand for several instances of the server (on the embedded database,
 * several in one process; the two-process tests on a PostgreSQL server are in test/server/scale-out-scheduler.test.ts).
 */
describe(`the scheduler: recurring jobs once per period across instances (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  const running: Scheduler[] = [];
  const errors: unknown[] = [];
  const log = { debug: () => undefined, info: () => undefined, error: (details: object) => void errors.push(details) };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
  });
  afterAll(() => database.drop());

  async function start(jobs: ScheduledJob[], options: { retryDelaySeconds?: number } = {}): Promise<Scheduler> {
    const scheduler = new Scheduler(database.db, jobs, log, options);
    running.push(scheduler);
    await scheduler.start();
    return scheduler;
  }

  const jobRows = (name: string) =>
    database.db.query<{ id: string; state: string; retry_count: number; singleton_on: Date }>(
      `SELECT id::text, state::text, retry_count, singleton_on FROM ${jobQueueSchema}.job WHERE name = $1 ORDER BY created_on`,
      [name],
    );

  it("runs a job once in its period although two instances ask for it, and again after both restart", async () => {
    let runs = 0;
    const job: ScheduledJob = { name: "hourly-test", everySeconds: 3600, timeoutSeconds: 60, run: async () => ({ runs: ++runs }) };
    await Promise.all([start([job]), start([job])]);
    await until(() => runs === 1, "the first run");
    // Both instances restart within the hour: each asks again at start, and the period's job is already done.
    await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
    await Promise.all([start([job]), start([job])]);
    await pause(1500);
    expect(runs).toBe(1);
    expect(await jobRows("hourly-test")).toEqual([expect.objectContaining({ state: "completed", retry_count: 0 })]);
    expect(errors).toEqual([]);
  });

  it("runs a one-second job every period on one instance or the other, never twice in a period", async () => {
    let runs = 0;
    const job: ScheduledJob = { name: "every-second", everySeconds: 1, timeoutSeconds: 60, run: async () => ({ runs: ++runs }) };
    await Promise.all([start([job]), start([job])]);
    await until(() => runs >= 3, "three runs");
    await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
    const rows = await jobRows("every-second");
    const completed = rows.filter((row) => row.state === "completed");
    // Each run is one stored job, and no period holds two.
    expect(completed).toHaveLength(runs);
    expect(new Set(rows.map((row) => row.singleton_on.getTime())).size).toBe(rows.length);
    expect(errors).toEqual([]);
  });

  it("retries a run that failed, after a pause", async () => {
    const attempts: number[] = [];
    const job: ScheduledJob = {
      name: "fails-once",
      everySeconds: 3600,
      timeoutSeconds: 60,
      run: async () => {
        attempts.push(Date.now());
        if (attempts.length === 1) throw new Error("the database went away");
        return { done: 1 };
      },
    };
    await Promise.all([start([job], { retryDelaySeconds: 1 }), start([job], { retryDelaySeconds: 1 })]);
    await until(() => attempts.length === 2, "the retry");
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
    await until(async () => (await jobRows("fails-once"))[0]?.state === "completed", "the retry to complete");
    expect(await jobRows("fails-once")).toEqual([expect.objectContaining({ state: "completed", retry_count: 1 })]);
    expect(errors).toEqual([expect.objectContaining({ job: "fails-once", retryCount: 0 })]);
    errors.length = 0;
  });

  it("runs again a job whose run outlived its timeout (an instance stuck or gone)", async () => {
    let runs = 0;
    const job: ScheduledJob = {
      name: "hangs-once",
      everySeconds: 3600,
      timeoutSeconds: 2,
      run: () => (++runs === 1 ? new Promise<never>(() => undefined) : Promise.resolve({ done: 1 })),
    };
    await Promise.all([start([job], { retryDelaySeconds: 1 }), start([job], { retryDelaySeconds: 1 })]);
    await until(() => runs === 2, "the second run", 20_000);
    await until(async () => (await jobRows("hangs-once"))[0]?.state === "completed", "the second run to complete");
    expect(runs).toBe(2);
    expect(await jobRows("hangs-once")).toEqual([expect.objectContaining({ retry_count: 1 })]);
  }, 30_000);
});
