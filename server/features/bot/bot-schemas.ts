import { z } from "zod";

/**
 * What the WeChat bot process and the server say to each other. The bot only
 * relays: it turns a WeChat message into a BotMessageRequest, sends the replies
 * it gets back, and delivers pushes; every rule stays on the server.
 */
export const botMessageTypeSchema = z.enum(["text", "chat_history", "image", "voice", "file", "other"]);
export type BotMessageType = z.infer<typeof botMessageTypeSchema>;

export const botMessageRequestSchema = z.strictObject({
  /** WeChat's id of the message: a redelivery carries the same id. */
  messageId: z.string().min(1).max(200),
  /** The WeChat contact who wrote it. */
  senderId: z.string().min(1).max(200),
  type: botMessageTypeSchema.default("text"),
  text: z.string().max(8000).default(""),
  /** Set when the message was written in a group chat. */
  room: z.strictObject({ id: z.string().min(1).max(200), mentioned: z.boolean() }).optional(),
});
export type BotMessageRequest = z.infer<typeof botMessageRequestSchema>;

export const botMessageResponseSchema = z.object({ replies: z.array(z.string()) });
export type BotMessageResponse = z.infer<typeof botMessageResponseSchema>;

/** A photo, voice note or file: multipart with a "message" field (BotMessageRequest as JSON) and a "file" field. */
export const botMediaFieldsSchema = z.object({ message: z.string().min(2).max(10_000) });
