import type { AppInstance } from "../../app-instance.ts";
import { botMessageRequestSchema, botMessageResponseSchema } from "./bot-schemas.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { unstorableTextIssues } from "../../http/request-validation.ts";
import { readUpload } from "../../http/uploads.ts";

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
        summary: 'A photo, voice note or file: multipart with a "message" field (the message as JSON) and a "file" field',
        consumes: ["multipart/form-data"],
        response: { 200: botMessageResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 413: errorResponseSchema },
      },
    },
    async (request) => {
      // One field (the message) and the one file; uploads elsewhere allow no fields at all.
      const upload = await readUpload(request, { fileSize: app.config.maxUploadBytes, files: 1, fields: 1, parts: 2 });
      if (!upload) throw new InvalidInputError("FILE_MISSING", "file");
      let parsed;
      try {
        const message: unknown = JSON.parse(upload.fields.message ?? "");
        // Checked as the JSON routes' bodies are (server/http/request-validation.ts): NUL and the like cannot be kept.
        parsed = unstorableTextIssues(message).length === 0 ? botMessageRequestSchema.safeParse(message) : null;
      } catch {
        parsed = null;
      }
      if (!parsed?.success) throw new InvalidInputError("VALIDATION_FAILED", "message");
      return app.services.bot.handle(parsed.data, upload.bytes);
    },
  );
}
