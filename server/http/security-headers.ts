import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { publicAccess } from "./access.ts";

/** Headers the console may send and read across origins. */
const corsRequestHeaders = ["authorization", "content-type", "idempotency-key", "accept-language", "x-request-id"];
const corsExposedHeaders = ["retry-after", "x-request-id", "content-disposition"];

/**
 * Security headers on every answer, and CORS for the console's origins only.
 * The policy here suits JSON and files: nothing may load, run or frame them.
 * The pages (console, status, simulator, API docs) replace the
 * Content-Security-Policy with their own and keep the rest.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    const { hstsMaxAgeSeconds, consoleOrigins } = app.config;
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
      },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      // Only the operator knows whether clients reach the server over HTTPS (TLS usually ends at a proxy in front).
      strictTransportSecurity: hstsMaxAgeSeconds > 0 ? { maxAge: hstsMaxAgeSeconds, includeSubDomains: true } : false,
    });

    const origins = consoleOrigins
      .split(",")
      .map((origin) => origin.trim().replace(/\/+$/, ""))
      .filter(Boolean);
    // Same origin only by default: no CORS headers at all, and a preflight finds no route.
    if (origins.length === 0) return;
    await app.register(fastifyCors, {
      // Any other origin gets no CORS header at all, and its preflight the ordinary 404.
      origin: (origin, callback) => callback(null, origin !== undefined && origins.includes(origin) ? origin : false),
      methods: ["GET", "POST"],
      allowedHeaders: corsRequestHeaders,
      exposedHeaders: corsExposedHeaders,
      // Tokens travel in the Authorization header, never in cookies.
      credentials: false,
      maxAge: 600,
    });
  },
  { name: "security-headers" },
);

/**
 * @fastify/cors adds its preflight route (OPTIONS *) with no options of ours:
 * declared public here, by an onRoute hook that runs before the access
 * plugin's. A preflight carries no credentials and answers only headers.
 */
export function declareCorsPreflight(route: RouteOptions): void {
  if (route.method === "OPTIONS" && route.url === "*" && !route.config?.access) route.config = { ...route.config, access: publicAccess };
}
