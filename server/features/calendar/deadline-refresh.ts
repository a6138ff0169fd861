import { Prisma } from "../../platform/database/generated/client.ts";
import { workflowDefinitionSchema, type WorkflowDefinition } from "../workflow/definition.ts";
import {
  caseLimitDue,
  dueColumns,
  isTriageStage,
  reportDue,
  stageDue,
  triageWorkingDays,
  workingDaysDue,
  type Due,
} from "../workflow/placement.ts";
import { caseMovedNotice, recordNotices, type CaseNotice } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { WorkflowRegistry } from "../workflow/workflow-registry.ts";

type Tx = Prisma.TransactionClient;

const chinaOffsetMs = 8 * 3_600_000;

/** Cases read and counted again per round. */
const batchSize = 200;

interface StoredDue {
  dueAt: Date | null;
  dueProvisional: boolean;
  dueFrom: Date | null;
  dueWorkingDays: number | null;
}

/** One due date that moved (or was set), as the case's event records it. */
interface DueChange {
  kind: "task" | "assignment" | "case";
  id: string;
  stage?: string;
  from: string | null;
  to: string;
  provisional: boolean;
}

export interface RefreshReport {
  /** Cases looked at: those with a provisional or a missing due date. */
  examined: number;
  /** Cases with a due date moved, or set where there was none. */
  changed: number;
  /** Due dates moved, or set. */
  moved: number;
  set: number;
}

/**
 * Keeps every open deadline counted on the best calendar there is. Due dates
 * that counted a day of a provisional year (the holiday law alone) are
 * counted again from their stored start once that year's official
 * arrangement is loaded; due dates missing altogether — tasks opened while
 * the calendar had no data for a year, before provisional years existed —
 * are counted from when the task, assignment or case began.
 *
 * A case whose dates change gets one event saying so (on the applicant's
 * timeline when the date they were told moved) and its watchers a notice.
 * An escalation already made stands: a task never escalates twice, whichever
 * way its date moved. Safe to run on several instances at once: each case is
 * counted again under its rows' locks, and a second run finds nothing left to
 * change.
 */
export class DeadlineRefresh {
  constructor(
    private readonly deps: Pick<ServiceDeps, "prisma" | "calendar" | "now" | "notifier">,
    private readonly registry: WorkflowRegistry,
  ) {}

  /**
   * Counts again every provisional or missing due date; with `years` (just loaded), also every open due date
   * whose count ran through one of them, however it was counted before.
   */
  async run(years: readonly number[] = []): Promise<RefreshReport> {
    const report: RefreshReport = { examined: 0, changed: 0, moved: 0, set: 0 };
    const ids = [...new Set([...(await this.candidates()), ...(await this.countedThrough(years))])].sort();
    report.examined = ids.length;
    for (let i = 0; i < ids.length; i += batchSize) {
      for (const caseId of ids.slice(i, i + batchSize)) {
        const done = await this.refreshCase(caseId);
        if (done.moved + done.set > 0) report.changed++;
        report.moved += done.moved;
        report.set += done.set;
      }
    }
    return report;
  }

  /** Open cases with a provisional or missing due date anywhere (each arm on its own index). */
  private async candidates(): Promise<string[]> {
    const helpStages = await this.undatedStages();
    const rows = await this.deps.prisma.$queryRaw<{ id: string }[]>`
      SELECT "caseId"::text AS id FROM "CaseTask" WHERE "dueProvisional" AND "status" = 'OPEN'
      UNION SELECT "caseId"::text FROM "CaseTask" WHERE "status" = 'OPEN' AND "dueAt" IS NULL AND NOT ("stage" = ANY(${helpStages}::text[]))
      UNION SELECT "caseId"::text FROM "DepartmentAssignment" WHERE "dueProvisional" AND "status" = 'OPEN'
      UNION SELECT "caseId"::text FROM "DepartmentAssignment" WHERE "status" = 'OPEN' AND "dueAt" IS NULL
      UNION SELECT "id"::text FROM "Case" WHERE "caseDueProvisional" AND "status" = 'OPEN'
      UNION SELECT "id"::text FROM "Case" WHERE "status" = 'OPEN' AND "caseDueAt" IS NULL AND "workflowId" IS NOT NULL
      ORDER BY id`;
    return rows.map((r) => r.id);
  }

