import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyRequest,
  RouteOptions,
} from "fastify";
import fp from "fastify-plugin";
import { staffRoleSchema, type StaffRole } from "../core/vocabulary.ts";
import { ForbiddenError, UnauthorizedError } from "../core/errors.ts";
import { timingSafeEqualText } from "../core/personal-data.ts";
import { objectScopes, type ObjectKind } from "./object-scopes.ts";
import type { Principal, ResidentPrincipal, StaffPrincipal } from "../core/principal.ts";
import { type TokenClaims } from "../core/principal.ts";

/**
 * Who may call a route and what it reaches, declared in `config.access` on
 * every route; a route without a valid declaration stops the start. The gate
 * built from it runs before the body is read: a caller who may not call the
 * route gets 401 or 403 (404 for an object out of their scope), never a
 * validation answer. test/server/http/access-matrix.test.ts calls every
 * route as every kind of caller and checks the answers against these
 * declarations. WebSocket messages declare theirs with `MessageAccess`.
 */
export type Access =
  | { public: true }
  /** The WeChat bot's service account: the X-Bot-Key header must carry the configured BOT_KEY. */
  | { bot: true }
  | PrincipalAccess;

/** A logged-in caller: the staff roles and whether residents are admitted, and what the route reaches. */
export interface PrincipalAccess {
  staff?: readonly StaffRole[];
  residents?: true;
  scope: Scope;
  /** Open to staff who must still change a password someone else set (every other route refuses them). */
  pendingPasswordChange?: true;
}

/**
 * What a route reaches, for the callers it admits:
 * - an object kind (server/http/object-scopes.ts): the path names one such
 *   object, which the gate looks up before the body is read; staff reach the
 *   objects of their region, residents by the kind's rule (their own cases),
 *   and anything else answers as if it did not exist;
 * - "region": staff only their region, residents only their own cases and
 *   household; narrowed by the service (lists, objects named in the body);
 * - "own": only what is the caller's own: their account, what they filed or uploaded;
 * - "shared": the same for every admitted caller (reference data, public notices).
 */
export type Scope = ObjectKind | "region" | "own" | "shared";

export const publicAccess = { public: true } as const satisfies Access;
export const allStaffRoles: readonly StaffRole[] = staffRoleSchema.options;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function requireStaff(request: FastifyRequest): StaffPrincipal {
  if (request.principal?.kind !== "staff") throw new ForbiddenError();
  return request.principal;
}

export function requireResident(request: FastifyRequest): ResidentPrincipal {
  if (request.principal?.kind !== "resident") throw new ForbiddenError();
  return request.principal;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

/** The names of a route path's parameters ("*" for a wildcard). */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)|\*/g)].map((match) => match[1] ?? "*");
}

export function isObjectScope(scope: string): scope is ObjectKind {
  return Object.hasOwn(objectScopes, scope);
}

/** What is wrong with a route's declaration, or null. */
export function declarationProblem(access: Access | undefined, url: string): string | null {
  if (!access) return "declares no access rule";
  if ("public" in access || "bot" in access) return null;
  if (!access.residents && !access.staff?.length) return "admits nobody";
  const params = pathParams(url);
  if (!isObjectScope(access.scope)) {
    if (!["region", "own", "shared"].includes(access.scope)) return `has an unknown scope "${access.scope}"`;
    // A parameter names something; the gate (and the access matrix test) must know what.
    return params.length === 0
      ? null
      : `has path parameters (${params.join(", ")}) but no object scope: declare the kind of object they name`;
  }
  const kind = objectScopes[access.scope];
  const names = kind.params.map((p) => `:${p}`).join(" or ");
  if (params.length !== 1 || !(kind.params as readonly string[]).includes(params[0]!))
    return `must name its ${access.scope} by one path parameter, ${names}`;
  if (access.residents && !kind.residents) return `admits residents, who reach no ${access.scope}`;
  return null;
}

function admits(access: PrincipalAccess, principal: Principal): boolean {
  return principal.kind === "resident" ? !!access.residents : !!access.staff?.includes(principal.role);
}

