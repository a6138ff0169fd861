/**
 * The disaster-burst load, in its own process: `reports` reports arrive spread
 * evenly over `seconds` (open loop: each arrives at its time whether or not the
 * server has answered the earlier ones), as phones do after a flood. A report's
 * client behaves like the mini-program's outbox: on a timeout, a network error
 * or a 5xx it sends the same report again with the same idempotency key, after
 * a pause, until the server acknowledges it. Latency is from the report's
 * arrival to its acknowledgement (so it includes waiting for a socket and any
 * retries). IPC: {type:"ready"}, then a BurstSpec → {type:"result", result}.
 */
import { Agent, request } from "undici";
import type { LoadResult } from "./load.ts";
import { intakeBody, summarise } from "./load-shared.ts";

export interface BurstSpec {
  url: string;
  token: string;
  keyPrefix: string;
  reports: number;
  seconds: number;
  /** Sockets the phones may hold open at once (the rest wait for one, and that wait counts in their latency). */
  sockets: number;
  timeoutMs: number;
}

export interface BurstResult extends LoadResult {
  retries: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(spec: BurstSpec): Promise<BurstResult> {
  const dispatcher = new Agent({ connections: spec.sockets, headersTimeout: spec.timeoutMs, bodyTimeout: spec.timeoutMs });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const acknowledged: string[] = [];
  let retries = 0;
  let errors = 0;
  let timeouts = 0;
  const started = performance.now();

  async function report(n: number): Promise<void> {
    await pause(Math.max(0, (n * spec.seconds * 1000) / spec.reports - (performance.now() - started)));
    const arrived = performance.now();
    const body = JSON.stringify(intakeBody(n));
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${spec.token}`,
      "idempotency-key": `${spec.keyPrefix}-${n}`,
    };
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        retries++;
        await pause(Math.min(10_000, 500 * 2 ** attempt));
      }
      try {
        const response = await request(`${spec.url}/api/cases`, { method: "POST", headers, body, dispatcher });
        const text = await response.body.text();
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode === 200 || response.statusCode === 201) {
          acknowledged.push(String((JSON.parse(text) as { number: string }).number));
          latencies.push(performance.now() - arrived);
          return;
        }
        // A 4xx is the report's own fault and would not succeed on a retry.
        if (response.statusCode < 500) return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? "";
        if (code.includes("TIMEOUT")) timeouts++;
        else errors++;
      }
    }
  }

  await Promise.all(Array.from({ length: spec.reports }, (_, n) => report(n)));
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return {
    ...summarise(latencies, seconds),
    statuses,
    errors,
    timeouts,
    acknowledgedNumbers: acknowledged,
    retries,
  };
}

process.on("message", (raw: unknown) => void onMessage(raw));

async function onMessage(raw: unknown): Promise<void> {
  const result = await run(raw as BurstSpec);
  process.send?.({ type: "result", result }, () => process.exit(0));
}
process.send?.({ type: "ready" });
