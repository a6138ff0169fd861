import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../../../../server/core/personal-data.ts";
import { createSecondInstance, createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`keys checked against the database at start-up (${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("starts a second instance with the same keys, and refuses one that brought keys of its own", async () => {
    const same = await createSecondInstance(t);
    await same.close();
    await expect(createSecondInstance(t, { dataKeys: `k1:${generateKey()}` })).rejects.toThrow(
      /DATA_KEYS k1 differ from the keys this database's personal data was written with/,
    );
    await expect(createSecondInstance(t, { lookupKey: generateKey() })).rejects.toThrow(/LOOKUP_KEY differ/);
    // Nothing was recorded by the refused starts: the first keys still start.
    const again = await createSecondInstance(t);
    expect((await again.app.inject({ method: "GET", url: "/health/ready" })).statusCode).toBe(200);
    await again.close();
  });

  it("accepts a rotation that puts new keys first and keeps the old ones", async () => {
    const rotating = await createSecondInstance(t, {
      dataKeys: `k2:${generateKey()},${t.config.dataKeys}`,
      lookupKey: `${generateKey()},${t.config.lookupKey}`,
    });
    await rotating.close();
    expect((await t.database.db.prisma.keyFingerprint.findMany()).map((r) => r.name).sort()).toEqual(["data:k1", "data:k2", "lookup"]);
  });
});
