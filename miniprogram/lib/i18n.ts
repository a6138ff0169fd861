import { translator } from "../vendor/shared";
import { settings } from "./settings";

/** Every word a page shows comes from the same translations the server uses (zh-CN first, en complete); the first key found of several. */
export function t(key: string | string[], params?: Record<string, unknown>): string {
  return translator(settings.locale())(key, params ?? {});
}

/** All strings under one key (a page's), for its template. */
export function strings(prefix: string): Record<string, string> {
  return translator(settings.locale())(prefix, { returnObjects: true }) as unknown as Record<string, string>;
}
