import { z } from "zod";
import type { Locale } from "../vocabulary.ts";
import { hasKey, translator } from "./i18n.ts";

const zodLocales = { "zh-CN": z.locales.zhCN(), en: z.locales.en() } as const;

/**
 * One field's problem in the applicant's language: "手机号:请填写正确的手机号…".
 * The server's error answers and the mini-program's own form checks word it the same way.
 */
export function describeIssue(issue: z.core.$ZodIssue, locale: Locale): { path: string; message: string } {
  const t = translator(locale);
  let message: string;
  // A rule's own message is a translation key; a custom rule may give the values it names (a date, a year).
  if (hasKey(issue.message) && issue.message.startsWith("validation."))
    message = t(issue.message, issue.code === "custom" ? issue.params : undefined);
  else if (issue.code === "unrecognized_keys") message = t("validation.unknownFields", { keys: issue.keys.join(", ") });
  else {
    const worded = zodLocales[locale].localeError(issue as never);
    message = typeof worded === "string" ? worded : (worded?.message ?? issue.message);
  }
  const last = [...issue.path].reverse().find((p): p is string => typeof p === "string");
  const field = t(`fields.${last ?? "body"}`, { defaultValue: last ?? t("fields.body") });
  return { path: issue.path.join("."), message: t("validation.field", { field, message }) };
}
