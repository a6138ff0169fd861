import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isResponseSerializationError } from "fastify-type-provider-zod";
import { UncoveredYearError } from "../core/calendar/working-days.ts";
import { describeIssue } from "../core/i18n/describe-issue.ts";
import { translator } from "../core/i18n/i18n.ts";
import { AppError, InvalidInputError } from "../core/errors.ts";
import { RequestValidationError } from "./request-validation.ts";

/** The one place where errors become HTTP answers; a 5xx never carries internals. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | Error, request, reply) => {
      const t = translator(request.locale);
      const send = (statusCode: number, code: string, params: Record<string, unknown> = {}, fields?: { path: string; message: string }[]) =>
        reply
          .status(statusCode)
          .send({ statusCode, code, message: t(`errors.${code}`, params), requestId: request.id, ...(fields ? { fields } : {}) });

      if (error instanceof RequestValidationError) {
        const prefix = error.validationContext && error.validationContext !== "body" ? [error.validationContext] : [];
        return send(
          400,
          "VALIDATION_FAILED",
          {},
          error.issues.map((issue) => describeIssue({ ...issue, path: [...prefix, ...issue.path] }, request.locale)),
        );
      }
      if (error instanceof InvalidInputError) {
        const message = t(`errors.${error.code}`, error.params);
        return send(
          400,
          error.code,
          error.params,
          error.field
            ? [
                {
                  path: error.field,
                  message: t("validation.field", { field: t(`fields.${error.field}`, { defaultValue: error.field }), message }),
                },
              ]
            : undefined,
        );
      }
      if (error instanceof AppError) return send(error.statusCode, error.code, error.params);
      if (error instanceof UncoveredYearError) return send(503, "CALENDAR_YEAR_NOT_COVERED", { year: error.year });

      const status = (error as FastifyError).statusCode;
      const code = (error as FastifyError).code;
      // Prisma's P2028: no database connection came free in time (a burst). Nothing was written; the same request can come again.
      if (code === "P2028") {
        reply.header("retry-after", "5");
        return send(503, "SERVICE_BUSY");
      }
      if (code === "FST_ERR_CTP_BODY_TOO_LARGE" || code === "FST_REQ_FILE_TOO_LARGE") return send(413, "PAYLOAD_TOO_LARGE");
      if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT") return send(413, "TOO_MANY_FILES");
      if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || code === "FST_INVALID_MULTIPART_CONTENT_TYPE")
        return send(415, "UNSUPPORTED_FILE_TYPE");
      if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || code === "FST_ERR_CTP_EMPTY_JSON_BODY") return send(400, "MALFORMED_JSON");
      if (status === 429) return send(429, "RATE_LIMITED");
      if (status && status >= 400 && status < 500 && !isResponseSerializationError(error)) {
        // Malformed JSON and the like: the client's fault, worded generally.
        return send(400, "VALIDATION_FAILED");
      }
      request.log.error({ err: error }, "request failed");
      return send(500, "INTERNAL");
    });

    app.setNotFoundHandler((request, reply) => {
      const t = translator(request.locale);
      return reply.status(404).send({ statusCode: 404, code: "NOT_FOUND", message: t("errors.NOT_FOUND"), requestId: request.id });
    });
  },
  { name: "error-handler", dependencies: ["locale"] },
);
