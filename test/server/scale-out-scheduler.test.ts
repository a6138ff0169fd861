import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess } from "../helpers/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

const villageWechat = "wx-scheduler-village-shimen";
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last saw ${JSON.stringify(value)}`);
    await pause(100);
  }
}

/** The ids of the overdue scans a server's log says it started (LOG_LEVEL=debug). */
const scansStarted = (server: ServerProcess) =>
  server.output
    .split("\n")
    .filter((line) => line.includes('"msg":"scheduled job started"') && line.includes('"job":"overdue-escalations"'))
    .map((line) => /"jobId":"([0-9a-f-]+)"/.exec(line)?.[1]);

/**
 * The bar for scheduled work: two server processes on one PostgreSQL
 * database, both running the scheduler (overdue scans every second); a late
 * task is escalated once, and an instance killed while it holds the scan loses
 * nothing. Runs on a PostgreSQL server only (vitest.config.ts): two processes
 * cannot share the embedded database. Time is real: a task is made late by
 * moving its due date into the past, as if its days had passed.
 */
describe("scheduled work on two server instances on one PostgreSQL database (postgres)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-scale-out-scheduler-"));
  let database: TestDatabase;
  let sql: pg.Client;
  let servers: ServerProcess[];
  let resident: string;
  let filed = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    servers = await ServerProcess.startGroup(2, {
      dataDir,
      databaseUrl: database.url,
      env: {
        OVERDUE_SCAN_SECONDS: "1",
        // A scan held by an instance that died is taken up by the other after 3 s.
        JOB_TIMEOUT_SECONDS: "3",
        REMINDER_SCAN_SECONDS: "0",
        NOTICE_SCAN_SECONDS: "0",
        CONVERSATION_SCAN_SECONDS: "0",
        RETENTION_SCAN_HOURS: "0",
        CALENDAR_CHECK_HOURS: "0",
        LOG_LEVEL: "debug",
      },
    });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    // The village cadre's WeChat is bound: a late village task reaches them as a push.
    await sql.query(`UPDATE "StaffAccount" SET "wechatId" = $1 WHERE "username" = 'village-shimen'`, [villageWechat]);
    resident = await servers[0]!.residentToken("scheduler-applicant");
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.kill()));
    await sql?.end();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A report to 石门村 through one instance or the other; its village task is due in five working days. */
  async function file(server: ServerProcess): Promise<{ number: string; caseId: string }> {
    const response = await fetch(`${server.url}/api/cases`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${resident}`,
        "idempotency-key": `scheduler-report-${++filed}`,
      },
      body: JSON.stringify({
        description: "老伴住院花了三万多",
        applicantName: "定时测试",
        phone: "13512345678",
        regionCode: "990101001001",
        consent: { personalInformation: true },
      }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { number: string; caseId: string };
  }

  /** Per case: its OVERDUE_ESCALATED events, whether its task is escalated, and the village cadre's overdue pushes about it. */
  async function escalations(cases: { number: string; caseId: string }[]) {
    const { rows } = await sql.query<{ number: string; events: number; escalated: boolean; pushes: number }>(
      `SELECT c."number",
         (SELECT count(*)::int FROM "CaseEvent" e WHERE e."caseId" = c."id" AND e."action" = 'OVERDUE_ESCALATED') AS events,
         (SELECT bool_and(t."escalatedAt" IS NOT NULL) FROM "CaseTask" t WHERE t."caseId" = c."id") AS escalated,
         (SELECT count(*)::int FROM "BotPush" p WHERE p."recipientId" = $2 AND p."text" LIKE '超期提醒:案件 ' || c."number" || '%') AS pushes
       FROM "Case" c WHERE c."id" = ANY($1::uuid[]) ORDER BY c."number"`,
      [cases.map((c) => c.caseId), villageWechat],
    );
    return rows;
  }

  /** Their village tasks' deadlines in the past, the first case's the earliest: the scans take them in that order. */
  async function makeLate(cases: { caseId: string }[]) {
    await sql.query(
      `UPDATE "CaseTask" t SET "dueAt" = now() - make_interval(mins => 60 - x.i::int)
       FROM unnest($1::uuid[]) WITH ORDINALITY AS x(case_id, i) WHERE t."caseId" = x.case_id AND t."status" = 'OPEN'`,
      [cases.map((c) => c.caseId)],
    );
  }

  it("escalates an overdue task exactly once — one event, one escalated task, one push — although both instances run the scans", async () => {
    const late = await file(servers[0]!);
    await makeLate([late]);
    await until(
      () => escalations([late]),
      ([row]) => !!row?.escalated,
      "the escalation",
    );
    // Both instances keep scanning every second; nothing is repeated.
    await pause(3000);
    expect(await escalations([late])).toEqual([{ number: late.number, events: 1, escalated: true, pushes: 1 }]);
    const { rows } = await sql.query(`SELECT "escalatedToPath" FROM "CaseTask" WHERE "caseId" = $1`, [late.caseId]);
    expect(rows).toEqual([{ escalatedToPath: expect.stringMatching(/\/990101001\/$/) }]);
    // Both instances run the scheduler (each asks for every period's scan, and polls for scans to take); each period's scan ran once.
    for (const server of servers)
      expect(server.output).toMatch(/"jobs":\[\{"name":"overdue-escalations","everySeconds":1\}\],"msg":"scheduler started"/);
    const { rows: periods } = await sql.query(
      `SELECT singleton_on, count(*)::int AS n FROM pgboss.job WHERE name = 'overdue-escalations' GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(periods).toEqual([]);
  });

  it("loses no scan when the instance holding it is killed: the other runs it, once, and the restarted instance repeats nothing", async () => {
    const cases: { number: string; caseId: string }[] = [];
    for (let i = 0; i < 8; i++) cases.push(await file(servers[i % 2]!));
    const blocker = cases[4]!;

    // The test holds the fifth case's row: a scan escalates the first four, then waits on the fifth, holding its job.
    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    try {
      await lock.query("BEGIN");
      await lock.query(`SELECT 1 FROM "Case" WHERE "id" = $1 FOR UPDATE`, [blocker.caseId]);
      await makeLate(cases);
      await until(
        () => escalations(cases.slice(0, 4)),
        (rows) => rows.every((row) => row.escalated && row.pushes === 1),
        "the first four escalations and their pushes",
      );
      const { rows: active } = await sql.query<{ id: string }>(
        `SELECT id::text FROM pgboss.job WHERE name = 'overdue-escalations' AND state = 'active' ORDER BY started_on`,
      );
      expect(active.length).toBeGreaterThan(0);
      const held = active[0]!.id;
      const holder = (await until(
        async () => servers.find((server) => scansStarted(server).includes(held)),
        Boolean,
        "the log line of the held scan",
      ))!;
      expect(await holder.kill()).toBe("SIGKILL");
      await lock.query("COMMIT");
      const survivor = servers.find((server) => server !== holder)!;

      // The survivor takes over: every task escalated once, each with its one push; the dead instance's scan,
      // found by the queue's maintenance after its 3 s timeout, is run again there and completes.
      await until(
        () => escalations(cases),
        (rows) => rows.every((row) => row.escalated),
        "every escalation",
      );
      const retried = await until(
        async () =>
          (await sql.query<{ state: string; retry_count: number }>(`SELECT state::text, retry_count FROM pgboss.job WHERE id = $1`, [held]))
            .rows[0],
        (row) => row?.state === "completed",
        "the held scan to be run again",
      );
      expect(retried!.retry_count).toBeGreaterThanOrEqual(1);
      expect(scansStarted(survivor)).toContain(held);
      expect(await escalations(cases)).toEqual(
        cases.map((c) => ({ number: c.number, events: 1, escalated: true, pushes: 1 })).sort((x, y) => x.number.localeCompare(y.number)),
      );

      // The killed instance comes back (as a supervisor would restart it) and runs the scheduler again: nothing doubles.
      await holder.start();
      expect(holder.output.match(/"msg":"scheduler started"/g)).toHaveLength(2);
      await pause(3000);
      expect(await escalations(cases)).toEqual(
        cases.map((c) => ({ number: c.number, events: 1, escalated: true, pushes: 1 })).sort((x, y) => x.number.localeCompare(y.number)),
      );
    } finally {
      await lock.end();
    }
  }, 120_000);
});
