import { call, session } from "./api";
import { settings } from "./settings";

/** A resident's login: wx.login's code exchanged by the server (the development provider takes "dev:<name>" locally). */
export async function ensureResident(): Promise<void> {
  if (session.token()) return;
  const code = await new Promise<string>((resolve, reject) => wx.login({ success: (res) => resolve(res.code), fail: (err) => reject(new Error(err.errMsg)) }));
  const login = await call("POST /api/auth/wechat/login", { body: { code, client: "MINI_PROGRAM", locale: settings.locale() } });
  session.set(login.token);
}
