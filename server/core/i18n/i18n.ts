import i18next, { type TFunction } from "i18next";
import type { Locale } from "../vocabulary.ts";
import { en } from "./locales/en.ts";
import { zhCN } from "./locales/zh-CN.ts";

export const defaultLocale: Locale = "zh-CN";
export const supportedLocales: readonly Locale[] = ["zh-CN", "en"];

const instance = i18next.createInstance();
// Synchronous with initAsync false and bundled resources (no top-level await: the mini-program bundles this file).
void instance.init({
  resources: { "zh-CN": { translation: zhCN }, en: { translation: en } },
  lng: defaultLocale,
  fallbackLng: defaultLocale,
  supportedLngs: [...supportedLocales],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export type Translate = TFunction;

// One fixed-locale translator and one date format per locale: building either costs more than the lookups they serve.
const translators = new Map<Locale, Translate>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = remembering(instance.getFixedT(locale))));
  return t;
}

/**
 * The resources are bundled and never change, so a plain label (a key with no
 * options, or only a default) reads the same every time: remembered after the
 * first look-up. A queue page asks for dozens of labels, and i18next's lookup
 * was the largest share of its CPU after the database driver.
 */
function remembering(t: Translate): Translate {
  const lookUp = t as unknown as (...args: unknown[]) => string;
  const remembered = new Map<string, string>();
  const rememberedT = (...args: unknown[]) => {
    const [key, options] = args;
    const fallback = (options as { defaultValue?: unknown } | undefined)?.defaultValue;
    const plain = args.length === 1 || (args.length === 2 && typeof fallback === "string" && Object.keys(options as object).length === 1);
    if (!plain || typeof key !== "string") return lookUp(...args);
    const slot = fallback === undefined ? key : `${key}\u0000${fallback as string}`;
    let text = remembered.get(slot);
    if (text === undefined) remembered.set(slot, (text = lookUp(...args)));
    return text;
  };
  return Object.assign(rememberedT, t);
}

export function hasKey(key: string): boolean {
  return instance.exists(key);
}

/** Picks zh-CN or en from an Accept-Language header; anything else falls back to zh-CN. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return defaultLocale;
  const ranked = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? "1",
      );
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0, index };
    })
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return defaultLocale;
}

/** A calendar date as the applicant reads it, always in China time. */
export function formatDate(date: Date, locale: Locale): string {
  let format = dateFormats.get(locale);
  if (!format)
    dateFormats.set(
      locale,
      (format = new Intl.DateTimeFormat(locale, {
        timeZone: "Asia/Shanghai",
        year: "numeric",
        month: "long",
        day: "numeric",
        weekday: "short",
      })),
    );
  return format.format(date);
}
