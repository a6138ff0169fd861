import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { InvalidInputError } from "../core/errors.ts";
import { jsonNestsDeeperThan } from "./json-depth.ts";

/**
 * JSON bodies: Fastify's own parser (which refuses "__proto__" and
 * "constructor.prototype" keys), behind a nesting limit (JSON_MAX_DEPTH). The
 * size limit is Fastify's bodyLimit (BODY_LIMIT_BYTES), answered with 413.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parse = app.getDefaultJsonParser("error", "error");
    const max = app.config.jsonMaxDepth;
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      const text = String(body);
      if (jsonNestsDeeperThan(text, max)) return done(new InvalidInputError("JSON_TOO_DEEP", undefined, { max }), undefined);
      return parse(request, text, done);
    });
  },
  { name: "json-body" },
);
