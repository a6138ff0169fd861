import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { calendarOutlookSchema } from "../calendar/calendar-schemas.ts";
import { publicAccess } from "../../http/access.ts";

const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  database: z.enum(["embedded", "postgres"]).optional(),
  /** Details for whoever watches the service: a missing holiday arrangement leaves deadlines provisional (it does not make the service unready). */
  details: z.object({ calendar: calendarOutlookSchema }).optional(),
});

export async function healthRoutes(app: AppInstance) {
  app.get(
    "/health/live",
    { config: { access: publicAccess }, schema: { tags: ["health"], summary: "The process is up", response: { 200: healthSchema } } },
    async () => ({
      status: "ok" as const,
    }),
  );

  app.get(
    "/health/ready",
    {
      config: { access: publicAccess },
      schema: { tags: ["health"], summary: "The database answers; ready for traffic", response: { 200: healthSchema, 503: healthSchema } },
    },
    async (request, reply) => {
      const db = app.services.db;
      const ok = await db.query("SELECT 1").then(
        () => true,
        () => false,
      );
      return reply.status(ok ? 200 : 503).send({
        status: ok ? "ok" : "unavailable",
        database: db.kind,
        details: { calendar: app.services.calendars.outlook(request.locale) },
      });
    },
  );
}
