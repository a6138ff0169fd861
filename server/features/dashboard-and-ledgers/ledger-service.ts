import type { PassThrough } from "node:stream";
import type { Channel, Locale, RiskType } from "../../core/vocabulary.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import {
  cellsOf,
  chinaDateText,
  columnsFor,
  ledgers,
  periodBounds,
  type CaseLedgerDefinition,
  type CellContext,
  type HouseholdLedgerRow,
  type HouseholdLedgerSelection,
  type LedgerColumn,
  type LedgerFormat,
  type LedgerRow,
} from "./ledgers.ts";
import {
  hardshipOrder,
  householdRules,
  profileOf,
  rankWithin,
  type HouseholdProfile,
  type HouseholdRecord,
  type QualifyingFact,
} from "../households/household-selections.ts";
import type { RegionTree } from "../../core/regions/routing.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { StaffAccessLog } from "../personal-data/access-log.ts";
import { caseFilterWhere } from "../cases/case-filters.ts";
import { streamSpreadsheet } from "../../platform/spreadsheets/spreadsheet-stream.ts";
import { guaranteesAtRiskIn } from "../households/household-assessor.ts";
import { isLedgerId, ledgerIds } from "../../core/vocabulary.ts";
import { type AccessContext } from "../../http/access-context.ts";
import { contentDisposition, spreadsheetContentTypes } from "../../platform/spreadsheets/spreadsheet-formats.ts";

/** The queue's filters (GET /api/staff/cases) plus a period, all optional. */
export interface LedgerQuery {
  status?: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | "WITHDRAWN";
  stage?: string;
  riskType?: RiskType;
  channel?: Channel;
  regionCode?: string;
  overdue?: boolean;
  /** China calendar dates, inclusive. */
  from?: string;
  to?: string;
}

export interface LedgerDownload {
  stream: PassThrough;
  contentType: string;
  contentDisposition: string;
}

const eliminatedStage = "RISK_ELIMINATED";

const rowSelect = {
  id: true,
  number: true,
  kind: true,
  channel: true,
  riskTypes: true,
  applicantName: true,
  contactPhoneEnc: true,
  applicantIdNumberEnc: true,
  stage: true,
  status: true,
  createdAt: true,
  stageDueAt: true,
  stageDueProvisional: true,
  monitoredSince: true,
  region: { select: { name: true } },
  events: { where: { toStage: eliminatedStage }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 1, select: { at: true } },
} satisfies Prisma.CaseSelect;

const householdSelect = {
  number: true,
  category: true,
  monitoringStatus: true,
  region: { select: { id: true, code: true, path: true } },
  members: {
    select: { name: true, relation: true, birthDate: true, labourCapacity: true, health: true, schooling: true, idNumberEnc: true },
    orderBy: [{ birthDate: "asc" }, { id: "asc" }],
  },
  incomes: { select: { year: true, source: true, amount: true, productionCost: true } },
  expenses: { select: { year: true, kind: true, amount: true } },
  cases: {
    select: {
      status: true,
      riskTypes: true,
      events: {
        where: { action: "HOME_VISIT_RECORDED" },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: 1,
        select: { at: true, payload: true },
      },
    },
  },
} satisfies Prisma.HouseholdSelect;

/** The queue's filters that say something about cases: a household ledger takes none of them. */
const caseOnlyFilters = ["status", "stage", "riskType", "channel", "overdue", "from", "to"] as const;

/** What a download is made of: the columns the viewer may see, and the rows page by page. */
interface LedgerSource<Row> {
  columns: LedgerColumn<Row>[];
  pages: AsyncIterable<Row[]>;
}

/**
 * Streams ledgers (台账) of a staff member's region as XLSX or CSV: cases read
 * page by page in (createdAt, id) order, households in (region path, number)
 * order, each page written as it arrives, so a county-wide export never sits
 * in memory whole.
 */
