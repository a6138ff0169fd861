import { describe, expect, it } from "vitest";
import shippedJson from "../../../../server/features/screening-and-leads/screening-rules.json" with { type: "json" };
import {
  checkMapping,
  departmentsOf,
  evaluateRules,
  normaliseHeader,
  parseCell,
  requiredFieldsOf,
  screeningLeadKey,
  screeningLeadKeyPrefix,
  screeningRulesFileSchema,
  shippedScreeningRules,
  suggestMapping,
  validateRow,
  type HouseholdStanding,
} from "../../../../server/features/screening-and-leads/screening.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";

const rules = shippedScreeningRules;
const below: HouseholdStanding = {
  belowLine: true,
  belowLineAfterRigidExpenses: true,
  perCapitaNetIncome: 3400,
  perCapitaAfterRigidExpenses: -8267,
  incomeLine: 8500,
};
const above: HouseholdStanding = {
  belowLine: false,
  belowLineAfterRigidExpenses: false,
  perCapitaNetIncome: 10500,
  perCapitaAfterRigidExpenses: 10500,
  incomeLine: 8500,
};

describe("the shipped rules file", () => {
  it("covers the departments of the issue, each with the ID number required", () => {
    expect(departmentsOf(rules)).toEqual([
      "HEALTH_INSURANCE",
      "CIVIL_AFFAIRS",
      "DISABLED_PERSONS_FEDERATION",
      "EDUCATION",
      "HOUSING",
      "HUMAN_RESOURCES",
      "EMERGENCY_MANAGEMENT",
    ]);
    for (const department of departmentsOf(rules)) expect(requiredFieldsOf(rules, department)).toContain("idNumber");
  });

  it("refuses rules that do not fit their fields, unknown fields and duplicate ids", () => {
    const broken = structuredClone(shippedJson) as { rules: Record<string, unknown>[]; departments: Record<string, { fields: string[] }> };
    broken.rules.push({
      id: "medical-out-of-pocket",
      department: "HEALTH_INSURANCE",
      field: "outOfPocketMedical",
      op: "gt",
      value: 1,
      riskTypes: ["ILLNESS"],
    });
    broken.rules.push({ id: "bad-op", department: "HOUSING", field: "housingSafetyGrade", op: "gt", value: 2, riskTypes: ["HOUSING"] });
    broken.rules.push({
      id: "bad-choice",
      department: "HOUSING",
      field: "housingSafetyGrade",
      op: "in",
      values: ["E"],
      riskTypes: ["HOUSING"],
    });
    broken.rules.push({
      id: "wrong-department",
      department: "EDUCATION",
      field: "outOfPocketMedical",
      op: "gt",
      value: 2,
      riskTypes: ["ILLNESS"],
    });
    broken.departments.WATER = { fields: ["name"] };
    const result = screeningRulesFileSchema.safeParse(broken);
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message).join("\n");
    expect(messages).toContain('duplicate rule id "medical-out-of-pocket"');
    expect(messages).toContain('op "gt" with this value does not fit the choice field "housingSafetyGrade"');
    expect(messages).toContain('op "in" with this value does not fit the choice field "housingSafetyGrade"');
    expect(messages).toContain('"outOfPocketMedical" is not a field of EDUCATION');
    expect(messages).toContain("every department's file carries idNumber");
  });
});

