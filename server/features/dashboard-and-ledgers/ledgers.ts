import { chinaDate, MS_PER_DAY } from "../../core/china-time.ts";
import { maskIdNumber, maskName, maskPhone } from "../../core/personal-data.ts";
import { type CaseLedgerId, type HouseholdLedgerId, type StaffRole } from "../../core/vocabulary.ts";
import { seesHealth } from "../../core/personal-data-policy.ts";
import {
  hardestPerVillage,
  isHealthFact,
  type HouseholdProfile,
  type HouseholdRuleId,
  type QualifyingFact,
} from "../households/household-selections.ts";
import { spreadsheetFormats, type CellValue, type SpreadsheetFormat } from "../../platform/spreadsheets/spreadsheet-formats.ts";

/**
 * Ledgers (台账): the lists offices keep and exchange as spreadsheets (seed
 * 002 附件). Each ledger is data: what it lists (cases, or households), which
 * of them (its selection), and which columns it shows. The service turns the
 * selection into a query (cases) or runs its rule over the household records
 * (households, server/features/households/household-selections.ts); nothing here knows
 * about Prisma, HTTP or a file format.
 */

export const ledgerSubjects = ["cases", "households"] as const;
export type LedgerSubject = (typeof ledgerSubjects)[number];

export const ledgerFormats = spreadsheetFormats;
export type LedgerFormat = SpreadsheetFormat;

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
  /** The due date counts days of a year whose official holiday arrangement is not loaded yet. */
  stageDueProvisional: boolean;
  monitoredSince: Date | null;
  /** When the case last entered RISK_ELIMINATED, if it did. */
  eliminatedAt: Date | null;
}

export interface CellContext {
  /** An i18next translator for the viewer's locale. */
  t: (key: string, options?: Record<string, unknown>) => string;
  now: Date;
}

/** One household as a ledger reads it: its record, its figures, why it is listed, and its place in a ranked list. */
export interface HouseholdLedgerRow {
  profile: HouseholdProfile;
  facts: readonly QualifyingFact[];
  /** 1 = hardest, in ledgers that rank (null elsewhere). */
  rank: number | null;
}

/** Which households a ledger lists, on top of the caller's region. */
export interface HouseholdLedgerSelection {
  /** The rule a household must meet (server/features/households/household-selections.ts). */
  rule: HouseholdRuleId;
  /** Only the first N of each village, hardest first (最困难10户). */
  perVillage?: number;
}

export interface LedgerColumn<Row = LedgerRow> {
  key: string;
  /** i18n key of the header. */
  header: string;
  /** Reveals health (illness, disability): left out for department handlers. */
  healthRelated?: boolean;
  /** Suggested spreadsheet column width, in characters. */
  width: number;
  value(row: Row, ctx: CellContext): CellValue;
}

export interface CaseLedgerDefinition {
  id: CaseLedgerId;
  subject: "cases";
  /** i18n key of the title (also the file name and the sheet name). */
  title: string;
  selection: LedgerSelection;
  columns: readonly LedgerColumn<LedgerRow>[];
}

export interface HouseholdLedgerDefinition {
  id: HouseholdLedgerId;
  subject: "households";
  /** i18n key of the title (also the file name and the sheet name). */
  title: string;
  selection: HouseholdLedgerSelection;
  columns: readonly LedgerColumn<HouseholdLedgerRow>[];
}

