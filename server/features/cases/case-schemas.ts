import { z } from "zod";
import {
  caseKindSchema,
  caseNumberSchema,
  caseStatusSchema,
  channelSchema,
  consentMethodSchema,
  idNumberSchema,
  localeSchema,
  nextStepSchema,
  phoneSchema,
  regionCodeSchema,
  regionLevelSchema,
  riskTypeSchema,
} from "../../core/vocabulary.ts";
import { revealableFields } from "../../core/personal-data-policy.ts";

export const idempotencyHeadersSchema = z.object({
  "idempotency-key": z.string().trim().min(8, { error: "validation.idempotencyKey" }).max(100, { error: "validation.idempotencyKey" }),
});

/**
 * The household as an application declares it: who lives in it, what it earned
 * and what it had to pay in the last twelve months (yuan). The village checks
 * it on the home visit; reviewers see it next to the standard.
 */
export const declaredHouseholdSchema = z
  .strictObject({
    members: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(50),
          relation: z.enum(["HEAD", "SPOUSE", "CHILD", "PARENT", "GRANDCHILD", "GRANDPARENT", "SIBLING", "OTHER"]),
          idNumber: idNumberSchema.optional(),
          birthYear: z.number().int().min(1900).max(2100),
          labourCapacity: z.enum(["FULL", "PARTIAL", "NONE", "NOT_WORKING_AGE"]),
          health: z.enum(["HEALTHY", "CHRONIC_ILLNESS", "SERIOUS_ILLNESS", "DISABLED"]),
        }),
      )
      .min(1, { error: "validation.householdMembers" })
      .max(20),
    incomes: z
      .array(
        z.strictObject({
          source: z.enum(["WAGE", "BUSINESS", "PROPERTY", "TRANSFER"]),
          amount: z.number().int().min(0).max(10_000_000),
          productionCost: z.number().int().min(0).max(10_000_000).default(0),
        }),
      )
      .max(20)
      .default([]),
    expenses: z
      .array(z.strictObject({ kind: z.enum(["MEDICAL", "EDUCATION", "OTHER"]), amount: z.number().int().min(0).max(10_000_000) }))
      .max(20)
      .default([]),
  })
  .refine((h) => h.members.filter((m) => m.relation === "HEAD").length === 1, { error: "validation.oneHouseholdHead", path: ["members"] });
export type DeclaredHousehold = z.infer<typeof declaredHouseholdSchema>;

/**
 * The account that receives assistance payments (惠民惠农财政补贴"一卡通"):
 * the bank (or credit cooperative) and the card or passbook number. Passbook
 * numbers do not follow the card check digit, so only the shape is checked.
 */
export const bankAccountSchema = z.strictObject({
  bankName: z.string().trim().min(2, { error: "validation.bankName" }).max(50, { error: "validation.bankName" }),
  accountNumber: z
    .string()
    .trim()
    .transform((value) => value.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^\d{10,25}$/, { error: "validation.bankAccountNumber" })),
});
export type BankAccount = z.infer<typeof bankAccountSchema>;

export const submitCaseRequestSchema = z.strictObject({
  kind: caseKindSchema.exclude(["DEPARTMENT_LEAD"]).default("HARDSHIP_REPORT"),
  /** When omitted the server classifies the description. */
  riskTypes: z.array(riskTypeSchema).min(1).max(12).optional(),
  description: z.string().trim().min(4, { error: "validation.descriptionTooShort" }).max(2000),
  applicantName: z.string().trim().min(1).max(50),
  phone: phoneSchema,
  idNumber: idNumberSchema.optional(),
  /** A village, group or township picked in a region picker. */
  regionCode: regionCodeSchema.optional(),
  /** Free-text address ("石门村三组"), used when no region was picked. */
  address: z.string().trim().max(200).optional(),
  attachmentIds: z.array(z.uuid()).max(9).default([]),
  consent: z.strictObject({
    /** The applicant agrees that the information is processed for this case. */
    personalInformation: z.literal(true, { error: "validation.consentRequired" }),
    /** Authorisation to check the family's deposits, vehicles and housing. */
    familyEconomicCheck: z.boolean().default(false),
    /** Other adult members who each agreed on the applicant's phone (their names); each gets the same consents recorded. */
    alsoAgreed: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  }),
  /** Applications: the household as declared (members, incomes, expenses). */
  household: declaredHouseholdSchema.optional(),
  /** Applications: the account the assistance is paid into. */
  bankAccount: bankAccountSchema.optional(),
  /** Staff filing for a known household in their region (found through the household search). */
  householdId: z.uuid().optional(),
  /** Staff filing for a resident: how the resident confirmed the filing. */
  onBehalf: z
    .strictObject({
      confirmationMethod: consentMethodSchema,
    })
    .optional(),
  locale: localeSchema.optional(),
});
export type SubmitCaseRequest = z.infer<typeof submitCaseRequestSchema>;
z.globalRegistry.add(submitCaseRequestSchema, { id: "SubmitCaseRequest" });

