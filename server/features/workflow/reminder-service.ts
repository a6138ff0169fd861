import { dueReminderHorizonDays, dueReminderWanted } from "./reminders.ts";
import { recordNotices, type CaseNotice } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { type Desk } from "../../core/vocabulary.ts";

const MS_PER_DAY = 86_400_000;
/** Tasks looked at per run; the next run takes the rest. */
const batchSize = 1000;

interface OpenTask {
  id: string;
  caseId: string;
  number: string;
  stage: string;
  desk: Desk;
  regionPath: string;
  dueAt: Date;
  dueProvisional: boolean;
  createdAt: Date;
  publicityEndsAt: Date | null;
}

type ReminderEvent = "TASK_DUE_REMINDED" | "PUBLICITY_PERIOD_ENDED";

/**
 * What desks hear before a deadline (scheduled jobs): a reminder a working day
 * before a task falls due, and the end of a publicity period without objection
 * (the definition closes publicity by the village's own action, CLOSE_PUBLICITY:
 * the desk is told it may, nothing moves by itself). Each reminder is an event
 * on the case, written once per task: a run repeated after a crash, or two runs
 * at once, remind nobody twice. The desk hears it on the console and, when bound,
 * through the bot; the applicant's timeline does not show it.
 */
export class ReminderService {
  constructor(private readonly deps: Pick<ServiceDeps, "prisma" | "now" | "calendar" | "notifier">) {}

  /** Tasks falling due within the next working day, publicity tasks aside (they wait for the list to come down). */
  async remindDueTasks(): Promise<{ tasks: number }> {
    const now = this.deps.now();
    const candidates = (await this.openTasksDueSoon(now, "TASK_DUE_REMINDED")).filter(
      (task) => task.publicityEndsAt === null && dueReminderWanted(task, now, this.deps.calendar),
    );
    return { tasks: await this.remind(candidates, "TASK_DUE_REMINDED", "task.dueSoon", now) };
  }

  /** Publicity lists that came down without an objection (one would have sent the case back): the village may close them. */
  async announceEndedPublicity(): Promise<{ tasks: number }> {
    const now = this.deps.now();
    const candidates = (await this.openTasksDueSoon(now, "PUBLICITY_PERIOD_ENDED")).filter(
      (task) => task.publicityEndsAt !== null && task.publicityEndsAt < now,
    );
    return { tasks: await this.remind(candidates, "PUBLICITY_PERIOD_ENDED", "task.publicityEnded", now) };
  }

  /**
   * Open, not yet late tasks due within the horizon (the [status, dueAt] index) not reminded of this
   * yet. A late task is escalated instead, so a publicity end noticed only after the deadline is not told.
   */
  private openTasksDueSoon(now: Date, event: ReminderEvent): Promise<OpenTask[]> {
    return this.deps.prisma.$queryRaw<OpenTask[]>`
      SELECT t."id"::text, t."caseId"::text, c."number", t."stage", t."desk"::text, t."regionPath", t."dueAt", t."dueProvisional", t."createdAt", c."publicityEndsAt"
      FROM "CaseTask" t JOIN "Case" c ON c."id" = t."caseId"
      WHERE t."status" = 'OPEN' AND t."escalatedAt" IS NULL AND t."dueAt" > ${now} AND t."dueAt" <= ${new Date(now.getTime() + dueReminderHorizonDays * MS_PER_DAY)}
        AND NOT EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = t."caseId" AND e."action" = ${event} AND e."payload"->>'taskId' = t."id"::text)
      ORDER BY t."dueAt"
      LIMIT ${batchSize}`;
  }

  private async remind(tasks: OpenTask[], event: ReminderEvent, kind: "task.dueSoon" | "task.publicityEnded", now: Date): Promise<number> {
    const { prisma, notifier } = this.deps;
    let reminded = 0;
    for (const task of tasks) {
      const notice: CaseNotice = {
        kind,
        urgent: false,
        taskId: task.id,
        caseNumber: task.number,
        stage: task.stage,
        desk: task.desk,
        regionPath: task.regionPath,
        escalatedToPath: null,
        dueAt: task.dueAt,
        dueProvisional: task.dueProvisional,
      };
      const written = await prisma.$transaction(async (tx) => {
        // The task's row lock lines up two runs reminding the same task; the second then finds the first's event.
        const open = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "CaseTask" WHERE "id" = ${task.id}::uuid AND "status" = 'OPEN' FOR UPDATE`;
        if (open.length === 0) return false;
        const already = await tx.$queryRaw<
          unknown[]
        >`SELECT 1 FROM "CaseEvent" WHERE "caseId" = ${task.caseId}::uuid AND "action" = ${event} AND "payload"->>'taskId' = ${task.id}`;
        if (already.length > 0) return false;
        await tx.caseEvent.create({
          data: {
            caseId: task.caseId,
            at: now,
            actorType: "SYSTEM",
            action: event,
            fromStage: task.stage,
            toStage: task.stage,
            payload: {
              taskId: task.id,
              desk: task.desk,
              dueAt: task.dueAt.toISOString(),
              ...(task.publicityEndsAt ? { publicityEndsAt: task.publicityEndsAt.toISOString() } : {}),
            },
          },
        });
        await recordNotices(tx, [notice], now);
        return true;
      });
      if (!written) continue;
      reminded++;
      notifier.publish(notice);
    }
    return reminded;
  }
}
