import crypto from "node:crypto";
import { Prisma } from "../../platform/database/generated/client.ts";
import { chinaDate } from "../../core/china-time.ts";
import type { RoutingDecision } from "../../core/regions/routing.ts";
import { taskNotice } from "../../platform/case-notifier.ts";
import type { WorkflowService } from "../workflow/workflow-service.ts";

/**
 * Where the statements run: straight on the driver (Database.sql) when nothing else is written with them — one
 * statement is atomic on its own — or in the caller's transaction (inTransaction).
 */
export type StatementRunner = <T>(statement: Prisma.Sql) => Promise<T[]>;

export const inTransaction =
  (tx: Pick<Prisma.TransactionClient, "$queryRaw">): StatementRunner =>
  <T>(statement: Prisma.Sql) =>
    tx.$queryRaw<T[]>(statement);

/** Where a new case starts, from WorkflowService.planStart (computed before the transaction). */
export type CaseStart = Awaited<ReturnType<WorkflowService["planStart"]>>;

/** The case's own columns; number, routing, stage and deadlines come from the plan. */
export type CaseFields = Omit<
  Prisma.CaseUncheckedCreateInput,
  | "id"
  | "number"
  | "regionId"
  | "regionPath"
  | "routing"
  | "stage"
  | "stageDueAt"
  | "stageDueProvisional"
  | "workflowId"
  | "caseDueAt"
  | "caseDueProvisional"
  | "caseDueFrom"
  | "caseDueWorkingDays"
  | "createdAt"
  | "updatedAt"
>;

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
 * Cases per statement. A statement's JSON parameter stays near 150 kB:
 * Prisma keeps the last few dozen statements, parameters included, in its
 * debug history whether or not anything is logged.
 */
const perStatement = 100;

/**
 * Opens cases, the one way every case starts (a report, an application, a
 * department lead, a risk-event lead): each a number from the sequence (in
 * the order given), its row, its first two events (filed, routed), its
 * consents and the first desk's task — all in **one statement** per 100
 * cases, so a single report is one round trip and needs no transaction of
 * its own, and a screening run opens thousands without Prisma planning a
 * call per row (BENCHMARKS.md).
 *
 * The same statement records each new task's notice (PendingNotice), so its
 * pushes are stored even if the instance dies right after; the caller
 * publishes the returned notices after its commit, for the sockets.
 *
 * A case whose idempotency key is already taken is skipped, with its events,
 * consents, task and notice: the answer lists only the cases this call opened.
 */
export async function openCases(run: StatementRunner, workflow: WorkflowService, openings: readonly CaseOpening[]) {
  // Set as Prisma sets an @updatedAt column: the clock at writing.
  const updatedAt = new Date();
  const planned = openings.map((opening) => {
    const { at, decision, start, fields, consents = [] } = opening;
    const { placement } = start;
    const id = timeOrderedId();
    const record = {
      ...fields,
      id,
      // The prefix; the statement appends the sequence's next value.
      number: `${chinaDate(at).year}-`,
      regionId: decision.region.id,
      regionPath: decision.region.path,
      routing: decision.outcome,
      stage: placement.stage,
      stageDueAt: placement.due?.at ?? null,
      stageDueProvisional: placement.due?.provisional ?? false,
      workflowId: start.workflowId,
      caseDueAt: start.caseDue.at,
      caseDueProvisional: start.caseDue.provisional,
      caseDueFrom: start.caseDue.from,
      caseDueWorkingDays: start.caseDue.workingDays,
      createdAt: at,
      updatedAt,
    } satisfies Omit<Prisma.CaseCreateManyInput, "number"> & { number: string };
    const task = {
      id: timeOrderedId(),
      caseId: id,
      ...workflow.taskData(placement, at),
      escalatedToPath: null,
    } satisfies Prisma.CaseTaskCreateManyInput;
    const events = openingEvents(opening).map((event) => ({ caseId: id, ...event }) satisfies Prisma.CaseEventCreateManyInput);
    const consentRows = consents.map(
      (consent) => ({ id: crypto.randomUUID(), caseId: id, ...consent }) satisfies Prisma.ConsentCreateManyInput,
    );
    return { record, task, events, consents: consentRows };
  });

  const numbers = new Map<string, string>();
  for (let i = 0; i < planned.length; i += perStatement) {
    const part = planned.slice(i, i + perStatement);
    const rows = await run<{ id: string; number: string }>(Prisma.sql`
      WITH opened AS (
        ${insertInto(
          "Case",
          part.map((p) => p.record),
          Prisma.sql`ON CONFLICT ("idempotencyKey") DO NOTHING RETURNING "id", "number"`,
        )}
      ),
      events AS (${insertInto(
        "CaseEvent",
        part.flatMap((p) => p.events),
      )}),
      tasks AS (${insertInto(
        "CaseTask",
        part.map((p) => p.task),
      )}),
      consents AS (${insertInto(
        "Consent",
        part.flatMap((p) => p.consents),
      )}),
      notices AS (${recordTaskNotices(part)})
      SELECT "id"::text, "number" FROM opened`);
    for (const row of rows) numbers.set(row.id, row.number);
  }
  return planned
    .filter((p) => numbers.has(p.record.id))
    .map(({ record, task }) => {
      const number = numbers.get(record.id)!;
      return {
        record: { ...record, number, status: "OPEN" as const },
        task,
        notice: taskNotice("task.opened", task, number, record.kind === "EMERGENCY_AID"),
      };
    });
}

