import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../../server/app.ts";
import type { AppInstance } from "../../../../server/app-instance.ts";
import { loadConfig, type AppConfig } from "../../../../server/config.ts";
import { backupDataDir, keysFrom, restoreBackup } from "../../../../server/platform/database/backup.ts";
import { acquireDataDirLock } from "../../../../server/platform/database/data-dir-lock.ts";
import { generateKey } from "../../../../server/core/personal-data.ts";
import { demoPassword } from "../../../../server/demo/demo-county.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const root = path.resolve(import.meta.dirname, "../../../..");
/** A real 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const keys = { dataKeys: `k1:${generateKey()}`, lookupKey: generateKey(), tokenSecret: generateKey() };

/** Undone after the file's tests, newest first. */
const cleanups: (() => Promise<void> | void)[] = [];
function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fanpin-${name}-`));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real app on a restored data directory (the embedded database in a file, as in production) or database. */
async function appOn(dataDir: string, databaseUrl: string, now: Date, overrides: Partial<AppConfig> = {}): Promise<AppInstance> {
  const config = loadConfig(
    {},
    { dataDir, databaseUrl, ...keys, logLevel: "silent", overdueScanSeconds: 0, seedDemo: "false", botPushScanSeconds: 0, ...overrides },
  );
  // The source's clock: overdue marks and next steps are reckoned from it.
  const app = await buildApp(config, { now: () => new Date(now) });
  await app.ready();
  return app;
}

async function login(app: AppInstance, username: string): Promise<string> {
  const response = await app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username, password: demoPassword } });
  return response.json().token;
}

/** Reports (one with a photo) and a step of the review on top of the demo county. */
async function putDataIn(app: AppInstance): Promise<void> {
  const resident = (await app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:backup-resident" } })).json()
    .token;
  const boundary = "----backup-test";
  const upload = await app.inject({
    method: "POST",
    url: "/api/attachments",
    headers: { authorization: `Bearer ${resident}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="house.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(upload.statusCode, upload.body).toBe(201);
  for (const [i, attachmentIds] of [[upload.json().id], []].entries()) {
    const response = await app.inject({
      method: "POST",
      url: "/api/cases",
      headers: { authorization: `Bearer ${resident}`, "idempotency-key": `backup-report-${i}` },
      payload: {
        description: "家里房子被洪水冲了",
        applicantName: "周备份",
        phone: "13912340000",
        idNumber: "11010519491231002X",
        regionCode: "990101001001",
        attachmentIds,
        consent: { personalInformation: true },
      },
    });
    expect(response.statusCode, response.body).toBe(201);
  }
  const village = await login(app, "village-shimen");
  const tasks = (
    await app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: { authorization: `Bearer ${village}` } })
  ).json().items as { id: string }[];
  const acted = await app.inject({
    method: "POST",
    url: `/api/staff/tasks/${tasks[0]!.id}/actions`,
    headers: { authorization: `Bearer ${village}` },
    payload: {
      type: "RECORD_HOME_VISIT",
      visitedAt: "2026-11-25T01:00:00Z",
      investigators: ["赵书记", "刘芳"],
      findings: {
        annualIncome: 6000,
        rigidExpenses: 30000,
        foodAndClothing: "SECURE",
        education: "SECURE",
        medical: "AT_RISK",
        housing: "SECURE",
        drinkingWater: "SECURE",
      },
    },
  });
  expect(acted.statusCode, acted.body).toBe(200);
}

