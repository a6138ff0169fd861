import { call, session } from "./api";

/** Where the staff log-in keeps the server's profile of the account (role, region, name). */
export const staffProfileKey = "staff-profile";

/** Back to the login page without the token: refused or expired. */
export function toStaffLogin(): void {
  session.clear();
  void wx.redirectTo({ url: "/pages/login/login" });
}

/** Logging out also unbinds this phone's WeChat, so whoever uses the phone next needs the password. */
export async function logOutStaff(): Promise<void> {
  await call("POST /api/auth/staff/wechat-logout").catch(() => undefined);
  session.clear();
  wx.removeStorageSync(staffProfileKey);
}
