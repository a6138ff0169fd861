/**
 * The real app on a fresh database, run as a child process of bench/main.ts:
 * migrations + demo county (SEED_DEMO), then a synthetic county loaded with
 * set-based SQL (see bench/synthetic-county.ts), then the app listens on a
 * free port. Talks to the parent over IPC:
 *   → {type:"ready", port, seconds, counts, lookups}
 *   ← {type:"count-intake", prefix, numbers}  → {type:"intake-count", stored, distinct, submittedEvents, acknowledgedFound}
 *   ← {type:"stop"}
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "../server/db/database.ts";
import { generateKey, PersonalDataCipher } from "../server/lib/personal-data.ts";
import { loadSyntheticCounty } from "./synthetic-county.ts";

const households = Number(process.env.BENCH_HOUSEHOLDS ?? "20000");
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "";
const send = (message: unknown) => process.send?.(message);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-bench-"));
const keys = { dataKeys: `k1:${generateKey()}`, lookupKey: generateKey(), tokenSecret: generateKey() };
const config = loadConfig(
  {},
  {
    dataDir,
    databaseUrl,
    // The embedded database lives in a file under dataDir (a million households do not fit comfortably in memory).
    embeddedInMemory: false,
    ...keys,
    logLevel: "warn",
    overdueScanSeconds: 0,
    botPushScanSeconds: 0,
    seedDemo: "true",
    // The anonymous look-up is rate limited per client (10/min by default); the load generator is one client.
    lookupRateLimitPerMinute: 1_000_000_000,
    port: 0,
  },
);

const db = await openDatabase({ url: databaseUrl, embeddedDir: databaseUrl ? undefined : path.join(dataDir, "pglite") });
// First build: migrations, workflow definitions and the demo county (regions, staff, a few cases).
const first = await buildApp(config, { database: db });
await first.ready();
await first.close();

const cipher = new PersonalDataCipher({ dataKeys: { k1: keys.dataKeys.slice(3) }, currentKeyId: "k1", lookupKey: keys.lookupKey });
const started = Date.now();
const loaded = await loadSyntheticCounty(db, cipher, households, (line) => console.error(`[bench data] ${line}`));
const loadSeconds = (Date.now() - started) / 1000;

// Second build on the same database, so region and workflow caches see the synthetic county.
const app = await buildApp({ ...config, seedDemo: "false" }, { database: db });
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
send({ type: "ready", port, loadSeconds, kind: db.kind, counts: loaded.counts, lookups: loaded.lookups });

// The parent died without saying stop: do not linger with a port and a temporary database.
process.on("disconnect", () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
process.on("message", async (raw: unknown) => {
  const message = raw as { type: string; prefix?: string; numbers?: string[] };
  if (message.type === "count-intake") {
    const [row] = await db.query<{ stored: number; distinct: number }>(
      `SELECT count(*)::int AS stored, count(DISTINCT "idempotencyKey")::int AS "distinct" FROM "Case" WHERE "idempotencyKey" LIKE $1`,
      [`%:${message.prefix}%`],
    );
    const [events] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "CaseEvent" e JOIN "Case" c ON c.id = e."caseId" WHERE c."idempotencyKey" LIKE $1 AND e.action = 'SUBMITTED'`,
      [`%:${message.prefix}%`],
    );
    // Every acknowledged number must be a stored case of this run, once (numbers are UNIQUE; counted against the run's keys).
    const [acked] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Case" WHERE number = ANY($1::text[]) AND "idempotencyKey" LIKE $2`, [
      message.numbers ?? [],
      `%:${message.prefix}%`,
    ]);
    send({ type: "intake-count", stored: row?.stored ?? 0, distinct: row?.distinct ?? 0, submittedEvents: events?.n ?? 0, acknowledgedFound: acked?.n ?? 0 });
  } else if (message.type === "stop") {
    await app.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
