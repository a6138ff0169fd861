import { z } from "zod";
import shippedStandardsJson from "./monitoring-standards.json" with { type: "json" };

/**
 * Household income assessment against the yearly monitoring income standard
 * (监测收入标准) of the anti-return-to-poverty monitoring work (防返贫监测).
 *
 * The line is set every year by each province (7,500 yuan in one Henan county
 * for 2023, 8,050 in one Yunnan county) and a county may set its own, so the
 * figures are configuration, never constants in code: a standard applies to a
 * region-code prefix and the most specific one wins.
 *
 * All amounts are whole yuan. Per-capita figures are rounded for display only;
 * every comparison is made on exact totals (income vs. line × members) so a
 * household exactly at the line is not "below" it because of a rounding or
 * floating-point artefact.
 */

export const monitoringStandardSchema = z.strictObject({
  year: z.int().min(2000).max(2100),
  // A province ("53") or any finer level ("530102"): matching is by prefix.
  regionCode: z.string().regex(/^\d{2,15}$/),
  incomeLine: z.int().positive(),
  // Three-colour grading (三色管理) is optional per region; absent means the
  // region does not grade and assessments carry grade null.
  grading: z
    .strictObject({
      yellowMultiple: z.number().gt(1),
    })
    .optional(),
});
export type MonitoringStandard = z.infer<typeof monitoringStandardSchema>;

export const monitoringStandardsFileSchema = z.array(monitoringStandardSchema).superRefine((standards, ctx) => {
  const seen = new Map<string, number>();
  standards.forEach((standard, index) => {
    const key = `${standard.year}/${standard.regionCode}`;
    const first = seen.get(key);
    if (first !== undefined) {
      // Two lines for the same place and year would make standardFor's answer depend on file order.
      ctx.addIssue({
        code: "custom",
        path: [index, "regionCode"],
        message: `duplicate standard for year ${standard.year} and region ${standard.regionCode} (first at index ${first})`,
      });
    } else {
      seen.set(key, index);
    }
  });
});

/**
 * The demo province's figures ("99" is the demo county's province prefix).
 * Real deployments load their own province's (or county's) published figures
 * as configuration, validated with monitoringStandardsFileSchema; these are
 * plausible values for demos and tests, not official numbers.
 */
export const shippedMonitoringStandards: MonitoringStandard[] = monitoringStandardsFileSchema.parse(shippedStandardsJson);

/** The most specific standard for a year and a region code: the entry whose regionCode is the longest prefix of the given code; null if none. */
export function standardFor(standards: MonitoringStandard[], year: number, regionCode: string): MonitoringStandard | null {
  let best: MonitoringStandard | null = null;
  for (const standard of standards) {
    if (standard.year !== year || !regionCode.startsWith(standard.regionCode)) continue;
    // Strictly longer only, so with an unvalidated list holding duplicates the first entry wins deterministically.
    if (best === null || standard.regionCode.length > best.regionCode.length) best = standard;
  }
  return best;
}

export const incomeSources = ["WAGE", "BUSINESS", "PROPERTY", "TRANSFER"] as const;
export const expenseKinds = ["MEDICAL", "EDUCATION", "OTHER"] as const;
// Order matters: it is the order reasons and guaranteesAtRisk are reported in, whatever order the input used.
export const guarantees = ["FOOD_AND_CLOTHING", "EDUCATION", "MEDICAL", "HOUSING", "DRINKING_WATER"] as const;

export type IncomeSource = (typeof incomeSources)[number];
export type ExpenseKind = (typeof expenseKinds)[number];
export type Guarantee = (typeof guarantees)[number];
export type Grade = "RED" | "YELLOW" | "GREEN";

export interface HouseholdFigures {
  members: number;
  /** `amount` is gross; a business loss shows as productionCost above amount. */
  incomes: { source: IncomeSource; amount: number; productionCost: number }[];
  /** Out-of-pocket amounts, i.e. after insurance reimbursement and assistance. */
  expenses: { kind: ExpenseKind; amount: number }[];
  guaranteesAtRisk: Guarantee[];
}

export type AssessmentReason = "BELOW_LINE" | "BELOW_LINE_AFTER_RIGID_EXPENSES" | `GUARANTEE_AT_RISK:${Guarantee}` | "WITHIN_YELLOW_BAND";

