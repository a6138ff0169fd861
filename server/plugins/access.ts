import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { StaffRole } from "../api/common-schemas.ts";
import { ForbiddenError, UnauthorizedError } from "../lib/errors.ts";
import { timingSafeEqualText } from "../lib/personal-data.ts";
import type { TokenClaims } from "../services/auth-service.ts";
import type { Principal, ResidentPrincipal, StaffPrincipal } from "../services/principal.ts";

/**
 * Every route declares who may call it in `config.access`; a route without a
 * declaration fails at start-up. Region scope and ownership are then enforced
 * by the services, which only read what the principal may see.
 */
export type Access =
  | { public: true }
  /** The WeChat bot's service account: the X-Bot-Key header must carry the configured BOT_KEY. */
  | { bot: true }
  | { residents?: boolean; staff?: readonly StaffRole[] };

export const publicAccess = { public: true } as const satisfies Access;
export const allStaffRoles: readonly StaffRole[] = ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "DEPARTMENT", "ADMIN"];

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

export const accessPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest("principal", null);

    app.addHook("onRoute", (route) => {
      const access = route.config?.access;
      if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
      if ("public" in access) return;
      if ("bot" in access) {
        const checkBot = async (request: FastifyRequest) => {
          const key = request.headers["x-bot-key"];
          if (!app.config.botKey || typeof key !== "string" || !timingSafeEqualText(key, app.config.botKey)) throw new UnauthorizedError();
        };
        route.preHandler = [checkBot, ...(route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [])];
        return;
      }
      const check = async (request: FastifyRequest) => {
        const header = request.headers.authorization;
        if (!header?.startsWith("Bearer ")) throw new UnauthorizedError();
        let claims: TokenClaims;
        try {
          claims = await request.jwtVerify<TokenClaims>();
        } catch {
          throw new UnauthorizedError("TOKEN_INVALID");
        }
        const principal = await app.services.auth.principalFor(claims);
        if (!principal) throw new UnauthorizedError("TOKEN_INVALID");
        const allowed = principal.kind === "resident" ? !!access.residents : !!access.staff?.includes(principal.role);
        if (!allowed) throw new ForbiddenError();
        request.principal = principal;
      };
      const existing = route.preHandler;
      route.preHandler = [check, ...(existing ? (Array.isArray(existing) ? existing : [existing]) : [])];
    });
  },
  { name: "access", dependencies: ["services"] },
);
