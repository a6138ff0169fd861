import type { Prisma } from "../../platform/database/generated/client.ts";
import {
  assessHousehold,
  standardFor,
  type Assessment,
  type Guarantee,
  type HouseholdFigures,
  type MonitoringStandard,
} from "./household-assessment.ts";

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
  const findings = (payload as { findings?: Record<string, unknown> } | null)?.findings ?? {};
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
  constructor(private standards: MonitoringStandard[]) {}

  /** The standards in force, once an administrator changed one (server/features/monitoring-standards/). */
  replaceStandards(standards: MonitoringStandard[]): void {
    this.standards = standards;
  }

  /** The standards in force. */
  all(): readonly MonitoringStandard[] {
    return this.standards;
  }

  /** The monitoring standard of a year for a region; null when none is configured. */
  standardFor(year: number, regionCode: string): MonitoringStandard | null {
    return standardFor(this.standards, year, regionCode);
  }

  /** Figures as an application declared them, against the standard of the given year and region; null when none applies. */
  assessDeclared(
    figures: Omit<HouseholdFigures, "guaranteesAtRisk">,
    year: number,
    regionCode: string,
  ): (Assessment & { year: number }) | null {
    const standard = standardFor(this.standards, year, regionCode);
    if (!standard || figures.members === 0) return null;
    return { ...assessHousehold({ ...figures, guaranteesAtRisk: [] }, standard), year };
  }

  async assess(
    db: Db,
    input: { householdId: string; regionCode: string; caseId?: string },
  ): Promise<(Assessment & { year: number }) | null> {
    const latest = await db.income.findFirst({
      where: { householdId: input.householdId },
      orderBy: { year: "desc" },
      select: { year: true },
    });
    if (!latest) return null;
    const standard = standardFor(this.standards, latest.year, input.regionCode);
    if (!standard) return null;
    const [members, incomes, expenses, visit] = await Promise.all([
      db.householdMember.count({ where: { householdId: input.householdId } }),
      db.income.findMany({ where: { householdId: input.householdId, year: latest.year } }),
      db.expense.findMany({ where: { householdId: input.householdId, year: latest.year } }),
      input.caseId
        ? db.caseEvent.findFirst({ where: { caseId: input.caseId, action: "HOME_VISIT_RECORDED" }, orderBy: { id: "desc" } })
        : null,
    ]);
    if (members === 0) return null;
    const guaranteesAtRisk = guaranteesAtRiskIn(visit?.payload ?? null);
    const assessment = assessHousehold(
      {
        members,
        incomes: incomes.map((i) => ({ source: i.source, amount: i.amount, productionCost: i.productionCost })),
        expenses: expenses.map((e) => ({ kind: e.kind, amount: e.amount })),
        guaranteesAtRisk,
      },
      standard,
    );
    return { ...assessment, year: latest.year };
  }

  /**
   * assess() (without a case) for a great many households at once, those
   * the query `households` names (columns id, region_code): a screening run
   * matches up to a million. Only households that may be below a monitoring
   * line are assessed and answered. They are found set-based, a few scans
   * for all of them instead of a few look-ups each: net income of the latest
   * year less all of that year's expenses (the rigid ones among them), below
   * the highest line configured times the members. That lets through every
   * household below its own line before or after rigid expenses (and some
   * more, which assessHousehold then clears); the others have belowLine and
   * belowLineAfterRigidExpenses false. Pages of assessments read through a
   * cursor: call inside a transaction.
   */
  async *assessPoorer(db: Db, households: Prisma.Sql): AsyncGenerator<Map<string, Assessment & { year: number }>> {
    if (this.standards.length === 0) return;
    const highestLine = Math.max(...this.standards.map((s) => s.incomeLine));
    await db.$executeRaw`
      DECLARE household_poorer NO SCROLL CURSOR FOR
      WITH h AS (${households}),
      years AS (SELECT i."householdId" AS id, i.year, sum(i.amount - i."productionCost") AS net FROM "Income" i JOIN h ON h.id = i."householdId" GROUP BY 1, 2),
      latest AS (SELECT DISTINCT ON (id) id, year, net FROM years ORDER BY id, year DESC),
      members AS (SELECT m."householdId" AS id, count(*) AS members FROM "HouseholdMember" m JOIN h ON h.id = m."householdId" GROUP BY 1),
      spent AS (SELECT e."householdId" AS id, e.year, sum(e.amount) AS spent FROM "Expense" e JOIN h ON h.id = e."householdId" GROUP BY 1, 2),
      poorer AS (
        SELECT h.id, h.region_code, l.year, m.members FROM h JOIN latest l USING (id) JOIN members m USING (id) LEFT JOIN spent s ON s.id = l.id AND s.year = l.year
        WHERE l.net - coalesce(s.spent, 0) < ${highestLine}::bigint * m.members)
      SELECT p.id, p.region_code AS "regionCode", p.year, p.members::int,
             (SELECT json_agg(json_build_object('source', i.source, 'amount', i.amount, 'productionCost', i."productionCost")) FROM "Income" i WHERE i."householdId" = p.id AND i.year = p.year) AS incomes,
             (SELECT coalesce(json_agg(json_build_object('kind', e.kind, 'amount', e.amount)), '[]') FROM "Expense" e WHERE e."householdId" = p.id AND e.year = p.year) AS expenses
      FROM poorer p`;
    for (;;) {
      const rows = await db.$queryRawUnsafe<
        {
          id: string;
          regionCode: string;
          year: number;
          members: number;
          incomes: HouseholdFigures["incomes"];
          expenses: HouseholdFigures["expenses"];
        }[]
      >("FETCH 5000 FROM household_poorer");
      if (rows.length === 0) break;
      const page = new Map<string, Assessment & { year: number }>();
      for (const row of rows) {
        const standard = standardFor(this.standards, row.year, row.regionCode);
        if (standard)
          page.set(row.id, {
            ...assessHousehold({ members: row.members, incomes: row.incomes, expenses: row.expenses, guaranteesAtRisk: [] }, standard),
            year: row.year,
          });
      }
      yield page;
    }
    await db.$executeRaw`CLOSE household_poorer`;
  }
}
