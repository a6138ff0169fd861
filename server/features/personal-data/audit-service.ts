import type { AccessLogQuery, CaseTrace } from "./audit-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import { periodBounds } from "../dashboard-and-ledgers/ledgers.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { NotFoundError } from "../../core/errors.ts";
import { maskBankAccount, maskIdNumber, maskName, maskPhone } from "../../core/personal-data.ts";
import { StaffAccessLog } from "./access-log.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { streamSpreadsheet } from "../../platform/spreadsheets/spreadsheet-stream.ts";
import { type AccessContext } from "../../http/access-context.ts";
import { contentDisposition, spreadsheetContentTypes, type CellValue } from "../../platform/spreadsheets/spreadsheet-formats.ts";

const accessInclude = {
  staff: { select: { id: true, displayName: true, username: true } },
  case: { select: { number: true } },
} satisfies Prisma.StaffAccessLogInclude;
type AccessRow = Prisma.StaffAccessLogGetPayload<{ include: typeof accessInclude }>;

/**
 * What auditors read: one case's full trace (the case masked, every event,
 * every staff access, consents, files, tasks, department assignments) and the
 * staff-access log of their county. Auditors read; their reading is logged too.
 */
export class AuditService {
  private readonly accessLog: StaffAccessLog;

  constructor(private readonly deps: ServiceDeps) {
    this.accessLog = new StaffAccessLog(deps);
  }