export class LedgerService {
  private readonly accessLog: StaffAccessLog;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly pageSize = 500,
  ) {
    this.accessLog = new StaffAccessLog(deps);
  }

  list(locale: Locale) {
    const t = translator(locale);
    return {
      items: ledgerIds.map((id) => ({
        id,
        title: t(ledgers[id].title),
        subject: ledgers[id].subject,
        formats: ["xlsx", "csv"] as LedgerFormat[],
      })),
    };
  }

  /**
   * Everything that can fail with a clear answer (unknown ledger, region out
   * of scope) fails here, before the first byte; the rows follow on the stream.
   * The download is written to the staff-access log with its filters (one
   * entry per file: its rows are masked, and a county ledger lists thousands).
   */
  async export(
    principal: StaffPrincipal,
    id: string,
    format: LedgerFormat,
    query: LedgerQuery,
    locale: Locale,
    context: AccessContext = {},
  ): Promise<LedgerDownload> {
    if (!isLedgerId(id)) throw new NotFoundError("LEDGER_NOT_FOUND");
    const ledger = ledgers[id];
    const t = translator(locale);
    const ctx: CellContext = { t, now: this.deps.now() };
    const title = t(ledger.title);
    const stamp = chinaDateText(ctx.now)!;
    let stream: PassThrough;
    if (ledger.subject === "cases") {
      const where = await this.whereFor(principal, ledger, query);
      stream = this.stream(format, title, { columns: columnsFor(ledger, principal.role), pages: this.rows(where) }, ctx);
    } else {
      const scope = await this.householdScope(principal, query);
      stream = this.stream(
        format,
        title,
        { columns: columnsFor(ledger, principal.role), pages: this.householdRows(scope, ledger.selection, ctx.now) },
        ctx,
      );
    }
    await this.accessLog.record(principal, [{ action: "EXPORT_LEDGER", subject: id, detail: { format, ...query } }], context);
    return {
      stream,
      contentType: spreadsheetContentTypes[format],
      contentDisposition: contentDisposition(`${title}-${stamp}.${format}`, `ledger-${id}-${stamp}.${format}`),
    };
  }

  private stream<Row>(format: LedgerFormat, title: string, { columns, pages }: LedgerSource<Row>, ctx: CellContext): PassThrough {
    const cells = async function* () {
      for await (const page of pages) yield page.map((row) => cellsOf(columns, row, ctx));
    };
    return streamSpreadsheet(
      format,
      title,
      columns.map((c) => ({ header: ctx.t(c.header), width: c.width })),
      cells(),
    );
  }

  private async whereFor(principal: StaffPrincipal, ledger: CaseLedgerDefinition, query: LedgerQuery): Promise<Prisma.CaseWhereInput[]> {
    const where = await caseFilterWhere(this.deps, principal, query);

    const { selection } = ledger;
    if (selection.monitoredOnly) where.push({ monitoredSince: { not: null } });
    if (selection.stages) where.push({ stage: { in: [...selection.stages] } });
    const period = periodBounds(query.from, query.to);
    if (period.gte || period.lt) {
      const range = { ...(period.gte ? { gte: period.gte } : {}), ...(period.lt ? { lt: period.lt } : {}) };
      if (selection.period.on === "submittedAt") where.push({ createdAt: range });
      else if (selection.period.on === "monitoredSince") where.push({ monitoredSince: range });
      else where.push({ events: { some: { toStage: selection.period.stage, at: range } } });
    }
    return where;
  }

  /** Pages of rows in (createdAt, id) order; the cursor is the last row seen. */
  private async *rows(where: Prisma.CaseWhereInput[]): AsyncGenerator<LedgerRow[]> {
    const { prisma, cipher } = this.deps;
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const cursor: Prisma.CaseWhereInput[] = after
        ? [{ OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }]
        : [];
      const page = await prisma.case.findMany({
        where: { AND: [...where, ...cursor] },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: this.pageSize,
        select: rowSelect,
      });
      if (page.length === 0) return;
      yield page.map((c) => ({
        number: c.number,
        kind: c.kind,
        channel: c.channel,
        riskTypes: c.riskTypes,
        regionName: c.region.name,
        applicantName: c.applicantName,
        phone: cipher.decrypt(c.contactPhoneEnc),
        idNumber: c.applicantIdNumberEnc ? cipher.decrypt(c.applicantIdNumberEnc) : null,
        stage: c.stage,
        status: c.status,
        submittedAt: c.createdAt,
        stageDueAt: c.stageDueAt,
        stageDueProvisional: c.stageDueProvisional,
        monitoredSince: c.monitoredSince,
        eliminatedAt: c.events[0]?.at ?? null,
      }));
      if (page.length < this.pageSize) return;
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /**
   * A household ledger lists households, not cases: only the region narrows
   * it, and a case filter is refused rather than silently ignored.
   */
  private async householdScope(principal: StaffPrincipal, query: LedgerQuery): Promise<{ path: string; tree: RegionTree }> {
    for (const field of caseOnlyFilters) if (query[field] !== undefined) throw new InvalidInputError("LEDGER_FILTER_NOT_APPLICABLE", field);
    const tree = await this.deps.regions.tree();
    if (!query.regionCode) return { path: principal.regionPath, tree };
    const region = tree.getByCode(query.regionCode);
    if (!region) throw new NotFoundError("UNKNOWN_REGION");
    if (!region.path.startsWith(principal.regionPath)) throw new ForbiddenError("REGION_OUT_OF_SCOPE");
    return { path: region.path, tree };
  }

  /**
   * The households of the scope that meet the ledger's rule, page by page in
   * (region path, number) order, so each village's households come together.
   * A ranked ledger holds back one village's qualifying households until the
   * next village starts, then writes its first N hardest first.
   */
  private async *householdRows(
    scope: { path: string; tree: RegionTree },
    selection: HouseholdLedgerSelection,
    asOf: Date,
  ): AsyncGenerator<HouseholdLedgerRow[]> {
    const { prisma, cipher, assessor } = this.deps;
    const rule = householdRules[selection.rule];
    let after: { path: string; number: string } | null = null;
    let village: { key: string; rows: { profile: HouseholdProfile; facts: QualifyingFact[] }[] } | null = null;
    for (;;) {
      const cursor: Prisma.HouseholdWhereInput[] = after
        ? [{ OR: [{ region: { path: { gt: after.path } } }, { region: { path: after.path }, number: { gt: after.number } }] }]
        : [];
      const page = await prisma.household.findMany({
        where: { AND: [{ region: { path: { startsWith: scope.path } } }, ...cursor] },
        orderBy: [{ region: { path: "asc" } }, { number: "asc" }],
        take: this.pageSize,
        select: householdSelect,
      });
      const out: HouseholdLedgerRow[] = [];
      for (const h of page) {
        const node = scope.tree.get(h.region.id);
        const villageNode = node ? (scope.tree.ancestorAt(node, "VILLAGE") ?? node) : undefined;
        const head = h.members.find((m) => m.relation === "HEAD");
        const latestVisit = h.cases.flatMap((c) => c.events).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
        const record: HouseholdRecord = {
          number: h.number,
          villageName: villageNode?.name ?? "",
          category: h.category,
          monitoringStatus: h.monitoringStatus,
          headIdNumber: head ? cipher.decrypt(head.idNumberEnc) : null,
          members: h.members,
          incomes: h.incomes,
          expenses: h.expenses,
          activeCaseRiskTypes: h.cases.filter((c) => c.status === "OPEN" || c.status === "APPROVED").flatMap((c) => c.riskTypes),
          guaranteesAtRisk: latestVisit ? guaranteesAtRiskIn(latestVisit.payload) : [],
        };
        const profile = profileOf(record, (year) => assessor.standardFor(year, h.region.code), asOf);
        const facts = rule(profile);
        if (!facts) continue;
        if (!selection.perVillage) {
          out.push({ profile, facts, rank: null });
          continue;
        }
        const key = villageNode?.id ?? h.region.id;
        if (village && village.key !== key) {
          out.push(...rankWithin(village.rows, selection.perVillage, hardshipOrder));
          village = null;
        }
        (village ??= { key, rows: [] }).rows.push({ profile, facts });
      }
      const done = page.length < this.pageSize;
      if (done && village && selection.perVillage) out.push(...rankWithin(village.rows, selection.perVillage, hardshipOrder));
      if (out.length > 0) yield out;
      if (done) return;
      const last = page.at(-1)!;
      after = { path: last.region.path, number: last.number };
    }
  }
}
