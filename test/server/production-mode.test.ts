import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../server/app.ts";
import type { AppInstance } from "../../server/app-instance.ts";
import { loadConfig, ProductionConfigError } from "../../server/config.ts";
import { generateKey } from "../../server/core/personal-data.ts";
import { createTestApp } from "../helpers/test-app.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/test-database.ts";

/** A production start: real WeChat credentials (WeChat's API at an address nobody answers), keys given, no demo. */
function liveEnv(dataDir: string, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    WECHAT_PROVIDER: "wechat",
    WECHAT_APP_ID: "wx0123456789abcdef",
    WECHAT_APP_SECRET: "secret",
    WECHAT_API_BASE: "http://127.0.0.1:9",
    SEED_DEMO: "false",
    SIMULATOR: "false",
    DATA_KEYS: `k1:${generateKey()}`,
    LOOKUP_KEY: generateKey(),
    TOKEN_SECRET: generateKey(),
    LOG_LEVEL: "silent",
    OVERDUE_SCAN_SECONDS: "0",
    REMINDER_SCAN_SECONDS: "0",
    CONVERSATION_SCAN_SECONDS: "0",
    NOTICE_SCAN_SECONDS: "0",
    RETENTION_SCAN_HOURS: "0",
    CALENDAR_CHECK_HOURS: "0",
  };
}

describe(`a production start (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-production-"));
  });
  afterAll(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses development settings, saying every one to change", async () => {
    const config = loadConfig({ NODE_ENV: "production", DATA_DIR: dataDir }, { embeddedInMemory: true, databaseUrl: database.url });
    const refused = await buildApp(config, { database: database.db }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProductionConfigError);
    expect((refused as ProductionConfigError).problems).toHaveLength(6);
    expect((refused as Error).message).toMatch(/WECHAT_PROVIDER=wechat[\s\S]*SEED_DEMO=false[\s\S]*SIMULATOR=false[\s\S]*DATA_KEYS/);
  });

  it("starts on an empty database with live settings: no development log-in, no simulator, no demo", async () => {
    const config = loadConfig(liveEnv(dataDir, database.url), { embeddedInMemory: true });
    const app: AppInstance = await buildApp(config, { database: database.db });
    await app.ready();
    try {
      expect((await app.inject({ method: "GET", url: "/health/live" })).statusCode).toBe(200);
      const devLogin = await app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:demo" } });
      expect(devLogin.statusCode).not.toBe(200);
      expect((await app.inject({ method: "GET", url: "/simulator" })).statusCode).toBe(404);
      expect(await database.db.prisma.staffAccount.count()).toBe(0);
      expect(await database.db.prisma.region.count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("refuses a database that holds the demo county and its demo passwords", async () => {
    const demo = await createTestApp();
    try {
      const config = loadConfig(liveEnv(dataDir, demo.database.url), {
        embeddedInMemory: true,
        dataKeys: demo.config.dataKeys,
        lookupKey: demo.config.lookupKey,
      });
      const refused = await buildApp(config, { database: demo.database.db }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ProductionConfigError);
      expect((refused as Error).message).toMatch(/demo county/);
    } finally {
      await demo.close();
    }
  });
});