/** The opened cases' task.opened notices, their numbers filled in from the statement's own. */
function recordTaskNotices(
  part: readonly { record: { id: string; createdAt: Date; kind: string }; task: Parameters<typeof taskNotice>[1] }[],
) {
  // The number is the sequence's, known only inside the statement: a placeholder until then.
  const rows = part.map((p) => ({
    caseId: p.record.id,
    createdAt: p.record.createdAt,
    notice: taskNotice("task.opened", p.task, "", p.record.kind === "EMERGENCY_AID"),
  }));
  return Prisma.sql`INSERT INTO "PendingNotice" ("notice", "createdAt")
    SELECT jsonb_set(r.value -> 'notice', '{caseNumber}', to_jsonb(opened."number")), (r.value ->> 'createdAt')::timestamp(3)
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS r
    JOIN opened ON opened."id" = (r.value ->> 'caseId')::uuid ORDER BY r.ordinality`;
}

/**
 * INSERT … SELECT from a JSON array, which PostgreSQL reads into the table's
 * own row type (enums, arrays, JSON, timestamps); columns no row names keep
 * their defaults; rows are written in the order given (event ids follow it).
 * Rows other than the cases' join the cases this statement
 * opened, so a case skipped for its idempotency key leaves nothing behind.
 * An empty list still yields a statement (inserting nothing) so that the
 * caller's WITH stays one shape.
 */
function insertInto(table: "Case" | "CaseEvent" | "CaseTask" | "Consent", rows: object[], tail = Prisma.empty) {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (names.length === 0) names.push("caseId");
  const columns = Prisma.raw(names.map((column) => `"${column}"`).join(", "));
  const selected = Prisma.raw(names.map((column) => `r."${column}"`).join(", "));
  const source = Prisma.sql`json_populate_recordset(NULL::${Prisma.raw(`"${table}"`)}, ${JSON.stringify(rows)}::json)`;
  if (table === "Case") {
    // The number: its year's prefix, then the sequence's next value, taken in the order of the rows, at least six
    // digits (lpad alone would cut a seventh). The volatile nextval keeps its subquery from being flattened.
    const numbered = Prisma.raw(
      names
        .map((column) => (column === "number" ? `r."number" || lpad(r.n::text, greatest(6, length(r.n::text)), '0')` : `r."${column}"`))
        .join(", "),
    );
    return Prisma.sql`INSERT INTO "Case" (${columns}) SELECT ${numbered}
      FROM (SELECT o.*, nextval('case_number_seq') AS n FROM (SELECT * FROM ${source} WITH ORDINALITY AS r ORDER BY ordinality) o) r ${tail}`;
  }
  return Prisma.sql`INSERT INTO ${Prisma.raw(`"${table}"`)} (${columns}) SELECT ${selected} FROM ${source} WITH ORDINALITY AS r JOIN opened ON opened."id" = r."caseId" ORDER BY r.ordinality ${tail}`;
}

/**
 * A version 7 UUID: the time first, then random bits. The cases and tasks of
 * one batch get neighbouring ids, so their primary keys and the indexes on
 * case id take them into a few pages instead of one random page each (a
 * random read each once the index outgrows the database's cache).
 */
function timeOrderedId(): string {
  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A case's first two events, filed and routed. */
function openingEvents({ at, decision, start, filed }: CaseOpening) {
  const { stage, due } = start.placement;
  return [
    {
      at,
      actorType: filed.actorType,
      actorId: filed.actorId ?? null,
      actorRole: filed.actorRole ?? null,
      action: filed.action,
      fromStage: null,
      toStage: "SUBMITTED",
      reason: filed.reason ?? null,
      payload: filed.payload,
    },
    {
      at,
      actorType: "SYSTEM" as const,
      actorId: null,
      actorRole: null,
      action: `ROUTED_${decision.outcome}`,
      fromStage: "SUBMITTED",
      toStage: stage,
      reason: null,
      payload: {
        regionCode: decision.region.code,
        basis: decision.basis,
        candidates: decision.candidates.map((c) => c.code),
        dueAt: due?.at.toISOString() ?? null,
      },
    },
  ] satisfies Prisma.CaseEventCreateManyCaseInput[];
}
