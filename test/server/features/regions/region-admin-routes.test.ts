import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

function upload(name: string, text: string) {
  const boundary = "----regionimport";
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(text),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

describe(`the county's places, administered (${testDatabaseKind})`, () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.staffToken("admin");
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (url: string, payload: object, token = admin) => t.app.inject({ method: "POST", url, headers: auth(token), payload });

  it("imports places from a spreadsheet of statistical codes: parents first, everyday names and aliases, bad rows named", async () => {
    const csv = [
      "代码,名称,别名,联系电话",
      "990101004000,新华乡,,",
      "990101004201,十八洞村村民委员会,,0999-6604201",
      "990101004202,竹子村民委员会,,",
      "990101004003,龙潭社区居委会,,",
      "990101004201001,一组,,",
      "990101005201,无主村,,",
      "123,坏代码,,",
      "990201001001,外县村,,",
      "990101004204,,,",
    ].join("\r\n");
    const file = upload("区划.csv", csv);
    const answer = await t.app.inject({
      method: "POST",
      url: "/api/admin/regions/imports",
      headers: { ...auth(admin), ...file.headers },
      payload: file.payload,
    });
    expect(answer.statusCode).toBe(200);
    const result = answer.json();
    expect(result).toMatchObject({ rowsTotal: 9, created: 5, errors: 4 });
    const row = (n: number) => result.rows.find((r: { rowNumber: number }) => r.rowNumber === n);
    expect(row(3)).toMatchObject({ outcome: "CREATED", name: "十八洞村" });
    expect(row(4)).toMatchObject({ outcome: "CREATED", name: "竹子村" });
    expect(row(5)).toMatchObject({ outcome: "CREATED", name: "龙潭社区" });
    expect(row(7).errors[0].message).toContain("上级 990101005 还没有导入");
    expect(row(8).errors[0].message).toContain("代码 123 不对");
    expect(row(9).errors[0].message).toContain("不在本县");
    expect(row(10).errors[0].message).toContain("没有名称");
    const village = await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101004201" } });
    expect(village).toMatchObject({ level: "VILLAGE", path: "990101/990101004/990101004201/", contactPhone: "0999-6604201" });
    expect(village.aliases).toEqual(expect.arrayContaining(["十八洞村村民委员会", "十八洞"]));
    // A report naming the short name reaches the new village.
    const resident = await t.residentToken("region-import");
    const filed = (await t.submit(resident, { description: "家里老人住院了", address: "新华乡十八洞一组" })).json();
    expect(filed.routedTo).toMatchObject({ regionCode: "990101004201", triage: false });
    // Importing the same file again changes nothing.
    const again = await t.app.inject({
      method: "POST",
      url: "/api/admin/regions/imports",
      headers: { ...auth(admin), ...file.headers },
      payload: file.payload,
    });
    expect(again.json()).toMatchObject({ created: 0, unchanged: 5 });
  });

  it("adds a group by hand, renames a village keeping its old name as an alias, and records both", async () => {
    const group = await post("/api/admin/regions/groups", { villageCode: "990101004201", name: "二组" });
    expect(group.json()).toEqual({ code: "990101004201002", name: "二组" });
    const renamed = await post("/api/admin/regions/changes", { code: "990101004202", name: "翠竹村", reason: "村名变更(民政局批复)" });
    expect(renamed.json()).toMatchObject({ outcome: "RENAMED", name: "翠竹村" });
    const region = await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101004202" } });
    expect(region.aliases).toContain("竹子村");
    const history = (
      await t.app.inject({ method: "GET", url: "/api/admin/regions/history?code=990101004202", headers: auth(admin) })
    ).json().items;
    expect(history[0]).toMatchObject({ action: "RENAMED", changes: { name: ["竹子村", "翠竹村"] }, reason: "村名变更(民政局批复)" });
    // Only the county's keepers administer places.
    expect(
      (await post("/api/admin/regions/groups", { villageCode: "990101001001", name: "五组" }, await t.staffToken("township-liuxi")))
        .statusCode,
    ).toBe(403);
  });

  it("merges a village into another: its open cases, tasks, households and staff move, its name routes there, the merge is on record", async () => {
    const resident = await t.residentToken("region-merge");
    const filed = (await t.submit(resident, { description: "孩子上学交不起学费", regionCode: "990101001002" })).json();
    const householdsBefore = await t.database.db.prisma.household.count({ where: { region: { code: "990101001002" } } });
    const merged = await post("/api/admin/regions/changes", {
      code: "990101001002",
      mergeInto: "990101001001",
      reason: "村级建制调整,桃园村并入石门村",
    });
    expect(merged.json()).toMatchObject({ outcome: "MERGED" });

    const village = await t.staffToken("village-shimen");
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(village) })).json().items as {
      caseNumber: string;
    }[];
    expect(tasks.map((task) => task.caseNumber)).toContain(filed.number);
    const c = await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: filed.caseId }, include: { region: true } });
    expect(c.region.code).toBe("990101001001");
    expect(await t.database.db.prisma.caseEvent.count({ where: { caseId: filed.caseId, action: "REGION_MERGED" } })).toBe(1);
    expect(await t.database.db.prisma.household.count({ where: { region: { code: "990101001001" } } })).toBeGreaterThanOrEqual(
      householdsBefore,
    );
    expect(await t.database.db.prisma.household.count({ where: { region: { code: "990101001002" } } })).toBe(0);

    // The merged village's groups moved under 石门村, and its code still routes a report there.
    const group = await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101001002001" } });
    expect(group.path).toBe("990101/990101001/990101001001/990101001002001/");
    const picked = (await t.submit(resident, { description: "家里房子漏雨", regionCode: "990101001002" })).json();
    expect(picked.routedTo.regionCode).toBe("990101001001");
    // The picker no longer offers it; its old name is an alias of 石门村.
    const picker = (await t.app.inject({ method: "GET", url: "/api/regions?parentCode=990101001" }))
      .json()
      .items.map((r: { code: string }) => r.code);
    expect(picker).not.toContain("990101001002");
    expect((await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101001001" } })).aliases).toContain("桃园村");
    await expect(t.database.db.query(`DELETE FROM "RegionChange"`)).rejects.toThrow(/append-only/);
  });
});
