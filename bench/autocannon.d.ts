// autocannon 9 ships no types; the small part of its programmatic API the bench uses.
declare module "autocannon" {
  import type { ClientRequest } from "node:http";
  export interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    max: number;
    total: number;
  }
  export interface Result {
    requests: Histogram & { sent: number };
    latency: Histogram & { p50: number; p99: number };
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    "1xx": number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
    duration: number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  export interface RequestSpec {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    setupRequest?: (
      request: RequestSpec & Record<string, unknown>,
      context: Record<string, unknown>,
    ) => RequestSpec & Record<string, unknown>;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestSpec[];
    latencyPercentiles?: number[];
  }
  function autocannon(options: Options): Promise<Result> & { on(event: string, fn: (...args: unknown[]) => void): void };
  export default autocannon;
  export type { ClientRequest };
}
