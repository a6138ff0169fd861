import { z } from "zod";
import { localeSchema } from "../../core/vocabulary.ts";

/** A file sent from the simulator page; the page shrinks larger photos before sending. */
export const simulatorMaxFileBytes = 2 * 1024 * 1024;
const maxBase64Chars = Math.ceil(simulatorMaxFileBytes / 3) * 4;
/** The WebSocket frame a largest file needs: its base64 plus the JSON around it and a long name. */
export const simulatorMaxFrameBytes = maxBase64Chars + 4096;
export const simulatorMaxTextChars = 2000;

/**
 * "sim-" and 22+ random characters: longer than any WeChat id (at most 20), so a page
 * can never speak as a real WeChat user, and too random to guess another page's id.
 */
export const simulatorPersonIdSchema = z.string().regex(/^sim-[A-Za-z0-9_-]{22,64}$/);

/** Page → server. The first message must be hello; hello again switches who is speaking. */
export const simulatorClientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hello"), personId: simulatorPersonIdSchema.optional(), as: z.enum(["resident", "grid"]) }),
  z.strictObject({ type: z.literal("say"), text: z.string().trim().min(1).max(simulatorMaxTextChars) }),
  z.strictObject({
    type: z.literal("file"),
    // Only the name's extension matters to the bot; no path parts or control characters.
    name: z
      .string()
      .min(1)
      .max(200)
      // Control characters are what a file name must not hold.
      // eslint-disable-next-line no-control-regex
      .regex(/^[^/\\\u0000-\u001f]+$/),
    base64: z.base64().min(1).max(maxBase64Chars),
  }),
]);
export type SimulatorClientMessage = z.infer<typeof simulatorClientMessageSchema>;

/** Server → page: who the page speaks as, every message the bot writes to that person, and refusals. */
export const simulatorServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), personId: z.string(), as: z.enum(["resident", "grid"]) }),
  z.object({ type: z.literal("bot"), text: z.string() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type SimulatorServerMessage = z.infer<typeof simulatorServerMessageSchema>;

export const simulatorLocaleQuerySchema = z.object({ lng: localeSchema.optional() });

export const simulatorStringsResponseSchema = z.object({
  locale: localeSchema,
  /** The page's own words (simulator.page in the locale files). */
  strings: z.record(z.string(), z.string()),
  /** What the bot says to someone new, shown before the first message. */
  welcome: z.string(),
  limits: z.object({ fileBytes: z.number().int(), textChars: z.number().int() }),
});
