import type { RiskType } from "../../core/vocabulary.ts";
import { chinaDate } from "../../core/china-time.ts";
import {
  assessHousehold,
  type Assessment,
  type ExpenseKind,
  type Guarantee,
  type IncomeSource,
  type MonitoringStandard,
} from "./household-assessment.ts";
import { householdSelectionIds } from "../../core/vocabulary.ts";

/**
 * Which households the household-level ledgers (seed 002 附件 1–5) list, as
 * plain rules over a household's records: its members, and its incomes and
 * expenses of the latest year on record (the year before, for a drop in
 * wages), against that year's monitoring income standard. Nothing here knows
 * about Prisma or a file format; the ledger service reads the records and
 * server/features/dashboard-and-ledgers/ledgers.ts turns the findings into columns.
 *
 * The exact rules (docs/decisions.md, "Household ledgers and dashboard"):
 * - below-income-line: per-capita net income below the year's standard;
 * - hardest-households: per-capita net income after rigid expenses below the
 *   standard, and at least one of: nobody in the household able to work, a
 *   guarantee found at risk at the latest home visit, a member seriously ill
 *   or disabled; ranked hardest first, the first ten of each village;
 * - multi-child-schooling: two or more members in non-compulsory schooling
 *   (preschool, senior secondary, vocational, higher), of any relation;
 * - zero-employment: someone of working age (16–59) able to work (FULL or
 *   PARTIAL) and not in school, and no wage income at all in the latest year;
 * - unstable-work: wages were at least half the gross income of the previous
 *   year on record and fell by 30 % or more in the latest year, or the
 *   household has an open or approved case of risk type UNSTABLE_WORK.
 */

export type LabourCapacity = "FULL" | "PARTIAL" | "NONE" | "NOT_WORKING_AGE";
export type HealthStatus = "HEALTHY" | "CHRONIC_ILLNESS" | "SERIOUS_ILLNESS" | "DISABLED";
export type Schooling =
  "NONE" | "PRESCHOOL" | "PRIMARY" | "JUNIOR_SECONDARY" | "SENIOR_SECONDARY" | "VOCATIONAL" | "HIGHER" | "NOT_IN_SCHOOL";
export type Relation = "HEAD" | "SPOUSE" | "CHILD" | "PARENT" | "GRANDCHILD" | "GRANDPARENT" | "SIBLING" | "OTHER";
export type HouseholdCategory = "NONE" | "FORMERLY_POOR" | "FORMERLY_POOR_UNSTABLE" | "MARGINAL" | "SUDDEN_HARDSHIP";
export type MonitoringStatus = "NONE" | "AT_RISK" | "RISK_ELIMINATED";

export const householdRuleIds = householdSelectionIds;
export type HouseholdRuleId = (typeof householdRuleIds)[number];

/** Schooling the state does not make free and compulsory: the costly years (seed 002 §三(三) 2). */
export const nonCompulsorySchooling: ReadonlySet<Schooling> = new Set(["PRESCHOOL", "SENIOR_SECONDARY", "VOCATIONAL", "HIGHER"]);
const inSchool: ReadonlySet<Schooling> = new Set(["PRESCHOOL", "PRIMARY", "JUNIOR_SECONDARY", "SENIOR_SECONDARY", "VOCATIONAL", "HIGHER"]);
/** Working age as the statistics count it: 16 to 59 years old. */
export const workingAge = { min: 16, max: 59 } as const;
/** Wages at least this share of the year's gross income make a household dependent on them (务工收入占比高). */
export const wageDependentShare = { numerator: 1, denominator: 2 } as const;
/** A fall of wages by at least this share against the previous year on record is a sharp drop. */
export const sharpWageDrop = { numerator: 3, denominator: 10 } as const;
/** The hardest-households ledger keeps this many per village (最困难10户). */
export const hardestPerVillage = 10;

