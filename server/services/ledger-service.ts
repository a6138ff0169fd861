import { PassThrough, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Locale, RiskType } from "../api/common-schemas.ts";
import type { Prisma } from "../db/generated/client.ts";
import {
  cellsOf,
  chinaDateText,
  columnsFor,
  contentDisposition,
  csvLine,
  isLedgerId,
  ledgerContentTypes,
  ledgerIds,
  ledgers,
  periodBounds,
  utf8Bom,
  type CellContext,
  type LedgerColumn,
  type LedgerDefinition,
  type LedgerFormat,
  type LedgerRow,
} from "../domain/ledgers.ts";
import { translator } from "../i18n/i18n.ts";
import { NotFoundError } from "../lib/errors.ts";
import type { StaffPrincipal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";
import { caseFilterWhere } from "./case-filters.ts";

/** The queue's filters (GET /api/staff/cases) plus a period, all optional. */
export interface LedgerQuery {
  status?: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | "WITHDRAWN";
  stage?: string;
  riskType?: RiskType;
  channel?: "BOT" | "MINI_PROGRAM" | "GRID_WORKER" | "DEPARTMENT_SCREENING" | "CADRE_VISIT" | "WEB";
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
  monitoredSince: true,
  region: { select: { name: true } },
  events: { where: { toStage: eliminatedStage }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 1, select: { at: true } },
} satisfies Prisma.CaseSelect;

/**
 * Streams ledgers (台账) of the cases in a staff member's region as XLSX or
 * CSV: read page by page in (createdAt, id) order and written as each page
 * arrives, so a county-wide export never sits in memory whole.
 */
export class LedgerService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly pageSize = 500,
  ) {}

  list(locale: Locale) {
    const t = translator(locale);
    return { items: ledgerIds.map((id) => ({ id, title: t(ledgers[id].title), formats: ["xlsx", "csv"] as LedgerFormat[] })) };
  }

  /**
   * Everything that can fail with a clear answer (unknown ledger, region out
   * of scope) fails here, before the first byte; the rows follow on the stream.
   */
  async export(principal: StaffPrincipal, id: string, format: LedgerFormat, query: LedgerQuery, locale: Locale): Promise<LedgerDownload> {
    if (!isLedgerId(id)) throw new NotFoundError("LEDGER_NOT_FOUND");
    const ledger = ledgers[id];
    const where = await this.whereFor(principal, ledger, query);
    const t = translator(locale);
    const ctx: CellContext = { t, now: this.deps.now() };
    const columns = columnsFor(ledger, principal.role);
    const title = t(ledger.title);
    const stamp = chinaDateText(ctx.now)!;
    const stream = new PassThrough();
    const write = format === "csv" ? this.writeCsv(stream, where, columns, ctx) : this.writeXlsx(stream, title, where, columns, ctx);
    // The response has started by the time a read fails: all that is left is to cut the download short.
    write.catch((err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
    return {
      stream,
      contentType: ledgerContentTypes[format],
      contentDisposition: contentDisposition(`${title}-${stamp}.${format}`, `ledger-${id}-${stamp}.${format}`),
    };
  }

  private async whereFor(principal: StaffPrincipal, ledger: LedgerDefinition, query: LedgerQuery): Promise<Prisma.CaseWhereInput[]> {
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
      const cursor: Prisma.CaseWhereInput[] = after ? [{ OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }] : [];
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
        monitoredSince: c.monitoredSince,
        eliminatedAt: c.events[0]?.at ?? null,
      }));
      if (page.length < this.pageSize) return;
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  private async writeCsv(out: PassThrough, where: Prisma.CaseWhereInput[], columns: LedgerColumn[], ctx: CellContext) {
    out.write(utf8Bom + csvLine(columns.map((c) => ctx.t(c.header))));
    for await (const page of this.rows(where)) {
      if (out.destroyed) return;
      out.write(page.map((row) => csvLine(cellsOf(columns, row, ctx))).join(""));
      if (!(await drained(out))) return;
    }
    out.end();
  }

  private async writeXlsx(out: PassThrough, title: string, where: Prisma.CaseWhereInput[], columns: LedgerColumn[], ctx: CellContext) {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    // Sheet names: at most 31 characters, none of []:*?/\.
    const sheet = workbook.addWorksheet(title.replace(/[[\]:*?/\\]/g, " ").slice(0, 31));
    sheet.columns = columns.map((c) => ({ key: c.key, width: c.width }));
    sheet.addRow(columns.map((c) => ctx.t(c.header))).commit();
    for await (const page of this.rows(where)) {
      if (out.destroyed) return;
      for (const row of page) sheet.addRow(cellsOf(columns, row, ctx)).commit();
      if (!(await drained(out))) return;
    }
    sheet.commit();
    // Ends `out` once the zip is complete.
    await workbook.commit();
  }
}

/** Waits while the reader is behind; false once the download was abandoned. */
function drained(out: Writable): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (!out.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    out.once("drain", onDrain);
    out.once("close", onClose);
  });
}
