import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { staffRoleSchema, type StaffRole } from "../../../server/core/vocabulary.ts";
import { realtimeClientMessageSchema } from "../../../server/features/realtime/realtime-schemas.ts";
import { declarationProblem, isObjectScope, pathParams, type Access } from "../../../server/http/access.ts";
import { realtimeMessageAccess } from "../../../server/features/realtime/realtime-routes.ts";
import type { ObjectKind } from "../../../server/http/object-scopes.ts";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";
import { wsText } from "../../../server/platform/ws-text.ts";

const botKey = "matrix-bot-key-0123456789";
const probeHeader = "x-access-probe";
/** A real 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/**
 * How each kind of object answers a caller it is out of reach of, written
 * down here apart from the server's own table: null for a kind with no
 * region (every admitted caller reaches it).
 */
const outOfReach: Record<ObjectKind, { status: number; code: string } | null> = {
  case: { status: 404, code: "CASE_NOT_FOUND" },
  task: { status: 404, code: "TASK_NOT_FOUND" },
  attachment: { status: 404, code: "ATTACHMENT_NOT_FOUND" },
  household: { status: 404, code: "HOUSEHOLD_NOT_FOUND" },
  screeningImport: { status: 404, code: "SCREENING_IMPORT_NOT_FOUND" },
  riskEvent: { status: 404, code: "RISK_EVENT_NOT_FOUND" },
  assignment: { status: 404, code: "ASSIGNMENT_NOT_FOUND" },
  // Region codes are public knowledge: refused, not hidden.
  village: { status: 403, code: "REGION_OUT_OF_SCOPE" },
  ledger: null,
  staffAccount: { status: 404, code: "STAFF_NOT_FOUND" },
  householdImport: { status: 404, code: "HOUSEHOLD_IMPORT_NOT_FOUND" },
  job: { status: 404, code: "JOB_NOT_FOUND" },
  workflowDefinition: { status: 404, code: "WORKFLOW_DEFINITION_NOT_FOUND" },
};
/** Which residents reach each kind: the owner only, any, or none (no route may admit them to it). */
const residentReach: Record<ObjectKind, "own" | "any" | null> = {
  case: "own",
  task: null,
  attachment: null,
  household: null,
  screeningImport: null,
  riskEvent: null,
  assignment: null,
  village: "any",
  ledger: null,
  staffAccount: null,
  householdImport: null,
  job: null,
  workflowDefinition: null,
};
/** Path parameters of routes that name no object (public pages). */
const plainParams: Record<string, string> = { "*": "no-such-file.js" };

/** Where the fixtures live (石门村一组, 柳溪镇) and, for each role, an office out of reach of it (白沙村, 云岭乡, another county). */
const insideRegion = (role: StaffRole) =>
  ({ GRID_WORKER: "990101001001001", VILLAGE: "990101001001", TOWNSHIP: "990101001" })[role as string] ?? "990101";
const outsideRegion = (role: StaffRole) =>
  ({ GRID_WORKER: "990101002001001", VILLAGE: "990101002001", TOWNSHIP: "990101002" })[role as string] ?? "990102";

type Caller =
  | { name: string; kind: "anonymous"; headers: Record<string, string> }
  | { name: string; kind: "bot"; headers: Record<string, string> }
  | { name: string; kind: "resident"; owner: boolean; headers: Record<string, string> }
  | { name: string; kind: "staff"; role: StaffRole; inside: boolean; headers: Record<string, string> };

type Expected = "allowed" | { status: number; code: string };

/** What the declaration says this caller must get. */
function expectedAnswer(access: Access, caller: Caller): Expected {
  if ("public" in access) return "allowed";
  if ("bot" in access) return caller.kind === "bot" ? "allowed" : { status: 401, code: "UNAUTHORIZED" };
  if (caller.kind === "anonymous" || caller.kind === "bot") return { status: 401, code: "UNAUTHORIZED" };
  const admitted = caller.kind === "resident" ? !!access.residents : !!access.staff?.includes(caller.role);
  if (!admitted) return { status: 403, code: "FORBIDDEN" };
  if (!isObjectScope(access.scope)) return "allowed";
  const reaches =
    caller.kind === "resident" ? residentReach[access.scope] === "any" || caller.owner : caller.inside || !outOfReach[access.scope];
  return reaches ? "allowed" : outOfReach[access.scope]!;
}

