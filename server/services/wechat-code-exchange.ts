import { z } from "zod";
import { UnauthorizedError } from "../lib/errors.ts";

/** Turns the code from wx.login() into the user's WeChat identity. */
export interface WechatCodeExchange {
  exchange(code: string): Promise<{ openid: string; unionid: string | null }>;
}

/** Offline development: "dev:<name>" logs in as a stable test identity; anything else is refused. */
export class DevelopmentCodeExchange implements WechatCodeExchange {
  async exchange(code: string) {
    const match = /^dev:([\w.-]{1,64})$/.exec(code);
    if (!match) throw new UnauthorizedError("WECHAT_LOGIN_FAILED");
    return { openid: `dev-${match[1]}`, unionid: null };
  }
}

const code2SessionAnswer = z.object({
  openid: z.string().optional(),
  unionid: z.string().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

/** WeChat's auth.code2Session (jscode2session) for mini-program logins. */
export class WechatApiCodeExchange implements WechatCodeExchange {
  constructor(private readonly options: { appId: string; appSecret: string; apiBase: string; timeoutMs?: number }) {
    if (!options.appId || !options.appSecret) throw new Error("WECHAT_APP_ID and WECHAT_APP_SECRET are required for the wechat login provider");
  }

  async exchange(code: string) {
    const url = new URL("/sns/jscode2session", this.options.apiBase);
    url.search = new URLSearchParams({ appid: this.options.appId, secret: this.options.appSecret, js_code: code, grant_type: "authorization_code" }).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) }).catch(() => null);
    const parsed = response?.ok ? code2SessionAnswer.safeParse(await response.json().catch(() => null)) : null;
    if (!parsed?.success || !parsed.data.openid || parsed.data.errcode) throw new UnauthorizedError("WECHAT_LOGIN_FAILED");
    return { openid: parsed.data.openid, unionid: parsed.data.unionid ?? null };
  }
}
