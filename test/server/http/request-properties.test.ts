import fc from "fast-check";
import type { RouteOptions } from "fastify";
import type { z } from "zod";
import { afterAll, describe, expect, it } from "vitest";
import { demoPassword } from "../../../server/demo/demo-county.ts";
import { ensureConsoleBuilt } from "../../helpers/browser.ts";
import { hostileValue, requestValues } from "../../helpers/schema-arbitrary.ts";
import { createTestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

/**
 * Every route of the real app — whoever added it — called with generated
 * input by a caller who may use it: no input may answer 5xx, and every 4xx
 * says what is wrong in words. A fixed seed keeps runs repeatable; a failure
 * prints the request that broke the route.
 */
const seed = 20261125;
/** Runs for a route with request schemas to vary; one without them (or a HEAD, a GET's twin) varies only its caller, language and raw body. */
const runsPerRoute = 20;
const runsWithoutSchemas = 4;
const botKey = "request-properties-bot-key-0123";

const routes: RouteOptions[] = [];
await ensureConsoleBuilt();
const lifted = 1_000_000_000;
const t = await createTestApp(
  {
    botKey,
    // Limits answer 429 long before a run ends; here every request should reach its route.
    rateLimitPerMinute: lifted,
    loginRateLimitPerMinute: lifted,
    lookupRateLimitPerMinute: lifted,
    intakeRateLimitPerMinute: lifted,
    uploadRateLimitPerMinute: lifted,
    objectionRateLimitPerHour: lifted,
    botSenderMessagesPerMinute: lifted,
    loginFailuresPerClient: lifted,
    bindingFailuresPerSender: lifted,
    bindingFailuresPerHour: lifted,
    maxUploadsPerDay: lifted,
  },
  { onRoute: (route) => routes.push(route) },
);
afterAll(() => t.close());

type Caller = { name: string; headers: Record<string, string> };
const prisma = t.database.db.prisma;
const staff = await prisma.staffAccount.findMany({
  where: { active: true },
  orderBy: { username: "asc" },
  select: { username: true, role: true },
});
const staffByRole = new Map<string, Caller>();
for (const account of staff) {
  if (staffByRole.has(account.role)) continue;
  const login = await t.app.inject({
    method: "POST",
    url: "/api/auth/staff/login",
    payload: { username: account.username, password: demoPassword },
  });
  if (login.statusCode === 200)
    staffByRole.set(account.role, { name: account.username, headers: { authorization: `Bearer ${login.json().token}` } });
}
const resident: Caller = { name: "resident", headers: { authorization: `Bearer ${await t.residentToken("demo")}` } };
const anonymous: Caller = { name: "anonymous", headers: {} };
const bot: Caller = { name: "bot", headers: { "x-bot-key": botKey } };

/** Who may call a route, by its access declaration; a shape this test does not know gets every kind of caller. */
function callersFor(route: RouteOptions): Caller[] {
  const access = route.config?.access as { public?: true; bot?: true; residents?: boolean; staff?: readonly string[] } | undefined;
  if (!access || access.public) return [anonymous];
  if (access.bot) return [bot];
  const callers = [...(access.residents ? [resident] : []), ...(access.staff ?? []).flatMap((role) => staffByRole.get(role) ?? [])];
  return callers.length > 0 ? callers : [anonymous, resident, bot, ...staffByRole.values()];
}

// Real identifiers and codes get generated requests past "not found" and into the services.
const [cases, tasks, households, regions, attachments] = await Promise.all([
  prisma.case.findMany({ take: 4, orderBy: { number: "asc" }, select: { id: true, number: true } }),
  prisma.caseTask.findMany({ take: 4, where: { status: "OPEN" }, select: { id: true } }),
  prisma.household.findMany({ take: 3, select: { id: true } }),
  prisma.region.findMany({ take: 6, orderBy: { code: "asc" }, select: { code: true } }),
  prisma.attachment.findMany({ take: 2, select: { id: true } }),
]);
const ids = [...cases, ...tasks, ...households, ...attachments].map((row) => row.id);
const samples: Record<string, readonly unknown[]> = {
  id: ids,
  caseId: cases.map((c) => c.id),
  taskIds: [tasks.map((task) => task.id)],
  householdId: households.map((h) => h.id),
  number: cases.map((c) => c.number),
  caseNumber: cases.map((c) => c.number),
  regionCode: regions.map((r) => r.code),
  villageCode: regions.map((r) => r.code),
  "idempotency-key": ["fuzz-submission-1", "fuzz-submission-2"],
  phone: ["13512345678", "13800001234"],
  idNumber: ["11010519491231002X"],
  phoneLast4: ["1234", "5678"],
  username: staff.map((s) => s.username),
  password: [demoPassword, "wrong-password"],
  code: ["dev:fuzz-resident", "dev:demo", "123456"],
  text: ["一组刘大爷家房子被洪水冲垮了,在石门村", "查进度", "申请", "绑定 123456", "English", "是"],
  description: ["家里房子被洪水冲了,在石门村一组"],
  applicantName: ["张德福"],
};

const locales = fc.constantFrom("zh-CN", "en", "fr", "*", "en;q=x", "");
const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=gbk",
    ),
  },
);

