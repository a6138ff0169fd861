import type { MultipartValue } from "@fastify/multipart";
import type { AppInstance } from "../app-instance.ts";
import { botMessageRequestSchema, botMessageResponseSchema } from "../api/bot-schemas.ts";
import { errorResponseSchema } from "../api/common-schemas.ts";
import { InvalidInputError } from "../lib/errors.ts";

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

  app.post(
    "/api/bot/media-messages",
    {
      config: { access: { bot: true } },
      schema: {
        tags: ["bot"],
        summary: 'A photo, voice note or file: multipart with a "message" field (the message as JSON) before the "file" field',
        consumes: ["multipart/form-data"],
        response: { 200: botMessageResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 413: errorResponseSchema },
      },
    },
    async (request) => {
      // One field (the message) before the one file; uploads elsewhere allow no fields at all.
      const file = await request.file({ limits: { fileSize: app.config.maxUploadBytes, files: 1, fields: 1, parts: 2 } });
      if (!file) throw new InvalidInputError("FILE_MISSING", "file");
      const field = file.fields.message as MultipartValue<string> | undefined;
      let parsed;
      try {
        parsed = botMessageRequestSchema.safeParse(JSON.parse(field?.value ?? ""));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) throw new InvalidInputError("VALIDATION_FAILED", "message");
      return app.services.bot.handle(parsed.data, await file.toBuffer());
    },
  );
}
