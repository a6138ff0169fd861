import { describe, expect, it } from "vitest";
import {
  groupHouseholds,
  householdHash,
  nationalFields,
  nationalRowOf,
  parseDate,
  readNationalRow,
  suggestNationalMapping,
  type NationalRow,
} from "../../../../server/features/households/national-export.ts";
import { idNumberOf, nationalHeaders } from "../../../helpers/national-export-sheet.ts";

const today = new Date("2026-12-07T00:00:00Z");
const mapping = suggestNationalMapping(nationalHeaders);
const head = idNumberOf("433124", "19560315", 11);
const wife = idNumberOf("433124", "19580601", 12);
const child = idNumberOf("433124", "20120910", 13);

function cells(values: Partial<Record<string, string>>): string[] {
  return nationalHeaders.map((h) => values[h] ?? "");
}

const household = {
  户编号: "433124101201000001",
  行政区划代码: "433124101201",
  "乡(镇)": "边城镇",
  行政村: "茶峒村",
  监测对象类别: "脱贫不稳定户",
  风险消除情况: "风险未消除",
  纳入监测时间: "2024年3月15日",
  返贫致贫风险: "因病;因学",
  帮扶措施: "健康帮扶;教育帮扶",
  帮扶联系人: "李帮扶",
  工资性收入: "12,000",
  生产经营性收入: "3000",
  转移性收入: "2400.4",
  生产经营性支出: "800",
  收入年度: "2025",
};

describe("the national monitoring system's household export", () => {
  it("finds every column of the layout offices download by its header", () => {
    for (const field of nationalFields.filter((f) => f !== "address")) expect(mapping[field], field).toBeGreaterThanOrEqual(0);
    expect(mapping.address).toBe(-1);
    expect(suggestNationalMapping(["身份证号", "与户主的关系", "户码", "人员姓名", "乡镇", "村"])).toMatchObject({
      idNumber: 0,
      relation: 1,
      householdNumber: 2,
      memberName: 3,
      township: 4,
      village: 5,
    });
  });

  it("reads a person's row: the household's fields, the person's, the system's words turned into codes", () => {
    const row = readNationalRow(
      3,
      cells({ ...household, 姓名: "王建国", 证件号码: head, 与户主关系: "户主", 劳动技能: "普通劳动力", 健康状况: "患有大病" }),
      mapping,
      today,
    );
    expect(row).toMatchObject({
      household: {
        number: "433124101201000001",
        villageCode: "433124101201",
        category: "FORMERLY_POOR_UNSTABLE",
        monitoringStatus: "AT_RISK",
        monitoredSince: "2024-03-15",
        riskTypes: ["ILLNESS", "SCHOOLING"],
        helpMeasures: ["健康帮扶", "教育帮扶"],
        incomeYear: 2025,
        incomes: { WAGE: 12000, BUSINESS: 3000, PROPERTY: null, TRANSFER: 2400, productionCost: 800 },
      },
      member: { name: "王建国", relation: "HEAD", gender: "M", birthDate: "1956-03-15", labourCapacity: "FULL", health: "SERIOUS_ILLNESS" },
    });
  });

  it("names every wrong cell of a row: an ID number whose check digit is wrong, a word the system does not use, an empty name", () => {
    const badId = head.slice(0, 17) + (head[17] === "1" ? "2" : "1");
    const row = readNationalRow(
      9,
      cells({ ...household, 姓名: "", 证件号码: badId, 与户主关系: "邻居", 纳入监测时间: "去年", 工资性收入: "一万" }),
      mapping,
      today,
    );
    expect("problems" in row && row.problems.map((p) => [p.field, p.code])).toEqual([
      ["memberName", "NATIONAL_CELL_EMPTY"],
      ["idNumber", "NATIONAL_ID_INVALID"],
      ["relation", "NATIONAL_VALUE_UNKNOWN"],
      ["monitoredSince", "NATIONAL_DATE_INVALID"],
      ["wageIncome", "NATIONAL_AMOUNT_INVALID"],
    ]);
    expect(row).toMatchObject({ householdNumber: "433124101201000001" });
    // A date of birth that does not exist is no ID number either, whatever its check digit.
    const feb30 = idNumberOf("433124", "19560230", 1);
    expect(readNationalRow(4, cells({ ...household, 姓名: "甲", 证件号码: feb30, 与户主关系: "户主" }), mapping, today)).toHaveProperty(
      "problems",
    );
  });

  it("calls someone of working age the system writes as 无劳动力 unable to work, a child or an old person not of working age", () => {
    const labour = (id: string) => {
      const row = readNationalRow(
        2,
        cells({ ...household, 姓名: "甲", 证件号码: id, 与户主关系: "户主", 劳动技能: "无劳动力" }),
        mapping,
        today,
      );
      return "member" in row ? row.member.labourCapacity : null;
    };
    expect(labour(head)).toBe("NOT_WORKING_AGE");
    expect(labour(idNumberOf("433124", "19800101", 5))).toBe("NONE");
    expect(labour(child)).toBe("NOT_WORKING_AGE");
  });

  it("groups rows into households, writes them back in the same layout, and hashes a household the same whatever its members' order", () => {
    const rows = [
      [head, "户主", "王建国"],
      [wife, "配偶", "李秀英"],
      [child, "之子", "王小龙"],
      [child, "之子", "王小龙"],
    ].map(([id, relation, name], i) =>
      readNationalRow(i + 3, cells({ ...household, 姓名: name, 证件号码: id, 与户主关系: relation }), mapping, today),
    );
    const valid = rows.filter((r): r is Extract<NationalRow, { household: unknown }> => "household" in r);
    const [grouped] = groupHouseholds(valid);
    expect(grouped!.members.map((m) => m.relation)).toEqual(["HEAD", "SPOUSE", "CHILD"]);
    expect(grouped!.rows.map((r) => r.rowNumber)).toEqual([3, 4, 5, 6]);
    const written = nationalRowOf(grouped!, grouped!.members[1]!);
    expect(written).toMatchObject({
      householdNumber: "433124101201000001",
      relation: "配偶",
      gender: "女",
      category: "脱贫不稳定户",
      riskTypes: "因病;因学",
    });
    // What is written reads back to the same person and household.
    const back = readNationalRow(
      2,
      nationalFields.map((f) => written[f]),
      Object.fromEntries(nationalFields.map((f, i) => [f, i])),
      today,
    );
    expect("member" in back && back.member).toEqual(grouped!.members[1]);
    const reordered = { ...grouped!, members: [...grouped!.members].reverse(), firstRow: 40, rows: [] };
    expect(householdHash(reordered, "r")).toBe(householdHash(grouped!, "r"));
    expect(householdHash({ ...grouped!, helperName: "张帮扶" }, "r")).not.toBe(householdHash(grouped!, "r"));
  });

  it("reads dates as offices write them", () => {
    expect(["2024-03-15", "2024/3/15", "2024年3月15日", "20240315", "2024.03.15"].map(parseDate)).toEqual(Array(5).fill("2024-03-15"));
    expect(parseDate("2024-02-30")).toBeNull();
    expect(parseDate("三月")).toBeNull();
  });
});