export interface MemberRecord {
  name: string;
  relation: Relation;
  birthDate: Date;
  labourCapacity: LabourCapacity;
  health: HealthStatus;
  schooling: Schooling;
}

/** A household as the records hold it (ID numbers in clear; the ledger columns mask them). */
export interface HouseholdRecord {
  number: string;
  /** The village (or community) it belongs to. */
  villageName: string;
  category: HouseholdCategory;
  /** As the national monitoring system says (imported). */
  monitoringStatus?: MonitoringStatus;
  headIdNumber: string | null;
  members: readonly MemberRecord[];
  incomes: readonly { year: number; source: IncomeSource; amount: number; productionCost: number }[];
  expenses: readonly { year: number; kind: ExpenseKind; amount: number }[];
  /** Risk types of the household's cases still OPEN or APPROVED. */
  activeCaseRiskTypes: readonly RiskType[];
  /** Guarantees the latest home visit on any of its cases found at risk. */
  guaranteesAtRisk: readonly Guarantee[];
}

export interface HouseholdProfile {
  record: HouseholdRecord;
  head: MemberRecord | null;
  /** The latest year with income on record; null when there is none. */
  year: number | null;
  /** The year's figures against its standard; null without a year, a standard or a member. */
  assessment: Assessment | null;
  /** Wage income of the latest year (0 without a year). */
  wage: number;
  /** The previous year on record before `year`, with its wages and gross income. */
  previous: { year: number; wage: number; grossIncome: number } | null;
  /** Members with their age on the day the profile was made. */
  ages: readonly number[];
}

/** Why a household is on a list, one finding each; rendered (and names masked) by the ledger columns. */
export type QualifyingFact =
  | { kind: "BELOW_LINE"; perCapitaNetIncome: number; incomeLine: number }
  | { kind: "BELOW_LINE_AFTER_RIGID_EXPENSES"; perCapitaAfterRigidExpenses: number; incomeLine: number }
  | { kind: "NO_LABOUR" }
  | { kind: "GUARANTEE_AT_RISK"; guarantee: Guarantee }
  | { kind: "ILL_OR_DISABLED"; name: string; health: HealthStatus }
  | { kind: "IN_NON_COMPULSORY_SCHOOL"; name: string; age: number; schooling: Schooling }
  | { kind: "IDLE_LABOURER"; name: string; age: number; labourCapacity: LabourCapacity }
  | { kind: "NO_WAGE_INCOME"; year: number }
  | { kind: "WAGE_DROP"; year: number; wage: number; previousYear: number; previousWage: number; dropPercent: number }
  | { kind: "UNSTABLE_WORK_CASE" };

/** Facts that say something about a person's health: shown only where health may be shown. */
export function isHealthFact(fact: QualifyingFact): boolean {
  return fact.kind === "ILL_OR_DISABLED" || (fact.kind === "GUARANTEE_AT_RISK" && fact.guarantee === "MEDICAL");
}

/** Whole years of age on the China calendar day of `on` (birth dates are calendar dates, read as UTC). */
export function ageOn(birthDate: Date, on: Date): number {
  const today = chinaDate(on);
  const birthYear = birthDate.getUTCFullYear();
  const birthMonth = birthDate.getUTCMonth();
  const birthDay = birthDate.getUTCDate();
  const hadBirthday = today.month > birthMonth || (today.month === birthMonth && today.day >= birthDay);
  return today.year - birthYear - (hadBirthday ? 0 : 1);
}

/**
 * The figures every rule reads. `standardFor` answers the monitoring standard
 * of a year for the household's region (null when none is configured).
 */
