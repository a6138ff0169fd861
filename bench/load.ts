/**
 * The load generator, in its own process (so it does not share a CPU core's
 * event loop with the server): receives one scenario over IPC, runs autocannon's
 * programmatic API, measures every response's latency itself (autocannon's
 * histogram reports p97.5, not p95) and answers with the figures.
 */
import autocannon, { type RequestSpec } from "autocannon";
import { intakeBody, summarise } from "./load-shared.ts";

export interface LoadSpec {
  url: string;
  /** Instances behind a round-robin: the connections are spread over them in turn (the first is `url`). */
  moreUrls?: string[];
  connections: number;
  duration: number;
  /** For intake and races: a fixed number of requests instead of a duration, so every request is answered before the count. */
  amount?: number;
  /** Each request: a fixed one, or a cycle through a list, or unique intake keys. */
  mode:
    | { kind: "get"; path: string; headers?: Record<string, string> }
    | { kind: "status"; lookups: { number: string; phoneLast4: string }[] }
    | { kind: "intake"; token: string; keyPrefix: string }
    /** Two reviewers race on each task: request 2k approves task k, request 2k+1 returns it; exactly one of each pair may win. */
    | { kind: "race"; token: string; taskIds: string[] };
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

async function run(spec: LoadSpec): Promise<LoadResult> {
  const mode = spec.mode;
  let counter = 0;
  /** Intake: the case numbers the server acknowledged (201, or 200 for a duplicate). */
  const acknowledged: string[] = [];
  let requests: RequestSpec[];
  if (mode.kind === "get") requests = [{ method: "GET", path: mode.path, headers: mode.headers }];
  else if (mode.kind === "race") {
    requests = [
      {
        method: "POST",
        setupRequest: (req) => {
          const n = counter++;
          const action = n % 2 === 0 ? { type: "APPROVE", note: "压测：核实无误" } : { type: "RETURN", reason: "压测：材料不全，请补充" };
          return {
            ...req,
            path: `/api/staff/tasks/${mode.taskIds[Math.floor(n / 2) % mode.taskIds.length]}/actions`,
            headers: { "content-type": "application/json", authorization: `Bearer ${mode.token}` },
            body: JSON.stringify(action),
          };
        },
      },
    ];
  } else if (mode.kind === "status") {
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
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${mode.token}`,
              "idempotency-key": `${mode.keyPrefix}-${n}`,
            },
            body: JSON.stringify(intakeBody(n)),
          };
        },
      },
    ];
  }
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = process.hrtime.bigint();
  // Round-robin by connection: one autocannon per instance, each with its share of the connections and requests.
  const urls = [spec.url, ...(spec.moreUrls ?? [])];
  const share = (total: number, i: number) => Math.floor(total / urls.length) + (i < total % urls.length ? 1 : 0);
  const results = await Promise.all(
    urls.map((url, i) => {
      const instance = autocannon({
        url,
        connections: share(spec.connections, i),
        ...(spec.amount ? { amount: share(spec.amount, i) } : { duration: spec.duration }),
        timeout: 10,
        requests,
      });
      instance.on("response", (...args: unknown[]) => {
        const [, statusCode, , responseTime] = args as [unknown, number, number, number];
        latencies.push(responseTime);
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      });
      return instance;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    ...summarise(latencies, seconds),
    statuses,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    acknowledgedNumbers: mode.kind === "intake" ? acknowledged : undefined,
  };
}

process.on("message", (raw: unknown) => void onMessage(raw));

async function onMessage(raw: unknown): Promise<void> {
  const result = await run(raw as LoadSpec);
  process.send?.({ type: "result", result }, () => process.exit(0));
}
process.send?.({ type: "ready" });
