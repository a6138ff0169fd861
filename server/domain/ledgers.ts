import { chinaDate, MS_PER_DAY } from "./china-time.ts";
import { maskIdNumber, maskName, maskPhone } from "../lib/personal-data.ts";

/**
 * Ledgers (台账): the case lists offices keep and exchange as spreadsheets
 * (seed 002 附件). Each ledger is data: which cases it lists, and which columns
 * it shows. The service turns the selection into a query; nothing here knows
 * about Prisma, HTTP or a file format.
 */

export const ledgerIds = ["queue", "newly-identified", "risk-eliminated"] as const;
export type LedgerId = (typeof ledgerIds)[number];

export const ledgerFormats = ["xlsx", "csv"] as const;
export type LedgerFormat = (typeof ledgerFormats)[number];

/** Which cases a ledger lists, on top of the caller's region and the request's filters. */
export interface LedgerSelection {
  /** Only cases the county approved as monitoring objects (monitoredSince set). */
  monitoredOnly?: boolean;
  /** Only cases now at one of these workflow stages. */
  stages?: readonly string[];
  /** The instant a from/to period is applied to. */
  period: { on: "submittedAt" } | { on: "monitoredSince" } | { on: "enteredStage"; stage: string };
}

/** One case as a ledger reads it: clear values, masked by the columns. */
export interface LedgerRow {
  number: string;
  kind: string;
  channel: string;
  riskTypes: readonly string[];
  regionName: string;
  applicantName: string;
  phone: string;
  idNumber: string | null;
  stage: string;
  status: string;
  submittedAt: Date;
  stageDueAt: Date | null;
  monitoredSince: Date | null;
  /** When the case last entered RISK_ELIMINATED, if it did. */
  eliminatedAt: Date | null;
}

export interface CellContext {
  /** An i18next translator for the viewer's locale. */
  t: (key: string, options?: Record<string, unknown>) => string;
  now: Date;
}

export type CellValue = string | number | null;

export interface LedgerColumn {
  key: string;
  /** i18n key of the header. */
  header: string;
  /** Reveals health (illness, disability): left out for department handlers. */
  healthRelated?: boolean;
  /** Suggested spreadsheet column width, in characters. */
  width: number;
  value(row: LedgerRow, ctx: CellContext): CellValue;
}

export interface LedgerDefinition {
  id: LedgerId;
  /** i18n key of the title (also the file name and the sheet name). */
  title: string;
  selection: LedgerSelection;
  columns: readonly LedgerColumn[];
}

