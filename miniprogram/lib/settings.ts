import { defaultServerUrl } from "../config";

/** The user's own choices, kept on the phone: language, elderly-friendly mode, and (for testers) the server address. */
type Locale = "zh-CN" | "en";

const keys = { locale: "locale", elderly: "elderly-mode", serverUrl: "server-url" } as const;

export const settings = {
  locale(): Locale {
    return wx.getStorageSync(keys.locale) === "en" ? "en" : "zh-CN";
  },
  setLocale(locale: Locale): void {
    wx.setStorageSync(keys.locale, locale);
  },
  elderly(): boolean {
    return wx.getStorageSync(keys.elderly) === true;
  },
  setElderly(on: boolean): void {
    wx.setStorageSync(keys.elderly, on);
  },
  serverUrl(): string {
    return (wx.getStorageSync(keys.serverUrl) as string) || defaultServerUrl;
  },
  setServerUrl(url: string): void {
    wx.setStorageSync(keys.serverUrl, url.replace(/\/+$/, ""));
  },
};
