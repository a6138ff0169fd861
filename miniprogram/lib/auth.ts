import { call, session } from "./api";
import { settings } from "./settings";

/**
 * A resident's login: wx.login's code exchanged by the server. In WeChat
 * DevTools ("develop" version) the code is the development provider's
 * "dev:<id>" with an id kept on this machine, so a local `npm start` (which
 * runs that provider) logs in without a real AppID; trial and release versions
 * always use wx.login.
 */
export async function ensureResident(): Promise<void> {
  if (session.token()) return;
  const code = await loginCode();
  const login = await call("POST /api/auth/wechat/login", { body: { code, client: "MINI_PROGRAM", locale: settings.locale() } });
  session.set(login.token);
}

/** wx.login's code for the server's exchange (residents' log-in, and binding a staff member's WeChat). */
export async function loginCode(): Promise<string> {
  return (
    developmentCode() ??
    new Promise<string>((resolve, reject) =>
      wx.login({ success: (res) => resolve(res.code), fail: (err) => reject(new Error(err.errMsg)) }),
    )
  );
}

function developmentCode(): string | null {
  const env = typeof wx.getAccountInfoSync === "function" ? wx.getAccountInfoSync().miniProgram.envVersion : "release";
  if (env !== "develop") return null;
  let id = wx.getStorageSync("dev-login-id") as string;
  if (!id) {
    id = `devtools-${Math.random().toString(36).slice(2, 10)}`;
    wx.setStorageSync("dev-login-id", id);
  }
  return `dev:${id}`;
}