/** What the county office sees: every case, each with its timeline and attachments, and the attachments' bytes. */
async function whatStaffSee(app: AppInstance) {
  const county = await login(app, "county");
  const get = (url: string) => app.inject({ method: "GET", url, headers: { authorization: `Bearer ${county}` } });
  const list = (await get("/api/staff/cases?limit=100")).json().items as { id: string }[];
  const details = await Promise.all(
    list.map(async (c) => (await get(`/api/staff/cases/${c.id}`)).json() as { attachments: { id: string }[] }),
  );
  const files: Record<string, string> = {};
  for (const attachment of details.flatMap((d) => d.attachments)) {
    files[attachment.id] = crypto
      .createHash("sha256")
      .update((await get(`/api/staff/attachments/${attachment.id}`)).rawPayload)
      .digest("hex");
  }
  return { list, details, files };
}

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe(`backup and restore (${testDatabaseKind})`, () => {
  let t: TestApp;
  let before: Awaited<ReturnType<typeof whatStaffSee>>;
  /** The backup the administrator downloaded from the running server (embedded database). */
  let live: string;
  beforeAll(async () => {
    t = await createTestApp(keys);
    await putDataIn(t.app);
    before = await whatStaffSee(t.app);
    expect(Object.keys(before.files)).toHaveLength(1);
  });
  afterAll(() => t.close());

  if (testDatabaseKind === "embedded") {
    it("backs up the running server for the administrator only, and a fresh DATA_DIR restored from it shows the same cases, timelines and photos", async () => {
      const refused = await t.app.inject({
        method: "GET",
        url: "/api/admin/backup",
        headers: { authorization: `Bearer ${await t.staffToken("county")}` },
      });
      expect(refused.statusCode, `${refused.body.slice(0, 300)} ${JSON.stringify(refused.headers)}`).toBe(403);
      const download = await t.app.inject({
        method: "GET",
        url: "/api/admin/backup",
        headers: { authorization: `Bearer ${await t.staffToken("admin")}` },
      });
      expect(download.statusCode).toBe(200);
      expect(download.headers["content-disposition"]).toMatch(/^attachment; filename="fanpin-backup-\d{8}-\d{6}\.tar"$/);
      const files = tempDir("backup-files");
      live = path.join(files, "live.tar");
      fs.writeFileSync(live, download.rawPayload);

      // Restored by the command into an empty DATA_DIR, with the keys kept apart from the backup.
      const secrets = path.join(files, "secrets.json");
      fs.writeFileSync(secrets, JSON.stringify(keys));
      const target = tempDir("backup-target");
      const restored = await run("server/cli/restore.ts", [live, "--secrets", secrets], {
        DATA_DIR: target,
        DATABASE_URL: "",
        DATA_KEYS: "",
        LOOKUP_KEY: "",
        TOKEN_SECRET: "",
      });
      expect(restored.code, restored.output).toBe(0);
      expect(restored.output).toContain(`${before.list.length} cases`);

      // The app on the restored directory (a file-backed database), reading its keys from the restored secrets.json.
      const again = await appOn(target, "", t.clock.now, { dataKeys: "", lookupKey: "", tokenSecret: "" });
      try {
        expect(await whatStaffSee(again)).toEqual(before);
        // Cases found by the ID number: the lookup key came back too.
        const found = await again.inject({
          method: "GET",
          url: "/api/staff/cases?q=11010519491231002X",
          headers: { authorization: `Bearer ${await login(again, "county")}` },
        });
        expect(found.json().items).toHaveLength(2);
        // Never over a database in use, whatever the options.
        await expect(
          restoreBackup(fs.createReadStream(live), { dataDir: target, keys: keysFrom(keys, ""), replace: true }),
        ).rejects.toThrow(/is using/);
        await expect(backupDataDir({ dataDir: target, databaseUrl: "", ...keys }, path.join(files, "refused.tar"))).rejects.toThrow(
          /api\/admin\/backup/,
        );
      } finally {
        await again.close();
      }

      // The command's backup of the stopped server, restored over the existing database only when told to, which it moves aside.
      const stopped = path.join(files, "stopped.tar");
      const made = await run("server/cli/backup.ts", [stopped], { DATA_DIR: target, DATABASE_URL: "", DATA_KEYS: "", LOOKUP_KEY: "" });
      expect(made.code, made.output).toBe(0);
      await expect(restoreBackup(fs.createReadStream(stopped), { dataDir: target, keys: keysFrom(keys, "") })).rejects.toThrow(
        /already holds pglite, attachments.*--replace/,
      );
      const replaced = await restoreBackup(fs.createReadStream(stopped), { dataDir: target, keys: keysFrom(keys, ""), replace: true });
      expect(replaced).toMatchObject({ files: 1, missingFiles: 0, cases: before.list.length });
      expect(fs.readdirSync(replaced.replacedInto!)).toEqual(expect.arrayContaining(["pglite", "attachments"]));
    }, 120_000);

    it("refuses a backup it cannot use whole, and leaves the directory as it was", async () => {
      const download = fs.readFileSync(live);
      const target = tempDir("backup-refused");
      const attempt = (bytes: Buffer, withKeys = keysFrom(keys, "")) =>
        restoreBackup(Readable.from([bytes]), { dataDir: target, keys: withKeys });

      await expect(attempt(download, null)).rejects.toThrow(/no keys/);
      await expect(attempt(download, keysFrom({ dataKeys: `k1:${generateKey()}`, lookupKey: keys.lookupKey }, ""))).rejects.toThrow(
        /data key k1/,
      );
      await expect(attempt(download.subarray(0, Math.floor(download.length * 0.9)))).rejects.toThrow(/damaged or incomplete/);
      await expect(attempt(download.subarray(0, download.lastIndexOf(Buffer.from("complete.json")) - 1))).rejects.toThrow(/incomplete/);
      const damaged = Buffer.from(download);
      damaged[damaged.indexOf(Buffer.from("IHDR"), damaged.indexOf(Buffer.from("files/attachments/"))) + 8]! ^= 0xff;
      await expect(attempt(damaged)).rejects.toThrow(/damaged \(its content does not match its name\)/);
      expect(fs.readdirSync(target)).toEqual([]);

      // A directory a server holds is not touched, even an empty one.
      const lock = acquireDataDirLock(path.join(target, "pglite"));
      await expect(attempt(download)).rejects.toThrow(/is using/);
      lock.release();
      expect((await attempt(download)).files).toBe(1);
    }, 60_000);
  } else {
    it("round-trips the PostgreSQL database with pg_dump and pg_restore and the files with tar, as README says, and the app shows the same", async () => {
      const refused = await t.app.inject({
        method: "GET",
        url: "/api/admin/backup",
        headers: { authorization: `Bearer ${await t.staffToken("admin")}` },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe("BACKUP_USE_PG_DUMP");

      // README, Backup and restore (PostgreSQL), with the server's own binaries.
      const files = tempDir("pg-backup-files");
      const bin = postgresBin();
      await exec(path.join(bin, "pg_dump"), ["--format=custom", "--no-owner", `--file=${files}/fanpin.dump`, t.database.url]);
      await exec("tar", ["-C", t.config.dataDir, "--ignore-failed-read", "-cf", `${files}/fanpin-files.tar`, "attachments", "screening"]);

      const name = `restored_${crypto.randomBytes(4).toString("hex")}`;
      await onServer(`CREATE DATABASE ${name}`);
      cleanups.push(() => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      await exec(path.join(bin, "pg_restore"), [
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        `--dbname=${url}`,
        `${files}/fanpin.dump`,
      ]);
      const target = tempDir("pg-backup-target");
      await exec("tar", ["-C", target, "-xf", `${files}/fanpin-files.tar`]);

      const again = await appOn(target, url.toString(), t.clock.now);
      try {
        expect(await whatStaffSee(again)).toEqual(before);
      } finally {
        await again.close();
      }
    }, 120_000);
  }
});

/** The newest PostgreSQL client binaries installed (scripts/test-postgres.sh starts its server from the same place). */
function postgresBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", "pg_dump")));
  versions.sort((a, b) => Number(a) - Number(b));
  return path.join(base, versions.at(-1)!, "bin");
}

function exec(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${errors}`))));
  });
}

async function onServer(sql: string) {
  const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await server.connect();
  try {
    await server.query(sql);
  } finally {
    await server.end();
  }
}
