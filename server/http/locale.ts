import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Locale } from "../core/vocabulary.ts";
import { defaultLocale, negotiateLocale } from "../core/i18n/i18n.ts";

declare module "fastify" {
  interface FastifyRequest {
    locale: Locale;
  }
}

/** The language of every answer: the Accept-Language header, zh-CN by default. */
export const localePlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest("locale", defaultLocale);
    app.addHook("onRequest", async (request) => {
      request.locale = negotiateLocale(request.headers["accept-language"]);
    });
  },
  { name: "locale" },
);
