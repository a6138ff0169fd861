/** The labels the understanding module gives a message: risk types (domain.md's names) and intents. */
export const understandingRiskTypes = [
  "illness",
  "disability",
  "schooling",
  "disaster",
  "accident",
  "business_failure",
  "job_loss",
  "housing",
  "water",
  "death_of_labourer",
  "other",
] as const;
export type UnderstoodRisk = (typeof understandingRiskTypes)[number];
/** Every risk type but the catch-all "other", which is what a hardship with none of these gets. */
export type SpecificRisk = Exclude<UnderstoodRisk, "other">;
export const specificRiskTypes = understandingRiskTypes.filter((risk): risk is SpecificRisk => risk !== "other");

export const intents = ["hardship_report", "application", "status_query", "policy_question", "objection", "chit_chat", "other"] as const;
export type Intent = (typeof intents)[number];

/** One labelled message, as in the corpus files and the evaluation fixture (JSON Lines). */
export interface LabelledMessage {
  text: string;
  is_hardship: boolean;
  intent: Intent;
  risk_types: UnderstoodRisk[];
  /** Absent in sets labelled before emergencies were (the 218-sentence fixture). */
  emergency?: boolean;
  /** Where a public message was found. */
  source?: string;
}
