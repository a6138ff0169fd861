import { z } from "zod";
import { regionCodeSchema, riskTypeSchema } from "../../core/vocabulary.ts";
import { riskEventScopes, riskEventTypes } from "./risk-events.ts";

/** Large-scale risk events (规模性返贫风险): declared by the county for the villages they hit. */

export const riskEventTypeSchema = z.enum(riskEventTypes);
export const riskEventScopeSchema = z.enum(riskEventScopes);

export const declareRiskEventSchema = z
  .strictObject({
    type: riskEventTypeSchema,
    title: z.string().trim().min(2).max(100),
    description: z.string().trim().max(2000).optional(),
    villageCodes: z.array(regionCodeSchema).min(1, { error: "validation.villagesRequired" }).max(500),
    /** China calendar dates. */
    startsOn: z.iso.date(),
    endsOn: z.iso.date().optional(),
    /** MONITORED: formerly poor, marginal and sudden-hardship households; ALL: every household on record. */
    scope: riskEventScopeSchema,
  })
  .refine((e) => !e.endsOn || e.endsOn >= e.startsOn, { error: "validation.riskEventPeriod", path: ["endsOn"] });
export type DeclareRiskEvent = z.infer<typeof declareRiskEventSchema>;
z.globalRegistry.add(declareRiskEventSchema, { id: "DeclareRiskEvent" });

export const riskEventParamsSchema = z.strictObject({ id: z.uuid() });
export const riskEventListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const tallySchema = z.object({
  households: z.number().int(),
  leadsCreated: z.number().int(),
  alreadyOpen: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  decided: z.object({
    total: z.number().int(),
    approved: z.number().int(),
    rejected: z.number().int(),
    closed: z.number().int(),
    withdrawn: z.number().int(),
  }),
});

export const riskEventProgressSchema = tallySchema.extend({
  byStage: z.array(z.object({ stage: z.string(), stageLabel: z.string(), count: z.number().int() })),
  byVillage: z.array(tallySchema.extend({ villageCode: z.string(), villageName: z.string() })),
});

export const riskEventSchema = z.object({
  id: z.uuid(),
  type: riskEventTypeSchema,
  typeLabel: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  startsOn: z.iso.date(),
  endsOn: z.iso.date().nullable(),
  scope: riskEventScopeSchema,
  scopeLabel: z.string(),
  riskTypes: z.array(riskTypeSchema),
  villages: z.array(z.object({ code: z.string(), name: z.string() })),
  declaredBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  /** Over the households in the caller's region only. */
  progress: riskEventProgressSchema,
});
z.globalRegistry.add(riskEventSchema, { id: "RiskEvent" });

export const riskEventHouseholdSchema = z.object({
  householdNumber: z.string(),
  /** The household head, masked. */
  headName: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  outcome: z.enum(["LEAD_CREATED", "ALREADY_OPEN"]),
  outcomeLabel: z.string(),
  caseNumber: z.string(),
  caseStatus: z.enum(["OPEN", "APPROVED", "REJECTED", "CLOSED", "WITHDRAWN"]),
  stage: z.string(),
  stageLabel: z.string(),
  stageDueAt: z.iso.datetime({ offset: true }).nullable(),
  stageDueProvisional: z.boolean(),
  overdue: z.boolean(),
});

export const riskEventDetailSchema = z.object({
  event: riskEventSchema,
  /** The households to check in the caller's region, by village and household number. */
  households: z.array(riskEventHouseholdSchema),
});

export const declareRiskEventResponseSchema = riskEventDetailSchema.extend({
  /** true: a retry with the same Idempotency-Key and body; nothing new was created. */
  duplicate: z.boolean(),
});

export const riskEventListSchema = z.object({ items: z.array(riskEventSchema) });
