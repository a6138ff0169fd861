import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFileStore } from "../../../../server/platform/file-store.ts";
import { PersonalDataCipher } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { RetentionService } from "../../../../server/features/personal-data/retention.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

// The households below are made up by this file (numbers 9001+, ID serials under 100), so the demo's own can change freely;
// only 张德福 (demo household 0007 in 石门村, whose demo case 1 is still open) comes from the demo.
const zhangDefu = demoIdNumber("1956-03-07", 31);
const zhaoDashan = demoIdNumber("1968-05-12", 17); // 石门村二组, nothing open
const wangDahai = demoIdNumber("1976-09-09", 19); // 白沙村, income well above the line
const qianTang = demoIdNumber("1966-06-06", 18); // 白沙村, no phone on record
const outsider = demoIdNumber("1970-01-01", 23); // a household of another county, added below
const stranger = demoIdNumber("1980-01-01", 99); // valid, on no household
const badChecksum = `${zhaoDashan.slice(0, 17)}${zhaoDashan[17] === "1" ? "2" : "1"}`;

const header = "序号,姓名,身份证号,医疗总费用(元),个人自付金额(元)";
const medicalCsv = [
  header,
  `1,赵大山,${zhaoDashan},50000,32000`, // row 2: trips the medical rule → lead
  `2,张德福,${zhangDefu},40000,15000`, // row 3: trips, but the household has an open case
  `3,王大海,${wangDahai},3000,800`, // row 4: no rule tripped (income above the line)
  `4,错号,${badChecksum},100,50`, // row 5: bad check digit
  `5,钱多多,${stranger},一百,三千`, // row 6: amounts not numbers
  `6,无名氏,,100,20`, // row 7: no ID number
  `7,陌生人,${stranger},100,20`, // row 8: on no household
  `1,赵大山,${zhaoDashan},50000,32000`, // row 9: repeats row 2
  `8,外县人,${outsider},90000,60000`, // row 10: household outside the county
].join("\r\n");

/** GBK bytes for a text, built from the platform's GB18030 decoder (Node has no GBK encoder). */
function toGbk(text: string): Buffer {
  const decoder = new TextDecoder("gb18030");
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && !table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return Buffer.from([...text].flatMap((char) => (char.charCodeAt(0) < 0x80 ? [char.charCodeAt(0)] : table.get(char)!)));
}