export const acknowledgementSchema = z.object({
  caseId: z.uuid(),
  number: z.string(),
  status: caseStatusSchema,
  stage: z.string(),
  stageLabel: z.string(),
  riskTypes: z.array(riskTypeSchema),
  routedTo: z.object({ regionCode: z.string(), regionName: z.string(), level: regionLevelSchema, triage: z.boolean() }),
  nextStep: nextStepSchema,
  /** True when this answers a retried submission with the case created the first time. */
  duplicate: z.boolean(),
  submittedAt: z.iso.datetime({ offset: true }),
  message: z.string(),
});
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;
z.globalRegistry.add(acknowledgementSchema, { id: "Acknowledgement" });

export const timelineEntrySchema = z.object({
  at: z.iso.datetime({ offset: true }),
  action: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
});

export const caseStatusViewSchema = z.object({
  number: z.string(),
  kind: caseKindSchema,
  kindLabel: z.string(),
  status: caseStatusSchema,
  statusLabel: z.string(),
  stage: z.string(),
  stageLabel: z.string(),
  riskTypes: z.array(riskTypeSchema),
  regionName: z.string(),
  submittedAt: z.iso.datetime({ offset: true }),
  nextStep: nextStepSchema.nullable(),
  timeline: z.array(timelineEntrySchema),
});
export type CaseStatusView = z.infer<typeof caseStatusViewSchema>;
z.globalRegistry.add(caseStatusViewSchema, { id: "CaseStatus" });

export const caseNumberParamsSchema = z.strictObject({ number: caseNumberSchema });

export const publicLookupRequestSchema = z.strictObject({
  number: caseNumberSchema,
  phoneLast4: z.string().regex(/^\d{4}$/, { error: "validation.phoneLast4" }),
});

export const myCasesResponseSchema = z.object({
  items: z.array(
    z.object({
      number: z.string(),
      kind: caseKindSchema,
      kindLabel: z.string(),
      status: caseStatusSchema,
      stageLabel: z.string(),
      submittedAt: z.iso.datetime({ offset: true }),
      nextStep: nextStepSchema.nullable(),
    }),
  ),
});

export const queueQuerySchema = z.strictObject({
  status: caseStatusSchema.optional(),
  stage: z.string().max(60).optional(),
  riskType: riskTypeSchema.optional(),
  channel: channelSchema.optional(),
  /** Narrow to a region inside the caller's own. */
  regionCode: regionCodeSchema.optional(),
  overdue: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  /** Case number, applicant name, or a full ID number (matched by its lookup hash). */
  q: z.string().trim().min(1).max(50).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque cursor from the previous page. */
  cursor: z.string().max(200).optional(),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

export const queueItemSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  kind: caseKindSchema,
  channel: channelSchema,
  riskTypes: z.array(riskTypeSchema),
  applicantName: z.string(),
  phoneMasked: z.string(),
  regionName: z.string(),
  routing: z.enum(["VILLAGE", "TOWNSHIP_TRIAGE", "COUNTY_TRIAGE"]),
  stage: z.string(),
  stageLabel: z.string(),
  status: caseStatusSchema,
  stageDueAt: z.iso.datetime({ offset: true }).nullable(),
  /** The due date counts days of a year whose official holiday arrangement is not loaded yet (it may still move). */
  stageDueProvisional: z.boolean(),
  overdue: z.boolean(),
  submittedAt: z.iso.datetime({ offset: true }),
});
export const queueResponseSchema = z.object({ items: z.array(queueItemSchema), nextCursor: z.string().nullable() });
export type QueueResponse = z.infer<typeof queueResponseSchema>;
z.globalRegistry.add(queueResponseSchema, { id: "Queue" });

export const caseIdParamsSchema = z.strictObject({ id: z.uuid() });

