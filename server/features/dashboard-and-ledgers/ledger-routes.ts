import { z } from "zod";
import type { AppInstance } from "../../app-instance.ts";
import { queueQuerySchema } from "../cases/case-schemas.ts";
import { errorResponseSchema, ledgerIds } from "../../core/vocabulary.ts";
import { ledgerFormats, ledgerSubjects } from "./ledgers.ts";
import { requireStaff } from "../../http/access.ts";
import { accessContext } from "../../http/access-context.ts";

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

/**
 * Bulk lists of personal data leave the system as files, so fewer desks get
 * them than see the queue: the village, township and county offices that sign
 * the ledgers off, and the administrator. Grid workers and department handlers
 * do not (a department works from its own assignments).
 */
const ledgerAccess = { staff: ["VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN"] } as const;

export const ledgerListSchema = z.object({
  items: z.array(
    z.object({
      id: z.enum(ledgerIds),
      title: z.string(),
      /** What it lists: cases (the queue's filters and a period apply) or households (the region only). */
      subject: z.enum(ledgerSubjects),
      formats: z.array(z.enum(ledgerFormats)),
    }),
  ),
});

export const ledgerParamsSchema = z.strictObject({ id: z.string().min(1).max(40) });

export const ledgerQuerySchema = queueQuerySchema
  .pick({ status: true, stage: true, riskType: true, channel: true, regionCode: true, overdue: true })
  .extend({
    format: z.enum(ledgerFormats).default("xlsx"),
    /** China calendar dates, both inclusive; what they apply to depends on the ledger (received, monitored since, eliminated on). */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: "validation.ledgerPeriod", path: ["from"] });

export async function ledgerRoutes(app: AppInstance) {
  const service = app.services.ledgers;

  app.get(
    "/api/staff/ledgers",
    {
      config: { access: { ...ledgerAccess, scope: "shared" } },
      schema: {
        tags: ["staff"],
        summary: "The ledgers (台账) I can export, with their titles",
        response: { 200: ledgerListSchema, ...errors },
      },
    },
    async (request) => service.list(request.locale),
  );

  app.get(
    "/api/staff/ledgers/:id",
    {
      config: { access: { ...ledgerAccess, scope: "ledger" } },
      schema: {
        tags: ["staff"],
        summary: "Download a ledger of the cases or households in my region as XLSX or CSV (streamed; names, phones and ID numbers masked)",
        description:
          "Household ledgers (subject households) take regionCode only; a case filter or period is refused with LEDGER_FILTER_NOT_APPLICABLE.",
        params: ledgerParamsSchema,
        querystring: ledgerQuerySchema,
        response: { 200: z.any().describe("The spreadsheet file"), ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const download = await service.export(
        requireStaff(request),
        request.params.id,
        format,
        query,
        request.locale,
        accessContext(request),
      );
      return reply
        .header("content-type", download.contentType)
        .header("content-disposition", download.contentDisposition)
        .header("cache-control", "no-store")
        .send(download.stream);
    },
  );
}
