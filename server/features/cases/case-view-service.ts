import { actorLabel, recordedFields, reasonShownAsField } from "./case-file.ts";
import type { CaseDetail, CaseStatusView, DeclaredHousehold, QueueQuery, QueueResponse } from "./case-schemas.ts";
import { chinaDate } from "../../core/china-time.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import type { RegionTree } from "../../core/regions/routing.ts";
import { InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { maskBankAccount, maskIdNumber, maskName, maskPhone, timingSafeEqualText } from "../../core/personal-data.ts";
import { fieldsRevealableBy, seesBankAccount, seesHealth } from "../../core/personal-data-policy.ts";
import { StaffAccessLog } from "../personal-data/access-log.ts";
import { hasKey, translator } from "../../core/i18n/i18n.ts";
import type { ResidentPrincipal, StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { nextStep, stageLabel, timelineTitle } from "./stage-view.ts";
import { caseFilterWhere } from "./case-filters.ts";
import { type AccessContext } from "../../http/access-context.ts";

const openStatuses = new Set(["OPEN"]);

/** What the applicant-facing status view reads: the case and its events in one query (the region's name comes from the cached tree). */
export const statusSelect = {
  number: true,
  kind: true,
  status: true,
  stage: true,
  riskTypes: true,
  regionId: true,
  stageDueAt: true,
  stageDueProvisional: true,
  createdAt: true,
  events: { select: { at: true, action: true, fromStage: true, payload: true, reason: true }, orderBy: [{ at: "asc" }, { id: "asc" }] },
} satisfies Prisma.CaseSelect;
type StatusRow = Prisma.CaseGetPayload<{ select: typeof statusSelect }>;

/** What applicants and staff may read about cases; every read is scoped to the caller. */
export class CaseViewService {
  private readonly accessLog: StaffAccessLog;

  constructor(private readonly deps: ServiceDeps) {
    this.accessLog = new StaffAccessLog(deps);
  }

  /** A resident's own cases: those they filed, and those about their household. */
  private residentScope(principal: ResidentPrincipal, householdId: string | null): Prisma.CaseWhereInput {
    return { OR: [{ reporterResidentId: principal.id }, ...(householdId ? [{ householdId }] : [])] };
  }

  /** The household a resident identity is linked to, if any. */
  async householdOf(residentId: string): Promise<string | null> {
    const me = await this.deps.prisma.residentIdentity.findUnique({ where: { id: residentId }, select: { householdId: true } });
    return me?.householdId ?? null;
  }

  async myCases(principal: ResidentPrincipal, locale: Locale) {
    const householdId = await this.householdOf(principal.id);
    return this.caseList(this.residentScope(principal, householdId), locale);
  }

  /** The cases a grid worker (or cadre) filed for residents. */
  async forwardedBy(principal: StaffPrincipal, locale: Locale) {
    return this.caseList({ reporterStaffId: principal.id }, locale);
  }

  /** A case's status as its applicant sees it, for staff: cases in their region or filed by them. */
  async staffCaseStatus(principal: StaffPrincipal, number: string, locale: Locale): Promise<CaseStatusView> {
    const found = await this.deps.prisma.case.findFirst({
      where: { number, OR: [this.staffScope(principal), { reporterStaffId: principal.id }] },
      select: statusSelect,
    });
    if (!found) throw new NotFoundError("CASE_NOT_FOUND");
    return this.statusView(found, locale);
  }

  private async caseList(where: Prisma.CaseWhereInput, locale: Locale) {
    const cases = await this.deps.prisma.case.findMany({ where, orderBy: { createdAt: "desc" }, take: 100, include: { region: true } });
    const t = translator(locale);
    return {
      items: cases.map((c) => ({
        number: c.number,
        kind: c.kind,
        kindLabel: t(`kinds.${c.kind}`),
        status: c.status,
        stageLabel: stageLabel(c.stage, locale),
        submittedAt: c.createdAt.toISOString(),
        nextStep: openStatuses.has(c.status)
          ? nextStep(c.stage, c.region.name, { at: c.stageDueAt, provisional: c.stageDueProvisional }, locale)
          : null,
      })),
    };
  }

  async myCaseStatus(principal: ResidentPrincipal, number: string, locale: Locale): Promise<CaseStatusView> {
    const householdId = await this.householdOf(principal.id);
    const found = await this.deps.prisma.case.findFirst({
      where: { number, ...this.residentScope(principal, householdId) },
      select: statusSelect,
    });
    if (!found) throw new NotFoundError("CASE_NOT_FOUND");
    return this.statusView(found, locale);
  }

  /** Without logging in: the case number plus the last four digits of the contact phone. */
  async publicLookup(number: string, phoneLast4: string, locale: Locale): Promise<CaseStatusView> {
    // One statement straight on the driver: the public look-up is the busiest read there is (BENCHMARKS.md); same columns as statusSelect.
    const [found] = await this.deps.sql<
      StatusRow & { contactPhoneEnc: string; events: (Omit<StatusRow["events"][number], "at"> & { at: string })[] }
    >(Prisma.sql`
      SELECT c."number", c."kind"::text, c."status"::text, c."stage", c."riskTypes"::text[] AS "riskTypes", c."regionId"::text, c."stageDueAt", c."stageDueProvisional", c."createdAt", c."contactPhoneEnc",
             COALESCE((SELECT json_agg(json_build_object('at', e."at", 'action', e."action", 'fromStage', e."fromStage", 'payload', e."payload", 'reason', e."reason") ORDER BY e."at", e."id")
                       FROM "CaseEvent" e WHERE e."caseId" = c."id"), '[]') AS "events"
      FROM "Case" c WHERE c."number" = ${number}`);
    const phone = found ? this.deps.cipher.decrypt(found.contactPhoneEnc) : "0000";
    if (!found || !timingSafeEqualText(phone.slice(-4), phoneLast4)) throw new NotFoundError("CASE_NOT_FOUND");
    // JSON carries the events' times without a zone; they are stored in UTC.
    return this.statusView({ ...found, events: found.events.map((e) => ({ ...e, at: new Date(`${String(e.at)}Z`) })) }, locale);
  }

  /** A case as its applicant reads it: where it stands and the timeline in plain words (internal events left out). */
  async statusView(c: StatusRow, locale: Locale): Promise<CaseStatusView> {
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    const regionName = tree.get(c.regionId)?.name ?? "";
    return {
      number: c.number,
      kind: c.kind,
      kindLabel: t(`kinds.${c.kind}`),
      status: c.status,
      statusLabel: t(`statuses.${c.status}`),
      stage: c.stage,
      stageLabel: stageLabel(c.stage, locale),
      riskTypes: c.riskTypes,
      regionName,
      submittedAt: c.createdAt.toISOString(),
      nextStep: openStatuses.has(c.status)
        ? nextStep(c.stage, regionName, { at: c.stageDueAt, provisional: c.stageDueProvisional }, locale)
        : null,
      // Only events with an applicant-facing wording are shown; internal ones stay on the staff side.
      timeline: c.events
        .filter((e) => t(`timeline.${e.action}`, { defaultValue: "" }) !== "")
        .map((e) => {
          return { at: e.at.toISOString(), action: e.action, title: eventTitle(e, tree, regionName, c.stage, locale), detail: e.reason };
        }),
    };
  }

  private staffScope(principal: StaffPrincipal): Prisma.CaseWhereInput {
    return { regionPath: { startsWith: principal.regionPath } };
  }

  async queue(principal: StaffPrincipal, query: QueueQuery, locale: Locale): Promise<QueueResponse> {
    const { prisma, cipher, now } = this.deps;
    const where = await caseFilterWhere(this.deps, principal, query);
    if (query.q && idNumberPattern.test(query.q)) {
      // ID numbers are stored only encrypted: a full number is found by its lookup hash, on the applicant or any household member.
      const hashes = cipher.lookupHashes(query.q.toUpperCase());
      where.push({
        OR: [{ applicantIdNumberHash: { in: hashes } }, { household: { members: { some: { idNumberHash: { in: hashes } } } } }],
      });
    } else if (query.q) where.push({ OR: [{ number: { startsWith: query.q } }, { applicantName: { contains: query.q } }] });
    const cursor = decodeCursor(query.cursor);
    // The redundant `lte` lets the database start its walk at the cursor instead of filtering every newer row.
    if (cursor)
      where.push(
        { createdAt: { lte: cursor.createdAt } },
        { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] },
      );

    const rows = await prisma.case.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
      // Only the listed columns: a row's description and declared household are the bulk of it, and a list shows neither.
      select: {
        id: true,
        number: true,
        kind: true,
        channel: true,
        riskTypes: true,
        applicantName: true,
        contactPhoneEnc: true,
        regionId: true,
        routing: true,
        stage: true,
        status: true,
        stageDueAt: true,
        stageDueProvisional: true,
        createdAt: true,
      },
    });
    const tree = await this.deps.regions.tree();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const at = now();
    return {
      items: page.map((c) => ({
        id: c.id,
        number: c.number,
        kind: c.kind,
        channel: c.channel,
        riskTypes: c.riskTypes,
        applicantName: c.applicantName,
        phoneMasked: maskPhone(cipher.decrypt(c.contactPhoneEnc)),
        regionName: tree.get(c.regionId)?.name ?? "",
        routing: c.routing,
        stage: c.stage,
        stageLabel: stageLabel(c.stage, locale),
        status: c.status,
        stageDueAt: c.stageDueAt?.toISOString() ?? null,
        stageDueProvisional: c.stageDueProvisional,
        overdue: c.status === "OPEN" && !!c.stageDueAt && c.stageDueAt < at,
        submittedAt: c.createdAt.toISOString(),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  private declared(encrypted: string, filedAt: Date, regionCode: string, showHealth: boolean): CaseDetail["declaredHousehold"] {
    const household = JSON.parse(this.deps.cipher.decrypt(encrypted)) as DeclaredHousehold;
    const assessment = this.deps.assessor.assessDeclared(
      { members: household.members.length, incomes: household.incomes, expenses: household.expenses },
      chinaDate(filedAt).year,
      regionCode,
    );
    return {
      members: household.members.map((m) => ({
        name: m.name,
        relation: m.relation,
        birthYear: m.birthYear,
        idNumberMasked: m.idNumber ? maskIdNumber(m.idNumber) : null,
        labourCapacity: m.labourCapacity,
        health: showHealth ? m.health : null,
      })),
      incomes: household.incomes,
      expenses: household.expenses,
      perCapitaNetIncome: assessment?.perCapitaNetIncome ?? null,
      incomeLine: assessment?.incomeLine ?? null,
      belowLine: assessment?.belowLine ?? null,
    };
  }

  /** A case in the caller's region, masked for their role; the view is written to the staff-access log. */
  async detail(principal: StaffPrincipal, id: string, locale: Locale, context: AccessContext = {}): Promise<CaseDetail> {
    const { prisma, cipher } = this.deps;
    const c = await prisma.case.findFirst({
      where: { id, ...this.staffScope(principal) },
      include: {
        region: true,
        events: { orderBy: [{ at: "asc" }, { id: "asc" }] },
        attachments: { orderBy: { createdAt: "asc" } },
        consents: { orderBy: { grantedAt: "asc" } },
        household: { include: { members: { orderBy: { birthDate: "asc" } } } },
        reporterResident: { select: { displayName: true } },
      },
    });
    if (!c) throw new NotFoundError("CASE_NOT_FOUND");
    const tree = await this.deps.regions.tree();
    const staffIds = [...new Set([c.reporterStaffId, ...c.events.map((e) => (e.actorType === "STAFF" ? e.actorId : null))])].filter(
      (x): x is string => !!x,
    );
    const staff = staffIds.length
      ? await prisma.staffAccount.findMany({ where: { id: { in: staffIds } }, select: { id: true, displayName: true } })
      : [];
    const staffNames = new Map(staff.map((s) => [s.id, s.displayName]));
    const reporterStaff = c.reporterStaffId ? { displayName: staffNames.get(c.reporterStaffId) ?? null } : null;
    const health = seesHealth(principal.role);
    const bankAccount =
      c.bankAccountEnc && seesBankAccount(principal.role)
        ? await this.bankAccountView(principal, c.id, c.bankName, c.bankAccountEnc)
        : null;
    await this.accessLog.record(principal, [{ action: "VIEW_CASE", caseId: c.id }], context);
    return {
      id: c.id,
      number: c.number,
      kind: c.kind,
      channel: c.channel,
      riskTypes: c.riskTypes,
      description: c.description,
      address: c.addressText,
      applicantName: c.applicantName,
      phoneMasked: maskPhone(cipher.decrypt(c.contactPhoneEnc)),
      idNumberMasked: c.applicantIdNumberEnc ? maskIdNumber(cipher.decrypt(c.applicantIdNumberEnc)) : null,
      region: { code: c.region.code, name: c.region.name, level: c.region.level },
      routing: c.routing,
      stage: c.stage,
      stageLabel: stageLabel(c.stage, locale),
      status: c.status,
      stageDueAt: c.stageDueAt?.toISOString() ?? null,
      stageDueProvisional: c.stageDueProvisional,
      caseDueAt: c.caseDueAt?.toISOString() ?? null,
      caseDueProvisional: c.caseDueProvisional,
      submittedAt: c.createdAt.toISOString(),
      reporter: c.reporterStaffId
        ? { type: "STAFF", name: reporterStaff?.displayName ?? null }
        : { type: "RESIDENT", name: c.reporterResident?.displayName ? maskName(c.reporterResident.displayName) : null },
      household: c.household
        ? {
            number: c.household.number,
            address: c.household.address,
            members: c.household.members.map((m) => ({
              name: m.name,
              relation: m.relation,
              birthDate: m.birthDate.toISOString().slice(0, 10),
              idNumberMasked: maskIdNumber(cipher.decrypt(m.idNumberEnc)),
              labourCapacity: m.labourCapacity,
              health: health ? m.health : null,
              schooling: m.schooling,
            })),
          }
        : null,
      declaredHousehold: c.declaredHouseholdEnc ? this.declared(c.declaredHouseholdEnc, c.createdAt, c.region.code, health) : null,
      bankAccount,
      personalDataErasedAt: c.personalDataErasedAt?.toISOString() ?? null,
      revealable: c.personalDataErasedAt ? [] : [...fieldsRevealableBy(principal.role)],
      assessment: c.householdId
        ? await this.deps.assessor.assess(prisma, { householdId: c.householdId, regionCode: c.region.code, caseId: c.id })
        : null,
      consents: c.consents.map((x) => ({
        scope: x.scope,
        method: x.method,
        grantorName: x.grantorName,
        grantedAt: x.grantedAt.toISOString(),
      })),
      attachments: c.attachments.map((a) => ({ id: a.id, kind: a.kind, mimeType: a.mimeType, size: a.size })),
      events: c.events.map((e) => ({
        at: e.at.toISOString(),
        title: eventTitle(e, tree, c.region.name, c.stage, locale),
        actorType: e.actorType,
        actorRole: e.actorRole,
        action: e.action,
        fromStage: e.fromStage,
        toStage: e.toStage,
        reason: reasonShownAsField.has(e.action) ? null : e.reason,
        by: actorLabel(e, c.reporterResidentId, staffNames, locale),
        details: recordedFields(e.action, e.payload, e.reason, locale),
      })),
    };
  }

  /** The payment account masked, with the other cases in the caller's region naming the same account (one card paid for two households is a question to ask). */
  private async bankAccountView(
    principal: StaffPrincipal,
    caseId: string,
    bankName: string | null,
    sealed: string,
  ): Promise<CaseDetail["bankAccount"]> {
    const number = this.deps.cipher.decrypt(sealed);
    const others = await this.deps.prisma.case.findMany({
      where: { id: { not: caseId }, bankAccountHash: { in: this.deps.cipher.lookupHashes(number) }, ...this.staffScope(principal) },
      select: { number: true },
      orderBy: { createdAt: "asc" },
      take: 20,
    });
    return { bankName: bankName ?? "", numberMasked: maskBankAccount(number), alsoNamedBy: others.map((o) => o.number) };
  }
}

/**
 * An event worded as on the applicant's timeline, naming the region it moved the case to when it did; events
 * applicants never see (reminders to a desk) in the staff's own words.
 */
function eventTitle(
  e: { action: string; fromStage: string | null; payload: unknown },
  tree: RegionTree,
  caseRegion: string,
  stage: string,
  locale: Locale,
): string {
  if (!hasKey(`timeline.${e.action}`) && hasKey(`mp.review.task.events.${e.action}`))
    return translator(locale)(`mp.review.task.events.${e.action}`);
  const payload = (e.payload ?? {}) as Record<string, unknown>;
  const region = typeof payload.regionCode === "string" ? tree.getByCode(payload.regionCode)?.name : undefined;
  return timelineTitle(e.action, region ?? caseRegion, e.fromStage, stage, locale);
}

const idNumberPattern = /^\d{17}[\dXx]$/;

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new InvalidInputError("INVALID_CURSOR", "cursor");
  return { createdAt, id };
}
