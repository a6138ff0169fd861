import { z } from "zod";

/** Long work run in the background (server/platform/jobs/job-runner.ts): its state and progress. */

export const jobStatusSchema = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);

export const jobParamsSchema = z.strictObject({ id: z.uuid() });

export const jobSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  kindLabel: z.string(),
  status: jobStatusSchema,
  statusLabel: z.string(),
  /** Rows (or items) done, of how many (null while not yet known), and the phase ("reading", "writing", "done"). */
  progress: z.object({ done: z.number().int(), total: z.number().int().nullable(), phase: z.string(), phaseLabel: z.string() }),
  /** What it did (counts), once it succeeded. */
  result: z.record(z.string(), z.unknown()).nullable(),
  /** Why it failed, worded. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  startedAt: z.iso.datetime({ offset: true }).nullable(),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
});
