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

/** An event as the applicant reads it ("已交给石门村办理"); one without its own wording reads as the case's stage. */
export function timelineTitle(event: string, region: string, fromStage: string | null, stage: string, locale: Locale): string {
  return translator(locale)(`timeline.${event}`, { region, stage: fromStage ? stageLabel(fromStage, locale) : "", defaultValue: stageLabel(stage, locale) });
}
