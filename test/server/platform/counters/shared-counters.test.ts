import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedCounters } from "../../../../server/platform/counters/shared-counters.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

describe(`shared counters (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.migrate();
  });
  afterAll(() => t.drop());

  const start = new Date("2026-11-25T02:00:00Z");
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

  it("counts a key's events in its window, each key on its own, and starts a new window after it ends", async () => {
    const counters = new SharedCounters(t.db.sql);
    expect(await counters.peek("k:a", at(0))).toBeNull();
    expect(await counters.hit("k:a", 60_000, at(0))).toEqual({ count: 1, resetAt: at(60) });
    expect(await counters.hit("k:a", 60_000, at(30))).toEqual({ count: 2, resetAt: at(60) });
    expect(await counters.hit("k:b", 60_000, at(30))).toEqual({ count: 1, resetAt: at(90) });
    expect(await counters.peek("k:a", at(59))).toEqual({ count: 2, resetAt: at(60) });
    expect(await counters.peek("k:a", at(60))).toBeNull();
    expect(await counters.hit("k:a", 60_000, at(61))).toEqual({ count: 1, resetAt: at(121) });
  });

  it("counts every event once when instances count the same key at the same moment", async () => {
    const instances = [new SharedCounters(t.db.sql), new SharedCounters(t.db.sql)];
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => instances[i % 2]!.hit("k:burst", 60_000, at(0)).then((w) => w.count)),
    );
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await instances[0]!.peek("k:burst", at(1))).toMatchObject({ count: 20 });
  });

  it("deletes windows that have ended, so a flood of distinct keys does not stay", async () => {
    await new SharedCounters(t.db.sql).hit("k:old", 60_000, at(1000));
    // Another instance's first count sweeps.
    await new SharedCounters(t.db.sql).hit("k:new", 60_000, at(1100));
    await expect
      .poll(async () => (await t.db.prisma.sharedCounter.findMany({ where: { key: { in: ["k:old", "k:new"] } } })).map((r) => r.key))
      .toEqual(["k:new"]);
  });
});