describe("suggestMapping", () => {
  it("maps a medical insurance file's headers by synonyms, ignoring spaces, units and full-width brackets", () => {
    const headers = ["序号", "参保人姓名", "公民身份号码", "医疗总费用(元)", "个人自付金额（元）", "结算日期"];
    expect(suggestMapping(rules, "HEALTH_INSURANCE", headers)).toEqual({
      name: "参保人姓名",
      idNumber: "公民身份号码",
      totalMedical: "医疗总费用(元)",
      outOfPocketMedical: "个人自付金额（元）",
    });
  });

  it("prefers an exact match over a containing header and uses each header once", () => {
    // "身份证" is contained in "身份证号码", but "证件号码" is an exact synonym.
    expect(suggestMapping(rules, "HEALTH_INSURANCE", ["户主身份证号码备注", "证件号码", "姓名"])).toMatchObject({
      idNumber: "证件号码",
      name: "姓名",
    });
    const mapping = suggestMapping(rules, "EMERGENCY_MANAGEMENT", ["身份证号", "直接经济损失 (元)", "损失金额"]);
    expect(mapping.disasterLoss).toBe("直接经济损失 (元)");
    expect(Object.values(mapping)).toHaveLength(new Set(Object.values(mapping)).size);
  });

  it("only suggests fields of the department", () => {
    expect(suggestMapping(rules, "HOUSING", ["身份证号", "个人自付金额", "危房等级"])).toEqual({
      idNumber: "身份证号",
      housingSafetyGrade: "危房等级",
    });
    expect(normaliseHeader(" 个人 自付（元）* ")).toBe("个人自付");
  });
});

describe("checkMapping", () => {
  const headers = ["身份证号", "姓名", "自付金额"];
  it("accepts a mapping onto existing headers with the ID number", () => {
    expect(checkMapping(rules, "HEALTH_INSURANCE", headers, { idNumber: "身份证号", outOfPocketMedical: "自付金额" })).toEqual([]);
  });
  it("names each problem", () => {
    expect(
      checkMapping(rules, "HEALTH_INSURANCE", headers, { outOfPocketMedical: "自付金额", disabilityGrade: "姓名", name: "户名" }),
    ).toEqual([
      { code: "MAPPING_UNKNOWN_FIELD", field: "disabilityGrade" },
      { code: "MAPPING_UNKNOWN_HEADER", field: "name", header: "户名" },
      { code: "MAPPING_REQUIRED_FIELD", field: "idNumber" },
    ]);
    expect(checkMapping(rules, "HEALTH_INSURANCE", headers, { idNumber: "身份证号", name: "身份证号" })).toEqual([
      { code: "MAPPING_HEADER_TWICE", field: "name", header: "身份证号" },
    ]);
  });
});

describe("row validation", () => {
  const id = demoIdNumber("1956-03-07", 31);
  const mapping = { idNumber: "身份证号", name: "姓名", outOfPocketMedical: "自付" };
  const row = (cells: Record<string, string>) => validateRow(rules, "HEALTH_INSURANCE", mapping, (header) => cells[header] ?? "");

  it("reads a good row into typed values", () => {
    expect(row({ 身份证号: ` ${id.toLowerCase()} `, 姓名: "张德福", 自付: "32,000.50元" })).toEqual({
      values: { idNumber: id, name: "张德福", outOfPocketMedical: 32000.5 },
      issues: [],
    });
  });

  it("reports every problem of a row, with its column", () => {
    const bad = `${id.slice(0, 17)}${id[17] === "1" ? "2" : "1"}`;
    expect(row({ 身份证号: bad, 姓名: "张", 自付: "三万" }).issues).toEqual([
      { column: "身份证号", field: "idNumber", code: "ID_INVALID" },
      { column: "自付", field: "outOfPocketMedical", code: "NOT_A_NUMBER" },
    ]);
    expect(row({ 姓名: "张", 自付: "-5" }).issues).toEqual([
      { column: "身份证号", field: "idNumber", code: "REQUIRED" },
      { column: "自付", field: "outOfPocketMedical", code: "OUT_OF_RANGE", params: { min: 0, max: "∞" } },
    ]);
    expect(row({ 身份证号: "9.90101E+17" }).issues).toEqual([{ column: "身份证号", field: "idNumber", code: "ID_AS_NUMBER" }]);
  });

  it("leaves an optional empty cell out without an error", () => {
    expect(row({ 身份证号: id })).toEqual({ values: { idNumber: id }, issues: [] });
  });

  it("reads yes/no, whole numbers and choices", () => {
    const boolean = rules.fields.droppedOut!;
    expect(["是", "Y", "true", "1"].map((v) => parseCell(boolean, v))).toEqual(Array(4).fill({ ok: true, value: true }));
    expect(parseCell(boolean, "否")).toEqual({ ok: true, value: false });
    expect(parseCell(boolean, "可能")).toEqual({ ok: false, code: "NOT_YES_NO" });
    expect(parseCell(rules.fields.disabilityGrade!, "2.5")).toEqual({ ok: false, code: "NOT_AN_INTEGER" });
    expect(parseCell(rules.fields.disabilityGrade!, "5")).toMatchObject({ ok: false, code: "OUT_OF_RANGE" });
    expect(parseCell(rules.fields.housingSafetyGrade!, "c级")).toEqual({ ok: true, value: "C" });
    expect(parseCell(rules.fields.housingSafetyGrade!, "E")).toEqual({
      ok: false,
      code: "NOT_ALLOWED_VALUE",
      params: { allowed: "A/B/C/D" },
    });
  });
});

