import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../../../server/platform/database/generated/client.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

describe(`statements straight on the driver (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  const zone = process.env.TZ;

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.migrate();
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await t.drop();
  });

  it("keep times in UTC both ways, as Prisma does, whatever the process's time zone", async () => {
    // The drivers read and write timestamps without a zone as local time; a server in China would shift them by 8 hours.
    process.env.TZ = "Asia/Shanghai";
    const resetAt = new Date("2026-12-04T23:30:00.123Z");
    const [written] = await t.db.sql<{ resetAt: Date }>(Prisma.sql`
      INSERT INTO "SharedCounter" ("key", "count", "resetAt") VALUES ('tz-check', 1, ${resetAt}) RETURNING "resetAt"`);
    expect(written!.resetAt.toISOString()).toBe(resetAt.toISOString());
    const [stored] = await t.db.prisma.$queryRaw<
      { text: string }[]
    >`SELECT "resetAt"::text AS "text" FROM "SharedCounter" WHERE "key" = 'tz-check'`;
    expect(stored!.text).toBe("2026-12-04 23:30:00.123");
    const viaPrisma = await t.db.prisma.sharedCounter.findUniqueOrThrow({ where: { key: "tz-check" } });
    expect(viaPrisma.resetAt.toISOString()).toBe(resetAt.toISOString());
    const [compared] = await t.db.sql<{ n: number }>(
      Prisma.sql`SELECT count(*)::int AS "n" FROM "SharedCounter" WHERE "resetAt" = ${resetAt}`,
    );
    expect(compared!.n).toBe(1);
  });

  it("pass arrays and JSON, and read them back as JavaScript values", async () => {
    const [row] = await t.db.sql<{ ids: string[]; doc: { a: number[] } }>(
      Prisma.sql`SELECT ${["9f1c3a4e-0000-4000-8000-000000000001", "9f1c3a4e-0000-4000-8000-000000000002"]}::uuid[]::text[] AS "ids", ${JSON.stringify({ a: [1, 2] })}::json AS "doc"`,
    );
    expect(row).toEqual({ ids: ["9f1c3a4e-0000-4000-8000-000000000001", "9f1c3a4e-0000-4000-8000-000000000002"], doc: { a: [1, 2] } });
  });
});