export const caseDetailSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  kind: caseKindSchema,
  channel: channelSchema,
  riskTypes: z.array(riskTypeSchema),
  description: z.string(),
  address: z.string().nullable(),
  applicantName: z.string(),
  phoneMasked: z.string(),
  idNumberMasked: z.string().nullable(),
  region: z.object({ code: z.string(), name: z.string(), level: regionLevelSchema }),
  routing: z.enum(["VILLAGE", "TOWNSHIP_TRIAGE", "COUNTY_TRIAGE"]),
  stage: z.string(),
  stageLabel: z.string(),
  status: caseStatusSchema,
  stageDueAt: z.iso.datetime({ offset: true }).nullable(),
  stageDueProvisional: z.boolean(),
  /** The whole-case limit from intake to decision. */
  caseDueAt: z.iso.datetime({ offset: true }).nullable(),
  caseDueProvisional: z.boolean(),
  submittedAt: z.iso.datetime({ offset: true }),
  reporter: z.object({ type: z.enum(["RESIDENT", "STAFF"]), name: z.string().nullable() }),
  household: z
    .object({
      number: z.string(),
      address: z.string(),
      members: z.array(
        z.object({
          name: z.string(),
          relation: z.string(),
          birthDate: z.iso.date(),
          idNumberMasked: z.string(),
          labourCapacity: z.string(),
          health: z.string().nullable(),
          schooling: z.string(),
        }),
      ),
    })
    .nullable(),
  /** What the application declared (ID numbers masked), and those figures against the standard of the year it was filed. */
  declaredHousehold: z
    .object({
      members: z.array(
        z.object({
          name: z.string(),
          relation: z.string(),
          birthYear: z.number().int(),
          idNumberMasked: z.string().nullable(),
          labourCapacity: z.string(),
          health: z.string().nullable(),
        }),
      ),
      incomes: z.array(z.object({ source: z.string(), amount: z.number(), productionCost: z.number() })),
      expenses: z.array(z.object({ kind: z.string(), amount: z.number() })),
      perCapitaNetIncome: z.number().nullable(),
      incomeLine: z.number().nullable(),
      belowLine: z.boolean().nullable(),
    })
    .nullable(),
  /** The payment account, masked (not shown to grid workers), with the other cases in the caller's region that name the same account. */
  bankAccount: z.object({ bankName: z.string(), numberMasked: z.string(), alsoNamedBy: z.array(z.string()) }).nullable(),
  /** When the retention policy erased the applicant's personal data (names, phone, ID, description); null while kept. */
  personalDataErasedAt: z.iso.datetime({ offset: true }).nullable(),
  /** The fields the caller may reveal in full (POST /api/staff/cases/:id/reveal), each reveal logged with its reason. */
  revealable: z.array(z.enum(revealableFields)),
  /** The household's figures against the year's monitoring income standard (null when no household or figures are on record). */
  assessment: z
    .object({
      year: z.number().int(),
      incomeLine: z.number(),
      netIncome: z.number(),
      perCapitaNetIncome: z.number(),
      rigidExpenses: z.number(),
      perCapitaAfterRigidExpenses: z.number(),
      belowLine: z.boolean(),
      belowLineAfterRigidExpenses: z.boolean(),
      guaranteesAtRisk: z.array(z.string()),
      grade: z.enum(["RED", "YELLOW", "GREEN"]).nullable(),
      reasons: z.array(z.string()),
    })
    .nullable(),
  consents: z.array(
    z.object({ scope: z.string(), method: z.string(), grantorName: z.string(), grantedAt: z.iso.datetime({ offset: true }) }),
  ),
  attachments: z.array(z.object({ id: z.uuid(), kind: z.string(), mimeType: z.string(), size: z.number().int() })),
  events: z.array(
    z.object({
      at: z.iso.datetime({ offset: true }),
      /** The event in plain words, as the applicant's timeline puts it. */
      title: z.string(),
      actorType: z.string(),
      actorRole: z.string().nullable(),
      action: z.string(),
      fromStage: z.string().nullable(),
      toStage: z.string().nullable(),
      reason: z.string().nullable(),
      /** Who did it: the staff member and role, the applicant, another resident (an objecting neighbour), or the system. */
      by: z.string(),
      /** The case file: what was recorded with it (a visit's findings, a meeting's votes, an objection's words, an opinion…). */
      details: z.array(z.object({ label: z.string(), value: z.string() })),
    }),
  ),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;
z.globalRegistry.add(caseDetailSchema, { id: "CaseDetail" });
