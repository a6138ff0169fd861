import { intents, specificRiskTypes, understandingRiskTypes, type Intent, type UnderstoodRisk } from "./labels.ts";
import type { LexiconReading } from "./lexicon-rules.ts";
import type { CombinationSettings, Scores } from "./text-model.ts";

export interface Combined {
  hardshipScore: number;
  isHardship: boolean;
  intent: Intent;
  riskTypes: UnderstoodRisk[];
  emergency: boolean;
}

/**
 * The rules' findings and the model's scores made into one reading. The hardship head decides whether the
 * message reports a difficulty (it has seen the rules' findings among its features, so a cue word is strong
 * evidence, and a question — "…能申请不", "能不能帮我们报一下" — does not undo a described difficulty); a case
 * number makes it a status query whatever else it says. A hardship is a report or an application (whichever
 * the intent head prefers); otherwise the likeliest other intent wins. Risk types: the rules' types and the
 * model's above a threshold, or "other" when none. An emergency: the emergency head or a cue word ("救命",
 * "着火了", "urgent"), unless the message is a status query, a policy question, an objection or chit-chat.
 */
export function combine(reading: LexiconReading, scores: Scores, settings: CombinationSettings): Combined {
  const hardshipScore = scores.hardship;
  let intent: Intent;
  if (reading.caseNumber) intent = "status_query";
  else if (hardshipScore >= 0.5) intent = scores.intents.application > scores.intents.hardship_report ? "application" : "hardship_report";
  else intent = intents.filter((i) => i !== "hardship_report").reduce((best, i) => (scores.intents[i] > scores.intents[best] ? i : best));
  const isHardship = (intent === "hardship_report" || intent === "application") && hardshipScore >= 0.5;

  let riskTypes: UnderstoodRisk[] = [];
  if (isHardship) {
    const found = new Set<UnderstoodRisk>(settings.lexiconRisks.filter((risk) => reading.statedRiskTypes.includes(risk)));
    // Beside what the rules found, the model needs more to add a type than to name the only one.
    const threshold = found.size > 0 ? settings.extraRiskThreshold : settings.riskThreshold;
    for (const risk of specificRiskTypes) if (scores.risks[risk] >= threshold) found.add(risk);
    if (found.size === 0) {
      const best = specificRiskTypes.reduce((a, b) => (scores.risks[b] > scores.risks[a] ? b : a));
      found.add(scores.risks[best] >= settings.fallbackRiskThreshold ? best : "other");
    }
    riskTypes = understandingRiskTypes.filter((risk) => found.has(risk));
  }
  // Someone asking after a case, a policy or a list, or chatting, is not in danger ("急 我的申请到哪了").
  const calm = intent === "status_query" || intent === "policy_question" || intent === "objection" || intent === "chit_chat";
  const emergency = !calm && (scores.emergency >= settings.emergencyThreshold || (settings.lexiconEmergency && reading.cues.emergency));
  return { hardshipScore, isHardship, intent, riskTypes, emergency };
}
