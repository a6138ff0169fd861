/**
 * The load generator, in its own process (so it does not share a CPU core's
 * event loop with the server): receives one scenario over IPC, runs autocannon's
 * programmatic API, measures every response's latency itself (autocannon's
 * histogram reports p97.5, not p95) and answers with the figures.
 */
import autocannon, { type RequestSpec } from "autocannon";

export interface LoadSpec {
  url: string;
  connections: number;
  duration: number;
  /** For intake: a fixed number of requests instead of a duration, so every request is answered before the count. */
  amount?: number;
  /** Each request: a fixed one, or a cycle through a list, or unique intake keys. */
  mode: { kind: "get"; path: string; headers?: Record<string, string> } | { kind: "status"; lookups: { number: string; phoneLast4: string }[] } | {
    kind: "intake";
    token: string;
    keyPrefix: string;
  };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  acknowledgedNumbers?: string[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const mode = spec.mode;
  let counter = 0;
  /** Intake: the case numbers the server acknowledged (201, or 200 for a duplicate). */
  const acknowledged: string[] = [];
  let requests: RequestSpec[];
  if (mode.kind === "get") requests = [{ method: "GET", path: mode.path, headers: mode.headers }];
  else if (mode.kind === "status") {
    requests = [
      {
        method: "POST",
        path: "/api/public/case-status",
        headers: { "content-type": "application/json" },
        setupRequest: (req) => {
          const l = mode.lookups[counter++ % mode.lookups.length]!;
          return { ...req, body: JSON.stringify(l) };
        },
      },
    ];
  } else {
    const districts = ["石门村一组", "桃园村", "白沙村", "红旗村", "合成3村", "不知道哪里"];
    requests = [
      {
        method: "POST",
        path: "/api/cases",
        onResponse: (status, body) => {
          if (status === 200 || status === 201) acknowledged.push(String((JSON.parse(body) as { number: string }).number));
        },
        setupRequest: (req) => {
          const n = counter++;
          return {
            ...req,
            headers: { "content-type": "application/json", authorization: `Bearer ${mode.token}`, "idempotency-key": `${mode.keyPrefix}-${n}` },
            body: JSON.stringify({
              description: n % 2 ? "家里房子被洪水冲了，庄稼也没了" : "老人住院花了三万多，家里没钱了",
              applicantName: "压测人",
              phone: `1350000${String(n % 10000).padStart(4, "0")}`,
              address: districts[n % districts.length],
              consent: { personalInformation: true },
            }),
          };
        },
      },
    ];
  }
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = process.hrtime.bigint();
  const instance = autocannon({ url: spec.url, connections: spec.connections, ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }), timeout: 10, requests });
  instance.on("response", (...args: unknown[]) => {
    const [, statusCode, , responseTime] = args as [unknown, number, number, number];
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    acknowledgedNumbers: mode.kind === "intake" ? acknowledged : undefined,
  };
}

process.on("message", async (raw: unknown) => {
  const result = await run(raw as LoadSpec);
  process.send?.({ type: "result", result }, () => process.exit(0));
});
process.send?.({ type: "ready" });
