import { hash, verify } from "@node-rs/argon2";
import type { Locale, StaffRole } from "../api/common-schemas.ts";
import type { ResidentClient } from "../api/auth-schemas.ts";
import { TooManyRequestsError, UnauthorizedError } from "../lib/errors.ts";
import { maskPhone } from "../lib/personal-data.ts";
import type { Principal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";
import type { WechatCodeExchange } from "./wechat-code-exchange.ts";

/** What a bearer token carries; the account itself is re-read on every request. */
export type TokenClaims = { sub: string; typ: "staff" } | { sub: string; typ: "resident"; client: ResidentClient };

export interface TokenIssuer {
  sign(claims: TokenClaims): { token: string; expiresAt: Date };
}

const maxFailedLogins = 5;
const lockMinutes = 15;
// Verifying against a real hash for unknown users keeps their answer as slow as a wrong password.
const unknownUserHash = await hashPassword("unknown-user-placeholder");

export async function hashPassword(password: string): Promise<string> {
  // argon2id with the library's defaults (19 MiB, 2 passes), OWASP's recommended floor.
  return hash(password);
}

export class AuthService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly tokens: TokenIssuer,
    private readonly wechat: WechatCodeExchange,
  ) {}

  async staffLogin(username: string, password: string) {
    const { prisma, now } = this.deps;
    const staff = await prisma.staffAccount.findUnique({ where: { username }, include: { region: true } });
    if (staff?.lockedUntil && staff.lockedUntil > now()) {
      throw new TooManyRequestsError("ACCOUNT_LOCKED", { minutes: Math.ceil((staff.lockedUntil.getTime() - now().getTime()) / 60_000) });
    }
    const ok = await verify(staff?.passwordHash ?? unknownUserHash, password).catch(() => false);
    if (!staff || !staff.active || !ok) {
      if (staff) {
        const failed = staff.failedLogins + 1;
        await prisma.staffAccount.update({
          where: { id: staff.id },
          data: failed >= maxFailedLogins ? { failedLogins: 0, lockedUntil: new Date(now().getTime() + lockMinutes * 60_000) } : { failedLogins: failed },
        });
      }
      throw new UnauthorizedError("INVALID_CREDENTIALS");
    }
    if (staff.failedLogins > 0 || staff.lockedUntil) await prisma.staffAccount.update({ where: { id: staff.id }, data: { failedLogins: 0, lockedUntil: null } });
    const { token, expiresAt } = this.tokens.sign({ sub: staff.id, typ: "staff" });
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      staff: {
        id: staff.id,
        username: staff.username,
        displayName: staff.displayName,
        role: staff.role,
        region: { code: staff.region.code, name: staff.region.name, level: staff.region.level },
      },
    };
  }

  async residentLogin(code: string, client: ResidentClient, locale: Locale | undefined) {
    const identity = await this.wechat.exchange(code);
    const resident = await this.deps.prisma.residentIdentity.upsert({
      where: { openid: identity.openid },
      create: { openid: identity.openid, unionid: identity.unionid, locale: locale ?? "zh-CN" },
      update: { ...(identity.unionid ? { unionid: identity.unionid } : {}), ...(locale ? { locale } : {}) },
    });
    const { token, expiresAt } = this.tokens.sign({ sub: resident.id, typ: "resident", client });
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      resident: {
        id: resident.id,
        locale: resident.locale === "en" ? ("en" as const) : ("zh-CN" as const),
        phoneMasked: resident.phoneEnc ? maskPhone(this.deps.cipher.decrypt(resident.phoneEnc)) : null,
      },
    };
  }

  /** The caller behind a verified token, or null when the account is gone or disabled. */
  async principalFor(claims: TokenClaims): Promise<Principal | null> {
    const { prisma } = this.deps;
    if (claims.typ === "staff") {
      const staff = await prisma.staffAccount.findUnique({ where: { id: claims.sub }, include: { region: { select: { path: true } } } });
      if (!staff?.active) return null;
      return {
        kind: "staff",
        id: staff.id,
        role: staff.role as StaffRole,
        regionId: staff.regionId,
        regionPath: staff.region.path,
        displayName: staff.displayName,
        department: staff.department,
      };
    }
    const resident = await prisma.residentIdentity.findUnique({ where: { id: claims.sub }, select: { id: true, locale: true } });
    if (!resident) return null;
    return { kind: "resident", id: resident.id, client: claims.client, locale: resident.locale === "en" ? "en" : "zh-CN" };
  }
}
