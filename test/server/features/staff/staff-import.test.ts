import { describe, expect, it } from "vitest";
import { mapStaffHeaders, parseRole, readStaffRow } from "../../../../server/features/staff/staff-import.ts";

describe("reading a county's staff list", () => {
  it("finds the columns by their Chinese or English names, in any order", () => {
    expect(mapStaffHeaders(["姓名", "手机号", "账号", "岗位", "区划代码"])).toEqual({
      username: 2,
      displayName: 0,
      role: 3,
      regionCode: 4,
      phone: 1,
      department: -1,
    });
    expect(mapStaffHeaders(["Username", "Name", "Role", "Region code"])).toMatchObject({
      username: 0,
      displayName: 1,
      role: 2,
      regionCode: 3,
    });
  });

  it("reads roles by their code or by the words offices use", () => {
    expect(["网格员", "村干部", "乡镇", "县级", "部门经办人", "管理员", "审计", "grid_worker"].map(parseRole)).toEqual([
      "GRID_WORKER",
      "VILLAGE",
      "TOWNSHIP",
      "COUNTY",
      "DEPARTMENT",
      "ADMIN",
      "AUDITOR",
      "GRID_WORKER",
    ]);
    expect(parseRole("厨师")).toBeNull();
  });

  it("takes statistical codes padded with zeros, and checks each row like an account made by hand", () => {
    const mapping = mapStaffHeaders(["用户名", "姓名", "角色", "地区代码", "电话", "部门"]);
    expect(readStaffRow(["zhang-san", "张三", "乡镇", "433124102000", "", ""], mapping)).toEqual({
      ok: true,
      account: { username: "zhang-san", displayName: "张三", role: "TOWNSHIP", regionCode: "433124102" },
    });
    expect(readStaffRow(["li-si", "李四", "县", "433124000000", "137 0000 1111", ""], mapping)).toMatchObject({
      ok: true,
      account: { regionCode: "433124", phone: "13700001111" },
    });
    const bad = readStaffRow(["x", "", "部门", "12", "", ""], mapping);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field).sort()).toEqual(["displayName", "regionCode", "username"]);
    const noDepartment = readStaffRow(["wang-wu", "王五", "部门", "433124", "", ""], mapping);
    expect(noDepartment).toMatchObject({ ok: false, errors: [{ field: "department" }] });
  });
});
