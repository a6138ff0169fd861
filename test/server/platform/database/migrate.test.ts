import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultMigrationsDir } from "../../../../server/platform/database/database.ts";
import { MigrationChecksumError } from "../../../../server/platform/database/migrate.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

describe(`migrations (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  let dir: string;

  beforeEach(async () => {
    t = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    fs.cpSync(defaultMigrationsDir, dir, { recursive: true });
  });
  afterEach(async () => {
    await t.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addMigration = (name: string, sql: string) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  };
  const tableExists = async (name: string) =>
    (
      await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1",
        [name],
      )
    )[0]!.n === 1;

  it("builds the whole schema from an empty database, and a second run has nothing to do", async () => {
    const first = await t.db.migrate();
    const committed = fs
      .readdirSync(defaultMigrationsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(first.applied).toEqual(committed);
    for (const table of [
      "Region",
      "StaffAccount",
      "ResidentIdentity",
      "Household",
      "HouseholdMember",
      "Income",
      "Expense",
      "Case",
      "CaseEvent",
      "Consent",
      "Attachment",
    ]) {
      expect(await tableExists(table)).toBe(true);
    }
    const second = await t.db.migrate();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(committed);
  });

  it("applies only new migrations to an existing database", async () => {
    await t.db.migrate();
    addMigration("29990101000000_probe", 'CREATE TABLE "MigrationProbe" (id int PRIMARY KEY);');
    const result = await t.db.migrate(dir);
    expect(result.applied).toEqual(["29990101000000_probe"]);
    expect(await tableExists("MigrationProbe")).toBe(true);
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    await t.db.migrate();
    addMigration("29990101000000_broken", 'CREATE TABLE "HalfDone" (id int);\nSELECT 1/0;');
    await expect(t.db.migrate(dir)).rejects.toThrow(/division by zero/);
    expect(await tableExists("HalfDone")).toBe(false);
    expect(await t.db.query("SELECT name FROM _app_migrations WHERE name = '29990101000000_broken'")).toEqual([]);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    await t.db.migrate();
    const first = fs.readdirSync(dir, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    fs.appendFileSync(path.join(dir, first, "migration.sql"), "\n-- edited\n");
    await expect(t.db.migrate(dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it("keeps the case event log append-only in the database itself", async () => {
    await t.db.migrate();
    const region = await t.db.prisma.region.create({ data: { code: "990101", name: "青山县", level: "COUNTY", path: "990101/" } });
    const created = await t.db.prisma.case.create({
      data: {
        number: "2026-000001",
        kind: "HARDSHIP_REPORT",
        channel: "WEB",
        riskTypes: ["OTHER"],
        description: "x",
        applicantName: "x",
        contactPhoneEnc: "x",
        contactPhoneHash: "x",
        regionId: region.id,
        regionPath: region.path,
        routing: "COUNTY_TRIAGE",
        stage: "COUNTY_TRIAGE",
        idempotencyKey: "k",
        requestHash: "h",
      },
    });
    const event = await t.db.prisma.caseEvent.create({ data: { caseId: created.id, actorType: "SYSTEM", action: "SUBMITTED" } });
    await expect(t.db.prisma.caseEvent.update({ where: { id: event.id }, data: { action: "FORGED" } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.caseEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE "CaseEvent" CASCADE')).rejects.toThrow(/append-only/);
    expect((await t.db.prisma.caseEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe("SUBMITTED");
  });

  it("keeps the staff-access log append-only: no update ever, no delete of an entry younger than six months", async () => {
    await t.db.migrate();
    const { prisma } = t.db;
    const region = await prisma.region.create({ data: { code: "990101", name: "青山县", level: "COUNTY", path: "990101/" } });
    const staff = await prisma.staffAccount.create({
      data: { username: "county", displayName: "县里", passwordHash: "x", role: "COUNTY", regionId: region.id },
    });
    const entry = (at: Date) =>
      prisma.staffAccessLog.create({ data: { at, staffId: staff.id, staffRole: "COUNTY", action: "VIEW_CASE", reason: "核实" } });
    const day = 86_400_000;
    const young = await entry(new Date(Date.now() - 170 * day));
    const old = await entry(new Date(Date.now() - 200 * day));
    const older = await entry(new Date(Date.now() - 400 * day));

    await expect(prisma.staffAccessLog.update({ where: { id: young.id }, data: { reason: "篡改" } })).rejects.toThrow(/append-only/);
    await expect(t.db.query(`UPDATE "StaffAccessLog" SET "reason" = '篡改' WHERE "id" = $1`, [young.id])).rejects.toThrow(/append-only/);
    // However old, an entry is never changed.
    await expect(t.db.query(`UPDATE "StaffAccessLog" SET "staffRole" = 'ADMIN' WHERE "id" = $1`, [old.id])).rejects.toThrow(/append-only/);
    await expect(prisma.staffAccessLog.delete({ where: { id: young.id } })).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM "StaffAccessLog" WHERE "id" = $1`, [young.id])).rejects.toThrow(/append-only/);
    // One young row in the set refuses the whole statement.
    await expect(prisma.staffAccessLog.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE "StaffAccessLog"')).rejects.toThrow(/append-only/);
    expect(await prisma.staffAccessLog.count()).toBe(3);

    // Past six months the retention purge may delete, through Prisma or plain SQL.
    await prisma.staffAccessLog.delete({ where: { id: old.id } });
    await t.db.query(`DELETE FROM "StaffAccessLog" WHERE "id" = $1`, [older.id]);
    const left = await prisma.staffAccessLog.findMany();
    expect(left.map((e) => [e.id, e.reason, e.staffRole])).toEqual([[young.id, "核实", "COUNTY"]]);
  });
});
