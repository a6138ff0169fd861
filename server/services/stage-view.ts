import type { Locale, NextStep } from "../api/common-schemas.ts";
import { formatDate, translator } from "../i18n/i18n.ts";

/** Plain-language label and next step of a stage, for applicants and staff alike. */
export function stageLabel(stage: string, locale: Locale): string {
  const t = translator(locale);
  return t(`stages.${stage}`, { defaultValue: stage });
}

export function nextStep(stage: string, regionName: string, dueAt: Date | null, locale: Locale): NextStep {
  const t = translator(locale);
  const date = dueAt ? formatDate(dueAt, locale) : t("nextStepNoDate");
  return { stage, text: t(`nextSteps.${stage}`, { region: regionName, date }), dueAt: dueAt?.toISOString() ?? null };
}
