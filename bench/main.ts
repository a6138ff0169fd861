/**
 * npm run bench [-- --quick] [--households N] [--db embedded|postgres] [--duration S] [--connections C] [--intake-requests N]
 *                 (on PostgreSQL the scenario intake-2x runs intake on two instances of the app, round-robin)
 *                 [--burst-reports N] [--workflow-tasks N] [--only intake,status,…] [--cpu-prof DIR]
 *
 * 1. starts bench/app-server.ts (the real app on a fresh database + a synthetic county) and
 *    bench/hello-server.ts (a bare Fastify "hello world") as child processes;
 * 2. runs each scenario with autocannon in a third child process (bench/load.ts);
 * 3. samples the server process's resident memory (/proc/<pid>/status VmRSS) every 50 ms during each scenario;
 * 4. prints a table with the ratio to the hello-world baseline of the same run.
 * --db postgres needs BENCH_DATABASE_URL (an empty database on a PostgreSQL server).
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BotLoadSpec } from "./bot-load.ts";
import type { BurstResult, BurstSpec } from "./burst.ts";
import type { LoadResult, LoadSpec } from "./load.ts";
import { householdImportScenario } from "./household-import.ts";
import { screeningScenario, type ScreeningCount } from "./screening.ts";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag("quick");
const dbKindOption = option("db") ?? "embedded";
// The full scale is a million households on a PostgreSQL server; the embedded database serves up to about
// 100,000 (docs/decisions.md), so that is its full run.
const households = Number(option("households") ?? (quick ? 20_000 : dbKindOption === "postgres" ? 1_000_000 : 100_000));
const dbKind = dbKindOption;
const duration = Number(option("duration") ?? (quick ? 5 : 20));
const connections = Number(option("connections") ?? 20);
const intakeAmount = Number(option("intake-requests") ?? (quick ? 1_000 : 10_000));
const workflowTasks = Number(option("workflow-tasks") ?? (quick ? 200 : 2_000));
const burstReports = Number(option("burst-reports") ?? (quick ? 1_000 : 20_000));
/** Households in the national-system export the household-import scenario loads (issue #19: 20,000 in under 60 s on PostgreSQL). */
const householdImports = Number(option("household-imports") ?? (quick ? 5_000 : 20_000));
const cpuProfDir = option("cpu-prof");
const only = option("only")?.split(",");
if (dbKind !== "embedded" && dbKind !== "postgres") throw new Error("--db is embedded or postgres");
if (dbKind === "postgres" && !process.env.BENCH_DATABASE_URL)
  throw new Error("--db postgres needs BENCH_DATABASE_URL=postgres://… (an empty database)");

const here = import.meta.dirname;
const log = (line: string) => console.log(`[bench] ${line}`);

