import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zhCN } from "../../../../server/core/i18n/locales/zh-CN.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { readCsv, readXlsx } from "../../../helpers/spreadsheets.ts";

const queueHeaders = [
  "案件编号",
  "所在地区",
  "申请人",
  "联系电话",
  "身份证号",
  "类别",
  "来源渠道",
  "风险类型",
  "当前环节",
  "状态",
  "受理日期",
  "本环节期限",
  "是否超期",
];
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

describe(`ledger exports (${testDatabaseKind})`, () => {
  let t: TestApp;
  let township: string;
  let village: string;
  const get = (url: string, token: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, ...headers } });
  const body = (response: { rawPayload: Buffer }) => response.rawPayload;

  beforeAll(async () => {
    t = await createTestApp();
    township = await t.staffToken("township-liuxi");
    village = await t.staffToken("village-shimen");
    const resident = await t.residentToken("ledger-filler");
    // 柳溪镇: two more in 桃园村 (the demo already has two in 石门村); 云岭乡: one more in 白沙村.
    for (const [name, region, phone] of [
      ["柳溪甲", "990101001002", "13511110001"],
      ["柳溪乙", "990101001002", "13511110002"],
      ["云岭丙", "990101002001", "13511110003"],
    ] as const) {
      const response = await t.submit(resident, {
        description: "老人住院看病花了很多钱",
        applicantName: name,
        phone,
        regionCode: region,
        riskTypes: ["ILLNESS"],
      });
      expect(response.statusCode).toBe(201);
    }
  });
  afterAll(() => t.close());

  /** Case numbers in a region, straight from the database, to compare the files against. */
  async function numbersUnder(regionCode: string): Promise<string[]> {
    const region = await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: regionCode } });
    const rows = await t.database.db.prisma.case.findMany({ where: { regionPath: { startsWith: region.path } }, select: { number: true } });
    return rows.map((r) => r.number).sort();
  }

  it("lists the ledgers with localized titles", async () => {
    const zh = await get("/api/staff/ledgers", township);
    expect(zh.statusCode).toBe(200);
    expect(zh.json().items).toEqual([
      { id: "queue", title: "案件台账", subject: "cases", formats: ["xlsx", "csv"] },
      { id: "newly-identified", title: "新识别监测对象台账", subject: "cases", formats: ["xlsx", "csv"] },
      { id: "risk-eliminated", title: "风险消除台账", subject: "cases", formats: ["xlsx", "csv"] },
      // The household ledgers (test/server/features/dashboard-and-ledgers/household-ledgers.test.ts).
      { id: "below-income-line", title: "家庭人均纯收入低于监测标准农户台账", subject: "households", formats: ["xlsx", "csv"] },
      { id: "hardest-households", title: "最困难10户农户台账", subject: "households", formats: ["xlsx", "csv"] },
      { id: "multi-child-schooling", title: "非义务教育阶段多子女农户台账", subject: "households", formats: ["xlsx", "csv"] },
      { id: "zero-employment", title: "有劳动力零就业家庭台账", subject: "households", formats: ["xlsx", "csv"] },
      { id: "unstable-work", title: "务工收入占比高且务工不稳定农户台账", subject: "households", formats: ["xlsx", "csv"] },
    ]);
    const en = await get("/api/staff/ledgers", township, { "accept-language": "en" });
    expect(
      en
        .json()
        .items.map((i: { title: string }) => i.title)
        .slice(0, 3),
    ).toEqual(["Case ledger", "Newly identified monitoring objects", "Risk eliminated"]);
  });

  it("exports the township's queue as XLSX: localized headers, only its own cases, masked", async () => {
    const response = await get("/api/staff/ledgers/queue?format=xlsx", township);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers["content-disposition"]).toBe(
      `attachment; filename="ledger-queue-2026-11-25.xlsx"; filename*=UTF-8''${encodeURIComponent("案件台账-2026-11-25.xlsx")}`,
    );
    const [header, ...rows] = await readXlsx(body(response));
    expect(header).toEqual(queueHeaders);
    expect(header).toEqual(Object.values(zhCN.ledgers.columns).slice(0, 13));

    const liuxi = await numbersUnder("990101001");
    expect(liuxi.length).toBeGreaterThanOrEqual(4);
    expect(rows.map((r) => r[0]).sort()).toEqual(liuxi);
    // Nothing from 云岭乡.
    expect(rows.every((r) => r[1] !== "白沙村")).toBe(true);
    const names = rows.map((r) => r[2]);
    expect(names).toEqual(expect.arrayContaining(["张**", "刘**", "柳**"]));
    expect(names).not.toContain("王**");
    expect(names).not.toContain("云**");
    for (const r of rows) {
      expect(r[2]).toMatch(/^.\*+$/);
      expect(r[3]).toMatch(/^\d{3}\*{4}\d{4}$/);
      if (r[4]) expect(r[4]).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    }
    const zhang = rows.find((r) => r[2] === "张**")!;
    expect(zhang.slice(1, 4)).toEqual(["石门村", "张**", "138****1234"]);
    expect(zhang[4]).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(zhang[5]).toBe("防返贫监测申请");
    expect(zhang[8]).toBe("乡镇审核");
    expect(zhang[9]).toBe("办理中");
    const filed = rows.find((r) => r[3] === "135****0001")!;
    expect(filed).toMatchObject({ 1: "桃园村", 2: "柳**", 7: "因病", 8: "村里上门核实", 10: "2026-11-25", 12: "否" });
  });

  it("exports the same rows as CSV with a UTF-8 BOM and no clear personal data", async () => {
    const [xlsx, csv] = await Promise.all([
      get("/api/staff/ledgers/queue?format=xlsx", township),
      get("/api/staff/ledgers/queue?format=csv", township),
    ]);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toContain(`filename*=UTF-8''${encodeURIComponent("案件台账-2026-11-25.csv")}`);
    const raw = body(csv);
    expect(raw.subarray(0, 3).equals(bom)).toBe(true);
    const text = raw.subarray(3).toString("utf8");
    for (const clear of ["张德福", "刘长根", "柳溪甲", "13800001234", "13511110001"]) expect(text).not.toContain(clear);
    const rows = readCsv(text);
    expect(rows[0]).toEqual(queueHeaders);
    expect(rows).toEqual(await readXlsx(body(xlsx)));
  });

  it("gives a village only its village, and narrows by region and filters", async () => {
    const [, ...rows] = readCsv(
      body(await get("/api/staff/ledgers/queue?format=csv", village))
        .subarray(3)
        .toString("utf8"),
    );
    expect(rows.map((r) => r[0]).sort()).toEqual(await numbersUnder("990101001001"));
    expect(rows.every((r) => r[1]!.startsWith("石门村"))).toBe(true);
    expect(rows.map((r) => r[2])).not.toContain("柳**");

    const [, ...taoyuan] = readCsv(
      body(await get("/api/staff/ledgers/queue?format=csv&regionCode=990101001002&riskType=ILLNESS", township))
        .subarray(3)
        .toString("utf8"),
    );
    expect(taoyuan.map((r) => r[3]).sort()).toEqual(["135****0001", "135****0002"]);
    const [, ...none] = readCsv(
      body(await get("/api/staff/ledgers/queue?format=csv&from=2026-11-26", township))
        .subarray(3)
        .toString("utf8"),
    );
    expect(none).toEqual([]);
  });

  it("refuses residents, grid workers and department handlers, and checks what it is asked", async () => {
    expect((await get("/api/staff/ledgers/queue", await t.residentToken("ledger-filler"))).statusCode).toBe(403);
    expect((await get("/api/staff/ledgers", await t.residentToken("ledger-filler"))).statusCode).toBe(403);
    expect((await get("/api/staff/ledgers/queue", await t.staffToken("grid-shimen"))).statusCode).toBe(403);
    expect((await get("/api/staff/ledgers/queue", await t.staffToken("dept-health"))).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/staff/ledgers/queue" })).statusCode).toBe(401);
    const unknown = await get("/api/staff/ledgers/no-such-ledger", township);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("LEDGER_NOT_FOUND");
    expect((await get("/api/staff/ledgers/queue?regionCode=990101002001", township)).statusCode).toBe(403);
    expect((await get("/api/staff/ledgers/queue?format=pdf", township)).statusCode).toBe(400);
    const period = await get("/api/staff/ledgers/queue?from=2026-11-30&to=2026-11-01", township);
    expect(period.statusCode).toBe(400);
    expect(period.json().fields[0].path).toBe("querystring.from");
  });

  it("lists monitoring objects by the date they were approved, and eliminated risks by the date of elimination", async () => {
    const prisma = t.database.db.prisma;
    const [monitored, eliminated] = await prisma.case.findMany({
      where: { applicantName: { in: ["柳溪甲", "柳溪乙"] } },
      orderBy: { applicantName: "asc" },
    });
    await prisma.case.update({ where: { id: monitored!.id }, data: { stage: "HELP", monitoredSince: new Date("2026-11-10T03:00:00Z") } });
    await prisma.case.update({
      where: { id: eliminated!.id },
      data: { stage: "RISK_ELIMINATED", status: "CLOSED", monitoredSince: new Date("2026-03-02T03:00:00Z") },
    });
    await prisma.caseEvent.create({
      data: {
        caseId: eliminated!.id,
        actorType: "STAFF",
        action: "ADVANCED",
        fromStage: "ELIMINATION_COUNTY_APPROVAL",
        toStage: "RISK_ELIMINATED",
        at: new Date("2026-11-20T03:00:00Z"),
      },
    });

    const csv = async (url: string) =>
      readCsv(
        body(await get(url, township))
          .subarray(3)
          .toString("utf8"),
      );
    const [header, ...identified] = await csv("/api/staff/ledgers/newly-identified?format=csv&from=2026-11-01&to=2026-11-30");
    expect(header).toEqual([
      "案件编号",
      "所在地区",
      "申请人",
      "联系电话",
      "身份证号",
      "类别",
      "风险类型",
      "纳入监测日期",
      "当前环节",
      "状态",
    ]);
    expect(identified.map((r) => [r[0], r[7], r[8]])).toEqual([[monitored!.number, "2026-11-10", "帮扶中"]]);
    expect(await csv("/api/staff/ledgers/newly-identified?format=csv&to=2026-11-09")).toHaveLength(2); // header and the March one
    const [, ...gone] = await csv("/api/staff/ledgers/risk-eliminated?format=csv&from=2026-11-20&to=2026-11-20");
    expect(gone.map((r) => [r[0], r[7], r[8]])).toEqual([[eliminated!.number, "2026-03-02", "2026-11-20"]]);
    expect(await csv("/api/staff/ledgers/risk-eliminated?format=csv&from=2026-11-21")).toHaveLength(1);
    // 云岭乡 sees neither.
    const yunling = await t.staffToken("township-yunling");
    expect(
      readCsv(
        body(await get("/api/staff/ledgers/newly-identified?format=csv", yunling))
          .subarray(3)
          .toString("utf8"),
      ),
    ).toHaveLength(1);
  });

  it("streams a 650-case export page by page without losing or repeating a row", async () => {
    const prisma = t.database.db.prisma;
    const template = await prisma.case.findFirstOrThrow({ where: { applicantName: "柳溪甲" } });
    const { id: _id, number: _number, idempotencyKey: _key, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = template;
    // Most share one instant, so pages must break ties on id; some come later.
    const at = new Date("2026-11-01T01:00:00Z");
    await prisma.case.createMany({
      data: Array.from({ length: 650 }, (_, i) => ({
        ...rest,
        riskTypes: ["DISASTER" as const],
        declaredHouseholdEnc: null,
        number: `2026-9${String(i).padStart(5, "0")}`,
        idempotencyKey: `bulk-ledger-${i}`,
        createdAt: i < 600 ? at : new Date(at.getTime() + i * 1000),
      })),
    });
    const expected = (
      await prisma.case.findMany({
        where: { riskTypes: { has: "DISASTER" }, regionPath: { startsWith: rest.regionPath } },
        select: { number: true },
      })
    )
      .map((c) => c.number)
      .sort();
    expect(expected.length).toBeGreaterThanOrEqual(650);

    const csv = await get("/api/staff/ledgers/queue?format=csv&riskType=DISASTER&regionCode=990101001002", township);
    expect(csv.statusCode).toBe(200);
    const [, ...rows] = readCsv(csv.rawPayload.subarray(3).toString("utf8"));
    const numbers = rows.map((r) => r[0]!);
    expect(numbers).toHaveLength(expected.length);
    expect([...numbers].sort()).toEqual(expected);
    expect(rows.every((r) => r[2] === "柳**" && r[3] === "135****0001" && r[7] === "因灾")).toBe(true);

    const xlsx = await get("/api/staff/ledgers/queue?riskType=DISASTER&regionCode=990101001002", township);
    const [, ...sheetRows] = await readXlsx(xlsx.rawPayload);
    expect(sheetRows.map((r) => r[0]).sort()).toEqual(expected);
  });
});