function arbitraryFor(schema: unknown): fc.Arbitrary<unknown> {
  return schema ? requestValues(schema as z.ZodType, samples) : fc.oneof(fc.constant(undefined), hostileValue);
}

/** What a client can put in a URL or header: UTF-8, where half a surrogate pair has no bytes (it goes as U+FFFD). */
function encoded(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
}

/** A generated value as one query-string or path value. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : value === undefined ? "" : (JSON.stringify(value) ?? "");
}

function queryString(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `?${encoded(asText(value))}`;
  const query = new URLSearchParams();
  for (const [key, item] of Object.entries(value)) for (const one of Array.isArray(item) ? item : [item]) query.append(key, asText(one));
  return `?${query}`;
}

function pathFor(url: string, params: unknown): string {
  const values = typeof params === "object" && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  return url.replace(/:(\w+)|\*/g, (_match, name: string | undefined) => encoded(asText(values[name ?? "*"] ?? params)) || "x");
}

/** Header values must be visible ASCII; anything else is sent percent-encoded, as a careful client would. */
function headerValues(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, /^[\x20-\x7e]*$/.test(asText(item)) ? asText(item) : encoded(asText(item))]),
  );
}

const methods = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);

describe(`every route refuses bad input in words, never with a 5xx (${testDatabaseKind})`, () => {
  it("finds the app's routes", () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.some((route) => route.url === "/api/cases" && methods(route).includes("POST"))).toBe(true);
  });

  for (const route of routes) {
    for (const method of methods(route)) {
      it(`${method} ${route.url}`, async () => {
        const schema = (route.schema ?? {}) as { body?: unknown; querystring?: unknown; params?: unknown; headers?: unknown };
        const request = fc.record({
          caller: fc.constantFrom(...callersFor(route)),
          params: arbitraryFor(schema.params),
          query: arbitraryFor(schema.querystring),
          headers: arbitraryFor(schema.headers),
          body: arbitraryFor(schema.body),
          // Now and then a body that is no JSON at all.
          rawBody: fc.oneof(
            { weight: 7, arbitrary: fc.constant(null) },
            {
              weight: 1,
              arbitrary: fc.oneof(fc.string({ unit: "binary", maxLength: 50 }), fc.constantFrom("{", "[1,", '{"a":', "null", "\u0000")),
            },
          ),
          contentType: contentTypes,
          locale: locales,
        });
        await fc.assert(
          fc.asyncProperty(request, async (input) => {
            const url = `${pathFor(route.url, input.params)}${queryString(input.query)}`;
            const hasBody = method !== "GET" && method !== "HEAD";
            const payload = !hasBody ? undefined : (input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body)));
            const answer = await t.app.inject({
              method,
              url,
              headers: {
                ...headerValues(input.headers),
                ...input.caller.headers,
                "accept-language": input.locale,
                ...(payload !== undefined ? { "content-type": input.contentType } : {}),
              },
              payload,
            });
            const where = `${method} ${url} as ${input.caller.name} → ${answer.statusCode} ${answer.body.slice(0, 300)}\npayload: ${payload?.slice(0, 300)}`;
            if (answer.statusCode >= 500) throw new Error(where);
            if (answer.statusCode >= 400 && method !== "HEAD") {
              const message: unknown = String(answer.headers["content-type"]).includes("json") ? answer.json().message : undefined;
              // A message in words, not a missing translation's key ("errors.SOMETHING").
              if (typeof message !== "string" || message.length === 0 || /^[a-z]+(\.[\w-]+)+$/i.test(message))
                throw new Error(`no localized message: ${where}`);
            }
          }),
          {
            seed,
            numRuns:
              method === "HEAD" || !(schema.body || schema.querystring || schema.params || schema.headers)
                ? runsWithoutSchemas
                : runsPerRoute,
          },
        );
      }, 60_000);
    }
  }
});
