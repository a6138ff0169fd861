import { z } from "zod";

/** What the web pages (console and status page) ask the server before they decide what to offer. */
export const consoleFeaturesSchema = z.object({
  /** The web chat simulator at /simulator is served. */
  simulator: z.boolean(),
  /** The status page's log-in inside WeChat: the official account and WeChat's OAuth page; null where there is none. */
  wechatWebLogin: z.object({ appId: z.string(), authorizeUrl: z.url() }).nullable(),
});
export type ConsoleFeatures = z.output<typeof consoleFeaturesSchema>;
