import { z } from "zod";
import { UnauthorizedError } from "../core/errors.ts";

/**
 * Where a log-in code comes from: wx.login() in the mini-program, or WeChat's web OAuth (an official account's
 * page opened in WeChat, here the status page). Each is exchanged at its own endpoint with its own app's keys.
 */
export type CodeSource = "MINI_PROGRAM" | "WEB";

/** Turns a WeChat log-in code into the user's WeChat identity. */
export interface WechatCodeExchange {
  exchange(code: string, source: CodeSource): Promise<{ openid: string; unionid: string | null }>;
}

/** Offline development: "dev:<name>" logs in as a stable test identity from any source; anything else is refused. */
export class DevelopmentCodeExchange implements WechatCodeExchange {
  async exchange(code: string) {
    const match = /^dev:([\w.-]{1,64})$/.exec(code);
    if (!match) throw new UnauthorizedError("WECHAT_LOGIN_FAILED");
    return { openid: `dev-${match[1]}`, unionid: null };
  }
}

/** What both endpoints answer: the openid (and the unionid when the apps share an open-platform account), or an error. */
const identityAnswer = z.object({
  openid: z.string().optional(),
  unionid: z.string().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

interface AppKeys {
  appId: string;
  appSecret: string;
}

/**
 * WeChat's own exchanges: auth.code2Session (jscode2session) for the mini-program, and the web OAuth
 * access_token exchange (snsapi_base) for the official account's pages, when that account is configured.
 */
export class WechatApiCodeExchange implements WechatCodeExchange {
  constructor(private readonly options: AppKeys & { apiBase: string; web?: AppKeys; timeoutMs?: number }) {
    if (!options.appId || !options.appSecret)
      throw new Error("WECHAT_APP_ID and WECHAT_APP_SECRET are required for the wechat login provider");
    if (options.web && !options.web.appSecret) throw new Error("WECHAT_WEB_APP_SECRET is required with WECHAT_WEB_APP_ID");
  }

  async exchange(code: string, source: CodeSource) {
    const web = this.options.web;
    if (source === "WEB" && !web) throw new UnauthorizedError("WECHAT_LOGIN_FAILED");
    const url =
      source === "WEB"
        ? this.url("/sns/oauth2/access_token", { appid: web!.appId, secret: web!.appSecret, code, grant_type: "authorization_code" })
        : this.url("/sns/jscode2session", {
            appid: this.options.appId,
            secret: this.options.appSecret,
            js_code: code,
            grant_type: "authorization_code",
          });
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) }).catch(() => null);
    const parsed = response?.ok ? identityAnswer.safeParse(await response.json().catch(() => null)) : null;
    if (!parsed?.success || !parsed.data.openid || parsed.data.errcode) throw new UnauthorizedError("WECHAT_LOGIN_FAILED");
    return { openid: parsed.data.openid, unionid: parsed.data.unionid ?? null };
  }

  private url(pathname: string, query: Record<string, string>) {
    const url = new URL(pathname, this.options.apiBase);
    url.search = new URLSearchParams(query).toString();
    return url;
  }
}