export type LedgerDefinition = CaseLedgerDefinition | HouseholdLedgerDefinition;

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
  idNumber: {
    key: "idNumber",
    header: "ledgers.columns.idNumber",
    width: 20,
    value: (r) => (r.idNumber ? maskIdNumber(r.idNumber) : null),
  },
  kind: { key: "kind", header: "ledgers.columns.kind", width: 16, value: (r, { t }) => t(`kinds.${r.kind}`, { defaultValue: r.kind }) },
  channel: {
    key: "channel",
    header: "ledgers.columns.channel",
    width: 12,
    value: (r, { t }) => t(`ledgers.channels.${r.channel}`, { defaultValue: r.channel }),
  },
  // 因病 / 因残 say something about a person's health.
  riskTypes: {
    key: "riskTypes",
    header: "ledgers.columns.riskTypes",
    healthRelated: true,
    width: 18,
    value: (r, { t }) => r.riskTypes.map((x) => t(`riskTypes.${x}`, { defaultValue: x })).join(t("ledgers.listSeparator")),
  },
  stage: {
    key: "stage",
    header: "ledgers.columns.stage",
    width: 16,
    value: (r, { t }) => t(`stages.${r.stage}`, { defaultValue: r.stage }),
  },
  status: {
    key: "status",
    header: "ledgers.columns.status",
    width: 10,
    value: (r, { t }) => t(`statuses.${r.status}`, { defaultValue: r.status }),
  },
  submittedAt: { key: "submittedAt", header: "ledgers.columns.submittedAt", width: 12, value: (r) => chinaDateText(r.submittedAt) },
  stageDueAt: {
    key: "stageDueAt",
    header: "ledgers.columns.stageDueAt",
    width: 16,
    // A file outlives the calendar it was counted on: a provisional date says so in its cell.
    value: (r, { t }) =>
      r.stageDueAt && r.stageDueProvisional ? `${chinaDateText(r.stageDueAt)}${t("provisionalShort")}` : chinaDateText(r.stageDueAt),
  },
  overdue: {
    key: "overdue",
    header: "ledgers.columns.overdue",
    width: 8,
    value: (r, { t, now }) => t(r.status === "OPEN" && !!r.stageDueAt && r.stageDueAt < now ? "ledgers.yes" : "ledgers.no"),
  },
  monitoredSince: {
    key: "monitoredSince",
    header: "ledgers.columns.monitoredSince",
    width: 12,
    value: (r) => chinaDateText(r.monitoredSince),
  },
  eliminatedAt: { key: "eliminatedAt", header: "ledgers.columns.eliminatedAt", width: 12, value: (r) => chinaDateText(r.eliminatedAt) },
} satisfies Record<string, LedgerColumn>;

/** A qualifying fact in words; names masked like every name in a ledger. */
export function describeFact(fact: QualifyingFact, t: CellContext["t"]): string {
  switch (fact.kind) {
    case "BELOW_LINE":
      return t("ledgers.facts.BELOW_LINE", { income: fact.perCapitaNetIncome, line: fact.incomeLine });
    case "BELOW_LINE_AFTER_RIGID_EXPENSES":
      return t("ledgers.facts.BELOW_LINE_AFTER_RIGID_EXPENSES", { income: fact.perCapitaAfterRigidExpenses, line: fact.incomeLine });
    case "NO_LABOUR":
      return t("ledgers.facts.NO_LABOUR");
    case "GUARANTEE_AT_RISK":
      return t("ledgers.facts.GUARANTEE_AT_RISK", { guarantee: t(`ledgers.guarantees.${fact.guarantee}`) });
    case "ILL_OR_DISABLED":
      return t("ledgers.facts.ILL_OR_DISABLED", { name: maskName(fact.name), health: t(`ledgers.health.${fact.health}`) });
    case "IN_NON_COMPULSORY_SCHOOL":
      return t("ledgers.facts.IN_NON_COMPULSORY_SCHOOL", {
        name: maskName(fact.name),
        age: fact.age,
        schooling: t(`ledgers.schooling.${fact.schooling}`),
      });
    case "IDLE_LABOURER":
      return t("ledgers.facts.IDLE_LABOURER", {
        name: maskName(fact.name),
        age: fact.age,
        labour: t(`ledgers.labour.${fact.labourCapacity}`),
      });
    case "NO_WAGE_INCOME":
      return t("ledgers.facts.NO_WAGE_INCOME", { year: fact.year });
    case "WAGE_DROP":
      return t("ledgers.facts.WAGE_DROP", {
        year: fact.year,
        wage: fact.wage,
        previousYear: fact.previousYear,
        previousWage: fact.previousWage,
        drop: fact.dropPercent,
      });
    case "UNSTABLE_WORK_CASE":
      return t("ledgers.facts.UNSTABLE_WORK_CASE");
  }
}

