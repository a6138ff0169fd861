import { z } from "zod";
import { regionLevelSchema } from "../../core/vocabulary.ts";

export const regionNodeSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: regionLevelSchema,
  parentCode: z.string().nullable(),
});
export const regionListResponseSchema = z.object({ items: z.array(regionNodeSchema) });
export const regionListQuerySchema = z.strictObject({
  /** Only the children of this node (a picker opens one level at a time); all when omitted. */
  parentCode: z
    .string()
    .regex(/^\d{6,15}$/, { error: "validation.regionCode" })
    .optional(),
});
