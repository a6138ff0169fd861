import type { z } from "zod";
import type {
  staffLoginRequestSchema,
  staffLoginResponseSchema,
  staffWechatLoginRequestSchema,
  wechatLoginRequestSchema,
  wechatLoginResponseSchema,
} from "../../server/features/auth/auth-schemas.ts";
import type {
  acknowledgementSchema,
  caseDetailSchema,
  caseStatusViewSchema,
  myCasesResponseSchema,
  submitCaseRequestSchema,
} from "../../server/features/cases/case-schemas.ts";
import type { errorResponseSchema } from "../../server/core/vocabulary.ts";
import type { householdSearchResponseSchema } from "../../server/features/households/household-schemas.ts";
import type { objectionRequestSchema, objectionResponseSchema } from "../../server/features/workflow/publicity-schemas.ts";
import type { regionListResponseSchema } from "../../server/features/regions/region-schemas.ts";
import type { actionResultSchema, taskActionSchema, taskListResponseSchema } from "../../server/features/workflow/workflow-schemas.ts";
import { settings } from "./settings";

type In<S extends z.ZodType> = z.input<S>;
type Out<S extends z.ZodType> = z.output<S>;

/**
 * Every server endpoint the mini-program calls, typed by the server's own zod
 * schemas: a server change that breaks a page fails the mini-program's type
 * check. A test checks each entry against the server's OpenAPI document.
 */
export interface Endpoints {
  "POST /api/auth/wechat/login": { body: In<typeof wechatLoginRequestSchema>; response: Out<typeof wechatLoginResponseSchema> };
  "POST /api/auth/staff/login": { body: In<typeof staffLoginRequestSchema>; response: Out<typeof staffLoginResponseSchema> };
  "POST /api/auth/staff/wechat-login": { body: In<typeof staffWechatLoginRequestSchema>; response: Out<typeof staffLoginResponseSchema> };
  "POST /api/auth/staff/wechat-logout": { response: { released: true } };
  "GET /api/regions": { query?: { parentCode?: string }; response: Out<typeof regionListResponseSchema> };
  "POST /api/cases": { body: In<typeof submitCaseRequestSchema>; idempotencyKey: string; response: Out<typeof acknowledgementSchema> };
  "GET /api/me/cases": { response: Out<typeof myCasesResponseSchema> };
  "GET /api/me/cases/:number": { params: { number: string }; response: Out<typeof caseStatusViewSchema> };
  "POST /api/publicity/objections": { body: In<typeof objectionRequestSchema>; response: Out<typeof objectionResponseSchema> };
  "GET /api/households": { query: { q: string }; response: Out<typeof householdSearchResponseSchema> };
  "GET /api/staff/tasks": { query?: { limit?: number; view?: "mine" | "escalated" }; response: Out<typeof taskListResponseSchema> };
  "GET /api/staff/cases/:id": { params: { id: string }; response: Out<typeof caseDetailSchema> };
  "GET /api/staff/cases/forwarded": { response: Out<typeof myCasesResponseSchema> };
  "POST /api/staff/tasks/:id/actions": {
    params: { id: string };
    body: In<typeof taskActionSchema>;
    response: Out<typeof actionResultSchema>;
  };
  "GET /api/department/assignments": { query?: { status?: "OPEN" | "REPORTED" }; response: { items: DepartmentAssignment[] } };
  "POST /api/department/assignments/:id/report": {
    params: { id: string };
    body: { report: string };
    response: { id: string; status: "REPORTED" };
  };
}
export type Endpoint = keyof Endpoints;
export type ApiErrorBody = Out<typeof errorResponseSchema>;

/**
 * A need dispatched to a department. server/features/workflow/department-routes.ts declares
 * its schemas inline rather than in server/api, so this mirrors it by hand.
 */
export interface DepartmentAssignment {
  id: string;
  caseNumber: string;
  applicantName: string;
  regionName: string;
  riskType: string;
  riskTypeLabel: string;
  measure: string;
  status: "OPEN" | "REPORTED";
  dueAt: string | null;
  dueProvisional: boolean;
  overdue: boolean;
  report: string | null;
}

type Options<E extends Endpoint> = Omit<Endpoints[E], "response">;

/** The server answered with an error: its code and its message, already in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }

  /** Per-field messages of a 400, keyed by the field's path. */
  get fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.body.fields ?? []).map((f) => [f.path, f.message]));
  }
}

/** The request never reached the server (no network, timeout): worth trying again later. */
export class NetworkError extends Error {}

const tokenKey = "auth-token";

export const session = {
  token: (): string => wx.getStorageSync(tokenKey) || "",
  set: (token: string) => wx.setStorageSync(tokenKey, token),
  clear: () => wx.removeStorageSync(tokenKey),
};

export function call<E extends Endpoint>(
  endpoint: E,
  // "Every option is optional": an empty object literal fits Options<E> exactly then.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  ...[options]: {} extends Options<E> ? [Options<E>?] : [Options<E>]
): Promise<Endpoints[E]["response"]> {
  const [method, template] = endpoint.split(" ") as ["GET" | "POST", string];
  const opts = (options ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, string | number | undefined>;
    body?: unknown;
    idempotencyKey?: string;
  };
  const path = template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(opts.params?.[name] ?? ""));
  const query = Object.entries(opts.query ?? {})
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  const header: Record<string, string> = { "accept-language": settings.locale() };
  const token = session.token();
  if (token) header.authorization = `Bearer ${token}`;
  if (opts.idempotencyKey) header["idempotency-key"] = opts.idempotencyKey;
  if (opts.body !== undefined) header["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${settings.serverUrl()}${path}${query ? `?${query}` : ""}`,
      method,
      data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      header,
      timeout: 15_000,
      success: (res) => {
        let body: unknown = res.data;
        try {
          if (typeof body === "string" && body) body = JSON.parse(body);
        } catch {
          // Not the server's JSON (a proxy's error page, a captive portal): as good as no answer; try again later.
          return reject(new NetworkError(`unreadable answer (${res.statusCode})`));
        }
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(body as Endpoints[E]["response"]);
        else reject(new ApiError(res.statusCode, body as ApiErrorBody));
      },
      fail: (err) => reject(new NetworkError(err.errMsg)),
    });
  });
}

/** Uploads one photo (a local file path from wx.chooseMedia); answers its attachment id. */
export function upload(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${settings.serverUrl()}/api/attachments`,
      filePath,
      name: "file",
      header: { authorization: `Bearer ${session.token()}`, "accept-language": settings.locale() },
      success: (res) => {
        let body: { id: string } & ApiErrorBody;
        try {
          body = JSON.parse(res.data) as { id: string } & ApiErrorBody;
        } catch {
          return reject(new NetworkError(`unreadable answer (${res.statusCode})`));
        }
        if (res.statusCode === 201) resolve(body.id);
        else reject(new ApiError(res.statusCode, body));
      },
      fail: (err) => reject(new NetworkError(err.errMsg)),
    });
  });
}
