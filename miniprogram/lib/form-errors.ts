/**
 * "findings.annualIncome" → "annualIncome", "onBehalf.confirmationMethod" → "confirmationMethod",
 * "investigators.1" → "investigators": a form shows each error under its own field's name (the first one wins).
 */
export function errorsByField(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const field =
      path
        .split(".")
        .filter((part) => !/^\d+$/.test(part))
        .pop() ?? path;
    out[field] ??= message;
  }
  return out;
}
