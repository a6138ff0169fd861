import type { Database } from "../database/database.ts";
import { Prisma } from "../database/generated/client.ts";

export interface CounterWindow {
  /** Events of the key in its current window, the one just counted included. */
  count: number;
  /** When the window ends. */
  resetAt: Date;
}

/** Expired windows are deleted at most this often per instance, by whichever counting finds the sweep due. */
const sweepEveryMs = 5 * 60_000;

/**
 * Counts events per key in fixed windows, in the database, so that every
 * instance of the server counts together: a guesser spread over the instances
 * behind a balancer is throttled as one. Each event is one atomic upsert (the
 * row lock orders concurrent ones); keys are namespaced by their callers
 * ("login-client:…", "bot-sender:…", "route:…"). Times come from the caller's
 * clock, the one its limits are reckoned in.
 */
export class SharedCounters {
  private nextSweepAt = 0;

  constructor(private readonly sql: Database["sql"]) {}

  /** Counts one event of the key; a key whose window ended starts a new one of windowMs. */
  async hit(key: string, windowMs: number, now: Date): Promise<CounterWindow> {
    const resetAt = new Date(now.getTime() + windowMs);
    const [row] = await this.sql<{ count: number; resetAt: Date }>(Prisma.sql`
      INSERT INTO "SharedCounter" ("key", "count", "resetAt") VALUES (${key}, 1, ${resetAt})
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN "SharedCounter"."resetAt" <= ${now} THEN 1 ELSE "SharedCounter"."count" + 1 END,
        "resetAt" = CASE WHEN "SharedCounter"."resetAt" <= ${now} THEN EXCLUDED."resetAt" ELSE "SharedCounter"."resetAt" END
      RETURNING "count", "resetAt"`);
    this.sweepIfDue(now);
    return row!;
  }

  /** The key's current window without counting anything, or null when it has none. */
  async peek(key: string, now: Date): Promise<CounterWindow | null> {
    const [row] = await this.sql<{ count: number; resetAt: Date }>(Prisma.sql`
      SELECT "count", "resetAt" FROM "SharedCounter" WHERE "key" = ${key} AND "resetAt" > ${now}`);
    return row ?? null;
  }

  private sweepIfDue(now: Date): void {
    const at = Date.now();
    if (at < this.nextSweepAt) return;
    this.nextSweepAt = at + sweepEveryMs;
    // Any instance may sweep, twice is harmless; a failed sweep is retried at the next one.
    void this.sql(Prisma.sql`DELETE FROM "SharedCounter" WHERE "resetAt" <= ${now}`).catch(() => undefined);
  }
}
