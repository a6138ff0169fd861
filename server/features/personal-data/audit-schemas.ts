import { z } from "zod";
import {
  caseKindSchema,
  caseNumberSchema,
  caseStatusSchema,
  channelSchema,
  riskTypeSchema,
  staffRoleSchema,
} from "../../core/vocabulary.ts";

export const staffAccessActionSchema = z.enum([
  "VIEW_CASE",
  "VIEW_ATTACHMENT",
  "REVEAL",
  "EXPORT_TRACE",
  "EXPORT_LEDGER",
  "EXPORT_PERSON",
  "EXPORT_HOUSEHOLDS",
]);

export const staffAccessEntrySchema = z.object({
  /** The row's sequence number (a decimal string: the log outgrows a JavaScript number's exact range in theory only). */
  id: z.string(),
  at: z.iso.datetime({ offset: true }),
  staff: z.object({ id: z.uuid(), displayName: z.string(), username: z.string() }),
  staffRole: staffRoleSchema,
  action: staffAccessActionSchema,
  caseNumber: z.string().nullable(),
  subject: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});

export const accessLogQuerySchema = z.strictObject({
  caseNumber: caseNumberSchema.optional(),
  /** A staff member's user name. */
  staff: z.string().trim().min(1).max(60).optional(),
  action: staffAccessActionSchema.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});
export type AccessLogQuery = z.infer<typeof accessLogQuerySchema>;

export const accessLogResponseSchema = z.object({ items: z.array(staffAccessEntrySchema), nextCursor: z.string().nullable() });

export const traceQuerySchema = z.strictObject({ format: z.enum(["json", "xlsx", "csv"]).default("json") });

/** One case's full trace for an auditor: personal values masked, everything that happened and everybody who looked. */
export const caseTraceSchema = z.object({
  exportedAt: z.iso.datetime({ offset: true }),
  case: z.object({
    id: z.uuid(),
    number: z.string(),
    kind: caseKindSchema,
    channel: channelSchema,
    riskTypes: z.array(riskTypeSchema),
    status: caseStatusSchema,
    stage: z.string(),
    region: z.object({ code: z.string(), name: z.string() }),
    routing: z.string(),
    workflow: z.object({ key: z.string(), version: z.number().int() }).nullable(),
    applicantNameMasked: z.string(),
    phoneMasked: z.string(),
    idNumberMasked: z.string().nullable(),
    bankAccountMasked: z.string().nullable(),
    householdNumber: z.string().nullable(),
    submittedAt: z.iso.datetime({ offset: true }),
    stageDueAt: z.iso.datetime({ offset: true }).nullable(),
    stageDueProvisional: z.boolean(),
    caseDueAt: z.iso.datetime({ offset: true }).nullable(),
    caseDueProvisional: z.boolean(),
    monitoredSince: z.iso.datetime({ offset: true }).nullable(),
    personalDataErasedAt: z.iso.datetime({ offset: true }).nullable(),
  }),
  events: z.array(
    z.object({
      id: z.string(),
      at: z.iso.datetime({ offset: true }),
      actorType: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      actorRole: z.string().nullable(),
      action: z.string(),
      fromStage: z.string().nullable(),
      toStage: z.string().nullable(),
      reason: z.string().nullable(),
      payload: z.unknown(),
    }),
  ),
  accesses: z.array(staffAccessEntrySchema),
  consents: z.array(
    z.object({
      scope: z.string(),
      method: z.string(),
      grantorNameMasked: z.string(),
      recordedByStaffId: z.string().nullable(),
      grantedAt: z.iso.datetime({ offset: true }),
      revokedAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  ),
  attachments: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      mimeType: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      uploadedByType: z.string(),
      uploadedById: z.string(),
      uploadedAt: z.iso.datetime({ offset: true }),
    }),
  ),
  tasks: z.array(
    z.object({
      id: z.uuid(),
      stage: z.string(),
      desk: z.string(),
      regionPath: z.string(),
      status: z.string(),
      dueAt: z.iso.datetime({ offset: true }).nullable(),
      dueProvisional: z.boolean(),
      createdAt: z.iso.datetime({ offset: true }),
      completedAt: z.iso.datetime({ offset: true }).nullable(),
      completedBy: z.string().nullable(),
      escalatedAt: z.iso.datetime({ offset: true }).nullable(),
      escalatedToPath: z.string().nullable(),
    }),
  ),
  assignments: z.array(
    z.object({
      department: z.string(),
      riskType: z.string(),
      measure: z.string(),
      status: z.string(),
      dueAt: z.iso.datetime({ offset: true }).nullable(),
      dueProvisional: z.boolean(),
      createdAt: z.iso.datetime({ offset: true }),
      report: z.string().nullable(),
      reportedAt: z.iso.datetime({ offset: true }).nullable(),
      reportedBy: z.string().nullable(),
    }),
  ),
});
export type CaseTrace = z.infer<typeof caseTraceSchema>;
