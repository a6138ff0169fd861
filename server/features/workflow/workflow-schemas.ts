import { z } from "zod";
import { phoneSchema, regionCodeSchema, riskTypeSchema } from "../../core/vocabulary.ts";

/** County departments that take dispatched needs (004 篇八: "what is missing, fill it"). */
export const departmentSchema = z.enum([
  "HEALTH_INSURANCE",
  "HEALTH",
  "CIVIL_AFFAIRS",
  "DISABLED_PERSONS_FEDERATION",
  "EDUCATION",
  "HOUSING",
  "HUMAN_RESOURCES",
  "WATER",
  "AGRICULTURE",
  "EMERGENCY_MANAGEMENT",
]);
export type Department = z.infer<typeof departmentSchema>;

const reason = z.string().trim().min(2, { error: "validation.reasonRequired" }).max(1000);
const guarantee = z.enum(["SECURE", "AT_RISK"]);

/** What a desk can do with its task; which of these a stage accepts comes from the workflow definition. */
export const taskActionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("RECORD_HOME_VISIT"),
    visitedAt: z.iso.datetime({ offset: true }),
    investigators: z.array(z.string().trim().min(1).max(50)).min(1).max(10),
    findings: z.strictObject({
      annualIncome: z.number().int().min(0).max(100_000_000),
      rigidExpenses: z.number().int().min(0).max(100_000_000),
      foodAndClothing: guarantee,
      education: guarantee,
      medical: guarantee,
      housing: guarantee,
      drinkingWater: guarantee,
      notes: z.string().trim().max(2000).default(""),
    }),
    photoIds: z.array(z.uuid()).max(20).default([]),
    /**
     * Photos with time and place (taken on the phone at the house): each names one of photoIds.
     * Optional rather than defaulted, so actions built in code before it existed still type-check.
     */
    photoPlaces: z
      .array(
        z.strictObject({
          photoId: z.uuid(),
          takenAt: z.iso.datetime({ offset: true }),
          latitude: z.number().min(-90).max(90),
          longitude: z.number().min(-180).max(180),
        }),
      )
      .max(20)
      .optional(),
  }),
  z.strictObject({
    type: z.literal("RECORD_APPRAISAL"),
    meetingAt: z.iso.datetime({ offset: true }),
    proposal: z.enum(["PROPOSE", "DECLINE"]),
    /** Members entitled to vote, present, and the votes cast (required where the definition asks for a vote). */
    membersTotal: z.number().int().min(1).max(500).optional(),
    present: z.number().int().min(0).max(500).optional(),
    votesFor: z.number().int().min(0).max(500).optional(),
    votesAgainst: z.number().int().min(0).max(500).optional(),
    reason,
  }),
  z.strictObject({ type: z.literal("RECORD_OBJECTION"), objection: reason }),
  z.strictObject({ type: z.literal("CLOSE_PUBLICITY") }),
  z.strictObject({
    type: z.literal("RECORD_DATA_COMPARISON"),
    result: z.enum(["CLEAR", "DOUBTFUL"]),
    notes: z.string().trim().max(2000).default(""),
  }),
  z.strictObject({ type: z.literal("APPROVE"), note: z.string().trim().max(1000).optional() }),
  z.strictObject({ type: z.literal("RETURN"), reason }),
  z.strictObject({ type: z.literal("REJECT"), reason }),
  z.strictObject({ type: z.literal("ASSIGN_REGION"), regionCode: regionCodeSchema, note: z.string().trim().max(1000).optional() }),
  z.strictObject({
    type: z.literal("DISPATCH"),
    needs: z
      .array(z.strictObject({ riskType: riskTypeSchema, department: departmentSchema, measure: z.string().trim().min(2).max(500) }))
      .min(1)
      .max(12),
  }),
  z.strictObject({ type: z.literal("ASSIGN_HELPER"), helperName: z.string().trim().min(1).max(50), helperPhone: phoneSchema.optional() }),
  z.strictObject({
    type: z.literal("RECORD_FOLLOW_UP"),
    visitedAt: z.iso.datetime({ offset: true }),
    notes: z.string().trim().min(2).max(2000),
  }),
  z.strictObject({ type: z.literal("PROPOSE_ELIMINATION"), reason }),
  z.strictObject({ type: z.literal("REIDENTIFY"), reason }),
]);
export type TaskAction = z.infer<typeof taskActionSchema>;
z.globalRegistry.add(taskActionSchema, { id: "TaskAction" });

/** Decisions a desk may take on a batch of tasks at once; everything that records findings is one case at a time. */
export const bulkActionTypes = ["APPROVE", "RETURN", "REJECT", "CLOSE_PUBLICITY", "RECORD_DATA_COMPARISON"] as const;
export const bulkTaskActionSchema = z.strictObject({
  taskIds: z.array(z.uuid()).min(1).max(100),
  action: taskActionSchema.refine((action) => (bulkActionTypes as readonly string[]).includes(action.type), {
    error: "validation.notBulkAction",
  }),
});
export const bulkActionResultSchema = z.object({
  done: z.number().int(),
  failed: z.number().int(),
  results: z.array(
    z.union([
      z.object({ taskId: z.uuid(), ok: z.literal(true), caseNumber: z.string(), toStage: z.string(), toStageLabel: z.string() }),
      z.object({ taskId: z.uuid(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});

export const taskIdParamsSchema = z.strictObject({ id: z.uuid() });

export const taskSchema = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.string(),
  stage: z.string(),
  stageLabel: z.string(),
  desk: z.enum(["VILLAGE", "TOWNSHIP", "COUNTY"]),
  regionName: z.string(),
  status: z.enum(["OPEN", "DONE", "CANCELLED"]),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  /** The due date counts days of a year whose official holiday arrangement is not loaded yet (it may still move). */
  dueProvisional: z.boolean(),
  overdue: z.boolean(),
  escalated: z.boolean(),
  /** Actions this task accepts now. */
  actions: z.array(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
});
export const taskListResponseSchema = z.object({ items: z.array(taskSchema) });
export const taskListQuerySchema = z.strictObject({
  status: z.enum(["OPEN", "DONE", "CANCELLED"]).default("OPEN"),
  overdue: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  /** "mine": my desk's tasks; "escalated": late tasks of the desks below, escalated to me. */
  view: z.enum(["mine", "escalated"]).default("mine"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const actionResultSchema = z.object({
  caseId: z.uuid(),
  caseNumber: z.string(),
  fromStage: z.string(),
  toStage: z.string(),
  status: z.enum(["OPEN", "APPROVED", "REJECTED", "CLOSED", "WITHDRAWN"]),
  nextTask: taskSchema.nullable(),
});
