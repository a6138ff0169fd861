import type { Endpoints } from "../../lib/api";
import { ApiError, call, session } from "../../lib/api";
import { strings, t } from "../../lib/i18n";
import { settings } from "../../lib/settings";
import { logOutStaff, staffProfileKey } from "../../lib/staff";
import { loginCode } from "../../lib/auth";

type Staff = Endpoints["POST /api/auth/staff/login"]["response"]["staff"];

/** Each role's workbench. Administrators have none here: their work needs the web console. */
const workbenches: Partial<Record<Staff["role"], string>> = {
  VILLAGE: "/pages/tasks/tasks",
  TOWNSHIP: "/pages/tasks/tasks",
  COUNTY: "/pages/tasks/tasks",
  DEPARTMENT: "/pages/assignments/assignments",
  GRID_WORKER: "/pages/grid/grid",
};

function storedProfile(): Staff | null {
  const profile = wx.getStorageSync(staffProfileKey) as Staff | "";
  return profile && session.token() ? profile : null;
}

function whoIs(staff: Staff): string {
  return t("mp.login.loggedInAs", { name: staff.displayName, role: t(`roles.${staff.role}`), region: staff.region.name });
}

/** 工作人员登录: user name and password, then the workbench of the staff member's role. */
Page({
  data: {
    s: {} as Record<string, string>,
    elderly: false,
    username: "",
    password: "",
    errors: {} as Record<string, string>,
    notice: "",
    sending: false,
    loggedIn: "",
  },

  onLoad() {
    const profile = storedProfile();
    this.setData({ s: strings("mp.login"), elderly: settings.elderly(), loggedIn: profile ? whoIs(profile) : "" });
    void wx.setNavigationBarTitle({ title: t("mp.login.title") });
    if (!profile) void this.tryWechat();
  },

  /** A WeChat bound at an earlier password log-in opens the account directly; otherwise the form stays. */
  async tryWechat() {
    try {
      const login = await call("POST /api/auth/staff/wechat-login", { body: { code: await loginCode() } });
      this.signedIn(login);
    } catch {
      // Not bound (or offline): the user name and password form is the way in.
    }
  },

  signedIn(login: Endpoints["POST /api/auth/staff/login"]["response"]) {
    session.set(login.token);
    wx.setStorageSync(staffProfileKey, login.staff);
    this.setData({ sending: false, notice: "", password: "", loggedIn: whoIs(login.staff) });
    this.enter(login.staff);
  },

  onInput(e: WechatMiniprogram.Input) {
    const field = (e.currentTarget.dataset as { field: "username" | "password" }).field;
    const errors = { ...this.data.errors };
    delete errors[field];
    this.setData({ [field]: e.detail.value, errors });
  },

  async onSubmit() {
    if (this.data.sending) return;
    this.setData({ sending: true, notice: t("mp.login.signingIn"), errors: {} });
    try {
      // Binds this WeChat, so the next log-in here needs no password (logging out unbinds it).
      const wechatCode = await loginCode().catch(() => undefined);
      this.signedIn(
        await call("POST /api/auth/staff/login", {
          body: { username: this.data.username.trim(), password: this.data.password, wechatCode },
        }),
      );
    } catch (error) {
      // The server words every refusal (wrong password, locked account, empty field) in the user's language.
      this.setData({
        sending: false,
        password: "",
        errors: error instanceof ApiError ? error.fieldErrors : {},
        notice: error instanceof ApiError ? error.message : t("mp.common.networkDown"),
      });
    }
  },

  enter(staff: Staff) {
    const url = workbenches[staff.role];
    if (!url) {
      this.setData({ notice: t("mp.login.useWebConsole") });
      return;
    }
    // Replaces the login page, so "back" from a workbench does not land on a finished login form.
    void wx.redirectTo({ url });
  },

  onEnter() {
    const profile = storedProfile();
    if (profile) this.enter(profile);
  },

  async onLogout() {
    await logOutStaff();
    this.setData({ loggedIn: "", notice: t("mp.login.loggedOut") });
  },

  onToggleElderly() {
    settings.setElderly(!this.data.elderly);
    this.setData({ elderly: !this.data.elderly });
  },
});