  /** Open cases with a due date counted through one of `years` (China calendar years). */
  private async countedThrough(years: readonly number[]): Promise<string[]> {
    const ids: string[] = [];
    for (const year of years) {
      // The year's first instant and its last, China time.
      const start = new Date(Date.UTC(year, 0, 1) - chinaOffsetMs);
      const end = new Date(Date.UTC(year + 1, 0, 1) - chinaOffsetMs);
      const rows = await this.deps.prisma.$queryRaw<{ id: string }[]>`
        SELECT "caseId"::text AS id FROM "CaseTask" WHERE "status" = 'OPEN' AND "dueAt" >= ${start} AND "dueFrom" < ${end}
        UNION SELECT "caseId"::text FROM "DepartmentAssignment" WHERE "status" = 'OPEN' AND "dueAt" >= ${start} AND "dueFrom" < ${end}
        UNION SELECT "id"::text FROM "Case" WHERE "status" = 'OPEN' AND "caseDueAt" >= ${start} AND "caseDueFrom" < ${end}`;
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  /** Stages whose tasks have no due date by design (help runs until risk elimination), in any stored definition. */
  private async undatedStages(): Promise<string[]> {
    const rows = await this.deps.prisma.workflowDefinition.findMany({ select: { body: true } });
    const keys = new Set<string>();
    for (const row of rows) {
      const parsed = workflowDefinitionSchema.safeParse(row.body);
      if (parsed.success) for (const stage of parsed.data.stages) if (stage.kind === "HELP") keys.add(stage.key);
    }
    return [...keys];
  }

  private async refreshCase(caseId: string): Promise<{ moved: number; set: number }> {
    const { prisma, calendar, now: clock } = this.deps;
    const now = clock();
    const result = await prisma.$transaction(async (tx) => {
      // Tasks and assignments first, then the case: the order every action takes its locks in.
      await tx.$queryRaw`SELECT 1 FROM "CaseTask" WHERE "caseId" = ${caseId}::uuid AND "status" = 'OPEN' ORDER BY "id" FOR UPDATE`;
      await tx.$queryRaw`SELECT 1 FROM "DepartmentAssignment" WHERE "caseId" = ${caseId}::uuid AND "status" = 'OPEN' ORDER BY "id" FOR UPDATE`;
      await tx.$queryRaw`SELECT 1 FROM "Case" WHERE "id" = ${caseId}::uuid FOR UPDATE`;
      const c = await tx.case.findUnique({
        where: { id: caseId },
        include: { tasks: { where: { status: "OPEN" }, orderBy: { createdAt: "asc" } }, assignments: { where: { status: "OPEN" } } },
      });
      if (!c || c.status !== "OPEN") return null;
      const definition = c.workflowId ? await this.registry.byVersion(c.workflowId, tx) : null;
      const changes: DueChange[] = [];
      let stageDue: Due | undefined;

      for (const task of c.tasks) {
        const due = await this.counted(task, () =>
          isTriageStage(task.stage)
            ? workingDaysDue(calendar, task.createdAt, triageWorkingDays)
            : definition
              ? definedStageDue(definition, task.stage, task.createdAt, c.publicityEndsAt, calendar)
              : null,
        );
        if (!due) continue;
        if (task.stage === c.stage) stageDue = due;
        if (!differs(task, due)) continue;
        await tx.caseTask.update({ where: { id: task.id }, data: dueColumns(due) });
        if (moved(task, due))
          changes.push({
            kind: "task",
            id: task.id,
            stage: task.stage,
            from: task.dueAt?.toISOString() ?? null,
            to: due.at.toISOString(),
            provisional: due.provisional,
          });
      }
      for (const assignment of c.assignments) {
        const due = await this.counted(assignment, () => (definition ? reportDue(definition, assignment.createdAt, calendar) : null));
        if (!due || !differs(assignment, due)) continue;
        await tx.departmentAssignment.update({ where: { id: assignment.id }, data: dueColumns(due) });
        if (moved(assignment, due))
          changes.push({
            kind: "assignment",
            id: assignment.id,
            from: assignment.dueAt?.toISOString() ?? null,
            to: due.at.toISOString(),
            provisional: due.provisional,
          });
      }
      const storedCaseDue = {
        dueAt: c.caseDueAt,
        dueProvisional: c.caseDueProvisional,
        dueFrom: c.caseDueFrom,
        dueWorkingDays: c.caseDueWorkingDays,
      };
      const caseDue = await this.counted(storedCaseDue, async () =>
        definition ? caseLimitDue(definition, await startOfCount(tx, c.id, c.createdAt), calendar) : null,
      );
      if (caseDue && moved(storedCaseDue, caseDue))
        changes.push({
          kind: "case",
          id: c.id,
          from: c.caseDueAt?.toISOString() ?? null,
          to: caseDue.at.toISOString(),
          provisional: caseDue.provisional,
        });
      const stageChanged =
        !!stageDue && (stageDue.at.getTime() !== c.stageDueAt?.getTime() || stageDue.provisional !== c.stageDueProvisional);
      const caseChanged = !!caseDue && differs(storedCaseDue, caseDue);
      if (stageChanged || caseChanged) {
        await tx.case.update({
          where: { id: c.id },
          data: {
            ...(stageChanged ? { stageDueAt: stageDue!.at, stageDueProvisional: stageDue!.provisional } : {}),
            ...(caseChanged
              ? {
                  caseDueAt: caseDue.at,
                  caseDueProvisional: caseDue.provisional,
                  caseDueFrom: caseDue.from,
                  caseDueWorkingDays: caseDue.workingDays,
                }
              : {}),
          },
        });
      }
      if (changes.length === 0) return { moved: 0, set: 0, notices: [] as CaseNotice[] };

      const set = changes.filter((change) => change.from === null).length;
      // The applicant's own date (the stage's) is what their timeline speaks of; other dates are the offices'.
      const applicantSees = stageChanged && c.stageDueAt?.getTime() !== stageDue!.at.getTime();
      const action = applicantSees ? (c.stageDueAt ? "DEADLINE_CHANGED" : "DEADLINE_SET") : "DEADLINES_RECOUNTED";
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now,
          actorType: "SYSTEM",
          action,
          fromStage: c.stage,
          toStage: c.stage,
          payload: { changes } as unknown as Prisma.InputJsonValue,
        },
      });
      const notices = applicantSees ? [caseMovedNotice(c, { fromStage: c.stage, event: action, regionCode: null })] : [];
      await recordNotices(tx, notices, now);
      return { moved: changes.length - set, set, notices };
    });
    if (!result) return { moved: 0, set: 0 };
    for (const notice of result.notices) this.deps.notifier.publish(notice);
    return { moved: result.moved, set: result.set };
  }

  /** A stored due date counted again from its own start, or — where it has none and no date either — from `derive`. */
  private async counted(stored: StoredDue, derive: () => Due | null | Promise<Due | null>): Promise<Due | null> {
    if (stored.dueFrom && stored.dueWorkingDays) return workingDaysDue(this.deps.calendar, stored.dueFrom, stored.dueWorkingDays);
    // A date set otherwise ("by the 20th") stays as it is.
    if (stored.dueAt) return null;
    return derive();
  }
}

/** A stage's due date, for a stage the definition has (a task's stage always is one, or a triage). */
function definedStageDue(
  definition: WorkflowDefinition,
  stage: string,
  from: Date,
  publicityEndsAt: Date | null,
  calendar: ServiceDeps["calendar"],
): Due | null {
  if (!definition.stages.some((s) => s.key === stage)) return null;
  return stageDue(definition, stage, from, calendar, { publicityEndsAt });
}

/** The whole-case limit counts from the last re-identification, else from intake. */
async function startOfCount(tx: Tx, caseId: string, createdAt: Date): Promise<Date> {
  const last = await tx.caseEvent.findFirst({ where: { caseId, action: "REIDENTIFIED" }, orderBy: { id: "desc" }, select: { at: true } });
  return last?.at ?? createdAt;
}

function differs(stored: StoredDue, due: Due): boolean {
  return (
    stored.dueAt?.getTime() !== due.at.getTime() ||
    stored.dueProvisional !== due.provisional ||
    stored.dueFrom?.getTime() !== due.from?.getTime() ||
    stored.dueWorkingDays !== due.workingDays
  );
}

function moved(stored: StoredDue, due: Due): boolean {
  return stored.dueAt?.getTime() !== due.at.getTime();
}
