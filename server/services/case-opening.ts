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
 * from the sequence, the row, its first two events (filed, routed) and the
 * first desk's task. The caller announces the task after its commit.
 */
export async function openCase(tx: Tx, workflow: WorkflowService, { at, decision, start, fields, filed }: CaseOpening) {
  const { stage, dueAt } = start.placement;
  const [{ n }] = await tx.$queryRaw<[{ n: bigint }]>`SELECT nextval('case_number_seq') AS n`;
  const { year } = chinaDate(at);
  const record = await tx.case.create({
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
    },
  });
  await tx.caseEvent.createMany({
    data: [
      { caseId: record.id, at, actorType: filed.actorType, actorId: filed.actorId ?? null, actorRole: filed.actorRole ?? null, action: filed.action, toStage: "SUBMITTED", reason: filed.reason ?? null, payload: filed.payload },
      {
        caseId: record.id,
        at,
        actorType: "SYSTEM",
        action: `ROUTED_${decision.outcome}`,
        fromStage: "SUBMITTED",
        toStage: stage,
        payload: {
          regionCode: decision.region.code,
          basis: decision.basis,
          candidates: decision.candidates.map((c) => c.code),
          dueAt: dueAt?.toISOString() ?? null,
        },
      },
    ],
  });
  const task = await workflow.openTask(tx, record.id, start.placement, at);
  return { record, task };
}
