import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PersonalDataCipher } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { LedgerService } from "../../../../server/features/dashboard-and-ledgers/ledger-service.ts";
import { serviceDepsOf, staffPrincipal } from "../../../helpers/service-deps.ts";
import { readCsv, readXlsx } from "../../../helpers/spreadsheets.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

/**
 * The household ledgers (seed 002 附件 1–5) over the demo county's households
 * (server/demo/demo-households.ts lists who is meant to be on which list).
 */
const SM = "990101001001"; // 石门村 (柳溪镇)
const TY1 = "990101001002"; // 桃园村 (柳溪镇)
const BS = "990101002001"; // 白沙村
const TY2 = "990101002002"; // 桃园村 (云岭乡)
const HQ = "990101003001"; // 红旗村
const HK = "990101003002"; // 河口社区
const n = (village: string, seq: number) => `${village}-${String(seq).padStart(4, "0")}`;

/** Who each ledger lists for the whole county, in (village, number) order. */
const expected: Record<string, string[]> = {
  "below-income-line": [n(SM, 7), n(SM, 21), n(SM, 22), n(SM, 23), n(TY1, 21), n(TY1, 22), n(BS, 22), n(TY2, 21), n(HK, 21)],
  "hardest-households": [n(SM, 7), n(SM, 21), n(SM, 25), n(TY1, 21), n(BS, 23), n(TY2, 21)],
  "multi-child-schooling": [n(SM, 22), n(BS, 21), n(HQ, 22)],
  "zero-employment": [n(SM, 23), n(BS, 22), n(TY2, 22), n(HK, 21)],
  "unstable-work": [n(SM, 22), n(SM, 25), n(TY1, 22), n(HQ, 21), n(HK, 21)],
};
const basicHeaders = [
  "所在村",
  "户号",
  "户主",
  "家庭人口",
  "户主身份证号",
  "户类别",
  "收入年度",
  "人均纯收入(元)",
  "监测收入标准(元)",
  "扣除刚性支出后人均(元)",
];

