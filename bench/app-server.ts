/**
 * The real app on a fresh database, run as a child process of bench/main.ts:
 * migrations + demo county (SEED_DEMO), then a synthetic county loaded with
 * set-based SQL (see bench/synthetic-county.ts), then the app listens on a
 * free port. Talks to the parent over IPC:
 *   → {type:"ready", port, seconds, counts, lookups, botKey, keys}   (with BENCH_JOIN_KEYS: a second instance, nothing loaded)
 *   ← {type:"count-intake", prefix, numbers}  → {type:"intake-count", stored, distinct, submittedEvents, acknowledgedFound}
 *   ← {type:"count-screening", importId, prefix}  → {type:"screening-count", …ScreeningCount (bench/screening.ts)}
 *   ← {type:"open-tasks", username, limit}  → {type:"open-tasks", taskIds}
 *   ← {type:"count-decisions", taskIds}  → {type:"decision-count", handled, decisions, cases}
 *   ← {type:"stop"}
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "../server/platform/database/database.ts";
import { generateKey, PersonalDataCipher } from "../server/core/personal-data.ts";
import { loadSyntheticCounty } from "./synthetic-county.ts";

const households = Number(process.env.BENCH_HOUSEHOLDS ?? "20000");
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "";
const send = (message: unknown) => process.send?.(message);

/**
 * BENCH_JOIN_KEYS: a second instance for the two-instance scenario — the first one's keys (so tokens and
 * personal data are shared), on the same PostgreSQL database, nothing loaded: it only serves.
 */
const joining = process.env.BENCH_JOIN_KEYS ? (JSON.parse(process.env.BENCH_JOIN_KEYS) as Keys) : null;
type Keys = { dataKeys: string; lookupKey: string; tokenSecret: string; botKey: string };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-bench-"));
const keys: Keys = joining ?? {
  dataKeys: `k1:${generateKey()}`,
  lookupKey: generateKey(),
  tokenSecret: generateKey(),
  botKey: generateKey(),
};
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
    reminderScanSeconds: 0,
    conversationScanSeconds: 0,
    retentionScanHours: 0,
    calendarCheckHours: 0,
    botPushScanSeconds: 0,
    // The bot scenario's pushes go out whatever the hour the bench runs at.
    botQuietHours: "off",
    // The simulator would enlarge every socket's frame limit; the bot scenario runs its own bot.
    simulator: "false",
    seedDemo: "true",
    // The anonymous look-up is rate limited per client (10/min by default); the load generator is one client.
    lookupRateLimitPerMinute: 1_000_000_000,
    // So are every route, filing and uploads (per account: the load generator files as one resident), and the
    // bot per WeChat sender (each simulated contact sends far faster than a person types).
    rateLimitPerMinute: 1_000_000_000,
    intakeRateLimitPerMinute: 1_000_000_000,
    uploadRateLimitPerMinute: 1_000_000_000,
    botSenderMessagesPerMinute: 1_000_000_000,
    port: 0,
  },
);

const db = await openDatabase({ url: databaseUrl, embeddedDir: databaseUrl ? undefined : path.join(dataDir, "pglite") });
let loaded: Awaited<ReturnType<typeof loadSyntheticCounty>> | null = null;
let loadSeconds = 0;
if (!joining) {
  // First build: migrations, workflow definitions and the demo county (regions, staff, a few cases).
  const first = await buildApp(config, { database: db });
  await first.ready();
  await first.close();

  const cipher = new PersonalDataCipher({ dataKeys: { k1: keys.dataKeys.slice(3) }, currentKeyId: "k1", lookupKey: keys.lookupKey });
  const started = Date.now();
  loaded = await loadSyntheticCounty(db, cipher, households, (line) => console.error(`[bench data] ${line}`));
  loadSeconds = (Date.now() - started) / 1000;
}

// Second build on the same database, so region and workflow caches see the synthetic county.
const app = await buildApp({ ...config, seedDemo: "false" }, { database: db });
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
send({
  type: "ready",
  port,
  loadSeconds,
  kind: db.kind,
  counts: loaded?.counts ?? {},
  lookups: loaded?.lookups ?? [],
  botKey: keys.botKey,
  keys,
});

