import { currentLocale } from "./i18n.ts";

/** An error answer from the server: its code and message are already in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface RequestOptions {
  token?: string | null;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  form?: FormData;
  idempotencyKey?: string;
}

let onUnauthorized: (() => void) | null = null;
/** Called when the server no longer accepts the token (expired, account locked): the console logs out. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function withQuery(url: string, query: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

async function send(method: string, url: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { "accept-language": currentLocale() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(withQuery(url, options.query), {
      method,
      headers,
      body: options.form ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
  } catch {
    throw new ApiError(
      0,
      "NETWORK",
      currentLocale() === "en" ? "The server cannot be reached. Check the network and try again." : "连不上服务器,请检查网络后重试。",
    );
  }
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as {
      code?: string;
      message?: string;
      fields?: { path: string; message: string }[];
    } | null;
    if (response.status === 401 && options.token) onUnauthorized?.();
    throw new ApiError(
      response.status,
      answer?.code ?? "HTTP_" + response.status,
      answer?.message ?? response.statusText,
      answer?.fields ?? [],
    );
  }
  return response;
}

export async function api<T>(method: "GET" | "POST", url: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, url, options);
  return (await response.json()) as T;
}

/** A file answer (ledger, report, photo) as a blob, with the name the server suggested. */
export async function download(url: string, options: RequestOptions = {}): Promise<{ blob: Blob; fileName: string | null }> {
  const response = await send("GET", url, options);
  const disposition = response.headers.get("content-disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
  return { blob: await response.blob(), fileName: encoded ? decodeURIComponent(encoded) : (plain ?? null) };
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Field errors keyed by the form field they belong to ("findings.annualIncome" → "annualIncome"). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const { path, message } of error.fields) {
    const field =
      path
        .split(".")
        .filter((part) => !/^\d+$/.test(part))
        .pop() ?? path;
    out[field] ??= message;
  }
  return out;
}
