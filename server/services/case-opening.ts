import type { Prisma } from "../db/generated/client.ts";
import { chinaDate } from "../domain/china-time.ts";
import type { RoutingDecision } from "../domain/routing.ts";
import type { WorkflowService } from "./workflow-service.ts";

type Tx = Prisma.TransactionClient;

/** Where a new case starts, from WorkflowService.planStart (computed before the transaction). */
export type CaseStart = Awaited<ReturnType<WorkflowService["planStart"]>>;

/** The case's own columns; number, routing, stage and deadlines come from the plan. */
export type CaseFields = Omit<Prisma.CaseUncheckedCreateInput, "id" | "number" | "regionId" | "regionPath" | "routing" | "stage" | "stageDueAt" | "workflowId" | "caseDueAt" | "createdAt" | "updatedAt">;

export interface CaseOpening {
  at: Date;
  decision: RoutingDecision;
  start: CaseStart;
  fields: CaseFields;
  /** Consents given with the report, stored with the case. */
  consents?: Prisma.ConsentCreateManyCaseInput[];
  /** The first event: who filed it (or raised it) and how. */
  filed: {
    actorType: "RESIDENT" | "STAFF" | "SYSTEM";
    actorId?: string | null;
    actorRole?: string | null;
    action: string;
    reason?: string | null;
    payload: Prisma.InputJsonValue;
  };
}

/**
 * Opens a case inside the caller's transaction, the one way every case starts
 * (a report, an application, a department lead, a risk-event lead): a number
 * from the sequence, the row, its first two events (filed, routed), its
 * consents and the first desk's task. The caller announces the task after its commit.
 */
export async function openCase(tx: Tx, workflow: WorkflowService, opening: CaseOpening) {
  const { at, decision, start, fields, consents = [] } = opening;
  const { stage, dueAt } = start.placement;
  const [{ n }] = await tx.$queryRaw<[{ n: bigint }]>`SELECT nextval('case_number_seq') AS n`;
  const { year } = chinaDate(at);
  // One nested create: Prisma plans it once (planning, not SQL, is most of a statement's cost here; BENCHMARKS.md).
  const { tasks, ...record } = await tx.case.create({
    data: {
      ...fields,
      number: `${year}-${String(n).padStart(6, "0")}`,
      regionId: decision.region.id,
      regionPath: decision.region.path,
      routing: decision.outcome,
      stage,
      stageDueAt: dueAt,
      workflowId: start.workflowId,
      caseDueAt: start.caseDueAt,
      createdAt: at,
      events: { createMany: { data: openingEvents(opening) } },
      tasks: { create: workflow.taskData(start.placement, at) },
      ...(consents.length > 0 ? { consents: { createMany: { data: consents } } } : {}),
    },
    include: { tasks: true },
  });
  return { record, task: tasks[0]! };
}

/** A case's first two events, filed and routed; every column given, so bulk inserts (case-opening-batch.ts) write the same rows. */
export function openingEvents({ at, decision, start, filed }: CaseOpening) {
  const { stage, dueAt } = start.placement;
  return [
    { at, actorType: filed.actorType, actorId: filed.actorId ?? null, actorRole: filed.actorRole ?? null, action: filed.action, fromStage: null, toStage: "SUBMITTED", reason: filed.reason ?? null, payload: filed.payload },
    {
      at,
      actorType: "SYSTEM" as const,
      actorId: null,
      actorRole: null,
      action: `ROUTED_${decision.outcome}`,
      fromStage: "SUBMITTED",
      toStage: stage,
      reason: null,
      payload: { regionCode: decision.region.code, basis: decision.basis, candidates: decision.candidates.map((c) => c.code), dueAt: dueAt?.toISOString() ?? null },
    },
  ] satisfies Prisma.CaseEventCreateManyCaseInput[];
}
