import crypto from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { Prisma } from "../../platform/database/generated/client.ts";
import type { Locale, StaffRole } from "../../core/vocabulary.ts";
import { InvalidInputError, TooManyRequestsError, UnauthorizedError } from "../../core/errors.ts";
import { passwordProblem } from "./password-policy.ts";
import { maskPhone } from "../../core/personal-data.ts";
import { lockMinutes, maxFailedLogins, type LoginGuard } from "./login-guard.ts";
import { staffPrincipalOf, type Principal, type StaffPrincipal, type TokenClaims } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { CodeSource, WechatCodeExchange } from "../../platform/wechat-code-exchange.ts";
import { type ResidentClient } from "../../core/vocabulary.ts";

/** What a bearer token carries; the account itself is re-read on every request. */

export interface TokenIssuer {
  sign(claims: TokenClaims): { token: string; expiresAt: Date };
}

const bindingCodeMinutes = 10;
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
    private readonly guard: LoginGuard,
  ) {}

  /** `from` is the client's address: failures from one address are throttled across user names. */
  async staffLogin(username: string, password: string, wechatCode: string | undefined, from: string) {
    const { prisma, now } = this.deps;
    await this.guard.checkClient(from);
    const staff = await prisma.staffAccount.findUnique({ where: { username }, include: { region: true } });
    if (staff?.lockedUntil && staff.lockedUntil > now()) {
      throw new TooManyRequestsError("ACCOUNT_LOCKED", { minutes: Math.ceil((staff.lockedUntil.getTime() - now().getTime()) / 60_000) });
    }
    const phantomLock = staff ? 0 : await this.guard.unknownNameLockedMinutes(username);
    if (phantomLock > 0) throw new TooManyRequestsError("ACCOUNT_LOCKED", { minutes: phantomLock });
    const ok = await verify(staff?.passwordHash ?? unknownUserHash, password).catch(() => false);
    if (!staff || !staff.active || !ok) {
      await this.guard.clientFailed(from);
      if (!staff) await this.guard.unknownNameFailed(username);
      if (staff) {
        // Counted in the row itself (guesses sent at once, to several instances, each count), then locked once it reaches the limit.
        const { failedLogins } = await prisma.staffAccount.update({
          where: { id: staff.id },
          data: { failedLogins: { increment: 1 } },
          select: { failedLogins: true },
        });
        if (failedLogins >= maxFailedLogins) {
          await prisma.staffAccount.updateMany({
            where: { id: staff.id, failedLogins: { gte: maxFailedLogins } },
            data: { failedLogins: 0, lockedUntil: new Date(now().getTime() + lockMinutes * 60_000) },
          });
        }
      }
      throw new UnauthorizedError("INVALID_CREDENTIALS");
    }
    if (staff.failedLogins > 0 || staff.lockedUntil)
      await prisma.staffAccount.update({ where: { id: staff.id }, data: { failedLogins: 0, lockedUntil: null } });
    if (wechatCode) {
      const { openid } = await this.wechat.exchange(wechatCode, "MINI_PROGRAM");
      await prisma.$transaction([
        // One WeChat opens one account.
        prisma.staffAccount.updateMany({ where: { miniProgramOpenid: openid, id: { not: staff.id } }, data: { miniProgramOpenid: null } }),
        prisma.staffAccount.update({ where: { id: staff.id }, data: { miniProgramOpenid: openid } }),
      ]);
    }
    return this.staffSession(staff);
  }

  /** A WeChat log-in code from a client that has not failed too often lately; a refused code counts against it. */
  private async exchangeCode(code: string, from: string, source: CodeSource) {
    await this.guard.checkClient(from);
    try {
      return await this.wechat.exchange(code, source);
    } catch (error) {
      await this.guard.clientFailed(from);
      throw error;
    }
  }

  /** The mini-program's log-in for staff whose WeChat was bound at a password log-in there. */
  async staffWechatLogin(code: string, from: string) {
    const { openid } = await this.exchangeCode(code, from, "MINI_PROGRAM");
    const staff = await this.deps.prisma.staffAccount.findUnique({ where: { miniProgramOpenid: openid }, include: { region: true } });
    // Not a guess: WeChat vouched for the caller, whose phone is simply not bound to a staff account (yet). Counting
    // it would lock out an office whose staff open the log-in page behind one address.
    if (!staff?.active) throw new UnauthorizedError("WECHAT_NOT_BOUND");
    return this.staffSession(staff);
  }

  /**
   * A staff member changes their own password (the one-time password someone else set must be changed
   * first): the current one is checked, the new one must pass the policy; every session of the account ends,
   * and the answer is a new one.
   */
  async changePassword(principal: StaffPrincipal, currentPassword: string, newPassword: string) {
    const { prisma, now } = this.deps;
    const staff = await prisma.staffAccount.findUniqueOrThrow({ where: { id: principal.id } });
    if (!(await verify(staff.passwordHash, currentPassword).catch(() => false)))
      throw new InvalidInputError("WRONG_PASSWORD", "currentPassword");
    const problem = passwordProblem(newPassword, staff.username);
    if (problem) throw new InvalidInputError(problem.code, "newPassword", problem.params);
    if (await verify(staff.passwordHash, newPassword).catch(() => false)) throw new InvalidInputError("PASSWORD_UNCHANGED", "newPassword");
    const passwordHash = await hashPassword(newPassword);
    const updated = await prisma.$transaction(async (tx) => {
      const row = await tx.staffAccount.update({
        where: { id: staff.id },
        data: { passwordHash, mustChangePassword: false, passwordChangedAt: now(), sessionVersion: { increment: 1 } },
        include: { region: true },
      });
      await tx.staffAdminEvent.create({
        data: { staffId: staff.id, action: "PASSWORD_CHANGED", actorId: staff.id, actorName: staff.displayName, at: now() },
      });
      return row;
    });
    this.deps.notifier.staffSessionsEnded(staff.id);
    return this.staffSession(updated);
  }

  /** Logging out on the phone also unbinds it, so whoever uses the phone next needs the password. */
  async releaseMiniProgramBinding(principal: StaffPrincipal) {
    await this.deps.prisma.staffAccount.update({ where: { id: principal.id }, data: { miniProgramOpenid: null } });
    return { released: true as const };
  }

  private staffSession(staff: Prisma.StaffAccountGetPayload<{ include: { region: true } }>) {
    const { token, expiresAt } = this.tokens.sign({ sub: staff.id, typ: "staff", ver: staff.sessionVersion });
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
      mustChangePassword: staff.mustChangePassword,
    };
  }

  /**
   * The resident a WeChat identity is: the same person has one openid per app (mini-program, official account), and
   * one unionid across them when both apps belong to one open-platform account, so a web log-in finds the cases
   * filed in the mini-program. A first log-in creates the resident; two at once create one.
   */
  private async residentOf(identity: { openid: string; unionid: string | null }, locale: Locale | undefined) {
    const { prisma } = this.deps;
    const known = () =>
      prisma.residentIdentity.findFirst({
        where: { OR: [{ openid: identity.openid }, ...(identity.unionid ? [{ unionid: identity.unionid }] : [])] },
        orderBy: { createdAt: "asc" },
      });
    const found = await known();
    if (found) {
      // A unionid learned later (the apps bound to an open platform since) joins this resident, unless another one holds it.
      const learned =
        identity.unionid && !found.unionid && !(await prisma.residentIdentity.findUnique({ where: { unionid: identity.unionid } }));
      const data = { ...(learned ? { unionid: identity.unionid } : {}), ...(locale ? { locale } : {}) };
      return Object.keys(data).length > 0 ? prisma.residentIdentity.update({ where: { id: found.id }, data }) : found;
    }
    try {
      return await prisma.residentIdentity.create({
        data: { openid: identity.openid, unionid: identity.unionid, locale: locale ?? "zh-CN" },
      });
    } catch (error) {
      // The same person's first log-ins raced (a unique openid or unionid): the winner's row is the resident.
      const raced = await known();
      if (!raced) throw error;
      return raced;
    }
  }

  async residentLogin(code: string, client: ResidentClient, locale: Locale | undefined, from: string) {
    const identity = await this.exchangeCode(code, from, client === "WEB" ? "WEB" : "MINI_PROGRAM");
    const resident = await this.residentOf(identity, locale);
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

  /**
   * A one-time code the staff member sends the bot ("绑定 123456") to bind their
   * WeChat: WeChat identities are never trusted as staff without it.
   */
  async issueWechatBindingCode(principal: StaffPrincipal) {
    const { prisma, now, cipher } = this.deps;
    const expiresAt = new Date(now().getTime() + bindingCodeMinutes * 60_000);
    for (;;) {
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
      try {
        await prisma.staffAccount.update({
          where: { id: principal.id },
          data: { wechatBindCodeHash: cipher.lookupHash(`bind:${code}`), wechatBindCodeExpiresAt: expiresAt },
        });
        return { code, expiresAt: expiresAt.toISOString() };
      } catch (error) {
        // Another account holds the same code right now: draw again.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      }
    }
  }

  /** Binds the WeChat contact that sent a valid code; the code works once. */
  async bindWechat(wechatId: string, code: string): Promise<StaffPrincipal | null> {
    const { prisma, now, cipher } = this.deps;
    // A million codes, a few valid at a time: guesses are counted per sender and in all.
    await this.guard.checkBinding(wechatId);
    const staff = await prisma.staffAccount.findFirst({ where: { wechatBindCodeHash: { in: cipher.lookupHashes(`bind:${code}`) } } });
    if (!staff?.active || !staff.wechatBindCodeExpiresAt || staff.wechatBindCodeExpiresAt < now()) {
      await this.guard.bindingFailed(wechatId);
      return null;
    }
    await prisma.$transaction([
      // One WeChat identity speaks for one account.
      prisma.staffAccount.updateMany({ where: { wechatId, id: { not: staff.id } }, data: { wechatId: null } }),
      prisma.staffAccount.update({ where: { id: staff.id }, data: { wechatId, wechatBindCodeHash: null, wechatBindCodeExpiresAt: null } }),
    ]);
    return this.staffByWechat(wechatId);
  }

  async unbindWechat(wechatId: string): Promise<void> {
    await this.deps.prisma.staffAccount.updateMany({ where: { wechatId }, data: { wechatId: null } });
  }

  /** The active staff account bound to a WeChat contact; anyone else is a resident. */
  async staffByWechat(wechatId: string): Promise<StaffPrincipal | null> {
    const staff = await this.deps.prisma.staffAccount.findUnique({ where: { wechatId }, select: { id: true } });
    if (!staff) return null;
    const principal = await this.principalFor({ sub: staff.id, typ: "staff" });
    return principal?.kind === "staff" ? principal : null;
  }

  /** The caller behind a verified token, or null when the account is gone or disabled. */
  async principalFor(claims: TokenClaims): Promise<Principal | null> {
    const { prisma, sql } = this.deps;
    // Read on every request, so that a deactivated account stops at once. Straight on the driver: an ORM call
    // costs several times the query on this path (BENCHMARKS.md); the region's path comes from the cached tree.
    if (claims.typ === "staff") {
      const [staff] = await sql<{
        id: string;
        active: boolean;
        role: StaffRole;
        regionId: string;
        displayName: string;
        department: string | null;
        mustChangePassword: boolean;
        sessionVersion: number;
      }>(Prisma.sql`
        SELECT "id"::text, "active", "role"::text, "regionId"::text, "displayName", "department", "mustChangePassword", "sessionVersion"
        FROM "StaffAccount" WHERE "id" = ${claims.sub}::uuid`);
      const region =
        staff &&
        ((await this.deps.regions.tree()).get(staff.regionId) ??
          (await prisma.region.findUnique({ where: { id: staff.regionId }, select: { path: true } })));
      // A deactivation, a reset or a changed password ends the sessions opened before it.
      if (!staff?.active || !region || (claims.ver ?? 0) < staff.sessionVersion) return null;
      return staffPrincipalOf(staff, region.path);
    }
    const [resident] = await sql<{ id: string; locale: string }>(
      Prisma.sql`SELECT "id"::text, "locale" FROM "ResidentIdentity" WHERE "id" = ${claims.sub}::uuid`,
    );
    if (!resident) return null;
    return { kind: "resident", id: resident.id, client: claims.client, locale: resident.locale === "en" ? "en" : "zh-CN" };
  }
}
