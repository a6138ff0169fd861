import { z } from "zod";
import { caseStatusSchema } from "../../core/vocabulary.ts";

/** Client → server over the WebSocket: the first message must authenticate (tokens never travel in URLs, which get logged). */
export const realtimeClientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4000) }),
  z.strictObject({ type: z.literal("ping") }),
  /** The WeChat bot authenticates with its service key, then confirms each push it delivered. */
  z.strictObject({ type: z.literal("auth.bot"), key: z.string().min(1).max(500) }),
  z.strictObject({ type: z.literal("bot.delivered"), id: z.uuid() }),
]);

/** Server → client pushes. */
export const realtimeServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), audience: z.enum(["staff", "resident", "bot"]) }),
  /** To the bot: write this to that WeChat contact, then answer bot.delivered. */
  z.object({ type: z.literal("bot.push"), id: z.uuid(), to: z.string(), text: z.string() }),
  z.object({ type: z.literal("pong") }),
  /** Pushes may have been missed (the server lost its link to the other instances for a moment): reload what is shown. */
  z.object({ type: z.literal("resync") }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  /** To staff: a task opened at their desk, a late task escalated to them, a task of their desk due within a working day, a publicity list of theirs come down. */
  z.object({
    type: z.enum(["task.opened", "task.escalated", "task.dueSoon", "task.publicityEnded"]),
    taskId: z.uuid(),
    caseNumber: z.string(),
    stage: z.string(),
    stageLabel: z.string(),
    dueAt: z.iso.datetime({ offset: true }).nullable(),
    dueProvisional: z.boolean(),
  }),
  /** To the county office and administrator: a background job over their region moved (GET /api/jobs/:id has the rest). */
  z.object({
    type: z.literal("job.changed"),
    jobId: z.uuid(),
    kind: z.string(),
    status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
    progress: z.object({ done: z.number(), total: z.number().nullable(), phase: z.string() }),
  }),
  /** To the applicant: their case moved. */
  z.object({
    type: z.literal("case.updated"),
    caseNumber: z.string(),
    stage: z.string(),
    stageLabel: z.string(),
    status: caseStatusSchema,
    event: z.string(),
    title: z.string(),
  }),
]);
export type RealtimeServerMessage = z.infer<typeof realtimeServerMessageSchema>;
