import type { Locale, RiskType } from "../api/common-schemas.ts";
import { Prisma } from "../db/generated/client.ts";
import { routeCase } from "../domain/routing.ts";
import { openCase, type CaseStart } from "./case-opening.ts";
import { hashRequest } from "./intake-service.ts";
import type { StaffPrincipal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";
import type { WorkflowService } from "./workflow-service.ts";

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

export interface PlannedLead {
  draft: LeadDraft;
  household: { id: string; number: string; address: string };
  head: { name: string; idNumberEnc: string | null; idNumberHash: string | null };
  phone: { enc: string; hash: string };
  decision: ReturnType<typeof routeCase>;
  start: CaseStart;
}

export type LeadOutcome = "LEAD_CREATED" | "ALREADY_OPEN" | "ALREADY_RAISED";

export interface LeadResult {
  householdId: string;
  outcome: LeadOutcome;
  caseId: string;
  caseNumber: string;
  /** Set for LEAD_CREATED: announce it once the transaction committed. */
  task?: Awaited<ReturnType<typeof openCase>>["task"];
}

/** A household "already has a case": one under review (OPEN), or a monitoring object being helped (APPROVED). */
export const activeCaseStatuses = ["OPEN", "APPROVED"] as const;

const chunk = <T>(items: readonly T[], size = 500): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export class LeadService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly workflow: WorkflowService,
  ) {}

  /**
   * Everything a lead needs that is read outside the transaction: the
   * household's head, a phone, its village and the workflow's start (planStart
   * reads the region tree and the calendar, which must not wait on the
   * transaction's connection).
   */
  async plan(drafts: readonly LeadDraft[], at: Date): Promise<PlannedLead[]> {
    if (drafts.length === 0) return [];
    const { prisma, cipher } = this.deps;
    const tree = await this.deps.regions.tree();
    const households = new Map<string, Prisma.HouseholdGetPayload<{ include: { members: true; residents: true } }>>();
    for (const ids of chunk([...new Set(drafts.map((d) => d.householdId))])) {
      const rows = await prisma.household.findMany({
        where: { id: { in: ids } },
        include: { members: { orderBy: { birthDate: "asc" } }, residents: { where: { phoneEnc: { not: null } }, orderBy: { createdAt: "asc" } } },
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
      const decision = routeCase(tree, { householdRegionId: household.regionId });
      planned.push({
        draft,
        household: { id: household.id, number: household.number, address: household.address },
        head: { name: head?.name ?? household.number, idNumberEnc: head?.idNumberEnc ?? null, idNumberHash: head?.idNumberHash ?? null },
        phone: resident?.phoneEnc && resident.phoneHash ? { enc: resident.phoneEnc, hash: resident.phoneHash } : noPhone,
        decision,
        start: await this.workflow.planStart("DEPARTMENT_LEAD", decision, at),
      });
    }
    return planned;
  }

  /**
   * Raises the planned leads inside the caller's transaction. A household
   * whose lead was raised before gets ALREADY_RAISED, one with a case under
   * way ALREADY_OPEN (that case's number); only the others get a new case.
   * The households are locked first, so two runs cannot both open one.
   */
  async raise(tx: Tx, principal: StaffPrincipal, planned: readonly PlannedLead[], at: Date, locale: Locale): Promise<LeadResult[]> {
    if (planned.length === 0) return [];
    const householdIds = [...new Set(planned.map((p) => p.household.id))].sort();
    for (const ids of chunk(householdIds)) {
      await tx.$queryRaw`SELECT "id" FROM "Household" WHERE "id" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}) ORDER BY "id" FOR UPDATE`;
    }

    const raisedBefore = new Map<string, { id: string; number: string }>();
    const keyOf = (p: PlannedLead) => p.draft.raisedBeforePrefix ?? p.draft.idempotencyKey;
    for (const group of chunk(planned)) {
      const found = await tx.case.findMany({
        where: { OR: group.map((p) => (p.draft.raisedBeforePrefix ? { idempotencyKey: { startsWith: p.draft.raisedBeforePrefix } } : { idempotencyKey: p.draft.idempotencyKey })) },
        orderBy: { createdAt: "asc" },
        select: { id: true, number: true, idempotencyKey: true },
      });
      for (const p of group) {
        const match = found.find((c) => (p.draft.raisedBeforePrefix ? c.idempotencyKey.startsWith(p.draft.raisedBeforePrefix) : c.idempotencyKey === p.draft.idempotencyKey));
        if (match) raisedBefore.set(keyOf(p), match);
      }
    }

    const active = new Map<string, { id: string; number: string }>();
    for (const ids of chunk(householdIds)) {
      const cases = await tx.case.findMany({
        where: { householdId: { in: ids }, status: { in: [...activeCaseStatuses] } },
        orderBy: { createdAt: "asc" },
        select: { id: true, number: true, householdId: true },
      });
      for (const c of cases) if (c.householdId && !active.has(c.householdId)) active.set(c.householdId, c);
    }

    const results: LeadResult[] = [];
    for (const p of planned) {
      const before = raisedBefore.get(keyOf(p));
      if (before) {
        results.push({ householdId: p.household.id, outcome: "ALREADY_RAISED", caseId: before.id, caseNumber: before.number });
        continue;
      }
      const open = active.get(p.household.id);
      if (open) {
        results.push({ householdId: p.household.id, outcome: "ALREADY_OPEN", caseId: open.id, caseNumber: open.number });
        continue;
      }
      const { draft } = p;
      const { record, task } = await openCase(tx, this.workflow, {
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
          payload: { kind: "DEPARTMENT_LEAD", channel: draft.channel, riskTypes: draft.riskTypes, householdNumber: p.household.number, ...draft.payload } as Prisma.InputJsonValue,
        },
      });
      active.set(p.household.id, record);
      results.push({ householdId: p.household.id, outcome: "LEAD_CREATED", caseId: record.id, caseNumber: record.number, task });
    }
    return results;
  }

  /** Tells the villages' open sockets about the new tasks; call after the transaction committed. */
  announce(results: readonly LeadResult[]): void {
    for (const r of results) if (r.task) this.workflow.announceTask("task.opened", r.task, r.caseNumber);
  }

  /** Long enough for a run that opens many leads on the embedded database (about 10 ms a statement). */
  static transactionOptions(leads: number) {
    return { maxWait: 10_000, timeout: 60_000 + leads * 250 };
  }
}
