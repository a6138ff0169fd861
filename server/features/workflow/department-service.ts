import type { Locale } from "../../core/vocabulary.ts";
import { ConflictError, NotFoundError } from "../../core/errors.ts";
import { translator } from "../../core/i18n/i18n.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { caseMovedNotice, recordNotices } from "../../platform/case-notifier.ts";

/** Department handlers see the needs dispatched to their own department in their county, and report back. */
export class DepartmentService {
  constructor(private readonly deps: ServiceDeps) {}

  private scope(principal: StaffPrincipal) {
    return { department: principal.department ?? "", regionPath: { startsWith: principal.regionPath } };
  }

  async list(principal: StaffPrincipal, status: "OPEN" | "REPORTED", locale: Locale) {
    const now = this.deps.now();
    const t = translator(locale);
    const rows = await this.deps.prisma.departmentAssignment.findMany({
      where: { ...this.scope(principal), status },
      orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
      take: 200,
      include: { case: { select: { number: true, applicantName: true, region: { select: { name: true } } } } },
    });
    return {
      items: rows.map((a) => ({
        id: a.id,
        caseNumber: a.case.number,
        applicantName: a.case.applicantName,
        regionName: a.case.region.name,
        riskType: a.riskType,
        riskTypeLabel: t(`riskTypes.${a.riskType}`),
        measure: a.measure,
        status: a.status,
        dueAt: a.dueAt?.toISOString() ?? null,
        dueProvisional: a.dueProvisional,
        overdue: a.status === "OPEN" && !!a.dueAt && a.dueAt < now,
        report: a.report,
      })),
    };
  }

  async report(principal: StaffPrincipal, id: string, report: string) {
    const { prisma, now: clock } = this.deps;
    const now = clock();
    const result = await prisma.$transaction(async (tx) => {
      const assignment = await tx.departmentAssignment.findFirst({ where: { id, ...this.scope(principal) }, include: { case: true } });
      if (!assignment) throw new NotFoundError("ASSIGNMENT_NOT_FOUND");
      const claimed =
        await tx.$executeRaw`UPDATE "DepartmentAssignment" SET "status" = 'REPORTED', "report" = ${report}, "reportedAt" = ${now}, "reportedBy" = ${principal.id}
        WHERE "id" = ${id}::uuid AND "status" = 'OPEN'`;
      if (claimed !== 1) throw new ConflictError("ASSIGNMENT_ALREADY_REPORTED");
      await tx.caseEvent.create({
        data: {
          caseId: assignment.caseId,
          at: now,
          actorType: "STAFF",
          actorId: principal.id,
          actorRole: principal.role,
          action: "DEPARTMENT_REPORTED",
          fromStage: assignment.case.stage,
          toStage: assignment.case.stage,
          payload: {
            assignmentId: id,
            department: assignment.department,
            riskType: assignment.riskType,
            measure: assignment.measure,
            report,
          },
        },
      });
      const notice = caseMovedNotice(assignment.case, { fromStage: assignment.case.stage, event: "DEPARTMENT_REPORTED", regionCode: null });
      await recordNotices(tx, [notice], now);
      return notice;
    });
    this.deps.notifier.publish(result);
    return { id, status: "REPORTED" as const };
  }
}
