import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { errorResponseSchema } from "../../core/vocabulary.ts";

export async function backupRoutes(app: AppInstance) {
  app.get(
    "/api/admin/backup",
    {
      // Everything the database holds, for the administrator only; the same backup whoever of them asks.
      config: { access: { staff: ["ADMIN"], scope: "shared" }, rateLimit: { max: 6, timeWindow: "1 minute" } },
      schema: {
        tags: ["admin"],
        summary: "Download a backup of the embedded database and its files (tar, streamed; restore with npm run db:restore)",
        description: "On a PostgreSQL server the answer is 409 BACKUP_USE_PG_DUMP: back it up with pg_dump (README, Backup and restore).",
        response: {
          200: z.any().describe("The backup file (tar)"),
          401: errorResponseSchema,
          403: errorResponseSchema,
          409: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const backup = app.services.backup.download();
      request.log.info({ staffId: request.principal?.id, file: backup.fileName }, "database backup downloaded");
      return reply
        .header("content-type", "application/x-tar")
        .header("content-disposition", `attachment; filename="${backup.fileName}"`)
        .header("cache-control", "no-store")
        .send(backup.stream);
    },
  );
}
