import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { requirePrincipal, requireStaff } from "../../http/access.ts";
import { readUpload } from "../../http/uploads.ts";
import { accessContext } from "../../http/access-context.ts";

const attachmentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["PHOTO", "VOICE", "DOCUMENT"]),
  mimeType: z.string(),
  size: z.number().int(),
});

export async function attachmentRoutes(app: AppInstance) {
  app.post(
    "/api/attachments",
    {
      config: {
        access: { residents: true, staff: ["GRID_WORKER", "VILLAGE", "TOWNSHIP", "COUNTY"], scope: "own" },
        rateLimit: { max: app.config.uploadRateLimitPerMinute, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["attachments"],
        summary: 'Upload one photo, voice note or PDF (multipart field "file"); pass its id with the submission',
        consumes: ["multipart/form-data"],
        response: {
          201: attachmentSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          413: errorResponseSchema,
          415: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, { fileSize: app.config.maxUploadBytes, files: 1, fields: 0, parts: 1 });
      if (!upload) throw new InvalidInputError("FILE_MISSING", "file");
      const stored = await app.services.attachments.store(requirePrincipal(request), upload.bytes);
      return reply.status(201).send(stored);
    },
  );

  app.get(
    "/api/staff/attachments/:id",
    {
      config: { access: { staff: ["VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN", "AUDITOR"], scope: "attachment" } },
      schema: {
        tags: ["attachments"],
        summary: "A case's photo, voice note or PDF, for staff whose region holds the case",
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: z.any().describe("The file"), 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const file = await app.services.attachments.readForStaff(requireStaff(request), request.params.id, accessContext(request));
      // Personal evidence: the browser may show it but must not keep it in shared caches.
      return reply
        .header("content-type", file.mimeType)
        .header("cache-control", "private, no-store")
        .header("x-content-type-options", "nosniff")
        .send(file.bytes);
    },
  );
}