describe("evaluateRules", () => {
  it("trips the medical rule strictly above 10,000 and the assessment rule only for a household below the line", () => {
    expect(evaluateRules(rules, "HEALTH_INSURANCE", { outOfPocketMedical: 10000 }, above)).toEqual([]);
    expect(evaluateRules(rules, "HEALTH_INSURANCE", { outOfPocketMedical: 10000.01 }, above)).toEqual([
      {
        ruleId: "medical-out-of-pocket",
        kind: "field",
        riskTypes: ["ILLNESS", "EXPENSE_SURGE"],
        field: "outOfPocketMedical",
        actual: 10000.01,
        op: "gt",
        expected: 10000,
      },
    ]);
    expect(evaluateRules(rules, "HEALTH_INSURANCE", { outOfPocketMedical: 200 }, below).map((h) => h.ruleId)).toEqual([
      "income-after-rigid-below-standard",
    ]);
    // No standing (the household has no figures on record): the assessment rule cannot trip.
    expect(evaluateRules(rules, "HEALTH_INSURANCE", { outOfPocketMedical: 200 }, null)).toEqual([]);
  });

  it("evaluates choice, yes/no and at-most rules of the other departments", () => {
    expect(evaluateRules(rules, "HOUSING", { housingSafetyGrade: "D" }, null).map((h) => h.ruleId)).toEqual(["housing-unsafe"]);
    expect(evaluateRules(rules, "HOUSING", { housingSafetyGrade: "B" }, null)).toEqual([]);
    expect(evaluateRules(rules, "EMERGENCY_MANAGEMENT", { disasterLoss: 5000, houseDamaged: true }, null).map((h) => h.ruleId)).toEqual([
      "disaster-loss",
      "disaster-house-damaged",
    ]);
    expect(evaluateRules(rules, "DISABLED_PERSONS_FEDERATION", { disabilityGrade: 2 }, null).map((h) => h.ruleId)).toEqual([
      "disability-severe",
    ]);
    expect(evaluateRules(rules, "DISABLED_PERSONS_FEDERATION", { disabilityGrade: 3 }, null)).toEqual([]);
    expect(evaluateRules(rules, "EDUCATION", { droppedOut: false, educationCost: 12000 }, null).map((h) => h.ruleId)).toEqual([
      "education-cost-high",
    ]);
    expect(evaluateRules(rules, "HUMAN_RESOURCES", { unemployed: true, unemploymentMonths: 2 }, null).map((h) => h.ruleId)).toEqual([
      "job-loss-unemployed",
    ]);
    expect(evaluateRules(rules, "CIVIL_AFFAIRS", { temporaryAssistance: 0, assistanceStopped: true }, null).map((h) => h.ruleId)).toEqual([
      "civil-assistance-stopped",
    ]);
  });

  it("keys a lead by department, period, household and rule; the prefix finds any rule's lead", () => {
    const key = screeningLeadKey("HEALTH_INSURANCE", "2026Q3", "hh-1", "medical-out-of-pocket");
    expect(key).toBe("screening:HEALTH_INSURANCE:2026Q3:hh-1:medical-out-of-pocket");
    expect(key.startsWith(screeningLeadKeyPrefix("HEALTH_INSURANCE", "2026Q3", "hh-1"))).toBe(true);
    expect(key.startsWith(screeningLeadKeyPrefix("HEALTH_INSURANCE", "2026Q4", "hh-1"))).toBe(false);
  });
});
