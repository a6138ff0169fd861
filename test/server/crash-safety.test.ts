import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMigrationsDir, openDatabase, type Database } from "../../server/platform/database/database.ts";
import { listMigrations } from "../../server/platform/database/migrate.ts";
import { ServerProcess } from "../helpers/server-process.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/test-database.ts";

/** Reports in all, clients sending at once, and acknowledgements to wait for before the kill. */
const reports = 600;
const clients = 16;
const killAfter = 250 + Math.floor(Math.random() * 100);
const places = ["石门村一组", "白沙村三组", "云岭镇红旗村", "桃园村", "青山县某地"];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`a server killed with SIGKILL while reports pour in (${testDatabaseKind})`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-crash-"));
  let database: TestDatabase | null = null;
  let server: ServerProcess;

  beforeAll(async () => {
    // On PostgreSQL the server gets a database of its own; the embedded one lives in dataDir/pglite, as in production.
    if (testDatabaseKind === "postgres") database = await createTestDatabase();
    server = await ServerProcess.create({ dataDir, databaseUrl: database?.url ?? "" });
    await server.start();
  });
  afterAll(async () => {
    await server?.kill();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no acknowledged report, stores each once, and leaves every case whole", async () => {
    const tokens = await Promise.all(Array.from({ length: 4 }, (_, i) => server.residentToken(`crash-resident-${i}`)));
    const acknowledged = new Map<number, string>();
    let inFlight = 0;
    let next = 0;
    let retries = 0;

    // Each client sends its reports one after the other and, like the mini-program's outbox, sends one again
    // with the same idempotency key until the server acknowledges it: after a network error, a 5xx, or a 409
    // saying the same submission is still being written.
    const submit = async (n: number) => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) {
          if (attempt > 100) throw new Error(`report ${n} never acknowledged`);
          retries++;
          await pause(Math.min(1000, 50 * 2 ** attempt));
        }
        inFlight++;
        try {
          const response = await fetch(`${server.url}/api/cases`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${tokens[n % tokens.length]}`,
              "idempotency-key": `crash-report-${n}`,
            },
            body: JSON.stringify({
              description: `第${n}户:家里房子被洪水冲了,老人住院`,
              applicantName: "测试户主",
              phone: `1390000${String(n).padStart(4, "0")}`,
              address: places[n % places.length],
              consent: { personalInformation: true },
            }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await response.json()) as { number?: string; code?: string };
          if (response.status === 200 || response.status === 201) {
            acknowledged.set(n, body.number!);
            return;
          }
          if (response.status < 500 && body.code !== "SUBMISSION_IN_PROGRESS")
            throw new Error(`report ${n} refused: ${response.status} ${JSON.stringify(body)}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith("report ")) throw error;
        } finally {
          inFlight--;
        }
      }
    };
    const client = async () => {
      while (next < reports) await submit(next++);
    };
    const running = Promise.all(Array.from({ length: clients }, client));
    let failure: unknown = null;
    running.catch((error: unknown) => (failure = error));

    while (acknowledged.size < killAfter) {
      if (failure) throw failure instanceof Error ? failure : new Error("a client failed", { cause: failure });
      await pause(5);
    }
    const inFlightAtKill = inFlight;
    const acknowledgedAtKill = acknowledged.size;
    expect(await server.kill("SIGKILL")).toBe("SIGKILL");
    // The clients keep trying against a closed port for a moment, as phones would.
    await pause(500);
    await server.start();
    await running;

    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(acknowledgedAtKill).toBeLessThan(reports);
    expect(acknowledged.size).toBe(reports);
    expect(retries).toBeGreaterThan(0);

    // Read what is on disk after a clean stop (the embedded database allows one process at a time).
    await server.stop();
    const db = database?.db ?? (await openDatabase({ url: "", embeddedDir: path.join(dataDir, "pglite") }));
    try {
      await expectWholeAndOnce(db, acknowledged);
    } finally {
      if (!database) await db.close();
    }
  }, 180_000);
});

async function expectWholeAndOnce(db: Database, acknowledged: Map<number, string>) {
  const stored = await db.query<{
    key: string;
    number: string;
    events: number;
    submitted: number;
    routed: number;
    tasks: number;
    consents: number;
  }>(
    `SELECT c."idempotencyKey" AS key, c.number,
            (SELECT count(*)::int FROM "CaseEvent" e WHERE e."caseId" = c.id) AS events,
            (SELECT count(*)::int FROM "CaseEvent" e WHERE e."caseId" = c.id AND e.action = 'SUBMITTED') AS submitted,
            (SELECT count(*)::int FROM "CaseEvent" e WHERE e."caseId" = c.id AND e.action LIKE 'ROUTED_%') AS routed,
            (SELECT count(*)::int FROM "CaseTask" t WHERE t."caseId" = c.id) AS tasks,
            (SELECT count(*)::int FROM "Consent" k WHERE k."caseId" = c.id) AS consents
     FROM "Case" c WHERE c."idempotencyKey" LIKE 'resident:%:crash-report-%'`,
  );
  // Every acknowledged report is there, once, under the number it was acknowledged with.
  const byReport = new Map(stored.map((row) => [Number(/:crash-report-(\d+)$/.exec(row.key)![1]), row]));
  expect(stored).toHaveLength(acknowledged.size);
  expect(byReport.size).toBe(acknowledged.size);
  for (const [n, number] of acknowledged) expect(byReport.get(n)?.number, `report ${n}`).toBe(number);
  // Every case whole: its two opening events, its first task, its consent.
  const broken = stored.filter(
    (row) => row.events !== 2 || row.submitted !== 1 || row.routed !== 1 || row.tasks !== 1 || row.consents !== 1,
  );
  expect(broken).toEqual([]);

  // Across the whole database: no case without its first rows, no row without its case, no number twice.
  const [whole] = await db.query<{ bare: number; orphans: number; duplicates: number; numbers: number; sequence: number }>(
    `SELECT (SELECT count(*)::int FROM "Case" c WHERE NOT EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c.id)
                                               OR NOT EXISTS (SELECT 1 FROM "CaseTask" t WHERE t."caseId" = c.id)) AS bare,
            (SELECT count(*)::int FROM "CaseEvent" e WHERE NOT EXISTS (SELECT 1 FROM "Case" c WHERE c.id = e."caseId")) AS orphans,
            (SELECT count(*)::int FROM (SELECT number FROM "Case" GROUP BY number HAVING count(*) > 1) d) AS duplicates,
            (SELECT max(substring(number from 6)::int) FROM "Case") AS numbers,
            (SELECT last_value::int FROM case_number_seq) AS sequence`,
  );
  expect(whole).toMatchObject({ bare: 0, orphans: 0, duplicates: 0 });
  // The sequence is past every number given out, so the next report cannot collide with one acknowledged before the crash.
  expect(whole!.sequence).toBeGreaterThanOrEqual(whole!.numbers);

  // Migrations: every one recorded once, unchanged, none half-applied (the restart found nothing to do).
  const migrations = await db.query<{ name: string; checksum: string }>("SELECT name, checksum FROM _app_migrations ORDER BY name");
  expect(migrations).toEqual(listMigrations(defaultMigrationsDir).map(({ name, checksum }) => ({ name, checksum })));
  expect((await db.migrate()).applied).toEqual([]);
}
