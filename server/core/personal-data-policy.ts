import type { StaffRole } from "./vocabulary.ts";

/**
 * Who among the staff may see which personal data. Everybody who may open a
 * case sees names, and phones, ID numbers and bank accounts masked; a full
 * value is shown only on an audited reveal, to the roles that need it for
 * their work; health details only to the desks that assess need.
 */

export const revealableFields = ["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER", "BANK_ACCOUNT"] as const;
export type RevealableField = (typeof revealableFields)[number];

const revealable: Record<StaffRole, readonly RevealableField[]> = {
  // Grid workers do not open cases (a case sits at its village, above their group): they follow what they filed.
  GRID_WORKER: [],
  // The village checks identities on the home visit; the payment account is the township's and the county's paperwork.
  VILLAGE: ["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER"],
  TOWNSHIP: ["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER", "BANK_ACCOUNT"],
  COUNTY: ["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER", "BANK_ACCOUNT"],
  // Departments work from their assignments, administrators run accounts, auditors check the trail: none needs a full value.
  DEPARTMENT: [],
  ADMIN: [],
  AUDITOR: [],
};

export function mayReveal(role: StaffRole, field: RevealableField): boolean {
  return revealable[role].includes(field);
}

export function fieldsRevealableBy(role: StaffRole): readonly RevealableField[] {
  return revealable[role];
}

/** Health (illness, disability) is for the desks that assess need: not grid workers, departments, administrators or auditors. */
export function seesHealth(role: StaffRole): boolean {
  return role === "VILLAGE" || role === "TOWNSHIP" || role === "COUNTY";
}

/** Even masked, the payment account is not for grid workers or departments. */
export function seesBankAccount(role: StaffRole): boolean {
  return role !== "GRID_WORKER" && role !== "DEPARTMENT";
}
