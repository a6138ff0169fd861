import { z } from "zod";

/**
 * Request and response shapes shared by the server, the bot and the mini-program.
 * Custom messages are i18next keys ("validation.…"), localized when the error is sent.
 */

export const riskTypes = [
  "ILLNESS",
  "DISABILITY",
  "SCHOOLING",
  "DISASTER",
  "ACCIDENT",
  "BUSINESS_FAILURE",
  "UNSTABLE_WORK",
  "HOUSING",
  "DRINKING_WATER",
  "INCOME_DROP",
  "EXPENSE_SURGE",
  "OTHER",
] as const;
export const riskTypeSchema = z.enum(riskTypes);
export type RiskType = z.infer<typeof riskTypeSchema>;

export const caseKindSchema = z.enum([
  "HARDSHIP_REPORT",
  "MONITORING_APPLICATION",
  "ASSISTANCE_APPLICATION",
  "EMERGENCY_AID",
  "DEPARTMENT_LEAD",
  "CALL_BACK",
]);
export type CaseKind = z.infer<typeof caseKindSchema>;
export const channelSchema = z.enum(["BOT", "MINI_PROGRAM", "GRID_WORKER", "DEPARTMENT_SCREENING", "CADRE_VISIT", "WEB", "RISK_EVENT"]);
export type Channel = z.infer<typeof channelSchema>;
export const caseStatusSchema = z.enum(["OPEN", "APPROVED", "REJECTED", "CLOSED", "WITHDRAWN"]);
export const staffRoleSchema = z.enum(["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY", "DEPARTMENT", "ADMIN", "AUDITOR"]);
export type StaffRole = z.infer<typeof staffRoleSchema>;
export const regionLevelSchema = z.enum(["COUNTY", "TOWNSHIP", "VILLAGE", "GROUP"]);
export const consentMethodSchema = z.enum(["WECHAT_CONFIRMATION", "SIGNED_PAPER", "VERBAL_WITNESSED"]);
export const localeSchema = z.enum(["zh-CN", "en"]);
/** The desk a task sits at: a village committee, a township or the county. */
export const deskSchema = z.enum(["VILLAGE", "TOWNSHIP", "COUNTY"]);
export type Desk = z.infer<typeof deskSchema>;
/** Where a resident logged in from: the mini-program, the WeChat bot or the status page. */
export const residentClientSchema = z.enum(["MINI_PROGRAM", "BOT", "WEB"]);
export type ResidentClient = z.infer<typeof residentClientSchema>;

/** The ledgers (台账) offices exchange, by the ids the API names them with (their columns: features/dashboard-and-ledgers/ledgers.ts). */
export const caseLedgerIds = ["queue", "newly-identified", "risk-eliminated"] as const;
/** The household selections (features/households/household-selections.ts), each also a household ledger. */
export const householdSelectionIds = [
  "below-income-line",
  "hardest-households",
  "multi-child-schooling",
  "zero-employment",
  "unstable-work",
] as const;
export const householdLedgerIds = householdSelectionIds;
export const ledgerIds = [...caseLedgerIds, ...householdLedgerIds] as const;
export type CaseLedgerId = (typeof caseLedgerIds)[number];
export type HouseholdLedgerId = (typeof householdLedgerIds)[number];
export type LedgerId = (typeof ledgerIds)[number];

export function isLedgerId(id: string): id is LedgerId {
  return (ledgerIds as readonly string[]).includes(id);
}
export type Locale = z.infer<typeof localeSchema>;

/** Mainland mobile (11 digits starting with 1) or a landline with its area code. */
export const phoneSchema = z
  .string()
  .trim()
  .transform((value) => value.replace(/[\s-]/g, ""))
  .pipe(z.string().regex(/^(1\d{10}|0\d{9,11})$/, { error: "validation.phone" }));

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idCheckChars = "10X98765432";

/** GB 11643 check character of an 18-character resident ID number. */
export function isValidIdNumber(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const sum = idWeights.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  return idCheckChars[sum % 11] === value[17];
}

export const idNumberSchema = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine(isValidIdNumber, { error: "validation.idNumber" });

export const regionCodeSchema = z.string().regex(/^\d{6,15}$/, { error: "validation.regionCode" });
export const caseNumberSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-?\d{6,}$/, { error: "validation.caseNumber" })
  .transform((value) => (value.includes("-") ? value : `${value.slice(0, 4)}-${value.slice(4)}`));

export const errorResponseSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
z.globalRegistry.add(errorResponseSchema, { id: "Error" });

export const nextStepSchema = z.object({
  stage: z.string(),
  text: z.string(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  /** The date counts days of a year whose official holiday arrangement is not loaded yet: reckoned from the holiday law alone, it may still move. */
  provisional: z.boolean(),
});
export type NextStep = z.infer<typeof nextStepSchema>;
