import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultLocale, formatDate, hasKey, negotiateLocale, supportedLocales, translator } from "../../../../server/core/i18n/i18n.ts";
import { en } from "../../../../server/core/i18n/locales/en.ts";
import { zhCN } from "../../../../server/core/i18n/locales/zh-CN.ts";

const serverDir = fileURLToPath(new URL("../../../../server/", import.meta.url));

/** "a.b.c" → string, for every leaf; non-string leaves are reported as such so they fail the checks. */
function flatten(tree: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object") for (const [k, v] of flatten(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]!))].sort();
}

/** Every .ts file under server/, except generated Prisma code. */
function serverSources(dir = serverDir): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated" || entry.name === "node_modules") continue;
      out.push(...serverSources(full));
    } else if (entry.name.endsWith(".ts")) out.push({ file: relative(serverDir, full), text: readFileSync(full, "utf8") });
  }
  return out;
}

const zhFlat = flatten(zhCN);
const enFlat = flatten(en);
const locales = { "zh-CN": zhFlat, en: enFlat } as const;

describe("locale files", () => {
  it("have exactly the same keys", () => {
    expect([...enFlat.keys()].sort()).toEqual([...zhFlat.keys()].sort());
    expect(zhFlat.size).toBeGreaterThan(50);
  });

  it.each(Object.entries(locales))("%s has a non-empty string for every key", (_name, flat) => {
    const bad = [...flat].filter(([, value]) => typeof value !== "string" || value.trim() === "").map(([key]) => key);
    expect(bad).toEqual([]);
  });

  it("use the same {{placeholders}} in both languages", () => {
    const mismatches: string[] = [];
    for (const [key, zh] of zhFlat) {
      const wanted = placeholders(String(zh as string));
      const got = placeholders(String((enFlat.get(key) as string | undefined) ?? ""));
      const missing = wanted.filter((p) => !got.includes(p));
      const extra = got.filter((p) => !wanted.includes(p));
      if (missing.length > 0) mismatches.push(`${key}: en lacks ${missing.join(", ")}`);
      if (extra.length > 0) mismatches.push(`${key}: en has extra ${extra.join(", ")}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("are loaded into i18next and interpolate", () => {
    expect(hasKey("errors.ACCOUNT_LOCKED")).toBe(true);
    expect(hasKey("errors.NO_SUCH_CODE")).toBe(false);
    expect(translator("en")("errors.ACCOUNT_LOCKED", { minutes: 15 })).toContain("15 minutes");
    expect(translator("zh-CN")("errors.ACCOUNT_LOCKED", { minutes: 15 })).toContain("15 分钟");
    // No HTML escaping of what is sent as JSON.
    expect(translator("en")("validation.unknownFields", { keys: "a<b>" })).toBe("Unknown fields: a<b>");
  });

  it("answer a remembered label the same way every time, and never remember interpolated text", () => {
    const t = translator("en");
    expect(t("errors.ACCOUNT_LOCKED", { minutes: 15 })).toContain("15 minutes");
    expect(t("errors.ACCOUNT_LOCKED", { minutes: 30 })).toContain("30 minutes");
    expect(t("statuses.OPEN")).toBe(en.statuses.OPEN);
    expect(t("statuses.OPEN")).toBe(en.statuses.OPEN);
    expect(translator("zh-CN")("statuses.OPEN")).toBe(zhCN.statuses.OPEN);
    // A default is part of what is remembered: a missing key answers each caller's own default.
    expect(t("timeline.NO_SUCH_ACTION", { defaultValue: "" })).toBe("");
    expect(t("timeline.NO_SUCH_ACTION", { defaultValue: "fallback" })).toBe("fallback");
  });
});

describe("negotiateLocale", () => {
  it.each<[string | undefined, string]>([
    [undefined, "zh-CN"],
    ["", "zh-CN"],
    ["en", "en"],
    ["en-GB", "en"],
    ["EN-us", "en"],
    ["zh-CN", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["zh-Hant-HK,zh;q=0.9", "zh-CN"],
    ["fr", "zh-CN"],
    ["fr-FR,fr;q=0.9", "zh-CN"],
    ["fr;q=1, en;q=0.5", "en"],
    ["en;q=0.3, zh-CN;q=0.8", "zh-CN"],
    ["zh-CN;q=0.2, en", "en"],
    ["de;q=0.9, en-US;q=0.8, zh;q=0.7", "en"],
    ["en, zh", "en"],
    ["zh, en", "zh-CN"],
    ["*", "zh-CN"],
  ])("%j → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it("only ever returns a supported locale", () => {
    expect(supportedLocales).toContain(defaultLocale);
    for (const header of ["ja", "ko-KR", "es;q=0.1", "garbage;;;", "en;q=abc"]) expect(supportedLocales).toContain(negotiateLocale(header));
  });
});

describe("formatDate", () => {
  // 01:00 on 26 November in China, still 25 November in UTC (the test machine's zone).
  const lateEvening = new Date("2026-11-25T17:00:00Z");

  it("renders the China calendar date in Chinese", () => {
    const text = formatDate(lateEvening, "zh-CN");
    expect(text).toContain("2026年11月26日");
    expect(text).toContain("周四");
    expect(text).not.toContain("25");
  });

  it("renders the China calendar date in English", () => {
    const text = formatDate(lateEvening, "en");
    expect(text).toContain("November 26");
    expect(text).toContain("2026");
    expect(text).toContain("Thu");
    expect(text).not.toContain("25");
  });

  it("still shows the same day just before China midnight", () => {
    // 23:59 on 26 November in China.
    expect(formatDate(new Date("2026-11-26T15:59:00Z"), "zh-CN")).toContain("11月26日");
    expect(formatDate(new Date("2026-11-26T16:00:00Z"), "zh-CN")).toContain("11月27日");
  });
});

describe("every message the server refers to exists in both languages", () => {
  const sources = serverSources();

  it("finds the server sources", () => {
    expect(sources.some((s) => s.file === join("core", "errors.ts"))).toBe(true);
    expect(sources.length).toBeGreaterThan(10);
  });

  it("has a translation for every error code thrown", () => {
    const thrown =
      /new (NotFoundError|ForbiddenError|UnauthorizedError|ConflictError|InvalidInputError|TooManyRequestsError|AppError)\(\s*(\d+,\s*)?"([A-Z_]+)"/g;
    const codes = new Map<string, string>();
    for (const { file, text } of sources) for (const m of text.matchAll(thrown)) codes.set(m[3]!, file);
    // Default codes of the error classes (`code = "NOT_FOUND"`) and codes the error handler sends itself.
    const errorsTs = sources.find((s) => s.file === join("core", "errors.ts"))!.text;
    for (const m of errorsTs.matchAll(/code = "([A-Z_]+)"/g)) codes.set(m[1]!, "core/errors.ts");
    for (const { file, text } of sources) for (const m of text.matchAll(/send\(\d{3}, "([A-Z_]+)"/g)) codes.set(m[1]!, file);
    for (const { file, text } of sources) for (const m of text.matchAll(/code: "([A-Z_]+)"/g)) codes.set(m[1]!, file);

    // The scan must find something, or it proves nothing.
    for (const known of ["CASE_NOT_FOUND", "NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "RATE_LIMITED", "INTERNAL", "VALIDATION_FAILED"])
      expect(codes.keys()).toContain(known);

    const missing: string[] = [];
    for (const [code, file] of codes)
      for (const [name, flat] of Object.entries(locales))
        if (typeof flat.get(`errors.${code}`) !== "string") missing.push(`${name}: errors.${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it("has a label for every field an InvalidInputError names", () => {
    const named = /new InvalidInputError\(\s*"[A-Z_]+",\s*"([\w-]+)"/g;
    const fields = new Set<string>();
    for (const { text } of sources) for (const m of text.matchAll(named)) fields.add(m[1]!);
    expect(fields.size).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const field of fields)
      for (const [name, flat] of Object.entries(locales))
        if (typeof flat.get(`fields.${field}`) !== "string") missing.push(`${name}: fields.${field}`);
    expect(missing).toEqual([]);
  });

  it("has every validation message key the server's schemas and rules use", () => {
    const keys = new Set<string>();
    for (const { file, text } of sources) {
      // The translations themselves name every key.
      if (file.startsWith(join("core", "i18n"))) continue;
      for (const m of text.matchAll(/"(validation\.[\w.]+)"/g)) keys.add(m[1]!);
    }
    for (const known of ["validation.phone", "validation.idNumber", "validation.caseNumber"]) expect(keys).toContain(known);
    const missing: string[] = [];
    for (const key of keys)
      for (const [name, flat] of Object.entries(locales)) if (typeof flat.get(key) !== "string") missing.push(`${name}: ${key}`);
    expect(missing).toEqual([]);
  });

  it("has every validation or error key the error handler translates", () => {
    const handler = sources.find((s) => s.file === join("http", "error-handler.ts"));
    expect(handler).toBeDefined();
    const keys = new Set([...handler!.text.matchAll(/t\("((?:validation|errors|fields)\.[\w.]+)"/g)].map((m) => m[1]!));
    expect(keys.size).toBeGreaterThan(0);
    for (const key of keys) for (const flat of Object.values(locales)) expect(typeof flat.get(key), key).toBe("string");
  });
});
