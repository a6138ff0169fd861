/**
 * npm run bench [-- --quick] [--households N] [--db embedded|postgres] [--duration S] [--connections C] [--intake-requests N]
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
import type { LoadResult, LoadSpec } from "./load.ts";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag("quick");
const households = Number(option("households") ?? (quick ? 20_000 : 1_000_000));
const dbKind = option("db") ?? "embedded";
const duration = Number(option("duration") ?? (quick ? 5 : 20));
const connections = Number(option("connections") ?? 20);
const intakeAmount = Number(option("intake-requests") ?? (quick ? 1_000 : 10_000));
if (dbKind !== "embedded" && dbKind !== "postgres") throw new Error("--db is embedded or postgres");
if (dbKind === "postgres" && !process.env.BENCH_DATABASE_URL) throw new Error("--db postgres needs BENCH_DATABASE_URL=postgres://… (an empty database)");

const here = import.meta.dirname;
const log = (line: string) => console.log(`[bench] ${line}`);

function start(file: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return fork(path.join(here, file), [], { execArgv: ["--import", "tsx"], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
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

async function measure(scenario: string, serverPid: number, spec: LoadSpec): Promise<Row> {
  const loader = start("load.ts");
  await nextMessage(loader, "ready");
  let peak = rssMb(serverPid).rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid).rss);
  }, 50);
  loader.send(spec);
  const { result } = await nextMessage<{ result: LoadResult }>(loader, "result");
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(serverPid).rss);
  log(`${scenario}: ${result.requests} requests in ${result.seconds.toFixed(1)} s, statuses ${JSON.stringify(result.statuses)}, errors ${result.errors}, timeouts ${result.timeouts}`);
  return { scenario, result, peakRssMb: peak };
}

async function json(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
log(`scale: ${households} households, database ${dbKind}, ${connections} connections, ${duration} s per scenario, intake ${intakeAmount} requests`);

const hello = start("hello-server.ts");
const app = start("app-server.ts", { BENCH_HOUSEHOLDS: String(households), BENCH_DATABASE_URL: dbKind === "postgres" ? process.env.BENCH_DATABASE_URL : "" });
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
const ready = await nextMessage<{ port: number; loadSeconds: number; kind: string; counts: Record<string, number>; lookups: { number: string; phoneLast4: string }[] }>(app, "ready");
log(`app ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (synthetic load ${ready.loadSeconds.toFixed(1)} s) on ${ready.kind}: ${JSON.stringify(ready.counts)}`);
log(`app server RSS after load: ${rssMb(app.pid!).rss.toFixed(0)} MB (high-water mark so far ${rssMb(app.pid!).hwm.toFixed(0)} MB, includes the bulk load)`);

const base = `http://127.0.0.1:${ready.port}`;
const resident = String((await json(`${base}/api/auth/wechat/login`, { code: "dev:bench" })).token);
const township = String((await json(`${base}/api/auth/staff/login`, { username: "township-liuxi", password: "demo1234" })).token);
const firstLookup = ready.lookups[0]!;
const check = await json(`${base}/api/public/case-status`, firstLookup);
log(`status look-up of synthetic case ${firstLookup.number} answers stage ${String(check.stage)}`);

const rows: Row[] = [];
rows.push(await measure("hello world (baseline)", hello.pid!, { url: `http://127.0.0.1:${helloReady.port}`, connections, duration, mode: { kind: "get", path: "/" } }));
const keyPrefix = `bench-${Date.now().toString(36)}`;
rows.push(await measure("intake POST /api/cases", app.pid!, { url: base, connections, duration, amount: intakeAmount, mode: { kind: "intake", token: resident, keyPrefix } }));
const intake = rows.at(-1)!.result;
const ackNumbers = intake.acknowledgedNumbers ?? [];
app.send({ type: "count-intake", prefix: keyPrefix, numbers: ackNumbers });
const stored = await nextMessage<{ stored: number; distinct: number; submittedEvents: number; acknowledgedFound: number }>(app, "intake-count");
const acknowledged = ackNumbers.length;
// Exactly once: every acknowledged number is a stored case of this run; no key stored twice; one SUBMITTED event per case;
// nothing stored beyond what was sent (a request answered with an error may still have been stored: stored ≥ acknowledged).
const intakeOk =
  stored.acknowledgedFound === acknowledged &&
  new Set(ackNumbers).size === acknowledged &&
  stored.distinct === stored.stored &&
  stored.submittedEvents === stored.stored &&
  stored.stored >= acknowledged &&
  stored.stored <= intakeAmount;
rows.push(await measure("status POST /api/public/case-status", app.pid!, { url: base, connections, duration, mode: { kind: "status", lookups: ready.lookups } }));
rows.push(
  await measure("queue GET /api/staff/cases (township, OPEN, TOWNSHIP_REVIEW)", app.pid!, {
    url: base,
    connections,
    duration,
    mode: { kind: "get", path: "/api/staff/cases?status=OPEN&stage=TOWNSHIP_REVIEW&limit=20", headers: { authorization: `Bearer ${township}` } },
  }),
);
rows.push(
  await measure("queue GET /api/staff/cases (township, OPEN, any stage)", app.pid!, {
    url: base,
    connections,
    duration,
    mode: { kind: "get", path: "/api/staff/cases?status=OPEN&limit=20", headers: { authorization: `Bearer ${township}` } },
  }),
);
stopAll();

const baseline = rows[0]!.result;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
console.log("");
console.log(`${households} households / ${ready.counts.Case ?? "?"} cases, ${ready.kind} database, ${connections} connections, node ${process.version}, ${os.cpus().length} CPUs`);
console.log("");
console.log("| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | peak server RSS MB | req/s ÷ hello | p99 ÷ hello |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const { scenario, result, peakRssMb } of rows) {
  const non2xx = Object.entries(result.statuses).filter(([code]) => !code.startsWith("2")).reduce((sum, [, n]) => sum + n, 0) + result.errors;
  console.log(
    `| ${scenario} | ${result.requests} | ${fmt(result.rps, 0)} | ${fmt(result.p50)} | ${fmt(result.p95)} | ${fmt(result.p99)} | ${non2xx} | ${fmt(peakRssMb, 0)} | ${fmt(result.rps / baseline.rps, 3)} | ${fmt(result.p99 / baseline.p99, 1)} |`,
  );
}
console.log("");
console.log(
  `intake exactly-once: ${intakeAmount} sent, ${acknowledged} acknowledged (201: ${intake.statuses["201"] ?? 0}, 200: ${intake.statuses["200"] ?? 0}; other answers ${JSON.stringify(intake.statuses)}, socket errors ${intake.errors}), ` +
    `${stored.acknowledgedFound} of the acknowledged numbers found stored, ${stored.stored} stored with the run's keys (${stored.distinct} distinct keys, ${stored.submittedEvents} SUBMITTED events) → ${intakeOk ? "OK" : "MISMATCH"}`,
);
process.exitCode = intakeOk ? 0 : 1;
