import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

describe("工作人员登录: the staff login page against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram());
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    t.clock.now = new Date(defaultTestTime);
    // Every test's phone is the same WeChat: start each with no staff account bound to it.
    await t.database.db.prisma.staffAccount.updateMany({ data: { miniProgramOpenid: null } });
    wx.storage.delete("auth-token");
    wx.storage.delete("staff-profile");
    wx.storage.delete("locale");
    wx.calls.length = 0;
  });

  const type = async (page: RenderedPage, field: string, value: string) => {
    page.query(`.field-${field}`)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const logIn = async (username: string, password: string) => {
    const page = renderPage("pages/login/login");
    await type(page, "username", username);
    await type(page, "password", password);
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    return page;
  };
  const navigations = () => wx.calls.filter((c) => c.api === "redirectTo" || c.api === "navigateTo").map((c) => c.options.url);

  it("says a wrong password is wrong, in the server's words, and stores nothing", async () => {
    const page = await logIn("village-shimen", "not-the-password");
    expect(page.text()).toContain("用户名或密码不正确。");
    expect(wx.storage.has("auth-token")).toBe(false);
    expect(wx.storage.has("staff-profile")).toBe(false);
    expect(navigations()).toEqual([]);
    // The password field is emptied for the next try.
    expect(page.instance.data.password).toBe("");
  });

  it("words the refusal in English for an English phone, and says when an account is locked", async () => {
    wx.storage.set("locale", "en");
    expect((await logIn("township-yunling", "wrong")).text()).toContain("Wrong user name or password.");
    wx.storage.delete("locale");
    for (let i = 0; i < 4; i++) await logIn("township-yunling", "wrong");
    // Locked now: even the right password is refused until the lock ends.
    const page = await logIn("township-yunling", "demo1234");
    expect(page.text()).toContain("密码错误次数过多,账号已临时锁定,请 15 分钟后再试。");
    expect(wx.storage.has("auth-token")).toBe(false);
  });

  it("shows the server's note under an empty field", async () => {
    const page = await logIn("", "");
    expect(page.query(".error-username")?.dom.textContent).toContain("用户名");
    expect(page.text()).toContain("提交的信息有误");
  });

  it.each([
    ["village-shimen", "VILLAGE", "/pages/tasks/tasks"],
    ["township-liuxi", "TOWNSHIP", "/pages/tasks/tasks"],
    ["county", "COUNTY", "/pages/tasks/tasks"],
    ["dept-health", "DEPARTMENT", "/pages/assignments/assignments"],
    ["grid-shimen", "GRID_WORKER", "/pages/grid/grid"],
  ])("logs %s in, keeps the token and profile, and opens the %s workbench", async (username, role, url) => {
    await logIn(username, "demo1234");
    const token = wx.storage.get("auth-token") as string;
    expect(token).toMatch(/\S{20,}/);
    const me = await t.app.inject({ method: "GET", url: "/api/staff/cases?limit=1", headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(role === "DEPARTMENT" ? 403 : 200);
    expect(wx.storage.get("staff-profile")).toMatchObject({
      username,
      role,
      displayName: expect.any(String),
      region: { code: expect.any(String), name: expect.any(String) },
    });
    expect(wx.calls.filter((c) => c.api === "redirectTo").map((c) => c.options.url)).toEqual([url]);
  });

  it("keeps an administrator on the login page with a pointer to the web console", async () => {
    const page = await logIn("admin", "demo1234");
    expect(page.text()).toContain("管理员的工作请在电脑上的管理后台办理。");
    expect(navigations()).toEqual([]);
  });

  it("offers the workbench and a log out to someone already logged in; logging out forgets the token and profile", async () => {
    await logIn("village-shimen", "demo1234");
    wx.calls.length = 0;
    const page = renderPage("pages/login/login");
    await tick();
    expect(page.query(".logged-in")?.dom.textContent).toBe("已登录:石门村 村委 赵书记(村干部,石门村)");
    page.query(".enter")!.dispatchEvent("tap");
    await tick();
    expect(navigations()).toEqual(["/pages/tasks/tasks"]);

    page.query(".logout")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
    expect(wx.storage.has("auth-token")).toBe(false);
    expect(wx.storage.has("staff-profile")).toBe(false);
    expect(page.text()).toContain("已退出登录。");
    expect(page.query(".field-username")).toBeDefined();
  });

  it("opens the account by WeChat after one password log-in on this phone, until logging out", async () => {
    await logIn("township-liuxi", "demo1234");
    expect(navigations()).toEqual(["/pages/tasks/tasks"]);
    // The token expires or the app's storage is cleared: the bound WeChat logs in again without a password.
    wx.storage.delete("auth-token");
    wx.storage.delete("staff-profile");
    wx.calls.length = 0;
    const again = renderPage("pages/login/login");
    await wx.settled();
    await tick();
    expect(navigations()).toEqual(["/pages/tasks/tasks"]);
    expect(wx.storage.get("staff-profile")).toMatchObject({ username: "township-liuxi" });

    again.query(".logout")!.dispatchEvent("tap");
    await wx.settled();
    wx.calls.length = 0;
    renderPage("pages/login/login");
    await wx.settled();
    await tick();
    expect(navigations()).toEqual([]);
    expect(wx.storage.has("auth-token")).toBe(false);
  });
});