export function profileOf(record: HouseholdRecord, standardFor: (year: number) => MonitoringStandard | null, asOf: Date): HouseholdProfile {
  const years = [...new Set(record.incomes.map((i) => i.year))].sort((a, b) => b - a);
  const year = years[0] ?? null;
  const previousYear = years[1] ?? null;
  const wageOf = (y: number) => record.incomes.filter((i) => i.year === y && i.source === "WAGE").reduce((sum, i) => sum + i.amount, 0);
  const grossOf = (y: number) => record.incomes.filter((i) => i.year === y).reduce((sum, i) => sum + i.amount, 0);

  let assessment: Assessment | null = null;
  const standard = year === null ? null : standardFor(year);
  if (year !== null && standard && record.members.length > 0) {
    assessment = assessHousehold(
      {
        members: record.members.length,
        incomes: record.incomes
          .filter((i) => i.year === year)
          .map((i) => ({ source: i.source, amount: i.amount, productionCost: i.productionCost })),
        expenses: record.expenses.filter((e) => e.year === year).map((e) => ({ kind: e.kind, amount: e.amount })),
        guaranteesAtRisk: [...record.guaranteesAtRisk],
      },
      standard,
    );
  }
  return {
    record,
    head: record.members.find((m) => m.relation === "HEAD") ?? null,
    year,
    assessment,
    wage: year === null ? 0 : wageOf(year),
    previous: previousYear === null ? null : { year: previousYear, wage: wageOf(previousYear), grossIncome: grossOf(previousYear) },
    ages: record.members.map((m) => ageOn(m.birthDate, asOf)),
  };
}

function belowLineFacts(a: Assessment): QualifyingFact[] {
  const facts: QualifyingFact[] = [];
  if (a.belowLine) facts.push({ kind: "BELOW_LINE", perCapitaNetIncome: a.perCapitaNetIncome, incomeLine: a.incomeLine });
  if (a.belowLineAfterRigidExpenses)
    facts.push({
      kind: "BELOW_LINE_AFTER_RIGID_EXPENSES",
      perCapitaAfterRigidExpenses: a.perCapitaAfterRigidExpenses,
      incomeLine: a.incomeLine,
    });
  return facts;
}

const ableToWork = (m: MemberRecord) => m.labourCapacity === "FULL" || m.labourCapacity === "PARTIAL";

/** 附件1 家庭人均纯收入低于监测标准: per-capita net income (before rigid expenses) below the year's standard. */
export function belowIncomeLine(p: HouseholdProfile): QualifyingFact[] | null {
  if (!p.assessment?.belowLine) return null;
  return belowLineFacts(p.assessment);
}

/**
 * 附件2 最困难户: below the line once rigid expenses are paid, and made worse
 * by one of: nobody able to work, a guarantee at risk, serious illness or
 * disability. Which ten of a village are listed is hardshipOrder's answer.
 */
export function hardestHousehold(p: HouseholdProfile): QualifyingFact[] | null {
  if (!p.assessment?.belowLineAfterRigidExpenses) return null;
  const aggravating: QualifyingFact[] = [];
  if (!p.record.members.some(ableToWork)) aggravating.push({ kind: "NO_LABOUR" });
  for (const guarantee of p.assessment.guaranteesAtRisk) aggravating.push({ kind: "GUARANTEE_AT_RISK", guarantee });
  for (const m of p.record.members)
    if (m.health === "SERIOUS_ILLNESS" || m.health === "DISABLED")
      aggravating.push({ kind: "ILL_OR_DISABLED", name: m.name, health: m.health });
  if (aggravating.length === 0) return null;
  return [...belowLineFacts(p.assessment), ...aggravating];
}

/** 附件3 非义务教育阶段多子女: two or more members in non-compulsory schooling. */
export function multiChildSchooling(p: HouseholdProfile): QualifyingFact[] | null {
  const facts: QualifyingFact[] = [];
  p.record.members.forEach((m, i) => {
    if (nonCompulsorySchooling.has(m.schooling))
      facts.push({ kind: "IN_NON_COMPULSORY_SCHOOL", name: m.name, age: p.ages[i]!, schooling: m.schooling });
  });
  return facts.length >= 2 ? facts : null;
}

/**
 * 附件4 有劳动力零就业: a member of working age able to work and not in
 * school, and no wage income in the latest year on record. Farming or a
 * business of one's own does not count as employment here: the list is for
 * employment help (务工就业帮扶). Without income on record nothing is known.
 */
