import { z } from "zod";

export const householdSearchQuerySchema = z.strictObject({
  /** A member's name (or part of it), the household number, or a full ID number. */
  q: z.string().trim().min(2, { error: "validation.searchTooShort" }).max(50),
});

export const householdSearchResponseSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      number: z.string(),
      headNameMasked: z.string(),
      regionName: z.string(),
    }),
  ),
});
