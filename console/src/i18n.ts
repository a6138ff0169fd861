import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import type { Locale } from "../../server/core/vocabulary.ts";
import { en } from "../../server/core/i18n/locales/en.ts";
import { zhCN } from "../../server/core/i18n/locales/zh-CN.ts";

const storageKey = "fanpin.locale";

/** The same translations as the server, bot and mini-program; zh-CN unless the user picked English. */
export function savedLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  // Chinese first: English only once someone picked it on this browser.
  return saved === "en" ? "en" : "zh-CN";
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zhCN }, en: { translation: en } },
  lng: savedLocale(),
  fallbackLng: "zh-CN",
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export function currentLocale(): Locale {
  return i18n.language === "en" ? "en" : "zh-CN";
}

export async function switchLocale(locale: Locale): Promise<void> {
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = locale;
  await i18n.changeLanguage(locale);
}

const chinaTime = { timeZone: "Asia/Shanghai" } as const;

/** Dates are China time wherever the browser is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(currentLocale(), { ...chinaTime, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(iso),
  );
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(currentLocale(), {
    ...chinaTime,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : new Intl.NumberFormat(currentLocale()).format(value);
}
