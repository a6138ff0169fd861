import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecondInstance, createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { readCsv } from "../../../helpers/spreadsheets.ts";

describe(`monitoring standards set by administrators (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    county = await t.staffToken("county");
    admin = await t.staffToken("admin");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (payload: object, token = county) =>
    t.app.inject({ method: "POST", url: "/api/admin/monitoring-standards", headers: auth(token), payload });
  /** The income standard the household ledger shows for 石门村's households. */
  const ledgerLine = async (app = t.app) => {
    const response = await app.inject({
      method: "GET",
      url: "/api/staff/ledgers/below-income-line?format=csv&regionCode=990101001001",
      headers: auth(county),
    });
    const [header, ...rows] = readCsv(response.body.replace(/^\uFEFF/, ""));
    const column = header!.indexOf("监测收入标准(元)");
    return [...new Set(rows.map((r) => r[column]))];
  };

  it("shows the standards in force with where they came from, and sets the county's own for a year, in force at once", async () => {
    const before = (await t.app.inject({ method: "GET", url: "/api/admin/monitoring-standards", headers: auth(county) })).json();
    expect(before.items).toContainEqual(expect.objectContaining({ year: 2026, regionCode: "99", incomeLine: 8500, source: "FILE" }));
    expect(before.missingYears).toEqual([]);
    expect(await ledgerLine()).toEqual(["8500"]);

    const set = await post({ year: 2026, regionCode: "990101", incomeLine: 9100, yellowMultiple: 1.5, reason: "县政府 2026 年 3 号文" });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().items).toContainEqual(
      expect.objectContaining({
        year: 2026,
        regionCode: "990101",
        regionName: "青山县",
        incomeLine: 9100,
        yellowMultiple: 1.5,
        source: "CONSOLE",
        setBy: "县防返贫办 李主任",
      }),
    );
    expect(set.json().history[0]).toMatchObject({ year: 2026, regionCode: "990101", incomeLine: 9100, reason: "县政府 2026 年 3 号文" });
    expect(await ledgerLine()).toEqual(["9100"]);

    // A server started later reads it from the database.
    const second = await createSecondInstance(t);
    try {
      expect(await ledgerLine(second.app)).toEqual(["9100"]);
    } finally {
      await second.close();
    }
  });

  it("refuses a county office the province's standard, townships altogether, and a line out of range, in words", async () => {
    const province = await post({ year: 2026, regionCode: "99", incomeLine: 8800, reason: "试试" });
    expect(province.statusCode).toBe(403);
    expect(province.json().code).toBe("STANDARD_REGION_OUT_OF_SCOPE");
    const township = await post(
      { year: 2026, regionCode: "990101001", incomeLine: 8800, reason: "试试" },
      await t.staffToken("township-liuxi"),
    );
    expect(township.statusCode).toBe(403);
    const tiny = await post({ year: 2026, regionCode: "990101", incomeLine: 12, reason: "写错了" });
    expect(tiny.statusCode).toBe(400);
    expect(tiny.json().fields[0].message).toContain("1000 到 100000");
    // The administrator may set the province's.
    expect((await post({ year: 2027, regionCode: "99", incomeLine: 8800, reason: "省里 2027 年标准" }, admin)).statusCode).toBe(200);
  });

  it("removes the county's own standard: the province's applies again, and the record keeps both changes", async () => {
    const removed = await post({ year: 2026, regionCode: "990101", remove: true, reason: "以省标准为准" });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(
      removed.json().items.find((s: { regionCode: string; year: number }) => s.regionCode === "990101" && s.year === 2026),
    ).toBeUndefined();
    expect(await ledgerLine()).toEqual(["8500"]);
    expect(
      removed
        .json()
        .history.slice(0, 3)
        .map((h: { removed: boolean; regionCode: string }) => [h.regionCode, h.removed]),
    ).toEqual([
      ["990101", true],
      ["99", false],
      ["990101", false],
    ]);
    // Append-only: the database refuses to change the record.
    await expect(t.database.db.prisma.monitoringStandardChange.deleteMany({})).rejects.toThrow();
  });
});
