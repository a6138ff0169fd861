import { session } from "./api";

/** Where the staff log-in keeps the server's profile of the account (role, region, name). */
export const staffProfileKey = "staff-profile";

/** Back to the login page without the token: refused, expired, or given up by logging out. */
export function toStaffLogin(logOut = false): void {
  session.clear();
  if (logOut) wx.removeStorageSync(staffProfileKey);
  wx.redirectTo({ url: "/pages/login/login" });
}
