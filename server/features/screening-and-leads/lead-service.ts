import type { Locale, RiskType } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import { routeCase, type RoutingDecision } from "../../core/regions/routing.ts";
import { ConflictError } from "../../core/errors.ts";
import { inTransaction, openCases, type CaseOpening, type CaseStart } from "../cases/case-opening.ts";
import { hashRequest } from "../cases/intake-service.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { CaseNotice } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { WorkflowService } from "../workflow/workflow-service.ts";

type Tx = Prisma.TransactionClient;

/**
 * A lead (线索) asks the household's village to verify a risk nobody reported:
 * a department's data tripped a rule, or a large-scale risk event hit the
 * village. It is a DEPARTMENT_LEAD case on the monitoring-identification
 * workflow, starting at the village's home visit like any report.
 */
export interface LeadDraft {
  householdId: string;
  channel: "DEPARTMENT_SCREENING" | "RISK_EVENT";
  riskTypes: RiskType[];
  /** The case's description: what the source found, in words the village reads. */
  description: string;
  /** The first event's action ("LEAD_FROM_SCREENING", "LEAD_FROM_RISK_EVENT") and its reason. */
  action: string;
  reason: string;
  payload: Record<string, unknown>;
  /** Deterministic: a second run with the same key creates nothing. */
  idempotencyKey: string;
  /** Any case whose key starts with this counts as this lead raised before (one lead per department, period and household). */
  raisedBeforePrefix?: string;
  riskEventId?: string;
}

/** Where a lead for a household of some region goes and starts. */
export interface LeadStart {
  decision: RoutingDecision;
  start: CaseStart;
}

export interface PlannedLead extends LeadStart {
  draft: LeadDraft;
  household: { id: string; number: string; address: string };
  head: { name: string; idNumberEnc: string | null; idNumberHash: string | null };
  phone: { enc: string; hash: string };
}

export type LeadOutcome = "LEAD_CREATED" | "ALREADY_OPEN" | "ALREADY_RAISED";

export interface LeadResult {
  householdId: string;
  outcome: LeadOutcome;
  caseId: string;
  caseNumber: string;
  /** Set for LEAD_CREATED: the new task's notice, recorded with it; publish it once the transaction committed. */
  notice?: CaseNotice;
}

/** A household "already has a case": one under review (OPEN), or a monitoring object being helped (APPROVED). */
export const activeCaseStatuses = ["OPEN", "APPROVED"] as const;

