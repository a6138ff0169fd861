import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../../server/app.ts";
import { openDatabase, type PrismaClient } from "../../../../server/platform/database/database.ts";
import { checkAndRecordKeys } from "../../../../server/platform/keys/key-records.ts";
import { loadConfig } from "../../../../server/config.ts";
import { PersonalDataCipher, generateKey } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { rotateKeys, sealedColumns } from "../../../../server/features/personal-data/key-rotation.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { createTestDatabase, testDatabaseKind } from "../../../helpers/test-database.ts";

const root = path.resolve(import.meta.dirname, "../../../..");

/** Every stored ciphertext and its lookup hash, read straight from the tables. */
async function sealedValues(prisma: PrismaClient) {
  const values: { table: string; id: string; sealed: string; hash: string | null }[] = [];
  for (const { table, columns } of sealedColumns) {
    for (const { sealed, hash } of columns) {
      const rows = await prisma.$queryRawUnsafe<{ id: string; sealed: string; hash: string | null }[]>(
        `SELECT "id"::text AS "id", "${sealed}" AS "sealed", ${hash ? `"${hash}"` : "NULL"} AS "hash" FROM "${table}" WHERE "${sealed}" IS NOT NULL`,
      );
      values.push(...rows.map((row) => ({ table: `${table}.${sealed}`, ...row })));
    }
  }
  return values;
}