const factList = (facts: readonly QualifyingFact[], t: CellContext["t"]) =>
  facts.length > 0 ? facts.map((f) => describeFact(f, t)).join(t("ledgers.factSeparator")) : null;

const householdColumn = {
  village: { key: "village", header: "ledgers.householdColumns.village", width: 12, value: (r) => r.profile.record.villageName },
  householdNumber: {
    key: "householdNumber",
    header: "ledgers.householdColumns.householdNumber",
    width: 20,
    value: (r) => r.profile.record.number,
  },
  // Masked like the case ledgers' names and ID numbers: the file leaves the system.
  headName: {
    key: "headName",
    header: "ledgers.householdColumns.headName",
    width: 10,
    value: (r) => (r.profile.head ? maskName(r.profile.head.name) : null),
  },
  members: { key: "members", header: "ledgers.householdColumns.members", width: 8, value: (r) => r.profile.record.members.length },
  headIdNumber: {
    key: "headIdNumber",
    header: "ledgers.householdColumns.headIdNumber",
    width: 20,
    value: (r) => (r.profile.record.headIdNumber ? maskIdNumber(r.profile.record.headIdNumber) : null),
  },
  category: {
    key: "category",
    header: "ledgers.householdColumns.category",
    width: 14,
    value: (r, { t }) => t(`ledgers.householdCategories.${r.profile.record.category}`),
  },
  monitoringStatus: {
    key: "monitoringStatus",
    header: "ledgers.householdColumns.monitoringStatus",
    width: 12,
    value: (r, { t }) => t(`ledgers.monitoringStatuses.${r.profile.record.monitoringStatus ?? "NONE"}`),
  },
  year: { key: "year", header: "ledgers.householdColumns.year", width: 8, value: (r) => r.profile.year },
  perCapitaNetIncome: {
    key: "perCapitaNetIncome",
    header: "ledgers.householdColumns.perCapitaNetIncome",
    width: 12,
    value: (r) => r.profile.assessment?.perCapitaNetIncome ?? null,
  },
  incomeLine: {
    key: "incomeLine",
    header: "ledgers.householdColumns.incomeLine",
    width: 12,
    value: (r) => r.profile.assessment?.incomeLine ?? null,
  },
  perCapitaAfterRigidExpenses: {
    key: "perCapitaAfterRigidExpenses",
    header: "ledgers.householdColumns.perCapitaAfterRigidExpenses",
    width: 14,
    value: (r) => r.profile.assessment?.perCapitaAfterRigidExpenses ?? null,
  },
  wage: {
    key: "wage",
    header: "ledgers.householdColumns.wage",
    width: 12,
    value: (r) => (r.profile.year === null ? null : r.profile.wage),
  },
  previousWage: {
    key: "previousWage",
    header: "ledgers.householdColumns.previousWage",
    width: 12,
    value: (r) => r.profile.previous?.wage ?? null,
  },
  facts: {
    key: "facts",
    header: "ledgers.householdColumns.facts",
    width: 40,
    value: (r, { t }) =>
      factList(
        r.facts.filter((f) => !isHealthFact(f)),
        t,
      ),
  },
  // Illness, disability and the medical guarantee say something about a person's health.
  healthFacts: {
    key: "healthFacts",
    header: "ledgers.householdColumns.healthFacts",
    healthRelated: true,
    width: 30,
    value: (r, { t }) => factList(r.facts.filter(isHealthFact), t),
  },
  rank: { key: "rank", header: "ledgers.householdColumns.rank", width: 8, value: (r) => r.rank },
} satisfies Record<string, LedgerColumn<HouseholdLedgerRow>>;

