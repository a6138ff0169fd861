import crypto from "node:crypto";
import type { Prisma, StaffAccount } from "../../platform/database/generated/client.ts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { describeIssue } from "../../core/i18n/describe-issue.ts";
import { maskPhone } from "../../core/personal-data.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { RegionNode, RegionTree } from "../../core/regions/routing.ts";
import type { Locale, StaffRole } from "../../core/vocabulary.ts";
import { readSpreadsheet, SpreadsheetError } from "../../platform/spreadsheets/spreadsheet-reader.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { hashPassword } from "../auth/auth-service.ts";
import { mapStaffHeaders, readStaffRow } from "./staff-import.ts";
import type { StaffAccountView, StaffCreateRequest, StaffImportResult, StaffUpdateRequest } from "./staff-schemas.ts";

type Tx = Prisma.TransactionClient;

/** Who administers staff: the administrator everyone; a county desk the accounts of its county, never an administrator's or an auditor's. */
const countyGrants: readonly StaffRole[] = ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "DEPARTMENT"];

/** Rows a staff list may hold (a county has a few hundred accounts). */
const maxImportRows = 5000;

/** Readable one-time passwords: no 0/O, 1/l/I. */
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A one-time password to hand over: 12 characters in three groups, about 70 bits. */
export function temporaryPassword(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((b) => passwordAlphabet[b % passwordAlphabet.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4, 8).join("")}-${chars.slice(8).join("")}`;
}

/** Who made a change: a staff member, or the operator at the command line. */
export interface StaffActor {
  id: string | null;
  name: string;
  role: StaffRole;
  regionPath: string;
}

export function actorOf(principal: StaffPrincipal): StaffActor {
  return { id: principal.id, name: principal.displayName, role: principal.role, regionPath: principal.regionPath };
}

/**
 * Staff accounts, administered: created one by one or from a county's list, edited, deactivated,
 * reactivated, their passwords reset and their locks lifted. Every change is one event in the
 * append-only StaffAdminEvent record; a deactivation, a password reset or a change of role or
 * region ends the account's sessions at once (its session version rises; its sockets are closed).
 * Passwords someone else set must be changed at the next log-in.
 */
export class StaffService {
  constructor(private readonly deps: Pick<ServiceDeps, "prisma" | "cipher" | "regions" | "now" | "notifier">) {}

  async list(
    actor: StaffActor,
    query: { q?: string; regionCode?: string; role?: StaffRole; status: "ACTIVE" | "INACTIVE" | "ALL" },
    locale: Locale,
  ) {
    const tree = await this.deps.regions.tree();
    const within = query.regionCode ? this.regionFor(tree, actor, query.regionCode).path : actor.regionPath;
    const rows = await this.deps.prisma.staffAccount.findMany({
      where: {
        region: { path: { startsWith: within } },
        ...(query.role ? { role: query.role } : {}),
        ...(query.status === "ALL" ? {} : { active: query.status === "ACTIVE" }),
        ...(query.q ? { OR: [{ username: { contains: query.q } }, { displayName: { contains: query.q } }] } : {}),
      },
      orderBy: [{ region: { path: "asc" } }, { username: "asc" }],
      take: 1000,
    });
    return { items: rows.map((row) => this.view(row, tree, locale)) };
  }

  async history(actor: StaffActor, id: string, locale: Locale) {
    await this.account(this.deps.prisma, actor, id);
    const t = translator(locale);
    const events = await this.deps.prisma.staffAdminEvent.findMany({ where: { staffId: id }, orderBy: { id: "desc" }, take: 200 });
    return {
      items: events.map((e) => ({
        at: e.at.toISOString(),
        action: e.action,
        actionLabel: t(`staff.actions.${e.action}`, { defaultValue: e.action }),
        actorName: e.actorName,
        changes: e.changes as Record<string, [unknown, unknown]>,
        reason: e.reason,
      })),
    };
  }

  async create(actor: StaffActor, input: StaffCreateRequest, locale: Locale, how: "CREATED" | "IMPORTED" = "CREATED") {
    const tree = await this.deps.regions.tree();
    this.checkGrant(actor, input.role);
    const region = this.regionFor(tree, actor, input.regionCode);
    this.checkDepartment(input.role, input.department ?? null);
    const password = temporaryPassword();
    const passwordHash = await hashPassword(password);
    const row = await this.deps.prisma.$transaction(async (tx) => {
      if (await tx.staffAccount.findUnique({ where: { username: input.username }, select: { id: true } }))
        throw new ConflictError("USERNAME_TAKEN", { username: input.username });
      const created = await tx.staffAccount.create({
        data: {
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          regionId: region.id,
          department: input.role === "DEPARTMENT" ? (input.department ?? null) : null,
          phoneEnc: input.phone ? this.deps.cipher.encrypt(input.phone) : null,
          passwordHash,
          mustChangePassword: true,
          createdAt: this.deps.now(),
        },
      });
      await this.record(
        tx,
        created.id,
        how,
        actor,
        { username: [null, input.username], role: [null, input.role], region: [null, region.code] },
        null,
      );
      return created;
    });
    return { account: this.view(row, tree, locale), temporaryPassword: password };
  }

  async update(actor: StaffActor, id: string, input: StaffUpdateRequest, locale: Locale) {
    const tree = await this.deps.regions.tree();
    const result = await this.deps.prisma.$transaction(async (tx) => {
      const current = await this.account(tx, actor, id);
      const role = input.role ?? current.role;
      this.checkGrant(actor, current.role);
      this.checkGrant(actor, role);
      const region = input.regionCode ? this.regionFor(tree, actor, input.regionCode) : tree.get(current.regionId)!;
      const department = role === "DEPARTMENT" ? (input.department !== undefined ? input.department : current.department) : null;
      this.checkDepartment(role, department);
      const phone = input.phone === undefined ? undefined : input.phone === null ? null : this.deps.cipher.encrypt(input.phone);
      const changes: Record<string, [unknown, unknown]> = {};
      const note = (field: string, before: unknown, after: unknown) => {
        if (before !== after) changes[field] = [before, after];
      };
      note("displayName", current.displayName, input.displayName ?? current.displayName);
      note("role", current.role, role);
      note("region", tree.get(current.regionId)?.code ?? null, region.code);
      note("department", current.department, department);
      if (phone !== undefined && (current.phoneEnc ? this.deps.cipher.decrypt(current.phoneEnc) : null) !== (input.phone ?? null))
        changes.phone = ["*", "*"];
      if (Object.keys(changes).length === 0) return { row: current, recorded: false, endsSessions: false };
      // What the account may see or do changed: its open sessions end.
      const reach = changes.role !== undefined || changes.region !== undefined;
      const row = await tx.staffAccount.update({
        where: { id },
        data: {
          displayName: input.displayName ?? current.displayName,
          role,
          regionId: region.id,
          department,
          ...(phone !== undefined ? { phoneEnc: phone } : {}),
          ...(reach ? { sessionVersion: { increment: 1 } } : {}),
        },
      });
      await this.record(tx, id, "UPDATED", actor, changes, input.reason);
      return { row, recorded: true, endsSessions: reach };
    });
    if (result.endsSessions) this.deps.notifier.staffSessionsEnded(id);
    return { account: this.view(result.row, tree, locale), temporaryPassword: null, changed: result.recorded };
  }

  /** Deactivate, reactivate, reset the password (a new one-time password) or lift a lock. */
  async act(
    actor: StaffActor,
    id: string,
    action: "DEACTIVATE" | "REACTIVATE" | "RESET_PASSWORD" | "UNLOCK",
    reason: string,
    locale: Locale,
  ) {
    const tree = await this.deps.regions.tree();
    const password = action === "RESET_PASSWORD" ? temporaryPassword() : null;
    const passwordHash = password ? await hashPassword(password) : null;
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const current = await this.account(tx, actor, id);
      this.checkGrant(actor, current.role);
      if (action === "DEACTIVATE" && current.id === actor.id) throw new ConflictError("CANNOT_DEACTIVATE_SELF");
      const data: Prisma.StaffAccountUpdateInput =
        action === "DEACTIVATE"
          ? { active: false, sessionVersion: { increment: 1 } }
          : action === "REACTIVATE"
            ? { active: true, failedLogins: 0, lockedUntil: null }
            : action === "RESET_PASSWORD"
              ? {
                  passwordHash: passwordHash!,
                  mustChangePassword: true,
                  failedLogins: 0,
                  lockedUntil: null,
                  sessionVersion: { increment: 1 },
                }
              : { failedLogins: 0, lockedUntil: null };
      const updated = await tx.staffAccount.update({ where: { id }, data });
      const event = { DEACTIVATE: "DEACTIVATED", REACTIVATE: "REACTIVATED", RESET_PASSWORD: "PASSWORD_RESET", UNLOCK: "UNLOCKED" }[action];
      await this.record(
        tx,
        id,
        event,
        actor,
        action === "DEACTIVATE" || action === "REACTIVATE" ? { active: [current.active, updated.active] } : {},
        reason,
      );
      return updated;
    });
    if (action === "DEACTIVATE" || action === "RESET_PASSWORD") this.deps.notifier.staffSessionsEnded(id);
    return { account: this.view(row, tree, locale), temporaryPassword: password };
  }

  /**
   * A county's staff list: each row created (with a one-time password), updated where its user name is
   * known and something differs, or refused with its reasons; the rows that are right go in whatever
   * the others hold.
   */
  async importSheet(actor: StaffActor, bytes: Buffer, locale: Locale): Promise<StaffImportResult> {
    const t = translator(locale);
    let sheet;
    try {
      sheet = await readSpreadsheet(bytes, maxImportRows);
    } catch (error) {
      if (error instanceof SpreadsheetError) throw new InvalidInputError(error.code, "file", error.params);
      throw error;
    }
    const mapping = mapStaffHeaders(sheet.headers);
    const missing = (["username", "displayName", "role", "regionCode"] as const).filter((field) => mapping[field] < 0);
    if (missing.length > 0)
      throw new InvalidInputError("STAFF_COLUMNS_MISSING", "file", { columns: missing.map((f) => t(`staff.columns.${f}`)).join("、") });
    const rows: StaffImportResult["rows"] = [];
    const seen = new Set<string>();
    for (const { rowNumber, cells } of sheet.rows) {
      const read = readStaffRow(cells, mapping);
      const refuse = (username: string | null, errors: { column: string; message: string }[]) =>
        rows.push({ rowNumber, username, outcome: "ERROR", outcomeLabel: t("staff.outcomes.ERROR"), temporaryPassword: null, errors });
      if (!read.ok) {
        refuse(
          read.username,
          read.errors.map(({ field, issue }) => ({
            column: sheet.headers[mapping[field]] ?? t(`staff.columns.${field}`),
            message: describeIssue(issue as never, locale).message,
          })),
        );
        continue;
      }
      const { account } = read;
      if (seen.has(account.username)) {
        refuse(account.username, [{ column: sheet.headers[mapping.username]!, message: t("errors.USERNAME_REPEATED") }]);
        continue;
      }
      seen.add(account.username);
      try {
        const existing = await this.deps.prisma.staffAccount.findUnique({ where: { username: account.username } });
        if (!existing) {
          const created = await this.create(actor, account, locale, "IMPORTED");
          rows.push({
            rowNumber,
            username: account.username,
            outcome: "CREATED",
            outcomeLabel: t("staff.outcomes.CREATED"),
            temporaryPassword: created.temporaryPassword,
            errors: [],
          });
        } else {
          const { changed } = await this.update(actor, existing.id, { ...account, reason: t("staff.importReason") }, locale);
          const outcome = changed ? "UPDATED" : "UNCHANGED";
          rows.push({
            rowNumber,
            username: account.username,
            outcome,
            outcomeLabel: t(`staff.outcomes.${outcome}`),
            temporaryPassword: null,
            errors: [],
          });
        }
      } catch (error) {
        if (!(
          error instanceof InvalidInputError ||
          error instanceof ConflictError ||
          error instanceof ForbiddenError ||
          error instanceof NotFoundError
        ))
          throw error;
        const field = error instanceof InvalidInputError && error.field === "regionCode" ? "regionCode" : "role";
        refuse(account.username, [{ column: sheet.headers[mapping[field]] ?? "", message: t(`errors.${error.code}`, error.params) }]);
      }
    }
    const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
    return {
      rowsTotal: rows.length,
      created: count("CREATED"),
      updated: count("UPDATED"),
      unchanged: count("UNCHANGED"),
      errors: count("ERROR"),
      rows,
    };
  }

  private async account(db: Pick<Tx, "staffAccount">, actor: StaffActor, id: string): Promise<StaffAccount> {
    const row = await db.staffAccount.findFirst({ where: { id, region: { path: { startsWith: actor.regionPath } } } });
    if (!row) throw new NotFoundError("STAFF_NOT_FOUND");
    return row;
  }

  /** The region a new or moved account works in: inside the actor's own. */
  private regionFor(tree: RegionTree, actor: StaffActor, code: string): RegionNode {
    const region = tree.getByCode(code);
    if (!region) throw new InvalidInputError("UNKNOWN_REGION", "regionCode");
    if (!region.path.startsWith(actor.regionPath)) throw new InvalidInputError("REGION_OUT_OF_SCOPE", "regionCode");
    return region;
  }

  private checkGrant(actor: StaffActor, role: StaffRole) {
    if (actor.role !== "ADMIN" && !countyGrants.includes(role)) throw new ForbiddenError("ROLE_NOT_GRANTABLE", { role });
  }

  private checkDepartment(role: StaffRole, department: string | null) {
    if (role === "DEPARTMENT" && !department) throw new InvalidInputError("DEPARTMENT_REQUIRED", "department");
  }

  private async record(
    tx: Tx,
    staffId: string,
    action: string,
    actor: StaffActor,
    changes: Record<string, [unknown, unknown]>,
    reason: string | null,
  ) {
    await tx.staffAdminEvent.create({
      data: {
        staffId,
        action,
        actorId: actor.id,
        actorName: actor.name,
        changes: changes as Prisma.InputJsonValue,
        reason,
        at: this.deps.now(),
      },
    });
  }

  private view(row: StaffAccount, tree: RegionTree, locale: Locale): StaffAccountView {
    const region = tree.get(row.regionId);
    const now = this.deps.now();
    return {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      roleLabel: translator(locale)(`roles.${row.role}`),
      region: { code: region?.code ?? "", name: region?.name ?? "" },
      department: row.department,
      phoneMasked: row.phoneEnc ? maskPhone(this.deps.cipher.decrypt(row.phoneEnc)) : null,
      active: row.active,
      lockedUntil: row.lockedUntil && row.lockedUntil > now ? row.lockedUntil.toISOString() : null,
      mustChangePassword: row.mustChangePassword,
      wechatBound: !!row.wechatId,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