  /** The trace of one case in the auditor's region (404 outside it); the export itself is the last access it lists. */
  async caseTrace(
    principal: StaffPrincipal,
    caseId: string,
    format: "json" | "xlsx" | "csv",
    context: AccessContext = {},
  ): Promise<CaseTrace> {
    const { prisma, cipher, now } = this.deps;
    const exists = await prisma.case.findFirst({
      where: { id: caseId, regionPath: { startsWith: principal.regionPath } },
      select: { id: true },
    });
    if (!exists) throw new NotFoundError("CASE_NOT_FOUND");
    await this.accessLog.record(principal, [{ action: "EXPORT_TRACE", caseId, detail: { format } }], context);
    const c = await prisma.case.findUniqueOrThrow({
      where: { id: caseId },
      include: {
        region: { select: { code: true, name: true } },
        workflow: { select: { key: true, version: true } },
        household: { select: { number: true } },
        events: { orderBy: [{ at: "asc" }, { id: "asc" }] },
        accesses: { orderBy: [{ at: "asc" }, { id: "asc" }], include: accessInclude },
        consents: { orderBy: { grantedAt: "asc" } },
        attachments: { orderBy: { createdAt: "asc" } },
        tasks: { orderBy: { createdAt: "asc" } },
        assignments: { orderBy: { createdAt: "asc" } },
      },
    });
    const staffIds = [...new Set(c.events.filter((e) => e.actorType === "STAFF" && e.actorId).map((e) => e.actorId!))];
    const staff = new Map(
      (await prisma.staffAccount.findMany({ where: { id: { in: staffIds } }, select: { id: true, displayName: true } })).map((s) => [
        s.id,
        s.displayName,
      ]),
    );
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      exportedAt: now().toISOString(),
      case: {
        id: c.id,
        number: c.number,
        kind: c.kind,
        channel: c.channel,
        riskTypes: c.riskTypes,
        status: c.status,
        stage: c.stage,
        region: c.region,
        routing: c.routing,
        workflow: c.workflow,
        applicantNameMasked: maskName(c.applicantName),
        phoneMasked: maskPhone(cipher.decrypt(c.contactPhoneEnc)),
        idNumberMasked: c.applicantIdNumberEnc ? maskIdNumber(cipher.decrypt(c.applicantIdNumberEnc)) : null,
        bankAccountMasked: c.bankAccountEnc ? maskBankAccount(cipher.decrypt(c.bankAccountEnc)) : null,
        householdNumber: c.household?.number ?? null,
        submittedAt: c.createdAt.toISOString(),
        stageDueAt: iso(c.stageDueAt),
        stageDueProvisional: c.stageDueProvisional,
        caseDueAt: iso(c.caseDueAt),
        caseDueProvisional: c.caseDueProvisional,
        monitoredSince: iso(c.monitoredSince),
        personalDataErasedAt: iso(c.personalDataErasedAt),
      },
      events: c.events.map((e) => ({
        id: e.id.toString(),
        at: e.at.toISOString(),
        actorType: e.actorType,
        actorId: e.actorId,
        // Residents are named by the case's (masked) applicant name at most; staff by their display name.
        actorName: e.actorType === "STAFF" && e.actorId ? (staff.get(e.actorId) ?? null) : null,
        actorRole: e.actorRole,
        action: e.action,
        fromStage: e.fromStage,
        toStage: e.toStage,
        reason: e.reason,
        payload: e.payload,
      })),
      accesses: c.accesses.map(accessEntry),
      consents: c.consents.map((x) => ({
        scope: x.scope,
        method: x.method,
        grantorNameMasked: maskName(x.grantorName),
        recordedByStaffId: x.recordedByStaffId,
        grantedAt: x.grantedAt.toISOString(),
        revokedAt: iso(x.revokedAt),
      })),
      attachments: c.attachments.map((a) => ({
        id: a.id,
        kind: a.kind,
        mimeType: a.mimeType,
        size: a.size,
        sha256: a.sha256,
        uploadedByType: a.uploadedByType,
        uploadedById: a.uploadedById,
        uploadedAt: a.createdAt.toISOString(),
      })),
      tasks: c.tasks.map((task) => ({
        id: task.id,
        stage: task.stage,
        desk: task.desk,
        regionPath: task.regionPath,
        status: task.status,
        dueAt: iso(task.dueAt),
        dueProvisional: task.dueProvisional,
        createdAt: task.createdAt.toISOString(),
        completedAt: iso(task.completedAt),
        completedBy: task.completedBy,
        escalatedAt: iso(task.escalatedAt),
        escalatedToPath: task.escalatedToPath,
      })),
      assignments: c.assignments.map((a) => ({
        department: a.department,
        riskType: a.riskType,
        measure: a.measure,
        status: a.status,
        dueAt: iso(a.dueAt),
        dueProvisional: a.dueProvisional,
        createdAt: a.createdAt.toISOString(),
        report: a.report,
        reportedAt: iso(a.reportedAt),
        reportedBy: a.reportedBy,
      })),
    };
  }

  /** The trace as one spreadsheet: everything that happened to the case and everybody who looked, in time order. */
  async caseTraceFile(principal: StaffPrincipal, caseId: string, format: "xlsx" | "csv", locale: Locale, context: AccessContext = {}) {
    const trace = await this.caseTrace(principal, caseId, format, context);
    const t = translator(locale);
    const rows: { at: string; cells: CellValue[] }[] = [
      ...trace.events.map((e) => ({
        at: e.at,
        cells: [
          e.at,
          t("audit.trace.kinds.event"),
          e.actorName ?? e.actorId ?? "",
          e.actorRole ?? e.actorType,
          e.action,
          [e.fromStage, e.toStage].filter(Boolean).join(" → "),
          e.reason ?? "",
        ],
      })),
      ...trace.accesses.map((a) => ({
        at: a.at,
        cells: [a.at, t("audit.trace.kinds.access"), a.staff.displayName, a.staffRole, a.action, a.subject ?? "", a.reason ?? ""],
      })),
      ...trace.consents.map((x) => ({
        at: x.grantedAt,
        cells: [x.grantedAt, t("audit.trace.kinds.consent"), x.grantorNameMasked, "", x.scope, x.method, x.revokedAt ?? ""],
      })),
      ...trace.attachments.map((a) => ({
        at: a.uploadedAt,
        cells: [a.uploadedAt, t("audit.trace.kinds.attachment"), a.uploadedById, a.uploadedByType, a.kind, a.mimeType, `${a.size}`],
      })),
      ...trace.tasks.map((task) => ({
        at: task.createdAt,
        cells: [task.createdAt, t("audit.trace.kinds.task"), task.completedBy ?? "", task.desk, task.stage, task.status, task.dueAt ?? ""],
      })),
      ...trace.assignments.map((a) => ({
        at: a.createdAt,
        cells: [a.createdAt, t("audit.trace.kinds.assignment"), a.reportedBy ?? "", a.department, a.measure, a.status, a.report ?? ""],
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const columns = ["at", "kind", "who", "role", "what", "detail", "reason"].map((key) => ({
      header: t(`audit.trace.columns.${key}`),
      width: key === "reason" || key === "detail" ? 30 : 18,
    }));
    const title = t("audit.trace.title", { number: trace.case.number });
    async function* pages() {
      yield rows.map((r) => r.cells);
    }
    return {
      stream: streamSpreadsheet(format, title, columns, pages()),
      contentType: spreadsheetContentTypes[format],
      contentDisposition: contentDisposition(`${title}.${format}`, `case-trace-${trace.case.number}.${format}`),
    };
  }

  /** The staff-access log of the auditor's region (staff working there), newest first. */
  async accessLogPage(principal: StaffPrincipal, query: AccessLogQuery) {
    const where: Prisma.StaffAccessLogWhereInput[] = [{ staff: { region: { path: { startsWith: principal.regionPath } } } }];
    if (query.caseNumber) where.push({ case: { number: query.caseNumber } });
    if (query.staff) where.push({ staff: { username: query.staff } });
    if (query.action) where.push({ action: query.action });
    const period = periodBounds(query.from, query.to);
    if (period.gte) where.push({ at: { gte: period.gte } });
    if (period.lt) where.push({ at: { lt: period.lt } });
    if (query.cursor) where.push({ id: { lt: BigInt(query.cursor) } });
    const rows = await this.deps.prisma.staffAccessLog.findMany({
      where: { AND: where },
      orderBy: { id: "desc" },
      take: query.limit + 1,
      include: accessInclude,
    });
    const page = rows.slice(0, query.limit);
    return { items: page.map(accessEntry), nextCursor: rows.length > query.limit ? page.at(-1)!.id.toString() : null };
  }
}

function accessEntry(a: AccessRow) {
  return {
    id: a.id.toString(),
    at: a.at.toISOString(),
    staff: a.staff,
    staffRole: a.staffRole,
    action: a.action,
    caseNumber: a.case?.number ?? null,
    subject: a.subject,
    reason: a.reason,
    detail: a.detail,
    requestId: a.requestId,
    ip: a.ip,
  };
}
