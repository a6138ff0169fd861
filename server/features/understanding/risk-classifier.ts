import type { RiskType } from "../../core/vocabulary.ts";
import { understand, type UnderstoodRisk } from "./understand.ts";

/** The case record's risk types for the understanding module's (domain.md's) names. */
const toCaseRisk: Record<UnderstoodRisk, RiskType> = {
  illness: "ILLNESS",
  disability: "DISABILITY",
  schooling: "SCHOOLING",
  disaster: "DISASTER",
  accident: "ACCIDENT",
  business_failure: "BUSINESS_FAILURE",
  job_loss: "UNSTABLE_WORK",
  housing: "HOUSING",
  water: "DRINKING_WATER",
  // Losing the main labourer is, for the household, a sharp drop in income.
  death_of_labourer: "INCOME_DROP",
  other: "OTHER",
};

/** Risk types of a free-text report; "OTHER" when nothing is recognised, and the village decides on its visit. */
export function classifyRisks(text: string): RiskType[] {
  const understood = understand(text);
  const types = new Set<RiskType>(understood.riskTypes.map((risk) => toCaseRisk[risk]));
  if (understood.signals.expenseSurge) types.add("EXPENSE_SURGE");
  if (understood.signals.incomeDrop) types.add("INCOME_DROP");
  if (types.size > 1) types.delete("OTHER");
  return types.size > 0 ? [...types] : ["OTHER"];
}