const chunk = <T>(items: readonly T[], size = 500): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export class LeadService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly workflow: WorkflowService,
  ) {}

  /**
   * Where a lead starts for a household of every region at or below
   * `regionPath`, read now: plan() inside a transaction takes these instead of
   * reading the region tree and the calendar (planStart), which must not wait
   * on the transaction's connection (the embedded database has only one).
   */
  async startsWithin(regionPath: string, at: Date): Promise<Map<string, LeadStart>> {
    const tree = await this.deps.regions.tree();
    const starts = new Map<string, LeadStart>();
    for (const node of tree.nodes) if (node.path.startsWith(regionPath)) starts.set(node.id, await this.startOf(node.id, at));
    return starts;
  }

  private async startOf(householdRegionId: string, at: Date): Promise<LeadStart> {
    const decision = routeCase(await this.deps.regions.tree(), { householdRegionId });
    return { decision, start: await this.workflow.planStart("DEPARTMENT_LEAD", decision, at) };
  }

  /**
   * Everything a lead needs besides what raise() decides: the household's
   * head, a phone, its village and the workflow's start. Called outside the
   * transaction, or inside it with `db` (the transaction) and `starts` (from
   * startsWithin, before it).
   */
  async plan(drafts: readonly LeadDraft[], at: Date, options: { db?: Tx; starts?: Map<string, LeadStart> } = {}): Promise<PlannedLead[]> {
    if (drafts.length === 0) return [];
    const { cipher } = this.deps;
    const db = options.db ?? this.deps.prisma;
    const starts = options.starts ?? new Map<string, LeadStart>();
    const households = new Map<string, Prisma.HouseholdGetPayload<{ include: { members: true; residents: true } }>>();
    for (const ids of chunk([...new Set(drafts.map((d) => d.householdId))])) {
      const rows = await db.household.findMany({
        where: { id: { in: ids } },
        include: {
          members: { orderBy: { birthDate: "asc" } },
          residents: { where: { phoneEnc: { not: null } }, orderBy: { createdAt: "asc" } },
        },
      });
      for (const row of rows) households.set(row.id, row);
    }
    // Leads without a phone on record keep an encrypted empty string (the columns are required): the village finds the household by its address.
    const noPhone = { enc: cipher.encrypt(""), hash: cipher.lookupHash("") };
    const planned: PlannedLead[] = [];
    for (const draft of drafts) {
      const household = households.get(draft.householdId);
      if (!household) throw new Error(`household ${draft.householdId} vanished while raising leads`);
      const head = household.members.find((m) => m.relation === "HEAD") ?? household.members[0];
      const resident = household.residents.find((r) => head && r.displayName === head.name) ?? household.residents[0];
      let start = starts.get(household.regionId);
      if (!start) {
        // Inside the transaction the tree cannot be read (it would wait for the transaction on the embedded
        // database): a village added since the run began is met by running it again.
        if (options.db) throw new ConflictError("REGIONS_CHANGED");
        start = await this.startOf(household.regionId, at);
        starts.set(household.regionId, start);
      }
      planned.push({
        draft,
        household: { id: household.id, number: household.number, address: household.address },
        head: { name: head?.name ?? household.number, idNumberEnc: head?.idNumberEnc ?? null, idNumberHash: head?.idNumberHash ?? null },
        phone: resident?.phoneEnc && resident.phoneHash ? { enc: resident.phoneEnc, hash: resident.phoneHash } : noPhone,
        ...start,
      });
    }
    return planned;
  }

  /**
   * Raises the planned leads inside the caller's transaction. A household
   * whose lead was raised before gets ALREADY_RAISED, one with a case under
   * way ALREADY_OPEN (that case's number); only the others get a new case
   * (one per household, however many of its drafts are planned). Households
   * that may get one are locked, so two runs cannot both open one.
   */
  raise(tx: Tx, principal: StaffPrincipal, planned: readonly PlannedLead[], at: Date, locale: Locale): Promise<LeadResult[]> {
    const byDraft = new Map(planned.map((p) => [p.draft, p]));
    return this.raiseWith(tx, principal, [...byDraft.keys()], at, locale, async (drafts) => drafts.map((d) => byDraft.get(d)!));
  }

  /**
   * plan() and raise() in one, inside the caller's transaction, planning only
   * the leads it opens: most households that trip a screening rule already
   * have a case under way. `starts`: from startsWithin, before the transaction.
   */
  raiseDrafts(
    tx: Tx,
    principal: StaffPrincipal,
    drafts: readonly LeadDraft[],
    at: Date,
    locale: Locale,
    starts: Map<string, LeadStart>,
  ): Promise<LeadResult[]> {
    return this.raiseWith(tx, principal, drafts, at, locale, (toOpen) => this.plan(toOpen, at, { db: tx, starts }));
  }

  private async raiseWith(
    tx: Tx,
    principal: StaffPrincipal,
    drafts: readonly LeadDraft[],
    at: Date,
    locale: Locale,
    plan: (toOpen: LeadDraft[]) => Promise<PlannedLead[]>,
  ): Promise<LeadResult[]> {
    if (drafts.length === 0) return [];
    const { before, active } = await this.existing(tx, drafts);
    const candidates = new Set(drafts.filter((d) => !before.has(d) && !active.has(d.householdId)).map((d) => d.householdId));
    if (candidates.size > 0) {
      for (const ids of chunk([...candidates].sort())) {
        await tx.$queryRaw`SELECT "id" FROM "Household" WHERE "id" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}) ORDER BY "id" FOR UPDATE`;
      }
      // Looked at again now that they are locked: a run that opened a case for one of them since has committed it.
      const again = await this.existing(
        tx,
        drafts.filter((d) => candidates.has(d.householdId)),
      );
      for (const [draft, earlier] of again.before) before.set(draft, earlier);
      for (const [householdId, open] of again.active) active.set(householdId, open);
    }

    const toOpen = new Map<string, LeadDraft>();
    for (const d of drafts) if (!before.has(d) && !active.has(d.householdId) && !toOpen.has(d.householdId)) toOpen.set(d.householdId, d);
    const planned = await plan([...toOpen.values()]);
    const opened = await openCases(
      inTransaction(tx),
      this.workflow,
      planned.map((p) => this.opening(p, principal, at, locale)),
    );
    // The households are locked and their keys were looked up under the lock: no key can be taken meanwhile.
    if (opened.length !== planned.length) throw new Error(`${planned.length - opened.length} lead keys were taken during the raise`);
    const created = new Map(opened.map((o) => [o.record.householdId!, o]));

    return drafts.map((d): LeadResult => {
      const { householdId } = d;
      const earlier = before.get(d);
      if (earlier) return { householdId, outcome: "ALREADY_RAISED", caseId: earlier.id, caseNumber: earlier.number };
      const fresh = created.get(householdId);
      if (fresh && toOpen.get(householdId) === d)
        return { householdId, outcome: "LEAD_CREATED", caseId: fresh.record.id, caseNumber: fresh.record.number, notice: fresh.notice };
      const open = active.get(householdId) ?? fresh!.record;
      return { householdId, outcome: "ALREADY_OPEN", caseId: open.id, caseNumber: open.number };
    });
  }

  /**
   * The lead each draft was raised as before (its key, or the earliest case
   * whose key starts with its prefix) and each household's earliest case
   * under way.
   */
  private async existing(tx: Tx, drafts: readonly LeadDraft[]) {
    const select = { id: true, number: true, idempotencyKey: true, householdId: true, status: true } as const;
    const before = new Map<LeadDraft, { id: string; number: string }>();
    const active = new Map<string, { id: string; number: string }>();
    const byKey = new Map<string, { id: string; number: string }>();
    for (const keys of chunk(drafts.filter((d) => !d.raisedBeforePrefix).map((d) => d.idempotencyKey))) {
      for (const c of await tx.case.findMany({ where: { idempotencyKey: { in: keys } }, select })) byKey.set(c.idempotencyKey, c);
    }
    // A lead's key names its household, so prefixes are looked for among the households' own cases (by index), with their common start.
    const prefixes = drafts.flatMap((d) => (d.raisedBeforePrefix ? [d.raisedBeforePrefix] : []));
    let common = prefixes[0];
    for (const prefix of prefixes) while (common && !prefix.startsWith(common)) common = common.slice(0, -1);
    const byHousehold = new Map<string, { id: string; number: string; idempotencyKey: string }[]>();
    for (const ids of chunk([...new Set(drafts.map((d) => d.householdId))])) {
      const cases = await tx.case.findMany({
        where: {
          householdId: { in: ids },
          OR: [{ status: { in: [...activeCaseStatuses] } }, ...(common === undefined ? [] : [{ idempotencyKey: { startsWith: common } }])],
        },
        orderBy: { createdAt: "asc" },
        select,
      });
      for (const c of cases) {
        const householdId = c.householdId!;
        if ((activeCaseStatuses as readonly string[]).includes(c.status) && !active.has(householdId)) active.set(householdId, c);
        const own = byHousehold.get(householdId) ?? [];
        own.push(c);
        byHousehold.set(householdId, own);
      }
    }
    for (const d of drafts) {
      const prefix = d.raisedBeforePrefix;
      const match = prefix ? byHousehold.get(d.householdId)?.find((c) => c.idempotencyKey.startsWith(prefix)) : byKey.get(d.idempotencyKey);
      if (match) before.set(d, match);
    }
    return { before, active };
  }

  private opening(p: PlannedLead, principal: StaffPrincipal, at: Date, locale: Locale): CaseOpening {
    const { draft } = p;
    return {
      at,
      decision: p.decision,
      start: p.start,
      fields: {
        kind: "DEPARTMENT_LEAD",
        channel: draft.channel,
        riskTypes: draft.riskTypes,
        description: draft.description,
        addressText: p.household.address,
        applicantName: p.head.name,
        contactPhoneEnc: p.phone.enc,
        contactPhoneHash: p.phone.hash,
        applicantIdNumberEnc: p.head.idNumberEnc,
        applicantIdNumberHash: p.head.idNumberHash,
        householdId: p.household.id,
        reporterStaffId: principal.id,
        riskEventId: draft.riskEventId ?? null,
        locale,
        idempotencyKey: draft.idempotencyKey,
        requestHash: hashRequest({ riskTypes: draft.riskTypes, payload: draft.payload }),
      },
      filed: {
        actorType: "STAFF",
        actorId: principal.id,
        actorRole: principal.role,
        action: draft.action,
        reason: draft.reason,
        payload: {
          kind: "DEPARTMENT_LEAD",
          channel: draft.channel,
          riskTypes: draft.riskTypes,
          householdNumber: p.household.number,
          ...draft.payload,
        },
      },
    };
  }

  /** Tells the villages' open sockets about the new tasks; call after the transaction committed. */
  announce(results: readonly LeadResult[]): void {
    for (const r of results) if (r.notice) this.deps.notifier.publish(r.notice);
  }

  /** Long enough for a run that opens many leads on the embedded database (about 10 ms a statement). */
  static transactionOptions(leads: number) {
    return { maxWait: 10_000, timeout: 60_000 + leads * 250 };
  }
}
