import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";
import { readXlsx } from "../../../helpers/spreadsheets.ts";
import { multipartFile, nationalExportXlsx, type Village } from "../../../helpers/national-export-sheet.ts";

const villages: Village[] = [
  { code: "990101001001", township: "柳溪镇", name: "石门村" },
  { code: "990101002001", township: "云岭乡", name: "白沙村" },
  { code: "990101003001", township: "河口镇", name: "红旗村" },
];

describe(`households from the national monitoring system's export (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  let township: string;
  beforeAll(async () => {
    t = await createTestApp();
    county = await t.staffToken("county");
    township = await t.staffToken("township-liuxi");
  });
  afterAll(() => t.close());

  const auth = (token = county) => ({ authorization: `Bearer ${token}` });

  async function upload(bytes: Buffer, name = "监测对象信息.xlsx") {
    const file = multipartFile(name, bytes);
    return t.app.inject({
      method: "POST",
      url: "/api/admin/household-imports",
      headers: { ...auth(), ...file.headers },
      payload: file.payload,
    });
  }

  async function finished(jobId: string) {
    for (let i = 0; i < 600; i++) {
      const job = (await t.app.inject({ method: "GET", url: `/api/jobs/${jobId}`, headers: auth() })).json();
      if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.status)) return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the job did not finish");
  }

  async function importFile(bytes: Buffer) {
    const uploaded = (await upload(bytes)).json();
    const run = await t.app.inject({
      method: "POST",
      url: `/api/admin/household-imports/${uploaded.importId}/run`,
      headers: auth(),
      payload: { mapping: uploaded.suggestedMapping },
    });
    expect(run.statusCode, run.body).toBe(202);
    const job = await finished(run.json().jobId);
    expect(job.status, JSON.stringify(job)).toBe("SUCCEEDED");
    return (
      await t.app.inject({ method: "GET", url: `/api/admin/household-imports/${uploaded.importId}?limit=1000`, headers: auth() })
    ).json();
  }

  it("suggests the mapping, imports every right household in the background and holds back each one with a wrong row", async () => {
    const { bytes, rows } = await nationalExportXlsx({ villages, households: 60, badEvery: 10, seed: 3 });
    const uploaded = await upload(bytes);
    expect(uploaded.statusCode).toBe(201);
    const head = uploaded.json();
    expect(head.headerRow).toBe(2);
    expect(head.suggestedMapping).toMatchObject({
      householdNumber: "户编号",
      idNumber: "证件号码",
      villageCode: "行政区划代码",
      category: "监测对象类别",
    });
    // The first rows come back with ID numbers masked.
    expect(head.sampleRows[0].cells[6]).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    expect(JSON.stringify(head.sampleRows)).not.toContain(rows[0]!.idNumber);

    // Township staff may not import; the mapping must name the required fields.
    const byTownship = await t.app.inject({
      method: "POST",
      url: `/api/admin/household-imports/${head.importId}/run`,
      headers: auth(township),
      payload: { mapping: head.suggestedMapping },
    });
    expect(byTownship.statusCode).toBe(403);
    const { idNumber: _dropped, ...withoutId } = head.suggestedMapping;
    const missing = await t.app.inject({
      method: "POST",
      url: `/api/admin/household-imports/${head.importId}/run`,
      headers: auth(),
      payload: { mapping: withoutId },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain("证件号码");

    const run = await t.app.inject({
      method: "POST",
      url: `/api/admin/household-imports/${head.importId}/run`,
      headers: auth(),
      payload: { mapping: head.suggestedMapping },
    });
    expect(run.statusCode).toBe(202);
    const job = await finished(run.json().jobId);
    expect(job).toMatchObject({ status: "SUCCEEDED", kindLabel: "农户导入", progress: { phase: "done" } });

    const badHouseholds = new Set(rows.filter((r) => r.bad).map((r) => r.householdNumber));
    const allHouseholds = new Set(rows.map((r) => r.householdNumber));
    const detail = (
      await t.app.inject({ method: "GET", url: `/api/admin/household-imports/${head.importId}?outcome=ERROR`, headers: auth() })
    ).json();
    expect(detail.import).toMatchObject({
      status: "COMPLETED",
      counts: {
        rows: rows.length,
        errorRows: badHouseholds.size,
        created: allHouseholds.size - badHouseholds.size,
        updated: 0,
        refused: badHouseholds.size,
      },
    });
    expect(detail.import.fileDeletedAt).not.toBeNull();
    // Each wrong row says which column and what is wrong, in words.
    expect(detail.rows.items.length).toBe(badHouseholds.size);
    const messages = detail.rows.items.map((r: { note: string }) => r.note).join("\n");
    expect(messages).toContain("“证件号码”不是有效的身份证号");
    expect(messages).toContain("“与户主关系”的“邻居”");
    expect(messages).toContain("“姓名”是空的");

    // The households are on record: ID numbers encrypted and found by their hash, category and monitoring status kept.
    const first = rows.find((r) => !badHouseholds.has(r.householdNumber) && r.relation === "户主")!;
    const household = await t.database.db.prisma.household.findUniqueOrThrow({
      where: { number: first.householdNumber },
      include: { members: true, region: true, incomes: true },
    });
    expect(household.region.code).toBe(first.village.code);
    expect(household.importHash).not.toBeNull();
    expect(JSON.stringify(household.members)).not.toContain(first.idNumber);
    expect(household.incomes.map((i) => i.year)).toContain(2025);
    const found = await t.app.inject({ method: "GET", url: `/api/households?q=${first.idNumber}`, headers: auth() });
    expect(found.json().items).toEqual([expect.objectContaining({ number: first.householdNumber })]);
    // A held-back household is not.
    const held = [...badHouseholds][0]!;
    expect(await t.database.db.prisma.household.count({ where: { number: held } })).toBe(0);
  });

  it("imports the same file again without a change, and its own export round-trips unchanged", { timeout: 120_000 }, async () => {
    const { bytes, rows } = await nationalExportXlsx({ villages, households: 60, badEvery: 10, seed: 3 });
    const again = await importFile(bytes);
    const held = new Set(rows.filter((r) => r.bad).map((r) => r.householdNumber));
    const households = new Set(rows.filter((r) => !held.has(r.householdNumber)).map((r) => r.householdNumber));
    expect(again.import.counts).toMatchObject({ created: 0, updated: 0, unchanged: households.size });

    const exported = await t.app.inject({ method: "GET", url: "/api/admin/household-exports?format=xlsx", headers: auth() });
    expect(exported.statusCode).toBe(200);
    const sheet = await readXlsx(exported.rawPayload);
    expect(sheet[0]!.slice(0, 4)).toEqual(["户编号", "行政区划代码", "乡(镇)", "行政村"]);
    const imported = sheet.slice(1).filter((r) => households.has(r[0]!));
    // One row a person of every imported household, with full ID numbers; the demo's own households are there too.
    expect(new Set(imported.map((r) => r[0])).size).toBe(households.size);
    expect(imported.map((r) => r[5])).toEqual(expect.arrayContaining([rows.find((r) => households.has(r.householdNumber))!.idNumber]));
    const logged = await t.database.db.prisma.staffAccessLog.findFirst({ where: { action: "EXPORT_HOUSEHOLDS" } });
    expect(logged).toMatchObject({ subject: "990101/" });

    // Read back, the export changes nothing of what the file wrote; the demo's hand-made households are read as the system would.
    const roundTrip = await importFile(exported.rawPayload);
    expect(roundTrip.import.counts).toMatchObject({ errorRows: 0, created: 0, refused: 0 });
    const unchanged = roundTrip.rows.items
      .filter((r: { outcome: string }) => r.outcome === "UNCHANGED")
      .map((r: { householdNumber: string }) => r.householdNumber);
    expect([...households].every((n) => unchanged.includes(n))).toBe(true);
    // And once read, exported again and read again, nothing at all changes.
    const second = await t.app.inject({ method: "GET", url: "/api/admin/household-exports?format=xlsx", headers: auth() });
    const settled = await importFile(second.rawPayload);
    expect(settled.import.counts).toMatchObject({
      created: 0,
      updated: 0,
      refused: 0,
      unchanged: new Set(sheet.slice(1).map((r) => r[0])).size,
    });
  });

  it("updates households in place: members keep their records, one who moved to another household goes with the same record", async () => {
    const { rows } = await nationalExportXlsx({ villages, households: 60, badEvery: 10, seed: 3 });
    const number = rows.find((r) => !r.bad && rows.filter((x) => x.householdNumber === r.householdNumber).length >= 3)!.householdNumber;
    const before = await t.database.db.prisma.householdMember.findMany({ where: { household: { number } }, orderBy: { birthDate: "asc" } });
    const exported = await t.app.inject({ method: "GET", url: "/api/admin/household-exports?format=csv", headers: auth() });
    const lines = exported.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    const mine = lines.filter((l) => l.startsWith(`${number},`));
    const leaving = mine.find((l) => !l.includes(",户主,"))!;
    const helperColumn = lines[0]!.split(",").indexOf("帮扶联系人");
    // The member who left moved to another household of the county.
    const other = rows.find((r) => !r.bad && r.householdNumber !== number && r.relation === "户主")!.householdNumber;
    const moved = [other, ...leaving.split(",").slice(1)].join(",");
    const leaver = before.find((m) => leaving.includes(`,${m.name},`))!;
    const kept = lines
      .map((l) => (l === leaving ? moved : l))
      .map((l) => {
        if (!l.startsWith(`${number},`)) return l;
        const cells = l.split(",");
        cells[helperColumn] = "王帮扶";
        return cells.join(",");
      });
    const file = multipartFile("监测对象信息.csv", Buffer.from(kept.join("\r\n")), "text/csv");
    const uploaded = (
      await t.app.inject({
        method: "POST",
        url: "/api/admin/household-imports",
        headers: { ...auth(), ...file.headers },
        payload: file.payload,
      })
    ).json();
    const run = await t.app.inject({
      method: "POST",
      url: `/api/admin/household-imports/${uploaded.importId}/run`,
      headers: auth(),
      payload: { mapping: uploaded.suggestedMapping },
    });
    await finished(run.json().jobId);
    const detail = (
      await t.app.inject({ method: "GET", url: `/api/admin/household-imports/${uploaded.importId}?outcome=UPDATED`, headers: auth() })
    ).json();
    // Only the two households changed; every other is left alone.
    expect(new Set(detail.rows.items.map((r: { householdNumber: string }) => r.householdNumber))).toEqual(new Set([number, other]));
    expect(detail.rows.items.filter((r: { householdNumber: string }) => r.householdNumber === number)).toHaveLength(mine.length - 1);
    const after = await t.database.db.prisma.householdMember.findMany({ where: { household: { number } } });
    expect(after).toHaveLength(before.length - 1);
    // Those who stayed are the same records (cases and consents refer to them).
    expect(after.map((m) => m.id).every((id) => before.some((b) => b.id === id))).toBe(true);
    expect((await t.database.db.prisma.household.findUniqueOrThrow({ where: { number } })).helperName).toBe("王帮扶");
    const arrived = await t.database.db.prisma.householdMember.findUniqueOrThrow({
      where: { id: leaver.id },
      include: { household: true },
    });
    expect(arrived.household.number).toBe(other);
  });

  it("refuses a village of another county and an ambiguous village name, and says so row by row", async () => {
    const prisma = t.database.db.prisma;
    const other = await prisma.region.create({ data: { code: "990102", name: "外县", level: "COUNTY", path: "990102/" } });
    const town = await prisma.region.create({
      data: { code: "990102001", name: "外县镇", level: "TOWNSHIP", parentId: other.id, path: "990102/990102001/" },
    });
    await prisma.region.create({
      data: { code: "990102001001", name: "外县村", level: "VILLAGE", parentId: town.id, path: "990102/990102001/990102001001/" },
    });
    t.app.services.regions.invalidate();
    const { bytes } = await nationalExportXlsx({
      villages: [
        { code: "990102001001", township: "外县镇", name: "外县村" },
        { code: "", township: "", name: "桃园村" },
      ],
      households: 2,
      seed: 9,
    });
    const result = await importFile(bytes);
    expect(result.import.counts).toMatchObject({ created: 0, refused: 2 });
    const notes = result.rows.items.map((r: { note: string }) => r.note).join("\n");
    expect(notes).toContain("不属于您的县");
    expect(notes).toContain("对应不止一个村");
  });

  it("answers a finished job's cancellation with a conflict, and another county's job as not found", async () => {
    const job = await t.database.db.prisma.job.findFirstOrThrow({ where: { status: "SUCCEEDED" } });
    const cancel = await t.app.inject({ method: "POST", url: `/api/jobs/${job.id}/cancel`, headers: auth() });
    expect(cancel.statusCode).toBe(409);
    const other = await t.database.db.prisma.job.create({ data: { kind: "household-import", params: {}, regionPath: "990102/" } });
    expect((await t.app.inject({ method: "GET", url: `/api/jobs/${other.id}`, headers: auth() })).statusCode).toBe(404);
  });
});