/** A China calendar date, "2026-11-25". */
export function chinaDateText(date: Date | null): string | null {
  if (!date) return null;
  const d = chinaDate(date);
  return `${d.year}-${String(d.month + 1).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

const column = {
  number: { key: "number", header: "ledgers.columns.number", width: 14, value: (r) => r.number },
  region: { key: "region", header: "ledgers.columns.region", width: 12, value: (r) => r.regionName },
  // Names, phones and ID numbers are masked for everyone: a ledger leaves the system as a file.
  applicantName: { key: "applicantName", header: "ledgers.columns.applicantName", width: 10, value: (r) => maskName(r.applicantName) },
  phone: { key: "phone", header: "ledgers.columns.phone", width: 14, value: (r) => maskPhone(r.phone) },
  idNumber: { key: "idNumber", header: "ledgers.columns.idNumber", width: 20, value: (r) => (r.idNumber ? maskIdNumber(r.idNumber) : null) },
  kind: { key: "kind", header: "ledgers.columns.kind", width: 16, value: (r, { t }) => t(`kinds.${r.kind}`, { defaultValue: r.kind }) },
  channel: { key: "channel", header: "ledgers.columns.channel", width: 12, value: (r, { t }) => t(`ledgers.channels.${r.channel}`, { defaultValue: r.channel }) },
  // 因病 / 因残 say something about a person's health.
  riskTypes: {
    key: "riskTypes",
    header: "ledgers.columns.riskTypes",
    healthRelated: true,
    width: 18,
    value: (r, { t }) => r.riskTypes.map((x) => t(`riskTypes.${x}`, { defaultValue: x })).join(t("ledgers.listSeparator")),
  },
  stage: { key: "stage", header: "ledgers.columns.stage", width: 16, value: (r, { t }) => t(`stages.${r.stage}`, { defaultValue: r.stage }) },
  status: { key: "status", header: "ledgers.columns.status", width: 10, value: (r, { t }) => t(`statuses.${r.status}`, { defaultValue: r.status }) },
  submittedAt: { key: "submittedAt", header: "ledgers.columns.submittedAt", width: 12, value: (r) => chinaDateText(r.submittedAt) },
  stageDueAt: { key: "stageDueAt", header: "ledgers.columns.stageDueAt", width: 12, value: (r) => chinaDateText(r.stageDueAt) },
  overdue: {
    key: "overdue",
    header: "ledgers.columns.overdue",
    width: 8,
    value: (r, { t, now }) => t(r.status === "OPEN" && !!r.stageDueAt && r.stageDueAt < now ? "ledgers.yes" : "ledgers.no"),
  },
  monitoredSince: { key: "monitoredSince", header: "ledgers.columns.monitoredSince", width: 12, value: (r) => chinaDateText(r.monitoredSince) },
  eliminatedAt: { key: "eliminatedAt", header: "ledgers.columns.eliminatedAt", width: 12, value: (r) => chinaDateText(r.eliminatedAt) },
} satisfies Record<string, LedgerColumn>;

export const ledgers: Record<LedgerId, LedgerDefinition> = {
  queue: {
    id: "queue",
    title: "ledgers.titles.queue",
    selection: { period: { on: "submittedAt" } },
    columns: [
      column.number,
      column.region,
      column.applicantName,
      column.phone,
      column.idNumber,
      column.kind,
      column.channel,
      column.riskTypes,
      column.stage,
      column.status,
      column.submittedAt,
      column.stageDueAt,
      column.overdue,
    ],
  },
  /** 新识别监测对象: approved by the county (the DISPATCHED step sets monitoredSince). */
  "newly-identified": {
    id: "newly-identified",
    title: "ledgers.titles.newly-identified",
    selection: { monitoredOnly: true, period: { on: "monitoredSince" } },
    columns: [column.number, column.region, column.applicantName, column.phone, column.idNumber, column.kind, column.riskTypes, column.monitoredSince, column.stage, column.status],
  },
  /** 风险消除: the county approved elimination (stage RISK_ELIMINATED, status CLOSED); a re-identified case leaves the list. */
  "risk-eliminated": {
    id: "risk-eliminated",
    title: "ledgers.titles.risk-eliminated",
    selection: { stages: ["RISK_ELIMINATED"], period: { on: "enteredStage", stage: "RISK_ELIMINATED" } },
    columns: [column.number, column.region, column.applicantName, column.phone, column.idNumber, column.kind, column.riskTypes, column.monitoredSince, column.eliminatedAt],
  },
};

export function isLedgerId(id: string): id is LedgerId {
  return (ledgerIds as readonly string[]).includes(id);
}

/** The columns a viewer may see: department handlers get nothing that reveals health. */
export function columnsFor(ledger: LedgerDefinition, role: string): LedgerColumn[] {
  return ledger.columns.filter((c) => !(c.healthRelated && role === "DEPARTMENT"));
}

export function cellsOf(columns: readonly LedgerColumn[], row: LedgerRow, ctx: CellContext): CellValue[] {
  return columns.map((c) => c.value(row, ctx));
}

/**
 * A from/to pair of China calendar dates ("2026-11-01") as instants: from
 * 00:00 +08:00 of `from` (inclusive) to 00:00 +08:00 of the day after `to`
 * (exclusive). Either end may be missing.
 */
export function periodBounds(from?: string, to?: string): { gte?: Date; lt?: Date } {
  const startOf = (date: string) => {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d) - 8 * 3_600_000;
  };
  return {
    ...(from ? { gte: new Date(startOf(from)) } : {}),
    ...(to ? { lt: new Date(startOf(to) + MS_PER_DAY) } : {}),
  };
}

/** Content types and the UTF-8 byte-order mark Excel needs to read a CSV as Chinese. */
export const ledgerContentTypes: Record<LedgerFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};
export const utf8Bom = "\uFEFF";

/**
 * One CSV line (RFC 4180, CRLF). Text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR at the start) gets a leading apostrophe: names and
 * addresses come from the public.
 */
export function csvLine(values: readonly CellValue[]): string {
  return (
    values
      .map((value) => {
        if (value === null) return "";
        let text = String(value);
        if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(",") + "\r\n"
  );
}

/**
 * `attachment` with an ASCII fallback and the real (Chinese) name in
 * RFC 5987 form: 监测对象台账-2026-11-25.xlsx.
 */
export function contentDisposition(filename: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encoded}`;
}
