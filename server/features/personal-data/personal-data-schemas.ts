import { z } from "zod";
import { revealableFields } from "../../core/personal-data-policy.ts";
import { timelineEntrySchema } from "../cases/case-schemas.ts";
import { caseKindSchema, caseStatusSchema, idNumberSchema } from "../../core/vocabulary.ts";

/** Why a full value is needed, in the staff member's words: kept in the staff-access log and shown to auditors. */
export const accessReasonSchema = z
  .string()
  .trim()
  .min(4, { error: "validation.accessReason" })
  .max(200, { error: "validation.accessReason" });

/**
 * One personal value in full. MEMBER_ID_NUMBER names the member: a household
 * member on record (`memberId`) or a member of the household an application
 * declared (`declaredIndex`, from 0 in the order shown).
 */
export const revealRequestSchema = z
  .strictObject({
    field: z.enum(revealableFields),
    memberId: z.uuid().optional(),
    declaredIndex: z.number().int().min(0).max(19).optional(),
    reason: accessReasonSchema,
  })
  .refine((r) => (r.field === "MEMBER_ID_NUMBER") === (r.memberId !== undefined || r.declaredIndex !== undefined), {
    error: "validation.revealMember",
    path: ["memberId"],
  })
  .refine((r) => r.memberId === undefined || r.declaredIndex === undefined, { error: "validation.revealMember", path: ["memberId"] });
export type RevealRequest = z.infer<typeof revealRequestSchema>;

export const revealResponseSchema = z.object({
  field: z.enum(revealableFields),
  value: z.string(),
  /** The bank with a BANK_ACCOUNT. */
  bankName: z.string().nullable(),
  revealedAt: z.iso.datetime({ offset: true }),
});

const attachmentRecordSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  uploadedAt: z.iso.datetime({ offset: true }),
});
const consentRecordSchema = z.object({
  scope: z.string(),
  method: z.string(),
  grantorName: z.string(),
  grantedAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});

/** The household an application declared, as it was given (answers carry no transforms: they are only serialised). */
const declaredHouseholdRecordSchema = z.object({
  members: z.array(
    z.object({
      name: z.string(),
      relation: z.string(),
      idNumber: z.string().optional(),
      birthYear: z.number().int(),
      labourCapacity: z.string(),
      health: z.string(),
    }),
  ),
  incomes: z.array(z.object({ source: z.string(), amount: z.number(), productionCost: z.number() })),
  expenses: z.array(z.object({ kind: z.string(), amount: z.number() })),
});

/** One case as its applicant's personal data: what they gave, in full, and what happened to it. */
export const personalCaseRecordSchema = z.object({
  number: z.string(),
  kind: caseKindSchema,
  status: caseStatusSchema,
  stageLabel: z.string(),
  submittedAt: z.iso.datetime({ offset: true }),
  applicantName: z.string(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  description: z.string(),
  address: z.string().nullable(),
  bankAccount: z.object({ bankName: z.string().nullable(), accountNumber: z.string() }).nullable(),
  declaredHousehold: declaredHouseholdRecordSchema.nullable(),
  /** Set when the retention policy erased the personal data above. */
  personalDataErasedAt: z.iso.datetime({ offset: true }).nullable(),
  timeline: z.array(timelineEntrySchema),
  consents: z.array(consentRecordSchema),
  attachments: z.array(attachmentRecordSchema),
});
export type PersonalCaseRecord = z.infer<typeof personalCaseRecordSchema>;

/** Everything held about a resident (PIPL art. 45): GET /api/me/data. */
export const myDataSchema = z.object({
  exportedAt: z.iso.datetime({ offset: true }),
  identity: z.object({
    displayName: z.string().nullable(),
    phone: z.string().nullable(),
    locale: z.string(),
    registeredAt: z.iso.datetime({ offset: true }),
    household: z.object({ number: z.string(), address: z.string() }).nullable(),
  }),
  cases: z.array(personalCaseRecordSchema),
  consents: z.array(consentRecordSchema.extend({ caseNumber: z.string().nullable() })),
});
export type MyData = z.infer<typeof myDataSchema>;

/** A county office exports what is held about one person, on that person's request. */
export const personExportRequestSchema = z.strictObject({
  idNumber: idNumberSchema,
  reason: accessReasonSchema,
});

export const personExportSchema = z.object({
  exportedAt: z.iso.datetime({ offset: true }),
  idNumber: z.string(),
  /** The person in the household records (建档立卡), wherever in the caller's region. */
  householdMemberships: z.array(
    z.object({
      householdNumber: z.string(),
      regionName: z.string(),
      address: z.string(),
      name: z.string(),
      relation: z.string(),
      birthDate: z.iso.date(),
      labourCapacity: z.string(),
      health: z.string(),
      disability: z.string().nullable(),
      schooling: z.string(),
    }),
  ),
  /** Cases the person applied for (their ID number given as the applicant's). */
  cases: z.array(personalCaseRecordSchema),
  /** Other cases about the person's household: their numbers and state only, since they hold others' data. */
  householdCases: z.array(
    z.object({ number: z.string(), kind: caseKindSchema, status: caseStatusSchema, submittedAt: z.iso.datetime({ offset: true }) }),
  ),
});
export type PersonExport = z.infer<typeof personExportSchema>;