export interface Assessment {
  netIncome: number;
  /** Rounded for display; belowLine is decided on the exact value. */
  perCapitaNetIncome: number;
  rigidExpenses: number;
  /** Rounded for display; belowLineAfterRigidExpenses is decided on the exact value. */
  perCapitaAfterRigidExpenses: number;
  incomeLine: number;
  belowLine: boolean;
  belowLineAfterRigidExpenses: boolean;
  guaranteesAtRisk: Guarantee[];
  /** null when the applicable standard has no grading configured. */
  grade: Grade | null;
  /** Codes for i18n, one per finding: each true below-line flag, each guarantee at risk, and WITHIN_YELLOW_BAND for a YELLOW grade. */
  reasons: AssessmentReason[];
}

// Education and medical are the rigid expenses (刚性支出) of the monitoring
// rules: a family cannot choose to stop paying them, unlike other spending.
const rigidExpenseKinds: ReadonlySet<ExpenseKind> = new Set(["MEDICAL", "EDUCATION"]);

function requireWholeYuan(value: number, what: string, allowNegative = false): void {
  if (!Number.isSafeInteger(value) || (!allowNegative && value < 0)) {
    throw new RangeError(`${what} must be a ${allowNegative ? "" : "non-negative "}whole number of yuan, got ${value}`);
  }
}

/**
 * Exact rational form of a finite number from its shortest decimal spelling,
 * so a configured multiple such as 1.15 means exactly 115/100 rather than the
 * nearest binary double (1.15 × 5004 × 5 in doubles is 28772.999…, which
 * would push a household at exactly 28,773 yuan out of the YELLOW band).
 */
function asFraction(value: number): { numerator: bigint; denominator: bigint } {
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = BigInt(whole + fraction);
  const shift = Number(exponentText) - fraction.length;
  return shift >= 0
    ? { numerator: digits * 10n ** BigInt(shift), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-shift) };
}

export function assessHousehold(figures: HouseholdFigures, standard: MonitoringStandard): Assessment {
  // Per-capita figures are meaningless without a member, and a fraction of a person is a data error upstream.
  if (!Number.isSafeInteger(figures.members) || figures.members < 1) {
    throw new RangeError(`members must be a whole number >= 1, got ${figures.members}`);
  }
  for (const income of figures.incomes) {
    requireWholeYuan(income.amount, `${income.source} income amount`);
    requireWholeYuan(income.productionCost, `${income.source} production cost`);
  }
  for (const expense of figures.expenses) requireWholeYuan(expense.amount, `${expense.kind} expense amount`);

  const netIncome = figures.incomes.reduce((sum, income) => sum + income.amount - income.productionCost, 0);
  const rigidExpenses = figures.expenses.reduce((sum, expense) => (rigidExpenseKinds.has(expense.kind) ? sum + expense.amount : sum), 0);
  const afterRigid = netIncome - rigidExpenses;
  requireWholeYuan(netIncome, "net income", true);
  requireWholeYuan(afterRigid, "net income after rigid expenses", true);

  // BigInt so that "income < line × members" stays exact however large the inputs.
  const members = BigInt(figures.members);
  const lineTotal = BigInt(standard.incomeLine) * members;
  const belowLine = BigInt(netIncome) < lineTotal;
  const belowLineAfterRigidExpenses = BigInt(afterRigid) < lineTotal;

  const atRisk = new Set(figures.guaranteesAtRisk);
  const guaranteesAtRisk = guarantees.filter((g) => atRisk.has(g));

  const reasons: AssessmentReason[] = [];
  if (belowLine) reasons.push("BELOW_LINE");
  if (belowLineAfterRigidExpenses) reasons.push("BELOW_LINE_AFTER_RIGID_EXPENSES");
  for (const g of guaranteesAtRisk) reasons.push(`GUARANTEE_AT_RISK:${g}`);

  let grade: Grade | null = null;
  if (standard.grading) {
    if (belowLineAfterRigidExpenses || guaranteesAtRisk.length > 0) {
      grade = "RED";
    } else {
      // Graded on income after rigid expenses, like RED, so a family paying
      // for dialysis is not shown GREEN on its gross earnings. The upper
      // boundary is inclusive: exactly yellowMultiple × line is still YELLOW,
      // since the band is "not more than N times the line".
      const { numerator, denominator } = asFraction(standard.grading.yellowMultiple);
      const withinYellow = BigInt(afterRigid) * denominator <= numerator * lineTotal;
      grade = withinYellow ? "YELLOW" : "GREEN";
      if (withinYellow) reasons.push("WITHIN_YELLOW_BAND");
    }
  }

  return {
    netIncome,
    perCapitaNetIncome: Math.round(netIncome / figures.members),
    rigidExpenses,
    perCapitaAfterRigidExpenses: Math.round(afterRigid / figures.members),
    incomeLine: standard.incomeLine,
    belowLine,
    belowLineAfterRigidExpenses,
    guaranteesAtRisk,
    grade,
    reasons,
  };
}