/** What every household ledger shows first: who, where, and the year's figures against the standard. */
const householdBasics = [
  householdColumn.village,
  householdColumn.householdNumber,
  householdColumn.headName,
  householdColumn.members,
  householdColumn.headIdNumber,
  householdColumn.category,
  householdColumn.monitoringStatus,
  householdColumn.year,
  householdColumn.perCapitaNetIncome,
  householdColumn.incomeLine,
  householdColumn.perCapitaAfterRigidExpenses,
];

type LedgerTable = { [K in CaseLedgerId]: CaseLedgerDefinition & { id: K } } & {
  [K in HouseholdLedgerId]: HouseholdLedgerDefinition & { id: K };
};

export const ledgers: LedgerTable = {
  queue: {
    id: "queue",
    subject: "cases",
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
    subject: "cases",
    title: "ledgers.titles.newly-identified",
    selection: { monitoredOnly: true, period: { on: "monitoredSince" } },
    columns: [
      column.number,
      column.region,
      column.applicantName,
      column.phone,
      column.idNumber,
      column.kind,
      column.riskTypes,
      column.monitoredSince,
      column.stage,
      column.status,
    ],
  },
  /** 风险消除: the county approved elimination (stage RISK_ELIMINATED, status CLOSED); a re-identified case leaves the list. */
  "risk-eliminated": {
    id: "risk-eliminated",
    subject: "cases",
    title: "ledgers.titles.risk-eliminated",
    selection: { stages: ["RISK_ELIMINATED"], period: { on: "enteredStage", stage: "RISK_ELIMINATED" } },
    columns: [
      column.number,
      column.region,
      column.applicantName,
      column.phone,
      column.idNumber,
      column.kind,
      column.riskTypes,
      column.monitoredSince,
      column.eliminatedAt,
    ],
  },
  /** 附件1: per-capita net income below the year's monitoring standard. */
  "below-income-line": {
    id: "below-income-line",
    subject: "households",
    title: "ledgers.titles.below-income-line",
    selection: { rule: "below-income-line" },
    columns: [...householdBasics, householdColumn.facts],
  },
  /** 附件2: the ten hardest households of each village, hardest first. */
  "hardest-households": {
    id: "hardest-households",
    subject: "households",
    title: "ledgers.titles.hardest-households",
    selection: { rule: "hardest-households", perVillage: hardestPerVillage },
    columns: [householdColumn.rank, ...householdBasics, householdColumn.facts, householdColumn.healthFacts],
  },
  /** 附件3: two or more members in non-compulsory schooling. */
  "multi-child-schooling": {
    id: "multi-child-schooling",
    subject: "households",
    title: "ledgers.titles.multi-child-schooling",
    selection: { rule: "multi-child-schooling" },
    columns: [...householdBasics, householdColumn.facts],
  },
  /** 附件4: members able to work and no wage income. */
  "zero-employment": {
    id: "zero-employment",
    subject: "households",
    title: "ledgers.titles.zero-employment",
    selection: { rule: "zero-employment" },
    columns: [...householdBasics, householdColumn.facts],
  },
  /** 附件5: wage-dependent income that fell sharply, or an open case about unstable work. */
  "unstable-work": {
    id: "unstable-work",
    subject: "households",
    title: "ledgers.titles.unstable-work",
    selection: { rule: "unstable-work" },
    columns: [...householdBasics, householdColumn.wage, householdColumn.previousWage, householdColumn.facts],
  },
};

/** The columns a viewer may see: only the desks that assess need get what reveals health (personal-data-policy.ts). */
export function columnsFor<L extends LedgerDefinition>(ledger: L, role: StaffRole): L["columns"][number][] {
  return ledger.columns.filter((c: LedgerColumn<never>) => !c.healthRelated || seesHealth(role));
}

export function cellsOf<Row>(columns: readonly LedgerColumn<Row>[], row: Row, ctx: CellContext): CellValue[] {
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
