import { z } from "zod";
import { caseNumberSchema } from "../../core/vocabulary.ts";

export const publicityListSchema = z.object({
  village: z.string(),
  items: z.array(
    z.object({
      caseNumber: z.string(),
      applicantName: z.string(),
      kindLabel: z.string(),
      stageLabel: z.string(),
      publicityEndsAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

export const objectionRequestSchema = z.strictObject({
  caseNumber: caseNumberSchema,
  objection: z.string().trim().min(4, { error: "validation.objectionTooShort" }).max(1000),
});
export const objectionResponseSchema = z.object({ caseNumber: z.string(), received: z.literal(true) });
