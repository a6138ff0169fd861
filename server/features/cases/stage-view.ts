import type { Locale, NextStep } from "../../core/vocabulary.ts";
import { formatDate, translator } from "../../core/i18n/i18n.ts";

/** Plain-language label and next step of a stage, for applicants and staff alike. */
export function stageLabel(stage: string, locale: Locale): string {
  const t = translator(locale);
  return t(`stages.${stage}`, { defaultValue: stage });
}

/**
 * What happens next and by when. A stage without a due date (help runs until
 * risk elimination) has its own wording with no date in it; a provisional
 * date says that it may still move.
 */
export function nextStep(stage: string, regionName: string, due: { at: Date | null; provisional: boolean }, locale: Locale): NextStep {
  const t = translator(locale);
  const text = due.at
    ? t(`nextSteps.${stage}`, { region: regionName, date: formatDate(due.at, locale) }) + (due.provisional ? t("provisionalDate") : "")
    : t(`nextSteps.${stage}`, {
        region: regionName,
        defaultValue: t("nextStepUndated", { region: regionName, stage: stageLabel(stage, locale) }),
      });
  return { stage, text, dueAt: due.at?.toISOString() ?? null, provisional: !!due.at && due.provisional };
}

/** An event as the applicant reads it ("已交给石门村办理"); one without its own wording reads as the case's stage. */
export function timelineTitle(event: string, region: string, fromStage: string | null, stage: string, locale: Locale): string {
  // A stage may tell its outcome in its own words ("村里已给您回电" rather than "村里回电:通过").
  const keys = fromStage ? [`timelineByStage.${fromStage}.${event}`, `timeline.${event}`] : `timeline.${event}`;
  return translator(locale)(keys, {
    region,
    stage: fromStage ? stageLabel(fromStage, locale) : "",
    defaultValue: stageLabel(stage, locale),
  });
}
