import crypto from "node:crypto";
import { Prisma } from "../db/generated/client.ts";
import { chinaDate } from "../domain/china-time.ts";
import { openingEvents, type CaseOpening } from "./case-opening.ts";
import type { WorkflowService } from "./workflow-service.ts";

type Tx = Prisma.TransactionClient;

/** Cases per statement: a statement's parameter stays near 150 kB (Prisma keeps the last few dozen in its debug history). */
const perStatement = 100;

/**
 * Rows into a table in one statement. PostgreSQL reads them from JSON into
 * the table's own row type (enums, arrays, JSON, timestamps); columns no row
 * names get their defaults, a column some rows leave out is NULL in them.
 * Prisma's createMany costs about a millisecond of CPU per case row, most of
 * a large screening run's time; this costs the JSON.
 */
async function insertRows(tx: Tx, table: "Case" | "CaseEvent" | "CaseTask", rows: object[]) {
  if (rows.length === 0) return;
  const columns = Prisma.raw([...new Set(rows.flatMap((row) => Object.keys(row)))].map((column) => `"${column}"`).join(", "));
  const name = Prisma.raw(`"${table}"`);
  await tx.$executeRaw`INSERT INTO ${name} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${name}, ${JSON.stringify(rows)}::json)`;
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

/**
 * openCase (case-opening.ts) for many cases in one go, writing the same rows:
 * each case a number from the sequence (in the order given), its row, its
 * first two events (filed, routed) and the first desk's task. A few
 * statements per 100 cases instead of a few per case: a screening run or a
 * risk event opens thousands of leads at once. Leads come with no consents,
 * so none are written. Keep the two in step.
 */
export async function openCases(tx: Tx, workflow: WorkflowService, openings: readonly CaseOpening[]) {
  if (openings.length === 0) return [];
  if (openings.some((o) => o.consents?.length)) throw new Error("openCases writes no consents; open such cases with openCase");
  const numbers = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('case_number_seq') AS n FROM generate_series(1, ${openings.length}::int) ORDER BY n`;
  // Set as Prisma sets an @updatedAt column: the clock at writing.
  const updatedAt = new Date();
  const opened = openings.map(({ at, decision, start, fields }, i) => {
    const { placement } = start;
    const record = {
      ...fields,
      id: timeOrderedId(),
      number: `${chinaDate(at).year}-${String(numbers[i]!.n).padStart(6, "0")}`,
      regionId: decision.region.id,
      regionPath: decision.region.path,
      routing: decision.outcome,
      stage: placement.stage,
      stageDueAt: placement.dueAt,
      workflowId: start.workflowId,
      caseDueAt: start.caseDueAt,
      createdAt: at,
      updatedAt,
    } satisfies Prisma.CaseCreateManyInput;
    const task = { id: timeOrderedId(), caseId: record.id, ...workflow.taskData(placement, at) } satisfies Prisma.CaseTaskCreateManyInput;
    return { record, task };
  });
  for (let i = 0; i < opened.length; i += perStatement) {
    const part = opened.slice(i, i + perStatement);
    await insertRows(
      tx,
      "Case",
      part.map((o) => o.record),
    );
    await insertRows(
      tx,
      "CaseEvent",
      part.flatMap(({ record }, j) => openingEvents(openings[i + j]!).map((event) => ({ caseId: record.id, ...event }) satisfies Prisma.CaseEventCreateManyInput)),
    );
    await insertRows(
      tx,
      "CaseTask",
      part.map((o) => o.task),
    );
  }
  return opened.map(({ record, task }) => ({ record: { id: record.id, number: record.number }, task: { ...task, escalatedToPath: null } }));
}