function start(file: string, env: NodeJS.ProcessEnv = {}, profile = false): ChildProcess {
  // --cpu-prof: the app server (and the bot scenario's bot) writes a V8 CPU profile (open it in Chrome DevTools) when it stops.
  const execArgv = ["--import", "tsx", ...(profile && cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProfDir)}`] : [])];
  return fork(path.join(here, file), [], { execArgv, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: string }).type === type) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`child ${child.pid} exited (${code}) before sending ${type}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

function rssMb(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

interface Row {
  scenario: string;
  result: LoadResult;
  peakRssMb: number;
}

/** Samples the memory of a server (its pid), or of the load child itself ("loader": the bot scenario's load child is the bot). */
async function measure(
  scenario: string,
  sampled: number | "loader",
  spec: LoadSpec | BotLoadSpec | BurstSpec,
  loaderFile = "load.ts",
): Promise<Row> {
  const loader = start(loaderFile, {}, sampled === "loader");
  await nextMessage(loader, "ready");
  const pid = sampled === "loader" ? loader.pid! : sampled;
  let peak = rssMb(pid).rss;
  // A load child exits as soon as it has answered: a sample that finds it gone adds nothing.
  const sample = () => {
    try {
      peak = Math.max(peak, rssMb(pid).rss);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  };
  const sampler = setInterval(sample, 50);
  loader.send(spec);
  const { result } = await nextMessage<{ result: LoadResult }>(loader, "result");
  clearInterval(sampler);
  sample();
  log(
    `${scenario}: ${result.requests} requests in ${result.seconds.toFixed(1)} s, statuses ${JSON.stringify(result.statuses)}, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  return { scenario, result, peakRssMb: peak };
}

async function json(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

log(
  `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
);
log(
  `scale: ${households} households, database ${dbKind}, ${connections} connections, ${duration} s per scenario, intake ${intakeAmount} requests`,
);

const hello = start("hello-server.ts");
const app = start(
  "app-server.ts",
  { BENCH_HOUSEHOLDS: String(households), BENCH_DATABASE_URL: dbKind === "postgres" ? process.env.BENCH_DATABASE_URL : "" },
  true,
);
const stopAll = () => {
  for (const child of [hello, app]) if (child.connected) child.send({ type: "stop" });
};
process.on("uncaughtException", (error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});

const helloReady = await nextMessage<{ port: number }>(hello, "ready");
const t0 = Date.now();
const ready = await nextMessage<{
  port: number;
  loadSeconds: number;
  kind: string;
  counts: Record<string, number>;
  lookups: { number: string; phoneLast4: string }[];
  botKey: string;
  keys: Record<string, string>;
}>(app, "ready");
log(
  `app ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (synthetic load ${ready.loadSeconds.toFixed(1)} s) on ${ready.kind}: ${JSON.stringify(ready.counts)}`,
);
log(
  `app server RSS after load: ${rssMb(app.pid!).rss.toFixed(0)} MB (high-water mark so far ${rssMb(app.pid!).hwm.toFixed(0)} MB, includes the bulk load)`,
);

const base = `http://127.0.0.1:${ready.port}`;
const resident = String((await json(`${base}/api/auth/wechat/login`, { code: "dev:bench" })).token);
const township = String((await json(`${base}/api/auth/staff/login`, { username: "township-liuxi", password: "demo1234" })).token);
const firstLookup = ready.lookups[0]!;
const check = await json(`${base}/api/public/case-status`, firstLookup);
log(`status look-up of synthetic case ${firstLookup.number} answers stage ${String(check.stage)}`);

const rows: Row[] = [];
/** Lines after the table: correctness checks of the scenarios (exactly once, one winner per task…); any false one fails the run. */
const checks: { line: string; ok: boolean }[] = [];

/** `retried`: the clients retried until acknowledged, so every report sent must be acknowledged and stored, once. */
async function countIntake(prefix: string, numbers: string[], sent: number, label: string, retried = false): Promise<void> {
  app.send({ type: "count-intake", prefix, numbers });
  const stored = await nextMessage<{ stored: number; distinct: number; submittedEvents: number; acknowledgedFound: number }>(
    app,
    "intake-count",
  );
  const acknowledged = numbers.length;
  // Exactly once: every acknowledged number is a stored case of this run; no key stored twice; one SUBMITTED event per case;
  // nothing stored beyond what was sent (a request answered with an error may still have been stored: stored ≥ acknowledged).
  const ok =
    stored.acknowledgedFound === acknowledged &&
    new Set(numbers).size === acknowledged &&
    stored.distinct === stored.stored &&
    stored.submittedEvents === stored.stored &&
    stored.stored >= acknowledged &&
    stored.stored <= sent &&
    (!retried || (acknowledged === sent && stored.stored === sent));
  checks.push({
    ok,
    line:
      `${label} exactly-once: ${sent} sent, ${acknowledged} acknowledged, ${stored.acknowledgedFound} of the acknowledged numbers found stored, ` +
      `${stored.stored} stored with the run's keys (${stored.distinct} distinct keys, ${stored.submittedEvents} SUBMITTED events) → ${ok ? "OK" : "MISMATCH"}`,
  });
}

const scenarios: { id: string; run: () => Promise<void> }[] = [
  {
    id: "intake",
    run: async () => {
      const keyPrefix = `bench-${Date.now().toString(36)}`;
      const row = await measure("intake POST /api/cases", app.pid!, {
        url: base,
        connections,
        duration,
        amount: intakeAmount,
        mode: { kind: "intake", token: resident, keyPrefix },
      });
      rows.push(row);
      await countIntake(keyPrefix, row.result.acknowledgedNumbers ?? [], intakeAmount, "intake");
    },
  },
  {
    id: "intake-2x",
    run: async () => {
      // Several instances share one PostgreSQL server; the embedded database belongs to one process.
      if (dbKind !== "postgres") return log("intake on two instances: PostgreSQL only (--db postgres), skipped");
      const second = start("app-server.ts", {
        BENCH_JOIN_KEYS: JSON.stringify(ready.keys),
        BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL,
      });
      const { port } = await nextMessage<{ port: number }>(second, "ready");
      try {
        const keyPrefix = `bench2x-${Date.now().toString(36)}`;
        const row = await measure("intake POST /api/cases, 2 instances round-robin (RSS of the first)", app.pid!, {
          url: base,
          moreUrls: [`http://127.0.0.1:${port}`],
          connections,
          duration,
          amount: intakeAmount,
          mode: { kind: "intake", token: resident, keyPrefix },
        });
        rows.push(row);
        await countIntake(keyPrefix, row.result.acknowledgedNumbers ?? [], intakeAmount, "intake on 2 instances");
      } finally {
        second.send({ type: "stop" });
      }
    },
  },
  {
    id: "burst",
    run: async () => {
      // Quick runs keep the burst's rate (333 reports/s) over a shorter window.
      const reports = burstReports;
      const seconds = (reports / 20_000) * 60;
      const keyPrefix = `burst-${Date.now().toString(36)}`;
      const spec: BurstSpec = { url: base, token: resident, keyPrefix, reports, seconds, sockets: 256, timeoutMs: 30_000 };
      const row = await measure(
        `disaster burst: ${reports} reports arriving in ${seconds.toFixed(0)} s (latency from arrival to acknowledgement)`,
        app.pid!,
        spec,
        "burst.ts",
      );
      rows.push(row);
      const result = row.result as BurstResult;
      log(
        `burst: ${result.requests} acknowledged ${result.seconds.toFixed(1)} s after the first arrival; ${result.retries} retries with the same key`,
      );
      await countIntake(keyPrefix, result.acknowledgedNumbers ?? [], reports, "disaster burst", true);
    },
  },
  {
    id: "workflow",
    run: async () => {
      app.send({ type: "open-tasks", username: "township-liuxi", limit: workflowTasks });
      const { taskIds } = await nextMessage<{ taskIds: string[] }>(app, "open-tasks");
      const row = await measure(
        `workflow: approve vs return racing on ${taskIds.length} township reviews (2 requests per task)`,
        app.pid!,
        {
          url: base,
          connections,
          duration,
          amount: taskIds.length * 2,
          mode: { kind: "race", token: township, taskIds },
        },
      );
      rows.push(row);
      app.send({ type: "count-decisions", taskIds });
      const count = await nextMessage<{ handled: number; decisions: number; cases: number }>(app, "decision-count");
      const won = (row.result.statuses["200"] ?? 0) + (row.result.statuses["201"] ?? 0);
      const refused = row.result.statuses["409"] ?? 0;
      // One winner per task: every task handled, one decision event per case, every loser refused with 409.
      const ok =
        taskIds.length > 0 &&
        won === taskIds.length &&
        refused === taskIds.length &&
        count.handled === taskIds.length &&
        count.decisions === count.cases &&
        count.cases === taskIds.length;
      checks.push({
        ok,
        line: `workflow one-winner: ${taskIds.length} tasks, ${won} actions won, ${refused} refused (409), ${count.handled} tasks handled, ${count.decisions} decision events on ${count.cases} cases → ${ok ? "OK" : "MISMATCH"}`,
      });
    },
  },
  {
    id: "status",
    run: async () => {
      rows.push(
        await measure("status POST /api/public/case-status", app.pid!, {
          url: base,
          connections,
          duration,
          mode: { kind: "status", lookups: ready.lookups },
        }),
      );
    },
  },
  {
    id: "queue",
    run: async () => {
      const headers = { authorization: `Bearer ${township}` };
      rows.push(
        await measure("queue GET /api/staff/cases (township, OPEN, TOWNSHIP_REVIEW)", app.pid!, {
          url: base,
          connections,
          duration,
          mode: { kind: "get", path: "/api/staff/cases?status=OPEN&stage=TOWNSHIP_REVIEW&limit=20", headers },
        }),
      );
      // The page's own latency: one reviewer at a time, nothing else queued in front of the request.
      rows.push(
        await measure("queue GET /api/staff/cases (township, OPEN, TOWNSHIP_REVIEW), 1 connection", app.pid!, {
          url: base,
          connections: 1,
          duration,
          mode: { kind: "get", path: "/api/staff/cases?status=OPEN&stage=TOWNSHIP_REVIEW&limit=20", headers },
        }),
      );
      rows.push(
        await measure("queue GET /api/staff/cases (township, OPEN, any stage)", app.pid!, {
          url: base,
          connections,
          duration,
          mode: { kind: "get", path: "/api/staff/cases?status=OPEN&limit=20", headers },
        }),
      );
      rows.push(
        await measure("my tasks GET /api/staff/tasks (township desk, first 50 by due date)", app.pid!, {
          url: base,
          connections,
          duration,
          mode: { kind: "get", path: "/api/staff/tasks?limit=50", headers },
        }),
      );
    },
  },
  {
    id: "bot",
    run: async () => {
      const row = await measure(
        `bot messages (mock puppet, ${connections} contacts; RSS of the bot process)`,
        "loader",
        { url: base, botKey: ready.botKey, contacts: connections, duration },
        "bot-load.ts",
      );
      rows.push(row);
      // The bot files with the key "bot-<message id>" (server/features/bot/bot-service.ts); no other case of the run has one.
      await countIntake("bot-", row.result.acknowledgedNumbers ?? [], row.result.statuses.confirmations ?? 0, "bot");
    },
  },
  {
    id: "screening",
    run: async () => {
      const county = String((await json(`${base}/api/auth/staff/login`, { username: "county", password: "demo1234" })).token);
      const count = (importId: string, prefix: string) => {
        app.send({ type: "count-screening", importId, prefix });
        return nextMessage<ScreeningCount>(app, "screening-count");
      };
      let peak = rssMb(app.pid!).rss;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.pid!).rss)), 50);
      const screening = await screeningScenario({ base, token: county, households, count, log }).finally(() => clearInterval(sampler));
      rows.push({ scenario: screening.label, result: screening.result, peakRssMb: Math.max(peak, rssMb(app.pid!).rss) });
      checks.push(...screening.checks);
    },
  },
  {
    id: "household-import",
    run: async () => {
      const county = String((await json(`${base}/api/auth/staff/login`, { username: "county", password: "demo1234" })).token);
      let peak = rssMb(app.pid!).rss;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.pid!).rss)), 50);
      const imported = await householdImportScenario({ base, token: county, households: householdImports, log }).finally(() =>
        clearInterval(sampler),
      );
      rows.push({ scenario: imported.label, result: imported.result, peakRssMb: Math.max(peak, rssMb(app.pid!).rss) });
      checks.push(...imported.checks);
    },
  },
];
const unknown = only?.filter((id) => !scenarios.some((s) => s.id === id)) ?? [];
if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(", ")} (known: ${scenarios.map((s) => s.id).join(", ")})`);

rows.push(
  await measure("hello world (baseline)", hello.pid!, {
    url: `http://127.0.0.1:${helloReady.port}`,
    connections,
    duration,
    mode: { kind: "get", path: "/" },
  }),
);
for (const scenario of scenarios) if (!only || only.includes(scenario.id)) await scenario.run();
stopAll();

const baseline = rows[0]!.result;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
console.log("");
console.log(
  `${households} households / ${ready.counts.Case ?? "?"} cases, ${ready.kind} database, ${connections} connections, node ${process.version}, ${os.cpus().length} CPUs`,
);
console.log("");
console.log("| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | peak server RSS MB | req/s ÷ hello | p99 ÷ hello |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const { scenario, result, peakRssMb } of rows) {
  // HTTP status codes only: the bot scenario's statuses are counts ("replied", "cases"…), its failures are in errors.
  const non2xx =
    Object.entries(result.statuses)
      .filter(([code]) => /^\d+$/.test(code) && !code.startsWith("2"))
      .reduce((sum, [, n]) => sum + n, 0) + result.errors;
  console.log(
    `| ${scenario} | ${result.requests} | ${fmt(result.rps, 0)} | ${fmt(result.p50)} | ${fmt(result.p95)} | ${fmt(result.p99)} | ${non2xx} | ${fmt(peakRssMb, 0)} | ${fmt(result.rps / baseline.rps, 3)} | ${fmt(result.p99 / baseline.p99, 1)} |`,
  );
}
console.log("");
for (const check of checks) console.log(check.line);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