describe(`key rotation (${testDatabaseKind})`, () => {
  let t: TestApp;
  const k2 = generateKey();
  const k3 = generateKey();
  const newLookupKey = generateKey();
  let before: Awaited<ReturnType<typeof sealedValues>>;
  let original: PersonalDataCipher;

  beforeAll(async () => {
    t = await createTestApp();
    const resident = await t.residentToken("rotation");
    const submitted = await t.submit(resident, {
      kind: "ASSISTANCE_APPLICATION",
      description: "家里老人住院,需要救助",
      regionCode: "990101001001",
      idNumber: demoIdNumber("1970-01-01", 5),
      bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217995510009998887" },
      household: {
        members: [
          {
            name: "测试人",
            relation: "HEAD",
            idNumber: demoIdNumber("1970-01-01", 5),
            birthYear: 1970,
            labourCapacity: "FULL",
            health: "HEALTHY",
          },
        ],
        incomes: [],
        expenses: [],
      },
    });
    expect(submitted.statusCode).toBe(201);
    original = new PersonalDataCipher(resolveSecrets(t.config, false));
    before = await sealedValues(t.database.db.prisma);
  });
  afterAll(() => t.close());

  it("lists every encrypted column of the database", async () => {
    const columns = await t.database.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%Enc' ORDER BY 1, 2`,
    );
    const listed = sealedColumns.flatMap(({ table, columns }) => columns.map((c) => `${table}.${c.sealed}`)).sort();
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`).sort()).toEqual(listed);
  });

  it("re-encrypts everything under the new data key and re-hashes under the new lookup key, in resumable batches", async () => {
    const { prisma } = t.database.db;
    // Every kind of value is there to rotate: phones, ID numbers, declared households, a bank account.
    expect(new Set(before.map((v) => v.table))).toEqual(
      new Set([
        "Case.contactPhoneEnc",
        "Case.applicantIdNumberEnc",
        "Case.declaredHouseholdEnc",
        "Case.bankAccountEnc",
        "HouseholdMember.idNumberEnc",
        "ResidentIdentity.phoneEnc",
      ]),
    );
    expect(before.every((v) => v.sealed.startsWith("k1."))).toBe(true);
    const [k1] = t.config.dataKeys.split(",");
    const rotating = new PersonalDataCipher({
      dataKeys: { k2, k1: k1!.slice(3) },
      currentKeyId: "k2",
      lookupKey: `${newLookupKey},${t.config.lookupKey}`,
    });
    // First the servers restart with the new keys put first (README, "Key rotation"), which records them as the database's.
    await checkAndRecordKeys(prisma, { dataKeys: { k2, k1: k1!.slice(3) }, lookupKeys: [newLookupKey, t.config.lookupKey] });

    // A run stopped after its first batch (a crash, a deploy) leaves a consistent half and loses nothing.
    let batches = 0;
    await expect(
      rotateKeys(prisma, rotating, {
        batchSize: 5,
        rehash: true,
        onBatch: () => {
          if (++batches === 1) throw new Error("stopped");
        },
      }),
    ).rejects.toThrow("stopped");
    const half = await sealedValues(prisma);
    const done = half.filter((v) => v.sealed.startsWith("k2."));
    // The first five cases, every value of each.
    expect(new Set(done.map((v) => v.id)).size).toBe(5);
    expect(done.every((v) => v.table.startsWith("Case."))).toBe(true);
    for (const v of half)
      expect(rotating.decrypt(v.sealed)).toBe(original.decrypt(before.find((b) => b.table === v.table && b.id === v.id)!.sealed));

    const report = await rotateKeys(prisma, rotating, { batchSize: 5, rehash: true });
    expect(report.remaining).toBe(0);
    expect(Object.values(report.tables).reduce((sum, c) => sum + c.reencrypted, 0)).toBe(before.length - done.length);

    // Nothing is readable only with k1 any more: a cipher without it reads everything, and every hash is the new key's.
    const onlyNew = new PersonalDataCipher({ dataKeys: { k2 }, currentKeyId: "k2", lookupKey: newLookupKey });
    const after = await sealedValues(prisma);
    expect(after).toHaveLength(before.length);
    for (const v of after) {
      expect(v.sealed.startsWith("k2."), v.table).toBe(true);
      const plain = onlyNew.decrypt(v.sealed);
      expect(plain).toBe(original.decrypt(before.find((b) => b.table === v.table && b.id === v.id)!.sealed));
      if (v.hash !== null) expect(v.hash).toBe(onlyNew.lookupHash(plain));
    }

    // A second run finds nothing to do.
    const again = await rotateKeys(prisma, rotating, { rehash: true });
    expect(Object.values(again.tables).every((c) => c.reencrypted === 0 && c.rehashed === 0)).toBe(true);
  });

  it("leaves a row the servers changed meanwhile to the next run instead of overwriting it", async () => {
    const { prisma } = t.database.db;
    const cipher = new PersonalDataCipher({ dataKeys: { k2 }, currentKeyId: "k2", lookupKey: newLookupKey });
    // The first row of the first batch.
    const first = await prisma.case.findFirstOrThrow({ orderBy: { id: "asc" } });
    const next = new PersonalDataCipher({ dataKeys: { k3, k2 }, currentKeyId: "k3", lookupKey: newLookupKey });
    // A server writes this case's phone between the rotation's read and its write.
    let raced = false;
    const racing = new Proxy(prisma, {
      get(target, property, receiver) {
        if (property !== "$transaction") return Reflect.get(target, property, receiver);
        return async (...args: Parameters<PrismaClient["$transaction"]>) => {
          if (!raced) {
            raced = true;
            await target.case.update({ where: { id: first.id }, data: { contactPhoneEnc: cipher.encrypt("13900000000") } });
          }
          return (target.$transaction as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
    const report = await rotateKeys(racing, next, { batchSize: 1000 });
    expect(raced).toBe(true);
    expect(report.tables.Case!.changedMeanwhile).toBe(1);
    expect(report.remaining).toBe(1);
    const kept = await prisma.case.findUniqueOrThrow({ where: { id: first.id } });
    expect(cipher.decrypt(kept.contactPhoneEnc)).toBe("13900000000");
    const rerun = await rotateKeys(prisma, next);
    expect(rerun.remaining).toBe(0);
    expect(next.decrypt((await prisma.case.findUniqueOrThrow({ where: { id: first.id } })).contactPhoneEnc)).toBe("13900000000");
  });

  it("still finds households, cases and applicants by ID number and phone once the servers run on the new keys alone", async () => {
    // The same database served with the rotated keys only (the last test moved the data key on to k3).
    const [current] = (await sealedValues(t.database.db.prisma)).map((v) => v.sealed.split(".")[0]);
    expect(current).toBe("k3");
    const app = await buildApp(
      { ...t.config, dataKeys: `k3:${k3}`, lookupKey: newLookupKey, seedDemo: "false" },
      { database: t.database.db, now: () => new Date(t.clock.now) },
    );
    await app.ready();
    try {
      const login = await app.inject({
        method: "POST",
        url: "/api/auth/staff/login",
        payload: { username: "township-liuxi", password: "demo1234" },
      });
      const headers = { authorization: `Bearer ${login.json().token}` };
      const byId = (await app.inject({ method: "GET", url: `/api/staff/cases?q=${demoIdNumber("1970-01-01", 5)}`, headers })).json();
      expect(byId.items.map((c: { applicantName: string }) => c.applicantName)).toEqual(["测试人"]);
      const demoHead = await t.database.db.prisma.householdMember.findFirstOrThrow({
        where: { relation: "HEAD", household: { region: { code: { startsWith: "990101001001" } } } },
      });
      const plainId = new PersonalDataCipher({ dataKeys: { k3 }, currentKeyId: "k3", lookupKey: newLookupKey }).decrypt(
        demoHead.idNumberEnc,
      );
      const households = (await app.inject({ method: "GET", url: `/api/households?q=${plainId}`, headers })).json();
      expect(households.items.map((h: { id: string }) => h.id)).toEqual([demoHead.householdId]);
      const publicLookup = await app.inject({
        method: "POST",
        url: "/api/public/case-status",
        payload: { number: byId.items[0].number, phoneLast4: "5678" },
      });
      expect(publicLookup.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("refuses a department screening run while two lookup keys are configured, rather than miss households", async () => {
    const app = await buildApp(
      { ...t.config, dataKeys: `k3:${k3}`, lookupKey: `${generateKey()},${newLookupKey}`, seedDemo: "false" },
      { database: t.database.db, now: () => new Date(t.clock.now) },
    );
    await app.ready();
    try {
      const login = await app.inject({
        method: "POST",
        url: "/api/auth/staff/login",
        payload: { username: "county", password: "demo1234" },
      });
      const headers = { authorization: `Bearer ${login.json().token}` };
      const boundary = "----rotation";
      const csv = `序号,姓名,身份证号,医疗总费用(元),个人自付金额(元)\r\n1,某人,${demoIdNumber("1970-01-01", 5)},50000,32000\r\n`;
      const upload = await app.inject({
        method: "POST",
        url: "/api/staff/screening/imports?department=HEALTH_INSURANCE&period=2026Q3",
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="医保.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
          ),
        ]),
      });
      expect(upload.statusCode).toBe(201);
      const { import: imported, suggestedMapping } = upload.json();
      const run = await app.inject({
        method: "POST",
        url: `/api/staff/screening/imports/${imported.id}/run`,
        headers,
        payload: { mapping: suggestedMapping },
      });
      expect(run.statusCode).toBe(409);
      expect(run.json().code).toBe("LOOKUP_KEY_ROTATION_IN_PROGRESS");
    } finally {
      await app.close();
    }
  });
});

describe(`npm run keys:rotate -- --new-keys (${testDatabaseKind})`, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-rotate-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("puts fresh keys first, re-encrypts and re-hashes everything, and keeps only the new keys", async () => {
    const server = testDatabaseKind === "postgres" ? await createTestDatabase() : null;
    const config = loadConfig({}, { dataDir: dir, databaseUrl: server?.url ?? "", seedDemo: "false" });
    const open = () => (server ? Promise.resolve(server.db) : openDatabase({ url: "", embeddedDir: path.join(dir, "pglite") }));
    try {
      const before = new PersonalDataCipher(resolveSecrets(config, true));
      let db = await open();
      await db.migrate();
      const region = await db.prisma.region.create({ data: { code: "990101", name: "青山县", level: "COUNTY", path: "990101/" } });
      const household = await db.prisma.household.create({ data: { number: "H-1", regionId: region.id, address: "石门村" } });
      const idNumber = demoIdNumber("1980-02-02", 7);
      await db.prisma.householdMember.create({
        data: {
          householdId: household.id,
          name: "王五",
          relation: "HEAD",
          birthDate: new Date("1980-02-02"),
          idNumberEnc: before.encrypt(idNumber),
          idNumberHash: before.lookupHash(idNumber),
          labourCapacity: "FULL",
        },
      });
      // The embedded database is one process's at a time: the command runs with the server stopped.
      if (!server) await db.close();

      const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "server/cli/rotate-keys.ts", "--new-keys"], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: server?.url ?? "", DATA_KEYS: "", LOOKUP_KEY: "" },
      });
      expect(stdout).toContain("old keys were removed");

      const stored = JSON.parse(fs.readFileSync(path.join(dir, "secrets.json"), "utf8"));
      expect(stored.dataKeys).toMatch(/^k2:[^,]+$/);
      expect(stored.lookupKey).not.toContain(",");
      const after = new PersonalDataCipher(resolveSecrets(config, true));
      expect(after.currentKeyId).toBe("k2");
      db = await open();
      const member = await db.prisma.householdMember.findFirstOrThrow();
      expect(member.idNumberEnc.startsWith("k2.")).toBe(true);
      expect(after.decrypt(member.idNumberEnc)).toBe(idNumber);
      expect(member.idNumberHash).toBe(after.lookupHash(idNumber));
      expect(member.idNumberHash).not.toBe(before.lookupHash(idNumber));
      if (!server) await db.close();
    } finally {
      await server?.drop();
    }
  }, 60_000);
});