describe(`household ledgers (${testDatabaseKind})`, () => {
  let t: TestApp;
  let county: string;
  let township: string;
  let village: string;
  let cipher: PersonalDataCipher;
  const get = (url: string, token: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, ...headers } });
  const csv = async (url: string, token: string) => {
    const response = await get(url, token);
    expect(response.statusCode, response.body).toBe(200);
    return readCsv(response.rawPayload.subarray(3).toString("utf8"));
  };

  beforeAll(async () => {
    t = await createTestApp();
    [county, township, village] = await Promise.all([
      t.staffToken("county"),
      t.staffToken("township-liuxi"),
      t.staffToken("village-shimen"),
    ]);
    cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
  });
  afterAll(() => t.close());

  /** A household as the database holds it: head (clear), members, and the latest year's figures. */
  async function onRecord(number: string) {
    const h = await t.database.db.prisma.household.findUniqueOrThrow({
      where: { number },
      include: { members: true, incomes: true, expenses: true },
    });
    const year = Math.max(...h.incomes.map((i) => i.year));
    const net = h.incomes.filter((i) => i.year === year).reduce((sum, i) => sum + i.amount - i.productionCost, 0);
    const rigid = h.expenses.filter((e) => e.year === year && e.kind !== "OTHER").reduce((sum, e) => sum + e.amount, 0);
    const head = h.members.find((m) => m.relation === "HEAD")!;
    return {
      year,
      members: h.members.length,
      perCapita: Math.round(net / h.members.length),
      afterRigid: Math.round((net - rigid) / h.members.length),
      head: head.name,
      headId: cipher.decrypt(head.idNumberEnc),
      names: h.members.map((m) => m.name),
    };
  }

  it("are listed with their titles", async () => {
    const items = (await get("/api/staff/ledgers", village)).json().items as { id: string; title: string; subject: string }[];
    expect(items.filter((i) => i.subject === "households").map((i) => [i.id, i.title])).toEqual([
      ["below-income-line", "家庭人均纯收入低于监测标准农户台账"],
      ["hardest-households", "最困难10户农户台账"],
      ["multi-child-schooling", "非义务教育阶段多子女农户台账"],
      ["zero-employment", "有劳动力零就业家庭台账"],
      ["unstable-work", "务工收入占比高且务工不稳定农户台账"],
    ]);
  });

  it.each(Object.keys(expected))(
    "%s: the same households in CSV and XLSX, figures as on record, names and ID numbers masked",
    async (id) => {
      const [csvResponse, xlsxResponse] = await Promise.all([
        get(`/api/staff/ledgers/${id}?format=csv`, county),
        get(`/api/staff/ledgers/${id}?format=xlsx`, county),
      ]);
      expect(csvResponse.statusCode).toBe(200);
      expect(xlsxResponse.statusCode).toBe(200);
      expect(xlsxResponse.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      expect(csvResponse.headers["content-disposition"]).toContain(`ledger-${id}-2026-11-25.csv`);
      const text = csvResponse.rawPayload.subarray(3).toString("utf8");
      const rows = readCsv(text);
      expect(rows).toEqual(await readXlsx(xlsxResponse.rawPayload));

      const [header, ...body] = rows;
      const at = (name: string) => header!.indexOf(name);
      expect(header).toEqual(expect.arrayContaining(basicHeaders));
      expect(body.map((r) => r[at("户号")])).toEqual(expected[id]);
      // No ID number in clear anywhere in the file.
      expect(text).not.toMatch(/\d{17}[\dX]/);
      for (const row of body) {
        const record = await onRecord(row[at("户号")]!);
        expect(row[at("户主")]).toBe(`${record.head[0]}${"*".repeat(record.head.length - 1)}`);
        expect(row[at("户主身份证号")]).toBe(`${record.headId.slice(0, 4)}**********${record.headId.slice(-4)}`);
        expect(row[at("家庭人口")]).toBe(String(record.members));
        expect(row[at("收入年度")]).toBe(String(record.year));
        expect(row[at("人均纯收入(元)")]).toBe(String(record.perCapita));
        expect(row[at("扣除刚性支出后人均(元)")]).toBe(String(record.afterRigid));
        expect(row[at("监测收入标准(元)")]).toBe("8500");
        for (const name of record.names) expect(text).not.toContain(name);
      }
    },
  );

  it("say why each household is listed", async () => {
    const [header, ...hardest] = await csv("/api/staff/ledgers/hardest-households?format=csv", county);
    expect(header!.slice(0, 2)).toEqual(["困难程度排序", "所在村"]);
    expect(header!.slice(-2)).toEqual(["纳入本台账的情况", "患病、残疾情况"]);
    // Ranked within each village, hardest (lowest income after rigid expenses) first.
    expect(hardest.map((r) => [r[2], r[0]])).toEqual([
      [n(SM, 7), "1"],
      [n(SM, 21), "2"],
      [n(SM, 25), "3"],
      [n(TY1, 21), "1"],
      [n(BS, 23), "1"],
      [n(TY2, 21), "1"],
    ]);
    const chen = hardest.find((r) => r[2] === n(SM, 21))!;
    expect(chen.slice(1, 12)).toEqual(["石门村", n(SM, 21), "陈**", "2", chen[5], "脱贫户", "未纳入监测", "2026", "3500", "8500", "1000"]);
    expect(chen.at(-2)).toBe("人均纯收入 3500 元,低于标准 8500 元;扣除刚性支出后人均 1000 元,低于标准 8500 元;家中无劳动力");
    expect(chen.at(-1)).toBe("陈**:大病");
    // 马永福's house was found unsafe at his case's home visit (server/demo/demo-county.ts).
    expect(hardest.find((r) => r[2] === n(BS, 23))!.at(-2)).toContain("住房安全有风险");

    const [, ...schooling] = await csv("/api/staff/ledgers/multi-child-schooling?format=csv", county);
    expect(schooling[0]!.at(-1)).toBe("赵*,22 岁,高等教育;赵*,19 岁,职业教育;赵*,16 岁,高中");
    const [, ...idle] = await csv("/api/staff/ledgers/zero-employment?format=csv", county);
    expect(idle[0]!.at(-1)).toBe("孙**,41 岁,有劳动能力,未务工;李**,39 岁,有劳动能力,未务工;2026 年全家无务工收入");
    const [unstableHeader, ...unstable] = await csv("/api/staff/ledgers/unstable-work?format=csv", county);
    expect(unstableHeader!.slice(-3)).toEqual(["当年务工收入(元)", "上年务工收入(元)", "纳入本台账的情况"]);
    expect(unstable.find((r) => r[1] === n(SM, 25))!.slice(-3)).toEqual([
      "18000",
      "42000",
      "务工收入 2025 年 42000 元,2026 年 18000 元,下降 57%",
    ]);
    // 罗建军's wages barely moved: it is his open case about unstable work that lists him.
    expect(unstable.find((r) => r[1] === n(HQ, 21))!.slice(-3)).toEqual(["32000", "34000", "有在办或已认定的务工就业不稳案件"]);
  });

  it("give a village only its own households, and a township its villages", async () => {
    for (const [id, all] of Object.entries(expected)) {
      const [, ...mine] = await csv(`/api/staff/ledgers/${id}?format=csv`, village);
      const ownIndex = id === "hardest-households" ? 2 : 1;
      expect(mine.map((r) => r[ownIndex])).toEqual(all.filter((number) => number.startsWith(SM)));
      expect(mine.every((r) => r[ownIndex - 1] === "石门村")).toBe(true);
      const [, ...liuxi] = await csv(`/api/staff/ledgers/${id}?format=csv`, township);
      expect(liuxi.map((r) => r[ownIndex])).toEqual(all.filter((number) => number.startsWith("990101001")));
    }
    const [, ...taoyuan] = await csv(`/api/staff/ledgers/below-income-line?format=csv&regionCode=${TY1}`, township);
    expect(taoyuan.map((r) => r[1])).toEqual([n(TY1, 21), n(TY1, 22)]);
    // A group narrows to the households registered in it.
    const [, ...groupTwo] = await csv(`/api/staff/ledgers/below-income-line?format=csv&regionCode=${SM}002`, village);
    expect(groupTwo.map((r) => r[1])).toEqual([n(SM, 23)]);
  });

  it("refuse grid workers, department handlers and residents, regions out of scope, and case filters", async () => {
    for (const username of ["grid-shimen", "dept-health"]) {
      expect((await get("/api/staff/ledgers/below-income-line?format=csv", await t.staffToken(username))).statusCode).toBe(403);
    }
    expect((await get("/api/staff/ledgers/hardest-households", await t.residentToken("ledger-reader"))).statusCode).toBe(403);
    expect((await get(`/api/staff/ledgers/below-income-line?regionCode=${BS}`, township)).statusCode).toBe(403);
    expect((await get("/api/staff/ledgers/below-income-line?regionCode=990101009", township)).statusCode).toBe(404);
    for (const filter of ["status=OPEN", "riskType=ILLNESS", "from=2026-11-01", "overdue=true"]) {
      const refused = await get(`/api/staff/ledgers/zero-employment?${filter}`, township, { "accept-language": "en" });
      expect(refused.statusCode, filter).toBe(400);
      expect(refused.json().code).toBe("LEDGER_FILTER_NOT_APPLICABLE");
      expect(refused.json().fields[0].path).toBe(filter.split("=")[0]);
    }
  });

  it("come out the same when read two households a page (the hardest held back village by village)", async () => {
    const principal = await staffPrincipal(t, "county");
    const small = new LedgerService(serviceDepsOf(t), 2);
    for (const id of Object.keys(expected)) {
      const download = await small.export(principal, id, "csv", {}, "zh-CN");
      const chunks: Buffer[] = [];
      for await (const chunk of download.stream) chunks.push(chunk as Buffer);
      const paged = readCsv(Buffer.concat(chunks).subarray(3).toString("utf8"));
      expect(paged, id).toEqual(await csv(`/api/staff/ledgers/${id}?format=csv`, county));
    }
  });

  it("speak the caller's language", async () => {
    const response = await get("/api/staff/ledgers/multi-child-schooling?format=csv", county, { "accept-language": "en" });
    expect(response.headers["content-disposition"]).toContain(
      encodeURIComponent("Households with several children in non-compulsory schooling"),
    );
    const [header, first] = readCsv(response.rawPayload.subarray(3).toString("utf8"));
    expect(header!.slice(0, 4)).toEqual(["Village", "Household number", "Head of household", "Members"]);
    expect(first![5]).toBe("Marginal household at risk");
    expect(first!.at(-1)).toBe("赵*, 22, higher education; 赵*, 19, vocational school; 赵*, 16, senior secondary");
  });

  it("follow the records: a new case about unstable work lists the household, and a village keeps its ten hardest", async () => {
    const prisma = t.database.db.prisma;
    // 周建华's household (石门村 0024) is comfortably off; the village files a case about his work.
    const zhou = await prisma.household.findUniqueOrThrow({ where: { number: n(SM, 24) } });
    const filed = await t.submit(village, {
      description: "他打工的厂子停产了,几个月没活干",
      applicantName: "周建华",
      householdId: zhou.id,
      riskTypes: ["UNSTABLE_WORK"],
      onBehalf: { confirmationMethod: "SIGNED_PAPER" },
    });
    expect(filed.statusCode).toBe(201);
    const [, ...unstable] = await csv("/api/staff/ledgers/unstable-work?format=csv", village);
    // Group one's households first, then group two's (周建华 is in group two).
    expect(unstable.map((r) => r[1])).toEqual([n(SM, 22), n(SM, 25), n(SM, 24)]);
    // Withdrawn or not, only an open or approved case counts.
    await prisma.case.update({ where: { number: filed.json().number }, data: { status: "WITHDRAWN" } });
    expect((await csv("/api/staff/ledgers/unstable-work?format=csv", village)).slice(1).map((r) => r[1])).toEqual([n(SM, 22), n(SM, 25)]);

    // Twelve more old people alone on small transfers in 红旗村: only the ten poorest are listed, poorest first.
    const group = await prisma.region.findUniqueOrThrow({ where: { code: `${HQ}001` } });
    for (let i = 0; i < 12; i++) {
      await prisma.household.create({
        data: {
          number: n(HQ, 900 + i),
          regionId: group.id,
          address: "红旗村一组",
          category: "FORMERLY_POOR",
          members: {
            create: [
              {
                name: `独居老人${i}`,
                relation: "HEAD",
                birthDate: new Date("1940-01-01"),
                labourCapacity: "NONE",
                idNumberEnc: cipher.encrypt(`test-${i}`),
                idNumberHash: `hardest-${i}`,
              },
            ],
          },
          incomes: { create: [{ year: 2026, source: "TRANSFER", amount: 3000 + ((i * 7) % 12) * 100 }] },
        },
      });
    }
    const [, ...hardest] = await csv(`/api/staff/ledgers/hardest-households?format=csv&regionCode=${HQ}`, county);
    expect(hardest.map((r) => r[0])).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    const incomes = hardest.map((r) => Number(r[11]));
    expect(incomes).toEqual([...incomes].sort((a, b) => a - b));
    expect(incomes).toEqual([3000, 3100, 3200, 3300, 3400, 3500, 3600, 3700, 3800, 3900]);
  });
});
