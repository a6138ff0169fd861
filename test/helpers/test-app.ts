import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { SubmitCaseRequest } from "../../server/features/cases/case-schemas.ts";
import { buildApp, type BuildOptions } from "../../server/app.ts";
import type { AppInstance } from "../../server/app-instance.ts";
import { loadConfig, type AppConfig } from "../../server/config.ts";
import { generateKey } from "../../server/core/personal-data.ts";
import { demoPassword } from "../../server/demo/demo-county.ts";
import { openDatabase } from "../../server/platform/database/database.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

/** Wednesday 25 November 2026, 10:00 in China. */
export const defaultTestTime = new Date("2026-11-25T02:00:00Z");

export interface TestApp {
  app: AppInstance;
  database: TestDatabase;
  clock: { now: Date };
  config: AppConfig;
  staffToken(username: string): Promise<string>;
  residentToken(name: string, client?: "MINI_PROGRAM" | "BOT" | "WEB"): Promise<string>;
  submit(token: string, body: Partial<SubmitCaseRequest> & Record<string, unknown>, key?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The real app on a fresh database with the demo county loaded, and a clock the test controls. */
export async function createTestApp(overrides: Partial<AppConfig> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-test-"));
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl: database.url,
      embeddedInMemory: true,
      dataKeys: `k1:${generateKey()}`,
      lookupKey: generateKey(),
      tokenSecret: generateKey(),
      logLevel: "silent",
      // Scheduled jobs off: tests run them by hand on their own clock (the scheduler's tests turn them on).
      overdueScanSeconds: 0,
      reminderScanSeconds: 0,
      conversationScanSeconds: 0,
      noticeScanSeconds: 0,
      retentionScanHours: 0,
      calendarCheckHours: 0,
      seedDemo: "true",
      // A test file is one client sending far more than a person would; the tests of these limits set their own.
      rateLimitPerMinute: 100_000,
      intakeRateLimitPerMinute: 100_000,
      uploadRateLimitPerMinute: 100_000,
      // Files log in as many roles, many times; with 30 a minute a fast run is refused half-way (seen on PostgreSQL).
      loginRateLimitPerMinute: 100_000,
      ...overrides,
    },
  );
  const clock = { now: new Date(defaultTestTime) };
  const app = await buildApp(config, { now: () => new Date(clock.now), database: database.db, ...options });
  await app.ready();
  return {
    ...callersOf(app),
    app,
    database,
    clock,
    config,
    async close() {
      await app.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another instance of the server beside `first`: the same database, keys and clock, as a second process
 * behind a balancer would have. On PostgreSQL it opens its own connections (its pool, its LISTEN); the
 * embedded database is one process's, so there the two share it. Closing it leaves the database to `first`.
 */
export async function createSecondInstance(first: TestApp, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = first.database.url ? await openDatabase({ url: first.database.url }) : first.database.db;
  const app = await buildApp({ ...first.config, ...overrides }, { now: () => new Date(first.clock.now), database: db });
  await app.ready();
  return {
    ...callersOf(app),
    app,
    database: { ...first.database, db },
    clock: first.clock,
    config: first.config,
    async close() {
      await app.close();
      if (db !== first.database.db) await db.close();
    },
  };
}

function callersOf(app: AppInstance): Pick<TestApp, "staffToken" | "residentToken" | "submit"> {
  let keyCounter = 0;
  return {
    async staffToken(username) {
      const response = await app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username, password: demoPassword } });
      if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.body}`);
      return response.json().token;
    },
    async residentToken(name, client = "MINI_PROGRAM") {
      const response = await app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: `dev:${name}`, client } });
      if (response.statusCode !== 200) throw new Error(`resident login failed: ${response.body}`);
      return response.json().token;
    },
    submit(token, body, key = `test-key-${++keyCounter}-${Date.now()}`) {
      return app.inject({
        method: "POST",
        url: "/api/cases",
        headers: { authorization: `Bearer ${token}`, "idempotency-key": key },
        payload: { consent: { personalInformation: true }, applicantName: "测试人", phone: "13512345678", ...body },
      });
    },
  };
}