export function zeroEmployment(p: HouseholdProfile): QualifyingFact[] | null {
  if (p.year === null || p.wage > 0) return null;
  const idle: QualifyingFact[] = [];
  p.record.members.forEach((m, i) => {
    const age = p.ages[i]!;
    if (ableToWork(m) && age >= workingAge.min && age <= workingAge.max && !inSchool.has(m.schooling))
      idle.push({ kind: "IDLE_LABOURER", name: m.name, age, labourCapacity: m.labourCapacity });
  });
  return idle.length > 0 ? [...idle, { kind: "NO_WAGE_INCOME", year: p.year }] : null;
}

/**
 * 附件5 务工收入占比高且务工不稳定: we hold yearly figures, not months of
 * work, so instability shows as a sharp fall of wages in a wage-dependent
 * household, or as a case about unstable work still open or approved.
 */
export function unstableWork(p: HouseholdProfile): QualifyingFact[] | null {
  const facts: QualifyingFact[] = [];
  const prev = p.previous;
  if (p.year !== null && prev && prev.wage > 0) {
    const dependent = prev.wage * wageDependentShare.denominator >= prev.grossIncome * wageDependentShare.numerator;
    // Exact: (prev - now) / prev >= 3/10.
    const sharp = (prev.wage - p.wage) * sharpWageDrop.denominator >= prev.wage * sharpWageDrop.numerator;
    if (dependent && sharp) {
      facts.push({
        kind: "WAGE_DROP",
        year: p.year,
        wage: p.wage,
        previousYear: prev.year,
        previousWage: prev.wage,
        dropPercent: Math.round(((prev.wage - p.wage) * 100) / prev.wage),
      });
    }
  }
  if (p.record.activeCaseRiskTypes.includes("UNSTABLE_WORK")) facts.push({ kind: "UNSTABLE_WORK_CASE" });
  return facts.length > 0 ? facts : null;
}

export const householdRules: Record<HouseholdRuleId, (p: HouseholdProfile) => QualifyingFact[] | null> = {
  "below-income-line": belowIncomeLine,
  "hardest-households": hardestHousehold,
  "multi-child-schooling": multiChildSchooling,
  "zero-employment": zeroEmployment,
  "unstable-work": unstableWork,
};

/**
 * Hardest first: the lowest per-capita income after rigid expenses (compared
 * exactly, not on rounded figures), then the fewest members able to work,
 * then the household number so the order never depends on the database's.
 */
export function hardshipOrder(a: HouseholdProfile, b: HouseholdProfile): number {
  const left = afterRigidTotal(a);
  const right = afterRigidTotal(b);
  if (left !== null && right !== null) {
    // left / a.members vs right / b.members, cross-multiplied (members ≥ 1).
    const diff = left * b.record.members.length - right * a.record.members.length;
    if (diff !== 0) return diff;
  } else if (left !== right) {
    return left === null ? 1 : -1;
  }
  const labour = a.record.members.filter(ableToWork).length - b.record.members.filter(ableToWork).length;
  if (labour !== 0) return labour;
  return a.record.number < b.record.number ? -1 : a.record.number > b.record.number ? 1 : 0;
}

function afterRigidTotal(p: HouseholdProfile): number | null {
  return p.assessment ? p.assessment.netIncome - p.assessment.rigidExpenses : null;
}

/** The first `limit` of one village's qualifying households in `order`, numbered from 1. */
export function rankWithin<T extends { profile: HouseholdProfile }>(
  rows: readonly T[],
  limit: number,
  order: (a: HouseholdProfile, b: HouseholdProfile) => number,
): (T & { rank: number })[] {
  return [...rows]
    .sort((a, b) => order(a.profile, b.profile))
    .slice(0, limit)
    .map((row, i) => ({ ...row, rank: i + 1 }));
}