const pluginAccess = Symbol("pluginAccess");

/**
 * A third-party plugin whose routes take no options of ours (Swagger UI's
 * pages), registered with one declaration for all of its routes.
 */
export function withAccess<Options extends FastifyPluginOptions>(
  access: Access,
  plugin: FastifyPluginCallback<Options> | FastifyPluginAsync<Options>,
  options: Options,
) {
  return async (scope: FastifyInstance) => {
    scope.decorate<Access>(pluginAccess, access);
    await scope.register(plugin as FastifyPluginAsync, options);
  };
}

/**
 * Registered before any plugin that adds routes, so that it sees every one:
 * checks each declaration and puts the gate first in the route's preParsing
 * hooks (after every onRequest hook, so rate limits still count refused
 * callers; before the body is parsed).
 */
export const accessPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest("principal", null);

    app.addHook("onRoute", function (this: FastifyInstance, route) {
      const access = route.config?.access ?? (this as unknown as Record<symbol, Access | undefined>)[pluginAccess];
      const problem = declarationProblem(access, route.url);
      if (problem) throw new Error(`Route ${String(route.method)} ${route.url} ${problem}`);
      route.config = { ...route.config, access };
      const gate = gateFor(app, access!, route);
      if (gate)
        route.preParsing = [gate, ...(route.preParsing ? (Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing]) : [])];
    });
  },
  { name: "access" },
);

function gateFor(app: FastifyInstance, access: Access, route: RouteOptions) {
  if ("public" in access) return null;
  if ("bot" in access) {
    return async (request: FastifyRequest) => {
      const key = request.headers["x-bot-key"];
      if (!app.config.botKey || typeof key !== "string" || !timingSafeEqualText(key, app.config.botKey)) throw new UnauthorizedError();
    };
  }
  const kind = isObjectScope(access.scope) ? access.scope : null;
  const param = kind ? pathParams(route.url)[0]! : null;
  const paramsSchema = route.schema?.params as
    { safeParse?: (value: unknown) => { success: boolean; data?: Record<string, unknown> } } | undefined;
  return async (request: FastifyRequest) => {
    const principal = await authenticate(app, request);
    if (!admits(access, principal)) throw new ForbiddenError();
    if (principal.kind === "staff" && principal.mustChangePassword && !access.pendingPasswordChange)
      throw new ForbiddenError("PASSWORD_CHANGE_REQUIRED");
    request.principal = principal;
    if (!kind || !param) return;
    // A malformed parameter is left to the route's validation, which answers it with 400.
    const parsed = paramsSchema?.safeParse
      ? paramsSchema.safeParse(request.params)
      : { success: true, data: request.params as Record<string, unknown> };
    if (!parsed.success) return;
    const refusal = await objectScopes[kind].check(
      { prisma: app.services.db.prisma, regions: app.services.regions },
      principal,
      param,
      String(parsed.data![param]),
    );
    if (refusal) throw refusal;
  };
}

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  if (!request.headers.authorization?.startsWith("Bearer ")) throw new UnauthorizedError();
  let claims: TokenClaims;
  try {
    claims = await request.jwtVerify<TokenClaims>();
  } catch {
    throw new UnauthorizedError("TOKEN_INVALID");
  }
  const principal = await app.services.auth.principalFor(claims);
  if (!principal) throw new UnauthorizedError("TOKEN_INVALID");
  return principal;
}

/** Who may send a WebSocket message: anyone (it logs the socket in, or is harmless), the bot's socket, or a socket logged in as one of these. */
export type MessageAccess = "anyone" | "bot" | readonly Principal["kind"][];

/** Why a socket may not send a message (not logged in, or not as who may), or null. */
export function messageRefusal(access: MessageAccess, audience: Principal["kind"] | "bot" | null): "UNAUTHORIZED" | "FORBIDDEN" | null {
  if (access === "anyone") return null;
  if (audience === null) return "UNAUTHORIZED";
  const allowed = access === "bot" ? audience === "bot" : audience !== "bot" && access.includes(audience);
  return allowed ? null : "FORBIDDEN";
}
