import { z } from "zod";
import type { AppInstance } from "../app-instance.ts";
import { errorResponseSchema } from "../api/common-schemas.ts";

export const botMessageRequestSchema = z.strictObject({
  messageId: z.string().min(1).max(200),
  senderId: z.string().min(1).max(200),
  text: z.string().max(4000),
});
export const botMessageResponseSchema = z.object({ replies: z.array(z.string()) });

export async function botRoutes(app: AppInstance) {
  app.post(
    "/api/bot/messages",
    {
      config: { access: { bot: true } },
      schema: {
        tags: ["bot"],
        summary: "The bot relays one WeChat message; the server runs the conversation and answers with the replies to send",
        body: botMessageRequestSchema,
        response: { 200: botMessageResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => app.services.bot.handle(request.body),
  );
}
