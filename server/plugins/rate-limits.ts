import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { clientAddressKey } from "../lib/client-address.ts";
import { TooManyRequestsError } from "../lib/errors.ts";
import { timingSafeEqualText } from "../lib/personal-data.ts";
import type { TokenClaims } from "../services/auth-service.ts";

/**
 * A limit on every route, per client and per minute (RATE_LIMIT_PER_MINUTE);
 * routes that cost more or invite guessing declare a stricter
 * `config.rateLimit`, which then replaces this one. The WeChat bot, which
 * speaks for every sender from one address, is limited per sender instead
 * (server/services/bot-service.ts) and passes here by its key.
 */
export const rateLimitsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyRateLimit, {
      global: true,
      max: app.config.rateLimitPerMinute,
      timeWindow: "1 minute",
      // Counted per process (like the failed-login and bot counters): each instance behind a balancer limits on its own.
      cache: 20_000,
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

function carriesBotKey(botKey: string, request: FastifyRequest): boolean {
  const key = request.headers["x-bot-key"];
  return !!botKey && typeof key === "string" && timingSafeEqualText(key, botKey);
}