// The parent died without saying stop: do not linger with a port and a temporary database.
process.on("disconnect", () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
process.on("message", (raw: unknown) => void onMessage(raw));

async function onMessage(raw: unknown): Promise<void> {
  const message = raw as { type: string; prefix?: string; numbers?: string[]; username?: string; limit?: number; taskIds?: string[] };
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
    const [acked] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Case" WHERE number = ANY($1::text[]) AND "idempotencyKey" LIKE $2`,
      [message.numbers ?? [], `%:${message.prefix}%`],
    );
    send({
      type: "intake-count",
      stored: row?.stored ?? 0,
      distinct: row?.distinct ?? 0,
      submittedEvents: events?.n ?? 0,
      acknowledgedFound: acked?.n ?? 0,
    });
  } else if (message.type === "count-screening") {
    const { importId, prefix } = message as unknown as { importId: string; prefix: string };
    const [leads] = await db.query<{ leads: number; households: number; events: number; tasks: number }>(
      `SELECT count(*)::int AS leads, count(DISTINCT c."householdId")::int AS households,
              (SELECT count(*) FROM "CaseEvent" e WHERE e."caseId" IN (SELECT id FROM "Case" WHERE "idempotencyKey" LIKE $1))::int AS events,
              (SELECT count(*) FROM "CaseTask" t WHERE t."caseId" IN (SELECT id FROM "Case" WHERE "idempotencyKey" LIKE $1))::int AS tasks
       FROM "Case" c WHERE c."idempotencyKey" LIKE $1`,
      [`${prefix}%`],
    );
    const [rows] = await db.query<{ hits: number; own: number; created: number }>(
      `SELECT count(*)::int AS hits, count(c.id)::int AS own, count(DISTINCT r."householdId") FILTER (WHERE r.outcome = 'LEAD_CREATED')::int AS created
       FROM "ScreeningRow" r LEFT JOIN "Case" c ON c.id = r."caseId" AND c."householdId" = r."householdId"
       WHERE r."importId" = $1::uuid AND r.outcome IN ('LEAD_CREATED', 'ALREADY_OPEN', 'ALREADY_RAISED')`,
      [importId],
    );
    send({
      type: "screening-count",
      leads: leads?.leads ?? 0,
      leadHouseholds: leads?.households ?? 0,
      leadEvents: leads?.events ?? 0,
      leadTasks: leads?.tasks ?? 0,
      hitRows: rows?.hits ?? 0,
      hitRowsWithOwnCase: rows?.own ?? 0,
      createdHouseholds: rows?.created ?? 0,
    });
  } else if (message.type === "open-tasks") {
    // The workflow scenario's tasks: open township reviews in one township, oldest first.
    const rows = await db.query<{ id: string }>(
      `SELECT t.id FROM "CaseTask" t JOIN "StaffAccount" s ON s.username = $1 JOIN "Region" r ON r.id = s."regionId"
       WHERE t.status = 'OPEN' AND t.stage = 'TOWNSHIP_REVIEW' AND t."regionPath" = r.path ORDER BY t."createdAt" LIMIT $2`,
      [message.username, message.limit],
    );
    send({ type: "open-tasks", taskIds: rows.map((r) => r.id) });
  } else if (message.type === "count-decisions") {
    const [row] = await db.query<{ handled: number; decisions: number; cases: number }>(
      `SELECT (SELECT count(*)::int FROM "CaseTask" WHERE id = ANY($1::uuid[]) AND status <> 'OPEN') AS handled,
              (SELECT count(*)::int FROM "CaseEvent" e WHERE e."caseId" IN (SELECT "caseId" FROM "CaseTask" WHERE id = ANY($1::uuid[])) AND e.action IN ('APPROVED', 'RETURNED')) AS decisions,
              (SELECT count(DISTINCT "caseId")::int FROM "CaseTask" WHERE id = ANY($1::uuid[])) AS cases`,
      [message.taskIds],
    );
    send({ type: "decision-count", handled: row?.handled ?? 0, decisions: row?.decisions ?? 0, cases: row?.cases ?? 0 });
  } else if (message.type === "stop") {
    // Closing waits for work still in flight (a bot's socket, a screening run); the bench does not wait for it long.
    const closed = app
      .close()
      .then(() => db.close())
      .catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
}