describe(`department screening (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  const prisma = () => t.database.db.prisma;

  const upload = (token: string, query: string, bytes: Buffer, fileName: string, headers: Record<string, string> = {}) => {
    const boundary = "----screening-test";
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return t.app.inject({
      method: "POST",
      url: `/api/staff/screening/imports?${query}`,
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, ...headers },
      payload,
    });
  };
  const run = (token: string, id: string, mapping: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: `/api/staff/screening/imports/${id}/run`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: { mapping },
    });
  const get = (token: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    t = await createTestApp();
    county = await t.staffToken("county");
    const db = prisma();
    const household = async (number: string, groupCode: string, head: string, idNumber: string) => {
      const group = await db.region.findUniqueOrThrow({ where: { code: groupCode } });
      return db.household.create({
        data: {
          number,
          regionId: group.id,
          address: `${number} 号`,
          category: "MARGINAL",
          members: {
            create: [
              {
                name: head,
                relation: "HEAD",
                birthDate: new Date("1970-01-01"),
                labourCapacity: "FULL",
                idNumberEnc: cipherOf(t).encrypt(idNumber),
                idNumberHash: cipherOf(t).lookupHash(idNumber),
              },
            ],
          },
          incomes: { create: [{ year: 2026, source: "WAGE", amount: 30000 }] },
        },
      });
    };
    const zhao = await household("990101001001-9001", "990101001001002", "赵大山", zhaoDashan);
    await household("990101002001-9002", "990101002001001", "王大海", wangDahai);
    await household("990101002001-9003", "990101002001002", "钱塘", qianTang);
    await db.residentIdentity.create({
      data: {
        openid: "dev-zhao",
        displayName: "赵大山",
        phoneEnc: cipherOf(t).encrypt("13900001111"),
        phoneHash: cipherOf(t).lookupHash("13900001111"),
        householdId: zhao.id,
      },
    });
    // Another county, its village and a household: out of the county office's scope.
    const other = await db.region.create({ data: { code: "990102", name: "绿水县", level: "COUNTY", path: "990102/" } });
    const village = await db.region.create({
      data: { code: "990102001001", name: "外县村", level: "VILLAGE", parentId: other.id, path: "990102/990102001001/" },
    });
    await db.household.create({
      data: {
        number: "990102001001-0001",
        regionId: village.id,
        address: "绿水县外县村",
        members: {
          create: [
            {
              name: "外县人",
              relation: "HEAD",
              birthDate: new Date("1970-01-01"),
              labourCapacity: "FULL",
              idNumberEnc: cipherOf(t).encrypt(outsider),
              idNumberHash: cipherOf(t).lookupHash(outsider),
            },
          ],
        },
      },
    });
  });
  afterAll(() => t.close());

  let importId = "";
  let leadNumber = "";

  it("lists departments, fields and rules with localized labels", async () => {
    const zh = (await get(county, "/api/staff/screening/rules")).json();
    const health = zh.departments.find((d: { department: string }) => d.department === "HEALTH_INSURANCE");
    expect(health.label).toBe("医保局");
    expect(health.fields.find((f: { field: string }) => f.field === "idNumber")).toMatchObject({
      label: "身份证号",
      type: "idNumber",
      required: true,
    });
    expect(health.rules.map((r: { id: string }) => r.id)).toEqual(["medical-out-of-pocket", "income-after-rigid-below-standard"]);
    expect(health.rules[0]).toMatchObject({
      label: "大额医疗自付",
      condition: "个人自付医疗费用(元)大于 10000",
      riskTypeLabels: ["因病", "支出骤增"],
    });
    const en = (await get(county, "/api/staff/screening/rules", { "accept-language": "en" })).json();
    expect(en.departments.map((d: { department: string }) => d.department)).toContain("EMERGENCY_MANAGEMENT");
    expect(en.departments[0].rules[0].condition).toBe("Out-of-pocket medical costs (yuan) above 10000");
  });

  it("stores an upload and answers its headers, masked sample rows and a suggested mapping", async () => {
    const response = await upload(county, "department=HEALTH_INSURANCE&period=2026Q3", Buffer.from(medicalCsv, "utf8"), "医保2026Q3.csv");
    expect(response.statusCode).toBe(201);
    const body = response.json();
    importId = body.importId;
    expect(body).toMatchObject({ duplicate: false, encoding: "utf-8", headerRow: 1, headers: header.split(",") });
    expect(body.suggestedMapping).toEqual({
      name: "姓名",
      idNumber: "身份证号",
      totalMedical: "医疗总费用(元)",
      outOfPocketMedical: "个人自付金额(元)",
    });
    expect(body.sampleRows).toHaveLength(5);
    expect(body.sampleRows[0]).toEqual({
      row: 2,
      cells: ["1", "赵大山", `${zhaoDashan.slice(0, 4)}**********${zhaoDashan.slice(-4)}`, "50000", "32000"],
    });
    expect(response.body).not.toContain(zhaoDashan);
    expect(body.import).toMatchObject({
      id: importId,
      department: "HEALTH_INSURANCE",
      departmentLabel: "医保局",
      period: "2026Q3",
      fileName: "医保2026Q3.csv",
      format: "csv",
      status: "UPLOADED",
      mapping: null,
      uploadedBy: "县防返贫办 李主任",
    });
    expect(body.import.counts.rows).toBe(0);
  });

  it("runs every row to an outcome, raises one lead and reports cell errors with row numbers", async () => {
    const before = await prisma().case.count();
    const response = await run(county, importId, {
      name: "姓名",
      idNumber: "身份证号",
      totalMedical: "医疗总费用(元)",
      outOfPocketMedical: "个人自付金额(元)",
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.import.status).toBe("COMPLETED");
    expect(body.import.counts).toEqual({
      rows: 9,
      ERROR: 3,
      NO_MATCH: 1,
      OUT_OF_SCOPE: 1,
      NO_HIT: 1,
      LEAD_CREATED: 1,
      ALREADY_OPEN: 1,
      ALREADY_RAISED: 0,
      DUPLICATE_ROW: 1,
    });
    const rows = body.rows.items as {
      row: number;
      outcome: string;
      caseNumber: string | null;
      rules: { id: string }[];
      idNumber: string | null;
      householdNumber: string | null;
      villageName: string | null;
      duplicateOf: number | null;
      note: string;
    }[];
    expect(rows.map((r) => [r.row, r.outcome])).toEqual([
      [2, "LEAD_CREATED"],
      [3, "ALREADY_OPEN"],
      [4, "NO_HIT"],
      [5, "ERROR"],
      [6, "ERROR"],
      [7, "ERROR"],
      [8, "NO_MATCH"],
      [9, "DUPLICATE_ROW"],
      [10, "OUT_OF_SCOPE"],
    ]);
    const [lead, open, , , , , , duplicate, outside] = rows;
    leadNumber = lead!.caseNumber!;
    expect(lead).toMatchObject({
      householdNumber: "990101001001-9001",
      villageName: "石门村",
      rules: [{ id: "medical-out-of-pocket", label: "大额医疗自付" }],
    });
    expect(lead!.idNumber).toBe(`${zhaoDashan.slice(0, 4)}**********${zhaoDashan.slice(-4)}`);
    const demoCase = await prisma().case.findFirstOrThrow({ where: { idempotencyKey: { endsWith: ":demo-case-1" } } });
    expect(demoCase.status, "the demo's case 1 (张德福) should still be under review").toBe("OPEN");
    expect(open).toMatchObject({ caseNumber: demoCase.number, householdNumber: "990101001001-0007" });
    expect(open!.rules.map((r) => r.id)).toEqual(["medical-out-of-pocket", "income-after-rigid-below-standard"]);
    expect(open!.note).toBe(`这户已有在办案件 ${demoCase.number},没有重复推送`);
    expect(duplicate).toMatchObject({ duplicateOf: 2, note: "与第 2 行完全相同" });
    expect(outside).toMatchObject({ householdNumber: null, villageName: null, caseNumber: null });
    expect(body.errors).toEqual([
      { row: 5, column: "身份证号", field: "idNumber", code: "ID_INVALID", message: "“身份证号”列的身份证号不正确(18 位,校验位不符)" },
      { row: 6, column: "医疗总费用(元)", field: "totalMedical", code: "NOT_A_NUMBER", message: "“医疗总费用(元)”列应填数字" },
      { row: 6, column: "个人自付金额(元)", field: "outOfPocketMedical", code: "NOT_A_NUMBER", message: "“个人自付金额(元)”列应填数字" },
      { row: 7, column: "身份证号", field: "idNumber", code: "REQUIRED", message: "“身份证号”列没有填写" },
    ]);
    expect(JSON.stringify(body)).not.toContain(zhaoDashan);
    expect(await prisma().case.count()).toBe(before + 1);
  });

  it("opens the lead at the household's village with the 5-working-day verification deadline and a traced event", async () => {
    const c = await prisma().case.findUniqueOrThrow({
      where: { number: leadNumber },
      include: { events: { orderBy: { id: "asc" } }, region: true, tasks: true, household: true },
    });
    expect(c).toMatchObject({
      kind: "DEPARTMENT_LEAD",
      channel: "DEPARTMENT_SCREENING",
      routing: "VILLAGE",
      stage: "VILLAGE_VERIFICATION",
      status: "OPEN",
      applicantName: "赵大山",
      riskTypes: ["ILLNESS", "EXPENSE_SURGE"],
      idempotencyKey: `screening:HEALTH_INSURANCE:2026Q3:${c.householdId}:medical-out-of-pocket`,
    });
    expect(c.region.name).toBe("石门村");
    expect(c.household?.number).toBe("990101001001-9001");
    expect(c.stageDueAt?.toISOString()).toBe("2026-12-02T15:59:59.999Z");
    expect(c.description).toBe(
      "医保局 2026Q3 数据筛查预警:大额医疗自付:个人自付医疗费用(元) 32000(个人自付医疗费用(元)大于 10000)。请入户核实这户的实际情况。",
    );
    expect(c.description).not.toContain(zhaoDashan);
    const countyStaff = await prisma().staffAccount.findUniqueOrThrow({ where: { username: "county" } });
    expect(c.events.map((e) => [e.action, e.actorType, e.toStage])).toEqual([
      ["LEAD_FROM_SCREENING", "STAFF", "SUBMITTED"],
      ["ROUTED_VILLAGE", "SYSTEM", "VILLAGE_VERIFICATION"],
    ]);
    expect(c.events[0]).toMatchObject({ actorId: countyStaff.id, actorRole: "COUNTY", reason: "医保局 2026Q3 筛查预警(大额医疗自付)" });
    expect(c.events[0]!.payload).toMatchObject({
      source: "SCREENING",
      importId,
      department: "HEALTH_INSURANCE",
      period: "2026Q3",
      ruleIds: ["medical-out-of-pocket"],
      rows: [2],
    });
    expect(c.tasks).toHaveLength(1);

    const tasks = (await get(await t.staffToken("village-shimen"), "/api/staff/tasks")).json().items as {
      caseNumber: string;
      stage: string;
      dueAt: string;
      actions: string[];
    }[];
    expect(tasks.find((task) => task.caseNumber === leadNumber)).toMatchObject({
      stage: "VILLAGE_VERIFICATION",
      dueAt: "2026-12-02T15:59:59.999Z",
      actions: ["RECORD_HOME_VISIT"],
    });
    // The head's phone from the household's resident identity, masked in the queue.
    const queue = (await get(county, "/api/staff/cases?channel=DEPARTMENT_SCREENING")).json().items as { number: string }[];
    expect(queue.find((c) => c.number === leadNumber)).toMatchObject({
      phoneMasked: "139****1111",
      kind: "DEPARTMENT_LEAD",
      channel: "DEPARTMENT_SCREENING",
    });
  });

  it("creates nothing new when the same file is uploaded again or the import run again", async () => {
    const again = await upload(county, "department=HEALTH_INSURANCE&period=2026Q3", Buffer.from(medicalCsv, "utf8"), "copy.csv");
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      importId,
      duplicate: true,
      suggestedMapping: { idNumber: "身份证号", outOfPocketMedical: "个人自付金额(元)" },
    });
    expect(again.json().import.status).toBe("COMPLETED");
    const before = await prisma().case.count();
    const rerun = await run(county, importId, {
      idNumber: "身份证号",
      outOfPocketMedical: "个人自付金额(元)",
      totalMedical: "医疗总费用(元)",
      name: "姓名",
    });
    expect(rerun.statusCode).toBe(200);
    expect(rerun.json().import.counts).toMatchObject({ LEAD_CREATED: 0, ALREADY_RAISED: 1, ALREADY_OPEN: 1 });
    expect(rerun.json().rows.items[0]).toMatchObject({ row: 2, outcome: "ALREADY_RAISED", caseNumber: leadNumber });
    // The same data under another file name and one changed byte is another import, but still no second lead for the period.
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const edited = await upload(
      county,
      "department=HEALTH_INSURANCE&period=2026Q3",
      Buffer.from(`${medicalCsv}\r\n`, "utf8"),
      "edited.csv",
    );
    expect(edited.statusCode).toBe(201);
    const second = await run(county, edited.json().importId, edited.json().suggestedMapping);
    expect(second.json().rows.items[0]).toMatchObject({ outcome: "ALREADY_RAISED", caseNumber: leadNumber });
    expect(await prisma().case.count()).toBe(before);
    const list = (await get(county, "/api/staff/screening/imports")).json().items;
    expect(list.map((i: { id: string }) => i.id)).toEqual([edited.json().importId, importId]);
    expect(list[1].counts).toMatchObject({ rows: 9, ALREADY_RAISED: 1 });
  });

  it("pages the row report and filters it by outcome", async () => {
    const page = (await get(county, `/api/staff/screening/imports/${importId}?offset=2&limit=3`)).json();
    expect(page.rows).toMatchObject({ total: 9, offset: 2, limit: 3 });
    expect(page.rows.items.map((r: { row: number }) => r.row)).toEqual([4, 5, 6]);
    const errors = (await get(county, `/api/staff/screening/imports/${importId}?outcome=ERROR`, { "accept-language": "en" })).json();
    expect(errors.rows.items.map((r: { row: number }) => r.row)).toEqual([5, 6, 7]);
    expect(errors.rows.items[0]).toMatchObject({
      outcomeLabel: "Data error",
      note: 'The ID number in column "身份证号" is not valid (18 characters, check digit wrong)',
    });
  });

  it("downloads the row report as CSV and XLSX, masked", async () => {
    const csv = await get(county, `/api/staff/screening/imports/${importId}/report?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toContain(
      `filename*=UTF-8''${encodeURIComponent("部门筛查结果-医保局-2026Q3-2026-11-25.csv")}`,
    );
    expect(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const text = csv.rawPayload.subarray(3).toString("utf8");
    const lines = parse(text) as string[][];
    expect(lines[0]).toEqual(["行号", "结果", "身份证号", "姓名", "户编号", "所在村", "触发规则", "案件编号", "说明"]);
    expect(lines).toHaveLength(10);
    expect(lines[1]).toEqual([
      "2",
      "此前已推送",
      `${zhaoDashan.slice(0, 4)}**********${zhaoDashan.slice(-4)}`,
      "赵**",
      "990101001001-9001",
      "石门村",
      "大额医疗自付",
      leadNumber,
      `这户本期已推送过线索 ${leadNumber},没有重复推送`,
    ]);
    expect(lines.map((l) => l[0])).toEqual(["行号", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    for (const clear of [zhaoDashan, zhangDefu, wangDahai, "赵大山", "张德福", "王大海"]) expect(text).not.toContain(clear);

    const xlsx = await get(county, `/api/staff/screening/imports/${importId}/report?format=xlsx`, { "accept-language": "en" });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(10);
    expect(sheet.getRow(1).getCell(2).value).toBe("Outcome");
    expect(sheet.getRow(9).getCell(2).value).toBe("Duplicate row");
  });

  it("reads an XLSX built in Excel and raises a lead with no phone on record", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("危房鉴定");
    sheet.addRow(["2026年第三季度农村住房安全鉴定"]);
    sheet.addRow(["户主姓名", "证件号码", "鉴定等级"]);
    sheet.addRow(["钱塘", qianTang, "D级"]);
    sheet.addRow(["张小军", 990101200906010000, "C级"]);
    const response = await upload(county, "department=HOUSING&period=2026Q3", Buffer.from(await workbook.xlsx.writeBuffer()), "住建.xlsx");
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      encoding: null,
      headerRow: 2,
      suggestedMapping: { name: "户主姓名", idNumber: "证件号码", housingSafetyGrade: "鉴定等级" },
    });
    const result = (await run(county, response.json().importId, response.json().suggestedMapping)).json();
    expect(result.rows.items.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([
      [3, "LEAD_CREATED"],
      [4, "ERROR"],
    ]);
    expect(result.errors[0]).toMatchObject({ row: 4, code: "ID_AS_NUMBER" });
    const lead = await prisma().case.findUniqueOrThrow({ where: { number: result.rows.items[0].caseNumber }, include: { region: true } });
    expect(lead).toMatchObject({ channel: "DEPARTMENT_SCREENING", riskTypes: ["HOUSING"], applicantName: "钱塘" });
    expect(lead.region.name).toBe("白沙村");
    expect(cipherOf(t).decrypt(lead.contactPhoneEnc)).toBe("");
  });

  it("reads a GBK-encoded CSV", async () => {
    const bytes = toGbk(`身份证号,姓名,是否辍学\r\n${zhaoDashan},赵大山,是\r\n`);
    const response = await upload(county, "department=EDUCATION&period=2026Q3", bytes, "jiaoyu.csv");
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      encoding: "gb18030",
      headers: ["身份证号", "姓名", "是否辍学"],
      suggestedMapping: { idNumber: "身份证号", name: "姓名", droppedOut: "是否辍学" },
    });
    expect(response.json().sampleRows[0].cells[1]).toBe("赵大山");
    const result = (await run(county, response.json().importId, response.json().suggestedMapping)).json();
    // Tripped "dropped out", but the household's screening lead is still open.
    expect(result.rows.items[0]).toMatchObject({
      outcome: "ALREADY_OPEN",
      caseNumber: leadNumber,
      rules: [{ id: "education-dropout", label: "辍学" }],
    });
  });

  it("refuses other roles, bad queries, bad files and bad mappings, localized", async () => {
    const township = await t.staffToken("township-liuxi");
    expect((await upload(township, "department=HEALTH_INSURANCE&period=2026Q3", Buffer.from(medicalCsv), "a.csv")).statusCode).toBe(403);
    expect((await get(township, "/api/staff/screening/imports")).statusCode).toBe(403);
    expect((await get(township, "/api/staff/screening/rules")).statusCode).toBe(403);
    expect((await run(await t.staffToken("village-shimen"), importId, { idNumber: "身份证号" })).statusCode).toBe(403);
    expect((await get(await t.staffToken("admin"), `/api/staff/screening/imports/${importId}`)).statusCode).toBe(200);

    const period = await upload(county, "department=HEALTH_INSURANCE&period=2026-13", Buffer.from(medicalCsv), "a.csv");
    expect(period.statusCode).toBe(400);
    expect(period.json().fields[0]).toMatchObject({ path: "querystring.period" });
    expect(period.json().fields[0].message).toContain("期次格式不正确");
    const xls = await upload(
      county,
      "department=HEALTH_INSURANCE&period=2026Q3",
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      "old.xls",
    );
    expect(xls.statusCode).toBe(415);
    expect(xls.json().code).toBe("SPREADSHEET_UNSUPPORTED");

    const unknown = await run(county, importId, { idNumber: "证件号" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: "MAPPING_UNKNOWN_HEADER", message: "文件里没有“证件号”这一列(对应“身份证号”)。" });
    expect(unknown.json().fields).toEqual([{ path: "mapping", message: "列对应:文件里没有“证件号”这一列(对应“身份证号”)。" }]);
    const missing = await run(county, importId, { name: "姓名" }, { "accept-language": "en" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: "MAPPING_REQUIRED_FIELD", message: 'Say which column of the file holds "ID number".' });
    const foreign = await run(county, importId, { idNumber: "身份证号", housingSafetyGrade: "姓名" }, { "accept-language": "en" });
    expect(foreign.json()).toMatchObject({
      code: "MAPPING_UNKNOWN_FIELD",
      message: 'Healthcare Security Bureau data have no item "Housing safety grade".',
    });
    expect((await get(county, "/api/staff/screening/imports/00000000-0000-4000-8000-000000000000")).json().code).toBe(
      "SCREENING_IMPORT_NOT_FOUND",
    );
  });

  it("keeps an import's results once retention deleted its file, asks for the file to run again, and runs when it is uploaded again", async () => {
    const retention = new RetentionService(
      { prisma: prisma(), cipher: cipherOf(t), now: () => new Date(t.clock.now) },
      new LocalFileStore(t.config.dataDir),
    );
    const policy = { personalDataYears: 0, transientDays: 30, accessLogDays: 100_000, screeningFileDays: 90 };
    const mapping = { idNumber: "身份证号", outOfPocketMedical: "个人自付金额(元)", totalMedical: "医疗总费用(元)", name: "姓名" };
    expect((await retention.run(policy)).screeningFilesDeleted).toBe(0);
    t.clock.now = new Date(t.clock.now.getTime() + 91 * 86_400_000);
    expect((await retention.run(policy)).screeningFilesDeleted).toBeGreaterThan(0);

    const detail = (await get(county, `/api/staff/screening/imports/${importId}`)).json();
    expect(detail.import).toMatchObject({ status: "COMPLETED", fileDeletedAt: t.clock.now.toISOString(), counts: { rows: 9 } });
    expect(detail.rows.items[0]).toMatchObject({ row: 2, caseNumber: leadNumber });
    const refused = await run(county, importId, mapping);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: "SCREENING_FILE_DELETED", message: expect.stringContaining("请重新上传同一文件") });

    const again = await upload(county, "department=HEALTH_INSURANCE&period=2026Q3", Buffer.from(medicalCsv, "utf8"), "again.csv");
    expect(again.json()).toMatchObject({ importId, duplicate: true, import: { fileDeletedAt: null } });
    expect((await run(county, importId, mapping)).json().import.counts).toMatchObject({ rows: 9, ALREADY_RAISED: 1 });
    // Stored again today: its days start over.
    expect((await prisma().screeningImport.findUniqueOrThrow({ where: { id: importId } })).fileStoredAt).toEqual(t.clock.now);
    expect((await retention.run(policy)).screeningFilesDeleted).toBe(0);
  });
});

/** The app's own cipher, from the test app's configured keys. */
function cipherOf(t: TestApp) {
  return new PersonalDataCipher(resolveSecrets(t.config, false));
}
