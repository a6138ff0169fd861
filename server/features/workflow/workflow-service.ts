import type { Locale } from "../../core/vocabulary.ts";
import type { TaskAction } from "./workflow-schemas.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import type { RegionNode, RegionTree, RoutingDecision } from "../../core/regions/routing.ts";
import type { WorkflowDefinition } from "./definition.ts";
import { availableActions, decide, isSampled } from "./engine.ts";
import { caseLimitDue, dueColumns, placeStage, triagePlacement, triageStages, workingDaysDue, type Placement } from "./placement.ts";
import { AppError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { maskName } from "../../core/personal-data.ts";
import { translator } from "../../core/i18n/i18n.ts";
import type { ResidentPrincipal, StaffPrincipal } from "../../core/principal.ts";
import { caseMovedNotice, recordNotices, taskNotice } from "../../platform/case-notifier.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { stageLabel } from "../cases/stage-view.ts";
import type { WorkflowRegistry } from "./workflow-registry.ts";
import type { Desk } from "../../core/vocabulary.ts";
import { deskOfRole, taskRegionFilter, workingDesk } from "../../core/reach.ts";
import { refusalToAct } from "./task-access.ts";

export { triageStages };

type Tx = Prisma.TransactionClient;

/** What a task's view needs of its case (which actions it offers depends on them). */
const taskCaseInclude = {
  case: {
    select: {
      number: true,
      workflowId: true,
      publicityEndsAt: true,
      dataComparison: true,
      stage: true,
      monitoredSince: true,
      householdId: true,
      regionId: true,
    },
  },
} satisfies Prisma.CaseTaskInclude;

export class WorkflowService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly registry: WorkflowRegistry,
  ) {}

  /** Where a new case starts: its workflow version, first stage, desk and deadlines. */
  async planStart(kind: Parameters<WorkflowRegistry["forNewCase"]>[0], decision: RoutingDecision, now: Date) {
    const tree = await this.deps.regions.tree();
    const { id: workflowId, definition } = this.registry.forNewCase(kind, decision.region, tree);
    const { calendar } = this.deps;
    const placement: Placement =
      decision.outcome === "VILLAGE"
        ? placeStage(definition, definition.start, decision.region, tree, now, calendar)!
        : triagePlacement(decision.outcome, decision.region, now, calendar);
    return { workflowId, placement, caseDue: caseLimitDue(definition, now, calendar) };
  }

  /** Opens the desk's task for a stage, inside the caller's transaction. */
  openTask(tx: Tx, caseId: string, placement: Placement, now: Date) {
    return tx.caseTask.create({ data: { caseId, ...this.taskData(placement, now) } });
  }

  /** A new task's columns, for openTask or a case created with its task. */
  taskData(placement: Placement, now: Date) {
    return {
      stage: placement.stage,
      desk: placement.desk,
      regionId: placement.region.id,
      regionPath: placement.region.path,
      ...dueColumns(placement.due),
      createdAt: now,
    };
  }

  /** The open (or done) tasks of the caller's desk in the caller's region. */
  async listTasks(
    principal: StaffPrincipal,
    query: { status: "OPEN" | "DONE" | "CANCELLED"; overdue?: boolean; view: "mine" | "escalated"; limit: number },
    locale: Locale,
  ) {
    const gridWorker = principal.role === "GRID_WORKER";
    const desk = workingDesk(principal.role);
    if (!desk || (gridWorker && query.view === "escalated")) throw new ForbiddenError();
    const now = this.deps.now();
    const tree = await this.deps.regions.tree();
    const page = (skip: number) =>
      this.deps.prisma.caseTask.findMany({
        where: {
          status: query.status,
          // "escalated": overdue tasks of the desks below that were escalated to this one to chase up.
          ...(query.view === "escalated"
            ? { escalatedToPath: { startsWith: principal.regionPath }, NOT: { desk } }
            : gridWorker
              ? { desk, regionPath: taskRegionFilter(principal) }
              : // By region id, for the index (as the case queue does, case-filters.ts).
                { desk, regionId: { in: tree.idsUnder(principal.regionPath) } }),
          ...(query.overdue === true
            ? { dueAt: { lt: now } }
            : query.overdue === false
              ? { OR: [{ dueAt: null }, { dueAt: { gte: now } }] }
              : {}),
        },
        orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }],
        skip,
        take: query.limit,
        include: taskCaseInclude,
      });
    if (!gridWorker) return { items: await Promise.all((await page(0)).map((task) => this.view(task, tree, now, locale))) };
    // A grid worker sees the home visits in their area (which tasks those are, the workflow says task by task)
    // and can do nothing else on them: read on until the page is full of them, or the list ends.
    const items = [];
    for (let skip = 0; items.length < query.limit;) {
      const tasks = await page(skip);
      skip += tasks.length;
      for (const view of await Promise.all(tasks.map((task) => this.view(task, tree, now, locale)))) {
        if (view.status !== "OPEN" || view.actions.includes("RECORD_HOME_VISIT"))
          items.push({ ...view, actions: view.actions.filter((a) => a === "RECORD_HOME_VISIT") });
      }
      if (tasks.length < query.limit) break;
    }
    return { items: items.slice(0, query.limit) };
  }

  /** The open tasks on one case in the caller's region; actions only on those of the caller's own desk. */
  async caseTasks(principal: StaffPrincipal, caseId: string, locale: Locale) {
    const desk = deskOfRole(principal.role);
    const now = this.deps.now();
    const tasks = await this.deps.prisma.caseTask.findMany({
      where: { caseId, status: "OPEN", case: { regionPath: { startsWith: principal.regionPath } } },
      orderBy: { createdAt: "asc" },
      include: taskCaseInclude,
    });
    const tree = await this.deps.regions.tree();
    const items = await Promise.all(tasks.map((task) => this.view(task, tree, now, locale)));
    return { items: items.map((task) => (task.desk === desk ? task : { ...task, actions: [] })) };
  }

  /**
   * One action on many tasks (a township approving a batch): each task in its own
   * transaction, as if acted on one by one, so one refusal leaves the others done.
   */
  async actMany(principal: StaffPrincipal, taskIds: readonly string[], action: TaskAction, locale: Locale) {
    const results = [];
    for (const taskId of new Set(taskIds)) {
      try {
        const done = await this.act(principal, taskId, action, locale);
        results.push({
          taskId,
          ok: true as const,
          caseNumber: done.caseNumber,
          toStage: done.toStage,
          toStageLabel: stageLabel(done.toStage, locale),
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({
          taskId,
          ok: false as const,
          error: { code: error.code, message: translator(locale)(`errors.${error.code}`, error.params) },
        });
      }
    }
    return { done: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
  }

  private async view(
    task: {
      id: string;
      caseId: string;
      stage: string;
      desk: Desk;
      regionId: string;
      status: "OPEN" | "DONE" | "CANCELLED";
      dueAt: Date | null;
      dueProvisional: boolean;
      escalatedAt: Date | null;
      createdAt: Date;
      case: {
        number: string;
        workflowId: string | null;
        publicityEndsAt: Date | null;
        dataComparison: string | null;
        monitoredSince: Date | null;
        householdId: string | null;
        regionId: string;
      };
    },
    tree: RegionTree,
    now: Date,
    locale: Locale,
  ) {
    let actions: string[] = [];
    if (task.status === "OPEN") {
      if (task.stage in triageStages) actions = ["ASSIGN_REGION"];
      else if (task.case.workflowId) {
        const definition = await this.registry.byVersion(task.case.workflowId);
        actions = availableActions(
          definition,
          await this.stateOf(
            this.deps.prisma,
            definition,
            { ...task.case, id: task.caseId, stage: task.stage, regionId: task.case.regionId },
            tree,
          ),
          now,
        );
      }
    }
    return {
      id: task.id,
      caseId: task.caseId,
      caseNumber: task.case.number,
      stage: task.stage,
      stageLabel: stageLabel(task.stage, locale),
      desk: task.desk,
      regionName: tree.get(task.regionId)?.name ?? "",
      status: task.status,
      dueAt: task.dueAt?.toISOString() ?? null,
      dueProvisional: task.dueProvisional,
      overdue: task.status === "OPEN" && !!task.dueAt && task.dueAt < now,
      escalated: !!task.escalatedAt,
      actions,
      createdAt: task.createdAt.toISOString(),
    };
  }

  /**
   * Escalates every open task past its deadline to the level above, and every
   * case past its whole-case limit, each exactly once: the conditional update
   * decides, so scanners running on several instances never double an escalation.
   */
  async escalateOverdue(): Promise<{ tasks: number; cases: number }> {
    const { prisma, now: clock } = this.deps;
    const now = clock();
    const tree = await this.deps.regions.tree();
    let tasks = 0;
    const late = await prisma.caseTask.findMany({
      where: { status: "OPEN", dueAt: { lt: now }, escalatedAt: null },
      take: 1000,
      orderBy: { dueAt: "asc" },
    });
    for (const task of late) {
      // Tasks sit at a village, township or county: the parent is the level above; the county answers to itself.
      const here = tree.get(task.regionId);
      const target = (here?.parentId ? tree.get(here.parentId) : undefined) ?? here;
      if (!target) continue;
      const done = await prisma.$transaction(async (tx) => {
        const claimed = await tx.$executeRaw`UPDATE "CaseTask" SET "escalatedAt" = ${now}, "escalatedToPath" = ${target.path}
          WHERE "id" = ${task.id}::uuid AND "status" = 'OPEN' AND "escalatedAt" IS NULL`;
        if (claimed !== 1) return false;
        await tx.caseEvent.create({
          data: {
            caseId: task.caseId,
            at: now,
            actorType: "SYSTEM",
            action: "OVERDUE_ESCALATED",
            fromStage: task.stage,
            toStage: task.stage,
            payload: { taskId: task.id, dueAt: task.dueAt?.toISOString() ?? null, regionCode: target.code, desk: task.desk },
          },
        });
        const c = await tx.case.findUniqueOrThrow({ where: { id: task.caseId } });
        const notices = [
          taskNotice("task.escalated", { ...task, escalatedToPath: target.path }, c.number),
          caseMovedNotice(c, { fromStage: task.stage, event: "OVERDUE_ESCALATED", regionCode: target.code }),
        ];
        await recordNotices(tx, notices, now);
        return notices;
      });
      if (done) {
        tasks++;
        for (const notice of done) this.deps.notifier.publish(notice);
      }
    }
    let cases = 0;
    const lateCases = await prisma.case.findMany({
      where: { status: "OPEN", caseDueAt: { lt: now }, caseOverdueAt: null },
      take: 1000,
      select: { id: true, stage: true, caseDueAt: true },
    });
    for (const c of lateCases) {
      const done = await prisma.$transaction(async (tx) => {
        const claimed =
          await tx.$executeRaw`UPDATE "Case" SET "caseOverdueAt" = ${now} WHERE "id" = ${c.id}::uuid AND "caseOverdueAt" IS NULL`;
        if (claimed !== 1) return false;
        await tx.caseEvent.create({
          data: {
            caseId: c.id,
            at: now,
            actorType: "SYSTEM",
            action: "CASE_LIMIT_EXCEEDED",
            fromStage: c.stage,
            toStage: c.stage,
            payload: { caseDueAt: c.caseDueAt?.toISOString() ?? null },
          },
        });
        return true;
      });
      if (done) cases++;
    }
    return { tasks, cases };
  }

  /**
   * The village's current publicity list (公示): masked names, no ID numbers,
   * phones, health or money; protected households (minors, confidential
   * illness) are left out altogether.
   */
  async publicityList(villageCode: string, principal: StaffPrincipal | ResidentPrincipal, locale: Locale) {
    const tree = await this.deps.regions.tree();
    const village = tree.getByCode(villageCode);
    if (!village || village.level !== "VILLAGE") throw new NotFoundError("UNKNOWN_REGION");
    if (principal.kind === "staff" && !village.path.startsWith(principal.regionPath) && !principal.regionPath.startsWith(village.path))
      throw new ForbiddenError("REGION_OUT_OF_SCOPE");
    const now = this.deps.now();
    const rows = await this.deps.prisma.case.findMany({
      where: {
        regionId: village.id,
        status: { in: ["OPEN", "APPROVED"] },
        publicityEndsAt: { gte: now },
        OR: [{ householdId: null }, { household: { protected: false } }],
      },
      orderBy: { number: "asc" },
      select: { number: true, kind: true, stage: true, applicantName: true, publicityEndsAt: true },
    });
    const t = translator(locale);
    return {
      village: village.name,
      items: rows.map((r) => ({
        caseNumber: r.number,
        applicantName: maskName(r.applicantName),
        kindLabel: t(`kinds.${r.kind}`),
        stageLabel: stageLabel(r.stage, locale),
        publicityEndsAt: r.publicityEndsAt!.toISOString(),
      })),
    };
  }

  /** A resident's objection to a case on a publicity list: the case goes back for another survey. */
  async objectAsResident(principal: ResidentPrincipal, caseNumber: string, objection: string, locale: Locale) {
    const task = await this.deps.prisma.caseTask.findFirst({
      where: { case: { number: caseNumber, publicityEndsAt: { not: null } }, status: "OPEN" },
    });
    if (!task) throw new NotFoundError("NOT_IN_PUBLICITY");
    const result = await this.act(principal, task.id, { type: "RECORD_OBJECTION", objection }, locale);
    return { caseNumber: result.caseNumber, received: true as const };
  }

  /** 回退: a household whose risk returned after elimination goes through identification again, on the same case. */
  async reidentify(principal: StaffPrincipal, caseId: string, reason: string, locale: Locale) {
    const { prisma, now: clock } = this.deps;
    const now = clock();
    const tree = await this.deps.regions.tree();
    if (principal.role !== "VILLAGE" && principal.role !== "COUNTY") throw new ForbiddenError();
    const result = await prisma.$transaction(async (tx) => {
      const c = await tx.case.findFirst({ where: { id: caseId, regionPath: { startsWith: principal.regionPath } } });
      if (!c) throw new NotFoundError("CASE_NOT_FOUND");
      if (!c.workflowId) throw new ConflictError("CASE_HAS_NO_WORKFLOW");
      // A case still waiting in triage for its village is at no step of its workflow yet.
      if (Object.hasOwn(triageStages, c.stage)) throw new ConflictError("ACTION_NOT_ALLOWED_HERE", { action: "REIDENTIFY" });
      const definition = await this.registry.byVersion(c.workflowId, tx);
      const decision = decide(definition, await this.stateOf(tx, definition, c, tree), { type: "REIDENTIFY", reason }, now);
      if (!decision.ok) throw new ConflictError(decision.code, decision.params);
      // Only one re-identification wins: the case must still be where this one found it.
      const caseDue = caseLimitDue(definition, now, this.deps.calendar);
      const moved =
        await tx.$executeRaw`UPDATE "Case" SET "stage" = ${decision.toStage}, "status" = 'OPEN', "monitoredSince" = NULL, "publicityEndsAt" = NULL,
        "dataComparison" = NULL, "caseOverdueAt" = NULL, "caseDueAt" = ${caseDue.at}, "caseDueProvisional" = ${caseDue.provisional},
        "caseDueFrom" = ${caseDue.from}, "caseDueWorkingDays" = ${caseDue.workingDays}, "updatedAt" = ${now}
        WHERE "id" = ${c.id}::uuid AND "stage" = ${c.stage} AND "status" = ${c.status}::"CaseStatus"`;
      if (moved !== 1) throw new ConflictError("TASK_ALREADY_HANDLED");
      const placement = placeStage(definition, decision.toStage, tree.get(c.regionId)!, tree, now, this.deps.calendar)!;
      const nextTask = await this.openTask(tx, c.id, placement, now);
      const updated = await tx.case.update({ where: { id: c.id }, data: stageDueColumns(placement) });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now,
          actorType: "STAFF",
          actorId: principal.id,
          actorRole: principal.role,
          action: "REIDENTIFIED",
          fromStage: c.stage,
          toStage: decision.toStage,
          reason,
        },
      });
      const notices = [
        caseMovedNotice(updated, { fromStage: c.stage, event: "REIDENTIFIED", regionCode: tree.get(updated.regionId)?.code ?? null }),
        taskNotice("task.opened", nextTask, updated.number),
      ];
      await recordNotices(tx, notices, now);
      return { updated, nextTask, fromStage: c.stage, notices };
    });
    for (const notice of result.notices) this.deps.notifier.publish(notice);
    return {
      caseId: result.updated.id,
      caseNumber: result.updated.number,
      fromStage: result.fromStage,
      toStage: result.updated.stage,
      status: result.updated.status,
      nextTask: await this.view({ ...result.nextTask, case: result.updated }, tree, now, locale),
    };
  }

  /**
   * What the workflow's rules need to know about a case beyond its stage. Reads only through `tx` and the
   * caller's `tree`: inside an action's transaction, a read beside it would wait for it on the embedded database.
   */
  private async stateOf(
    tx: Tx,
    definition: WorkflowDefinition,
    c: {
      id: string;
      stage: string;
      regionId: string;
      publicityEndsAt: Date | null;
      dataComparison: string | null;
      monitoredSince: Date | null;
      householdId: string | null;
      createdAt?: Date;
    },
    tree: RegionTree,
  ) {
    const current = definition.stages.find((stage) => stage.key === c.stage);
    const sampled = current?.kind === "REVIEW" && !!current.sampling && isSampled(c.id, c.stage, current.sampling.percent);
    let sampleSurveyDone = false;
    if (sampled) {
      // Only a survey recorded since the case last arrived at this stage counts.
      const arrival = await tx.caseEvent.findFirst({
        where: { caseId: c.id, toStage: c.stage, NOT: { fromStage: c.stage } },
        orderBy: { id: "desc" },
        select: { id: true },
      });
      sampleSurveyDone =
        (await tx.caseEvent.count({
          where: { caseId: c.id, action: "SAMPLE_SURVEY_RECORDED", fromStage: c.stage, id: { gt: arrival?.id ?? 0n } },
        })) > 0;
    }
    // Only the risk-elimination check (a HELP stage) needs the household's figures and the help given;
    // task lists call this for every task, so nothing is read that the stage cannot use.
    let reportedMeasures = 0;
    let hasWorkingAgeLabour: boolean | null = null;
    let belowLineAfterRigidExpenses: boolean | null = null;
    if (current?.kind === "HELP") reportedMeasures = await tx.departmentAssignment.count({ where: { caseId: c.id, status: "REPORTED" } });
    if (current?.kind === "HELP" && c.householdId) {
      hasWorkingAgeLabour =
        (await tx.householdMember.count({ where: { householdId: c.householdId, labourCapacity: { in: ["FULL", "PARTIAL"] } } })) > 0;
      const region = tree.get(c.regionId);
      const assessment = region
        ? await this.deps.assessor.assess(tx, { householdId: c.householdId, regionCode: region.code, caseId: c.id })
        : null;
      belowLineAfterRigidExpenses = assessment?.belowLineAfterRigidExpenses ?? null;
    }
    return {
      stage: c.stage,
      publicityEndsAt: c.publicityEndsAt,
      dataComparison: c.dataComparison as "CLEAR" | "DOUBTFUL" | null,
      monitoredSince: c.monitoredSince,
      reportedMeasures,
      hasWorkingAgeLabour,
      belowLineAfterRigidExpenses,
      sampled,
      sampleSurveyDone,
      reportedAt: c.createdAt ?? null,
    };
  }

  /** One desk action on one task: all of it in one transaction, and only one of two racing actions wins. */
  async act(principal: StaffPrincipal | ResidentPrincipal, taskId: string, action: TaskAction, locale: Locale) {
    // A photo's time and place is evidence about that photo: it must be one the visit actually attaches.
    if (action.type === "RECORD_HOME_VISIT" && (action.photoPlaces ?? []).some((place) => !action.photoIds.includes(place.photoId))) {
      throw new InvalidInputError("PHOTO_PLACE_WITHOUT_PHOTO", "photoPlaces");
    }
    const { prisma, now: clock } = this.deps;
    const now = clock();
    const tree = await this.deps.regions.tree();
    const result = await prisma.$transaction(async (tx) => {
      // Wait for a racing action on the same task to finish, so the task and its case are read as it left them
      // (the loser then sees a handled task, not a half-moved case).
      await tx.$queryRaw`SELECT 1 FROM "CaseTask" WHERE "id" = ${taskId}::uuid FOR UPDATE`;
      const task = await tx.caseTask.findUnique({ where: { id: taskId }, include: { case: true } });
      const refusal = refusalToAct(principal, task, action);
      if (refusal) throw refusal;
      if (!task) throw new NotFoundError("TASK_NOT_FOUND");
      if (task.status !== "OPEN") throw new ConflictError("TASK_ALREADY_HANDLED");
      const c = task.case;
      if (!c.workflowId) throw new ConflictError("CASE_HAS_NO_WORKFLOW");
      const definition = await this.registry.byVersion(c.workflowId, tx);

      let transition: {
        event: string;
        toStage: string;
        reason: string | null;
        payload: Record<string, unknown>;
        placement: Placement | null;
        caseRegion: RegionNode;
        publicityEndsAt: Date | null;
        dataComparison: string | null;
        finalStatus: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | null;
        dispatch?: { riskType: string; department: string; measure: string; reportWorkingDays: number }[];
      };
      if (task.stage in triageStages) {
        if (action.type !== "ASSIGN_REGION") throw new ConflictError("ACTION_NOT_ALLOWED_HERE", { action: action.type });
        const target = tree.getByCode(action.regionCode);
        const here = tree.get(task.regionId)!;
        if (!target || !tree.contains(here, target) || target.id === here.id)
          throw new InvalidInputError("REGION_OUT_OF_SCOPE", "regionCode");
        const village = tree.ancestorAt(target, "VILLAGE");
        const placement = village
          ? placeStage(definition, definition.start, village, tree, now, this.deps.calendar)!
          : triagePlacement("TOWNSHIP_TRIAGE", tree.ancestorAt(target, "TOWNSHIP")!, now, this.deps.calendar);
        const caseRegion = village ?? placement.region;
        transition = {
          event: "REGION_ASSIGNED",
          toStage: placement.stage,
          reason: null,
          payload: { regionCode: caseRegion.code, note: action.note ?? null },
          placement,
          caseRegion,
          publicityEndsAt: null,
          dataComparison: null,
          finalStatus: null,
        };
      } else {
        const state = await this.stateOf(tx, definition, c, tree);
        const decision = decide(definition, state, action, now);
        if (!decision.ok) throw new ConflictError(decision.code, decision.params);
        const caseRegion = tree.get(c.regionId)!;
        const staying = decision.toStage === c.stage;
        const placement = staying
          ? null
          : placeStage(definition, decision.toStage, caseRegion, tree, now, this.deps.calendar, {
              workingDays: decision.deadlineWorkingDays,
              publicityEndsAt: decision.publicityEndsAt,
            });
        transition = { ...decision, placement, caseRegion };
      }

      // Claiming the task is the race's finish line: one statement that checks and sets, so a second
      // action waiting on the row lock finds it no longer open.
      const claimed = await tx.$executeRaw`UPDATE "CaseTask" SET "status" = 'DONE', "completedAt" = ${now}, "completedBy" = ${principal.id}
        WHERE "id" = ${task.id}::uuid AND "status" = 'OPEN'`;
      if (claimed !== 1) throw new ConflictError("TASK_ALREADY_HANDLED");

      if (action.type === "RECORD_HOME_VISIT" && action.photoIds.length > 0) {
        const linked = await tx.attachment.updateMany({
          where: { id: { in: action.photoIds }, caseId: null, uploadedById: principal.id },
          data: { caseId: c.id },
        });
        if (linked.count !== new Set(action.photoIds).size) throw new InvalidInputError("ATTACHMENT_NOT_FOUND", "photoIds");
      }

      if (transition.dispatch) {
        const countyPath = tree.ancestorAt(transition.caseRegion, "COUNTY")?.path ?? transition.caseRegion.path;
        await tx.departmentAssignment.createMany({
          data: transition.dispatch.map((need) => ({
            caseId: c.id,
            department: need.department,
            riskType: need.riskType as never,
            measure: need.measure,
            regionPath: countyPath,
            ...dueColumns(workingDaysDue(this.deps.calendar, now, need.reportWorkingDays)),
            createdAt: now,
          })),
        });
      }

      const staying = transition.toStage === c.stage && !transition.placement;
      const nextTask = staying
        ? await tx.caseTask.create({
            data: {
              caseId: c.id,
              stage: task.stage,
              desk: task.desk,
              regionId: task.regionId,
              regionPath: task.regionPath,
              dueAt: task.dueAt,
              dueProvisional: task.dueProvisional,
              dueFrom: task.dueFrom,
              dueWorkingDays: task.dueWorkingDays,
              createdAt: now,
            },
          })
        : transition.placement
          ? await this.openTask(tx, c.id, transition.placement, now)
          : null;
      const updated = await tx.case.update({
        where: { id: c.id },
        data: {
          stage: transition.toStage,
          ...(staying ? {} : stageDueColumns(transition.placement)),
          publicityEndsAt: transition.publicityEndsAt,
          dataComparison: transition.dataComparison,
          regionId: transition.caseRegion.id,
          regionPath: transition.caseRegion.path,
          ...(transition.event === "REGION_ASSIGNED"
            ? { routing: transition.placement?.stage === "TOWNSHIP_TRIAGE" ? "TOWNSHIP_TRIAGE" : "VILLAGE" }
            : {}),
          ...(transition.finalStatus ? { status: transition.finalStatus } : {}),
          ...(transition.event === "DISPATCHED"
            ? { monitoredSince: now }
            : transition.event === "REIDENTIFIED"
              ? { monitoredSince: null }
              : {}),
        },
      });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now,
          actorType: principal.kind === "staff" ? "STAFF" : "RESIDENT",
          actorId: principal.id,
          actorRole: principal.kind === "staff" ? principal.role : "RESIDENT",
          action: transition.event,
          fromStage: task.stage,
          toStage: transition.toStage,
          reason: transition.reason,
          payload: { ...transition.payload, taskId: task.id, stage: task.stage },
        },
      });
      const notices = [
        caseMovedNotice(updated, { fromStage: task.stage, event: transition.event, regionCode: tree.get(updated.regionId)?.code ?? null }),
        ...(nextTask ? [taskNotice("task.opened", nextTask, updated.number)] : []),
      ];
      await recordNotices(tx, notices, now);
      return { updated, nextTask, fromStage: task.stage, notices };
    });
    for (const notice of result.notices) this.deps.notifier.publish(notice);
    const next = result.nextTask ? await this.view({ ...result.nextTask, case: result.updated }, tree, now, locale) : null;
    return {
      caseId: result.updated.id,
      caseNumber: result.updated.number,
      fromStage: result.fromStage,
      toStage: result.updated.stage,
      status: result.updated.status,
      nextTask: next,
    };
  }
}

/** The case's copy of its current stage's due date. */
function stageDueColumns(placement: Placement | null) {
  return { stageDueAt: placement?.due?.at ?? null, stageDueProvisional: placement?.due?.provisional ?? false };
}
