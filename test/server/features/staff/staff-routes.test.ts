import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socketInbox } from "../../../helpers/socket-inbox.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

/** A multipart body with one file. */
function upload(name: string, bytes: Buffer) {
  const boundary = "----staffimport";
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

describe(`staff administration (${testDatabaseKind})`, () => {
  let t: TestApp;
  let admin: string;
  let county: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.staffToken("admin");
    county = await t.staffToken("county");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (token: string, url: string, payload: object) => t.app.inject({ method: "POST", url, headers: auth(token), payload });
  const get = (token: string, url: string) => t.app.inject({ method: "GET", url, headers: auth(token) });
  const login = (username: string, password: string) =>
    t.app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username, password } });

  it("creates an account with a one-time password that must be changed before anything else", async () => {
    const created = await post(county, "/api/admin/staff", {
      username: "village-taoyuan",
      displayName: "桃园村 李主任",
      role: "VILLAGE",
      regionCode: "990101001002",
      phone: "13700001111",
    });
    expect(created.statusCode).toBe(201);
    const { account, temporaryPassword } = created.json();
    expect(account).toMatchObject({
      username: "village-taoyuan",
      role: "VILLAGE",
      region: { code: "990101001002", name: "桃园村" },
      mustChangePassword: true,
      phoneMasked: "137****1111",
    });
    expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    // The password is stored hashed only.
    const row = await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "village-taoyuan" } });
    expect(row.passwordHash).not.toContain(temporaryPassword);

    const first = await login("village-taoyuan", temporaryPassword);
    expect(first.json()).toMatchObject({ mustChangePassword: true });
    const token = first.json().token as string;
    const refused = await get(token, "/api/staff/tasks");
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("PASSWORD_CHANGE_REQUIRED");

    // The policy: too short, the user name inside, the same password again.
    const change = (newPassword: string, currentPassword = temporaryPassword) =>
      post(token, "/api/auth/staff/password", { currentPassword, newPassword });
    expect((await change("short")).json().fields[0]).toMatchObject({
      path: "newPassword",
      message: expect.stringContaining("至少要 10 位"),
    });
    expect((await change("my-village-taoyuan-pw")).json().code).toBe("PASSWORD_HAS_USERNAME");
    expect((await change("Peach-Garden-2027", "wrong")).json().code).toBe("WRONG_PASSWORD");
    const changed = await change("Peach-Garden-2027");
    expect(changed.statusCode).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    // The one-time password's session ended with the change; the answered one works.
    expect((await get(token, "/api/staff/tasks")).statusCode).toBe(401);
    expect((await get(changed.json().token, "/api/staff/tasks")).statusCode).toBe(200);
    expect((await login("village-taoyuan", temporaryPassword)).statusCode).toBe(401);
  });

  it("keeps a county desk to its county's working roles; the administrator grants any", async () => {
    const auditor = await post(county, "/api/admin/staff", {
      username: "auditor-2",
      displayName: "审计",
      role: "AUDITOR",
      regionCode: "990101",
    });
    expect(auditor.statusCode).toBe(403);
    expect(auditor.json().code).toBe("ROLE_NOT_GRANTABLE");
    expect(
      (await post(admin, "/api/admin/staff", { username: "auditor-2", displayName: "审计", role: "AUDITOR", regionCode: "990101" }))
        .statusCode,
    ).toBe(201);
    expect(
      (await post(admin, "/api/admin/staff", { username: "auditor-2", displayName: "审计", role: "AUDITOR", regionCode: "990101" })).json()
        .code,
    ).toBe("USERNAME_TAKEN");
    const department = await post(county, "/api/admin/staff", {
      username: "dept-edu",
      displayName: "教育局",
      role: "DEPARTMENT",
      regionCode: "990101",
    });
    expect(department.json().code).toBe("DEPARTMENT_REQUIRED");
    // A township desk administers nobody.
    expect((await get(await t.staffToken("township-liuxi"), "/api/admin/staff")).statusCode).toBe(403);
  });

  it("deactivates an account: its sessions and its sockets end at once, and it cannot log in", async () => {
    const baishaToken = await t.staffToken("village-baisha");
    const socket = await t.app.injectWS("/ws");
    const inbox = socketInbox(socket);
    socket.send(JSON.stringify({ type: "auth", token: baishaToken }));
    await inbox.next((m) => m.type === "ready");
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));

    const id = (await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "village-baisha" } })).id;
    const answer = await post(county, `/api/admin/staff/${id}/actions`, { action: "DEACTIVATE", reason: "调离岗位" });
    expect(answer.json().account).toMatchObject({ active: false });
    expect(await closed).toBe(4401);
    expect((await get(baishaToken, "/api/staff/tasks")).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username: "village-baisha", password: "demo1234" } }))
        .statusCode,
    ).toBe(401);

    expect((await post(county, `/api/admin/staff/${id}/actions`, { action: "REACTIVATE", reason: "回到岗位" })).json().account.active).toBe(
      true,
    );
    const history = (await get(county, `/api/admin/staff/${id}/history`)).json().items as {
      action: string;
      actorName: string;
      reason: string;
    }[];
    expect(history.map((e) => e.action)).toEqual(["REACTIVATED", "DEACTIVATED"]);
    expect(history[1]).toMatchObject({ reason: "调离岗位", actorName: expect.stringContaining("县") });
    // The record cannot be rewritten.
    await expect(t.database.db.query(`UPDATE "StaffAdminEvent" SET "reason" = 'x'`)).rejects.toThrow(/append-only/);
  });

  it("resets a forgotten password, and lifts a lock after wrong passwords", async () => {
    for (let i = 0; i < 5; i++) await login("grid-shimen", "wrong-password");
    expect((await login("grid-shimen", "demo1234")).json().code).toBe("ACCOUNT_LOCKED");
    const id = (await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "grid-shimen" } })).id;
    const list = (await get(county, "/api/admin/staff?q=grid-shimen")).json().items;
    expect(list[0]).toMatchObject({ username: "grid-shimen", lockedUntil: expect.any(String) });
    await post(county, `/api/admin/staff/${id}/actions`, { action: "UNLOCK", reason: "本人来电确认" });
    expect((await login("grid-shimen", "demo1234")).statusCode).toBe(200);
    const reset = await post(county, `/api/admin/staff/${id}/actions`, { action: "RESET_PASSWORD", reason: "忘记密码" });
    const fresh = reset.json().temporaryPassword as string;
    expect((await login("grid-shimen", "demo1234")).statusCode).toBe(401);
    expect((await login("grid-shimen", fresh)).json().mustChangePassword).toBe(true);
  });

  it("moves an account to another region and role, ending its sessions; out of the county's region nothing is reached", async () => {
    const token = await t.staffToken("township-yunling");
    const id = (await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "township-yunling" } })).id;
    const moved = await post(county, `/api/admin/staff/${id}`, { regionCode: "990101003", reason: "调往红旗乡" });
    expect(moved.json().account.region.code).toBe("990101003");
    expect((await get(token, "/api/staff/tasks")).statusCode).toBe(401);
    const outside = await post(county, "/api/admin/staff", {
      username: "elsewhere",
      displayName: "外县",
      role: "VILLAGE",
      regionCode: "990102001001",
    });
    expect(outside.json().code).toMatch(/UNKNOWN_REGION|REGION_OUT_OF_SCOPE/);
  });

  it("imports a staff list: every row accounted for, the right ones created or updated, the wrong ones named by row and column", async () => {
    const csv = [
      "用户名,姓名,角色,地区代码,电话,部门",
      "grid-taoyuan-1,桃园村一组 网格员 王五,网格员,990101001002001,13700002222,",
      "grid-taoyuan-2,桃园村二组 网格员 赵六,GRID_WORKER,990101001002002,,",
      "dept-civil,民政局 经办人,部门,990101000000,,民政",
      "bad user,某人,网格员,990101001002001,,",
      "grid-nowhere,某人,网格员,990199999999,,",
      "grid-role,某人,厨师,990101001002001,,",
      "grid-taoyuan-1,重复的人,网格员,990101001002001,,",
      "village-shimen,石门村 村委 赵书记,村干部,990101001001,,",
    ].join("\r\n");
    const file = upload("人员.csv", Buffer.from(csv));
    const answer = await t.app.inject({
      method: "POST",
      url: "/api/admin/staff-imports",
      headers: { ...auth(county), ...file.headers },
      payload: file.payload,
    });
    expect(answer.statusCode).toBe(200);
    const result = answer.json();
    expect(result).toMatchObject({ rowsTotal: 8, created: 3, unchanged: 1, errors: 4 });
    const row = (n: number) => result.rows.find((r: { rowNumber: number }) => r.rowNumber === n);
    expect(row(2)).toMatchObject({ outcome: "CREATED", temporaryPassword: expect.any(String) });
    expect(row(4)).toMatchObject({ outcome: "CREATED", username: "dept-civil" });
    expect(row(5).errors[0]).toMatchObject({ column: "用户名" });
    expect(row(6).errors[0]).toMatchObject({ column: "地区代码" });
    expect(row(7).errors[0]).toMatchObject({ column: "角色", message: expect.stringContaining("看不懂这个角色") });
    expect(row(8).errors[0].message).toContain("不止一次");
    expect(row(9)).toMatchObject({ outcome: "UNCHANGED" });
    const imported = await t.database.db.prisma.staffAccount.findUniqueOrThrow({
      where: { username: "grid-taoyuan-1" },
      include: { region: true },
    });
    expect(imported).toMatchObject({ role: "GRID_WORKER", mustChangePassword: true, region: { code: "990101001002001" } });
    expect(await t.database.db.prisma.staffAdminEvent.count({ where: { staffId: imported.id, action: "IMPORTED" } })).toBe(1);
  });
});
