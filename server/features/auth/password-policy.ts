/**
 * What a staff password must be: long enough to resist guessing at the rate the log-in allows, not one of
 * the passwords tried first, not the user name, and never the demo's. Checked wherever a password is set
 * (the first administrator, an account created or reset, a password changed).
 */
export const minPasswordLength = 10;

/** Tried first by anyone guessing, and the demo county's (a production database must never hold it). */
const common = new Set([
  "demo1234",
  "password",
  "password1",
  "password123",
  "1234567890",
  "0123456789",
  "12345678910",
  "qwertyuiop",
  "1qaz2wsx3edc",
  "a123456789",
  "abc1234567",
  "woaini1314",
  "admin12345",
  "administrator",
  "changeme123",
]);

/** The problem with a password, as an error code (with its parameters), or null when it may be used. */
export function passwordProblem(password: string, username: string): { code: string; params?: Record<string, number> } | null {
  if (password.length < minPasswordLength) return { code: "PASSWORD_TOO_SHORT", params: { min: minPasswordLength } };
  const lower = password.toLowerCase();
  if (common.has(lower) || /^(.)\1+$/.test(password) || /^\d+$/.test(password)) return { code: "PASSWORD_TOO_COMMON" };
  if (lower.includes(username.toLowerCase())) return { code: "PASSWORD_HAS_USERNAME" };
  return null;
}
