import type { Prisma } from "../db/generated/client.ts";
import { assessHousehold, standardFor, type Assessment, type Guarantee, type HouseholdFigures, type MonitoringStandard } from "../domain/household-assessment.ts";

type Db = Prisma.TransactionClient;

const findingToGuarantee: Record<string, Guarantee> = {
  foodAndClothing: "FOOD_AND_CLOTHING",
  education: "EDUCATION",
  medical: "MEDICAL",
  housing: "HOUSING",
  drinkingWater: "DRINKING_WATER",
};

/** The guarantees a home visit's findings (a HOME_VISIT_RECORDED event's payload) mark AT_RISK. */
export function guaranteesAtRiskIn(payload: unknown): Guarantee[] {
  const findings = ((payload as { findings?: Record<string, unknown> } | null)?.findings ?? {}) as Record<string, unknown>;
  return Object.entries(findingToGuarantee)
    .filter(([field]) => findings[field] === "AT_RISK")
    .map(([, guarantee]) => guarantee);
}

/**
 * A household's figures against its region's monitoring standard: incomes and
 * rigid expenses of the latest year on record, and the guarantees the latest
 * home visit on the case found at risk.
 */
export class HouseholdAssessor {
  constructor(private readonly standards: MonitoringStandard[]) {}

  /** The monitoring standard of a year for a region; null when none is configured. */
  standardFor(year: number, regionCode: string): MonitoringStandard | null {
    return standardFor(this.standards, year, regionCode);
  }

  /** Figures as an application declared them, against the standard of the given year and region; null when none applies. */
  assessDeclared(figures: Omit<HouseholdFigures, "guaranteesAtRisk">, year: number, regionCode: string): (Assessment & { year: number }) | null {
    const standard = standardFor(this.standards, year, regionCode);
    if (!standard || figures.members === 0) return null;
    return { ...assessHousehold({ ...figures, guaranteesAtRisk: [] }, standard), year };
  }

  async assess(db: Db, input: { householdId: string; regionCode: string; caseId?: string }): Promise<(Assessment & { year: number }) | null> {
    const latest = await db.income.findFirst({ where: { householdId: input.householdId }, orderBy: { year: "desc" }, select: { year: true } });
    if (!latest) return null;
    const standard = standardFor(this.standards, latest.year, input.regionCode);
    if (!standard) return null;
    const [members, incomes, expenses, visit] = await Promise.all([
      db.householdMember.count({ where: { householdId: input.householdId } }),
      db.income.findMany({ where: { householdId: input.householdId, year: latest.year } }),
      db.expense.findMany({ where: { householdId: input.householdId, year: latest.year } }),
      input.caseId ? db.caseEvent.findFirst({ where: { caseId: input.caseId, action: "HOME_VISIT_RECORDED" }, orderBy: { id: "desc" } }) : null,
    ]);
    if (members === 0) return null;
    const guaranteesAtRisk = guaranteesAtRiskIn(visit?.payload ?? null);
    const assessment = assessHousehold(
      { members, incomes: incomes.map((i) => ({ source: i.source, amount: i.amount, productionCost: i.productionCost })), expenses: expenses.map((e) => ({ kind: e.kind, amount: e.amount })), guaranteesAtRisk },
      standard,
    );
    return { ...assessment, year: latest.year };
  }
}
