import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { Prisma } from "../../../server/platform/database/generated/client.ts";
import { errorHandlerPlugin } from "../../../server/http/error-handler.ts";
import { localePlugin } from "../../../server/http/locale.ts";

/** The two plugins alone, with routes that fail the way the database layer does. */
async function appThrowing(error: Error) {
  const app = Fastify({ logger: false });
  await app.register(localePlugin);
  await app.register(errorHandlerPlugin);
  app.get("/fail", async () => {
    throw error;
  });
  await app.ready();
  return app;
}

describe("the error handler", () => {
  it("answers a transaction that found no free connection (a burst) with a localized 503 and Retry-After", async () => {
    // Prisma's own error for a pool that stayed busy past maxWait.
    const busy = new Prisma.PrismaClientKnownRequestError("Transaction API error: Unable to start a transaction in the given time.", {
      code: "P2028",
      clientVersion: Prisma.prismaVersion.client,
    });
    const app = await appThrowing(busy);
    const zh = await app.inject({ method: "GET", url: "/fail" });
    expect(zh.statusCode).toBe(503);
    expect(zh.headers["retry-after"]).toBe("5");
    expect(zh.json()).toMatchObject({ statusCode: 503, code: "SERVICE_BUSY" });
    expect(zh.json().message).toMatch(/排队/);
    expect(zh.body).not.toMatch(/Transaction API|P2028|prisma/i);
    const en = await app.inject({ method: "GET", url: "/fail", headers: { "accept-language": "en" } });
    expect(en.json().message).toMatch(/send it again/);
    await app.close();
  });

  it("answers any other database error with a 500 that carries no internals", async () => {
    const app = await appThrowing(
      new Prisma.PrismaClientKnownRequestError('relation "Case" does not exist', {
        code: "P2010",
        clientVersion: Prisma.prismaVersion.client,
      }),
    );
    const response = await app.inject({ method: "GET", url: "/fail" });
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe("INTERNAL");
    expect(response.body).not.toMatch(/relation|P2010/);
    await app.close();
  });
});
