import type { TaskAction } from "../../server/features/workflow/workflow-schemas.ts";

type Findings = Extract<TaskAction, { type: "RECORD_HOME_VISIT" }>["findings"];

/** A village's home-visit record, two investigators, medical care at risk; a test changes only what it is about. */
export function homeVisit(overrides: { visitedAt?: string; investigators?: string[]; findings?: Partial<Findings> } = {}) {
  return {
    type: "RECORD_HOME_VISIT" as const,
    visitedAt: overrides.visitedAt ?? "2026-11-25T01:00:00Z",
    investigators: overrides.investigators ?? ["赵书记", "刘芳"],
    findings: {
      annualIncome: 6000,
      rigidExpenses: 30000,
      foodAndClothing: "SECURE",
      education: "SECURE",
      medical: "AT_RISK",
      housing: "SECURE",
      drinkingWater: "SECURE",
      ...overrides.findings,
    },
  };
}
