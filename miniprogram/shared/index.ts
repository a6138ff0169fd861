/**
 * What the mini-program shares with the server at run time: the request
 * schemas (so a form is checked on the phone by the very rules the server
 * applies) and the translations. `npm run mp:vendor` bundles this file with
 * zod and i18next into vendor/shared.js, which DevTools loads as it is.
 */
import type { z } from "zod";
import type { Locale } from "../../server/core/vocabulary.ts";
import { describeIssue } from "../../server/core/i18n/describe-issue.ts";

export { submitCaseRequestSchema } from "../../server/features/cases/case-schemas.ts";
export { taskActionSchema } from "../../server/features/workflow/workflow-schemas.ts";
export { objectionRequestSchema } from "../../server/features/workflow/publicity-schemas.ts";
export { riskTypes } from "../../server/core/vocabulary.ts";
export { formatDate, translator } from "../../server/core/i18n/i18n.ts";

export type CheckResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The form's values checked against a server schema; errors keyed by field path, worded as the server words them. */
export function check<S extends z.ZodType>(schema: S, value: unknown, locale: Locale): CheckResult<z.output<S>> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const described = describeIssue(issue, locale);
    errors[described.path || "body"] ??= described.message;
  }
  return { ok: false, errors };
}