describe(`access matrix: every route and socket message as every kind of caller (${testDatabaseKind})`, () => {
  let t: TestApp;
  const routes: RouteOptions[] = [];
  const callers: Caller[] = [];
  let objects: Record<ObjectKind, Record<string, string>>;

  beforeAll(async () => {
    t = await createTestApp(
      { botKey, simulator: "true", rateLimitPerMinute: 1_000_000 },
      {
        onRoute: (route) => {
          routes.push(route);
          // A probe the gate let through stops before the handler: what is tested is the gate, and an export or a backup
          // per caller would cost seconds.
          const stop = async (request: FastifyRequest, reply: FastifyReply) => {
            if (request.headers[probeHeader]) await reply.code(299).send();
          };
          route.preHandler = [...[route.preHandler ?? []].flat(), stop];
        },
      },
    );
    const prisma = t.database.db.prisma;

    // Another county, so that county-wide roles have somewhere out of reach too.
    const county = await prisma.region.create({ data: { code: "990102", name: "绿水县", level: "COUNTY", path: "990102/" } });
    await prisma.region.create({
      data: { code: "990102001", name: "外县镇", level: "TOWNSHIP", parentId: county.id, path: "990102/990102001/" },
    });
    t.app.services.regions.invalidate();

    const owner = await t.residentToken("matrix-owner");
    const other = await t.residentToken("matrix-other");
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    callers.push(
      { name: "anonymous", kind: "anonymous", headers: {} },
      { name: "bot", kind: "bot", headers: { "x-bot-key": botKey } },
      { name: "resident (owner)", kind: "resident", owner: true, headers: bearer(owner) },
      { name: "resident (other)", kind: "resident", owner: false, headers: bearer(other) },
    );
    // One account of every role (new roles included) inside the fixtures' region and one outside it.
    for (const role of staffRoleSchema.options) {
      for (const inside of [true, false]) {
        const region = await prisma.region.findUniqueOrThrow({ where: { code: (inside ? insideRegion : outsideRegion)(role) } });
        const account = await prisma.staffAccount.create({
          data: {
            username: `matrix-${role}-${inside ? "in" : "out"}`,
            displayName: role,
            role,
            regionId: region.id,
            department: role === "DEPARTMENT" ? "HEALTH_INSURANCE" : null,
            passwordHash: "-",
          },
        });
        callers.push({
          name: `${role} ${inside ? "inside" : "outside"}`,
          kind: "staff",
          role,
          inside,
          headers: bearer(t.app.jwt.sign({ sub: account.id, typ: "staff" })),
        });
      }
    }
    const staff = (role: StaffRole) => callers.find((c) => c.kind === "staff" && c.role === role && c.inside)!.headers;

    // The objects, made through the API where it makes them, in 石门村一组.
    const boundary = "----matrix";
    const multipart = (name: string, bytes: Buffer) => ({
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    const created = async (response: Promise<import("fastify").LightMyRequestResponse>) => {
      const answer = await response;
      if (answer.statusCode !== 201) throw new Error(`fixture not created: ${answer.statusCode} ${answer.body}`);
      return answer.json();
    };
    const photo = multipart("photo.png", png);
    const attachment = await created(
      t.app.inject({ method: "POST", url: "/api/attachments", headers: { ...photo.headers, ...bearer(owner) }, payload: photo.payload }),
    );
    const ack = await created(
      t.submit(owner, { description: "家里老人住院花了很多钱", regionCode: "990101001001001", attachmentIds: [attachment.id] }),
    );
    const task = await prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId, status: "OPEN" } });
    const household = await prisma.household.findFirstOrThrow({ where: { region: { code: "990101001001001" } } });
    const sheet = multipart("医保.csv", Buffer.from("序号,姓名,身份证号,医疗总费用(元),个人自付金额(元)\r\n1,某人,,100,20\r\n"));
    const screening = await created(
      t.app.inject({
        method: "POST",
        url: "/api/staff/screening/imports?department=HEALTH_INSURANCE&period=2026Q3",
        headers: { ...sheet.headers, ...staff("COUNTY") },
        payload: sheet.payload,
      }),
    );
    const event = await created(
      t.app.inject({
        method: "POST",
        url: "/api/staff/risk-events",
        headers: { ...staff("COUNTY"), "idempotency-key": "matrix-flood-0001" },
        payload: {
          type: "FLOOD",
          title: "山洪",
          description: "石门河沿岸被淹",
          villageCodes: ["990101001001"],
          startsOn: "2026-11-20",
          endsOn: "2026-11-23",
          scope: "MONITORED",
        },
      }),
    );
    const assignment = await prisma.departmentAssignment.create({
      data: { caseId: ack.caseId, department: "HEALTH_INSURANCE", riskType: "ILLNESS", measure: "大病保险", regionPath: "990101/" },
    });
    const admin = await prisma.staffAccount.findUniqueOrThrow({ where: { username: "admin" } });
    const householdImport = await prisma.householdImport.create({
      data: {
        regionPath: "990101/",
        fileSha256: "0".repeat(64),
        fileName: "监测对象.xlsx",
        fileSize: 1,
        format: "xlsx",
        headers: ["户编号"],
        headerRow: 1,
        uploadedById: admin.id,
      },
    });
    const job = await prisma.job.create({
      data: { kind: "household-import", params: { importId: householdImport.id }, regionPath: "990101/", createdById: admin.id },
    });
    objects = {
      case: { id: ack.caseId, number: ack.number },
      task: { id: task.id },
      attachment: { id: attachment.id },
      household: { id: household.id },
      screeningImport: { id: screening.import.id },
      riskEvent: { id: event.event.id },
      assignment: { id: assignment.id },
      village: { villageCode: "990101001001" },
      ledger: { id: "queue" },
      // The demo grid worker of 石门村一组: inside every inside caller's region.
      staffAccount: { id: (await prisma.staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } })).id },
      householdImport: { id: householdImport.id },
      job: { id: job.id },
      // The county's own version of a default definition: out of reach of another county's staff.
      workflowDefinition: {
        id: (
          await prisma.workflowDefinition.create({
            data: {
              key: "emergency-aid",
              regionCode: "990101",
              version: 1,
              checksum: "matrix",
              body: {
                ...((await prisma.workflowDefinition.findFirstOrThrow({ where: { key: "emergency-aid", regionCode: "" } })).body as object),
                regionCode: "990101",
              },
            },
          })
        ).id,
      },
    };
  });
  afterAll(() => t.close());

  it("sees every registered route, the API docs' own included, and each declares who may call it", () => {
    const urls = routes.flatMap((route) => [route.method].flat().map((method) => `${method} ${route.url}`));
    expect(urls).toEqual(
      expect.arrayContaining([
        "GET /docs/json",
        "GET /docs/static/*",
        "HEAD /api/staff/cases/:id",
        "GET /ws",
        "GET /simulator/ws",
        "POST /api/bot/messages",
      ]),
    );
    const undeclared = routes
      .map((route) => ({ route: `${String(route.method)} ${route.url}`, problem: declarationProblem(route.config?.access, route.url) }))
      .filter((r) => r.problem);
    expect(undeclared).toEqual([]);
  });

  /** The route's path with its parameters filled from the fixtures, or why it cannot be. */
  function pathOf(route: RouteOptions, access: Access): { url: string } | { problem: string } {
    const values = "public" in access || "bot" in access || !isObjectScope(access.scope) ? plainParams : (objects[access.scope] ?? {});
    const unknown = pathParams(route.url).filter((name) => !(name in values));
    if (unknown.length > 0)
      return { problem: `no fixture for path parameter ${unknown.join(", ")}; add one to this test so the route is checked` };
    return { url: route.url.replace(/:(\w+)|\*/g, (_match, name: string | undefined) => encodeURIComponent(values[name ?? "*"]!)) };
  }

  it("answers every route as its declaration says, for every kind of caller", { timeout: 120_000 }, async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const access = route.config!.access!;
      const path = pathOf(route, access);
      for (const method of [route.method].flat()) {
        if ("problem" in path) {
          mismatches.push(`${method} ${route.url}: ${path.problem}`);
          continue;
        }
        // HEAD routes are Fastify's copies of the GET routes, gated on their own; one caller shows the gate is there.
        for (const caller of method === "HEAD" ? callers.slice(0, 1) : callers) {
          const expected = expectedAnswer(access, caller);
          const response = await t.app.inject({
            method: method as "GET",
            url: path.url,
            headers: { ...caller.headers, [probeHeader]: "1" },
            ...(method === "GET" || method === "HEAD" ? {} : { payload: {} }),
          });
          const code =
            method !== "HEAD" && response.headers["content-type"]?.toString().startsWith("application/json")
              ? (response.json() as { code?: string }).code
              : undefined;
          const refused =
            response.statusCode === 401 ||
            response.statusCode === 403 ||
            (response.statusCode === 404 && "scope" in access && isObjectScope(access.scope));
          const wrong =
            expected === "allowed"
              ? refused || response.statusCode === 500
              : response.statusCode !== expected.status || (method !== "HEAD" && code !== expected.code);
          if (wrong) {
            mismatches.push(
              `${method} ${route.url} as ${caller.name}: expected ${expected === "allowed" ? "to be let through" : `${expected.status} ${expected.code}`}, got ${response.statusCode} ${code ?? ""}`,
            );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("declares who may send every WebSocket message type", () => {
    const types = realtimeClientMessageSchema.options.map((option) => option.shape.type.value);
    expect(Object.keys(realtimeMessageAccess).sort()).toEqual([...types].sort());
  });

  it("answers every WebSocket message type as its declaration says, for every kind of socket", async () => {
    const owner = callers.find((c) => c.kind === "resident" && c.owner)!.headers.authorization!.slice("Bearer ".length);
    const county = callers
      .find((c) => c.kind === "staff" && c.role === "COUNTY" && c.inside)!
      .headers.authorization!.slice("Bearer ".length);
    const sockets = {
      anonymous: null,
      resident: { type: "auth", token: owner },
      staff: { type: "auth", token: county },
      bot: { type: "auth.bot", key: botKey },
    } as const;
    /** The first answer to a message of this type that carries nothing else: refused, or let through to its validation or handler. */
    const firstAnswer = async (login: object | null, type: string) => {
      const socket: WebSocket = await t.app.injectWS("/ws");
      const received: Record<string, unknown>[] = [];
      socket.on("message", (raw) => received.push(JSON.parse(wsText(raw))));
      const next = async () => {
        for (let waited = 0; received.length === 0 && waited < 3000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
        return received.shift();
      };
      if (login) {
        socket.send(JSON.stringify(login));
        expect(await next()).toMatchObject({ type: "ready" });
      }
      socket.send(JSON.stringify({ type }));
      const answer = await next();
      socket.terminate();
      return answer;
    };
    const mismatches: string[] = [];
    for (const [type, access] of Object.entries(realtimeMessageAccess)) {
      for (const [audience, login] of Object.entries(sockets)) {
        const allowed =
          access === "anyone" ||
          (access === "bot"
            ? audience === "bot"
            : audience !== "bot" && audience !== "anonymous" && (access as readonly string[]).includes(audience));
        const answer = await firstAnswer(login, type);
        const refusal = answer?.type === "error" && (answer.code === "UNAUTHORIZED" || answer.code === "FORBIDDEN") ? answer.code : null;
        const expected = allowed ? null : audience === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
        if (refusal !== expected)
          mismatches.push(`${type} from a ${audience} socket: expected ${expected ?? "to be let through"}, got ${JSON.stringify(answer)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
