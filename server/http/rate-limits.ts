import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { clientAddressKey } from "./client-address.ts";
import { TooManyRequestsError } from "../core/errors.ts";
import { timingSafeEqualText } from "../core/personal-data.ts";
import { WindowCounter } from "../platform/counters/window-counter.ts";
import type { SharedCounters } from "../platform/counters/shared-counters.ts";
import { type TokenClaims } from "../core/principal.ts";

/**
 * A limit on every route, per client and per minute (RATE_LIMIT_PER_MINUTE);
 * routes that cost more or invite guessing declare a stricter
 * `config.rateLimit`, which then replaces this one. The WeChat bot, which
 * speaks for every sender from one address, is limited per sender instead
 * (server/features/bot/bot-service.ts) and passes here by its key.
 */
export const rateLimitsPlugin = fp(
  async (app: FastifyInstance, options: { counters: SharedCounters; now: () => Date }) => {
    await app.register(fastifyRateLimit, {
      global: true,
      max: app.config.rateLimitPerMinute,
      timeWindow: "1 minute",
      store: countingStore(options.counters, options.now, 20_000),
      keyGenerator: (request) => clientKey(app, request),
      allowList: (request) => carriesBotKey(app.config.botKey, request),
      errorResponseBuilder: () => new TooManyRequestsError(),
    });
  },
  { name: "rate-limits" },
);

/**
 * A signed-in caller counts as its account, so residents behind one carrier
 * address do not share an allowance; anyone else counts as its address (which
 * respects TRUST_PROXY through request.ip).
 */
function clientKey(app: FastifyInstance, request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) {
    try {
      const claims = app.jwt.verify<TokenClaims>(header.slice("Bearer ".length));
      return `${claims.typ}:${claims.sub}`;
    } catch {
      // An invalid token buys nothing: the address counts.
    }
  }
  return `ip:${clientAddressKey(request.ip)}`;
}

type StoreResult = { current: number; ttl: number };
type StoreCallback = (error: Error | null, result?: StoreResult) => void;

/**
 * Where the limits are counted. A route's own, stricter limit (log-ins, case look-ups, filing, uploads,
 * objections) in the database, shared by every instance: those are the routes where guessing and flooding
 * cost, and they do far more work than one upsert. The general per-client limit in this process's memory:
 * it is checked on every request, where a database write each time would cost more than the flood it
 * stops, so several instances behind a balancer each allow it (SECURITY.md, known limits).
 */
function countingStore(counters: SharedCounters, now: () => Date, maxKeys: number) {
  return class CountingStore {
    private readonly local: WindowCounter;

    constructor(params: { timeWindow?: unknown }) {
      this.local = new WindowCounter({
        max: Number.POSITIVE_INFINITY,
        windowMs: Number(params.timeWindow),
        now: () => now().getTime(),
        maxKeys,
      });
    }

    incr(key: string, callback: StoreCallback): void {
      const current = this.local.add(key);
      callback(null, { current, ttl: this.local.retryAfterMs(key) });
    }

    child(params: { routeInfo: { method: string | string[]; url: string } }) {
      const route = `${[params.routeInfo.method].flat().join(",")} ${params.routeInfo.url}`;
      return {
        incr(key: string, callback: StoreCallback, timeWindow: number): void {
          const at = now();
          counters.hit(`route:${route}:${key}`, timeWindow, at).then(
            (window) => callback(null, { current: window.count, ttl: window.resetAt.getTime() - at.getTime() }),
            (error: Error) => callback(error),
          );
        },
      };
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

function carriesBotKey(botKey: string, request: FastifyRequest): boolean {
  const key = request.headers["x-bot-key"];
  return !!botKey && typeof key === "string" && timingSafeEqualText(key, botKey);
}
