import crypto from "node:crypto";
import { isValidIdNumber, type RiskType } from "../../core/vocabulary.ts";
import type {
  HealthStatus as Health,
  HouseholdCategory,
  LabourCapacity as Labour,
  MonitoringStatus,
  Relation,
  Schooling,
} from "./household-selections.ts";

/**
 * The national monitoring system's household export (全国防返贫监测信息系统, "监测对象信息" / "脱贫人口信息"),
 * as offices download it: one row per person, the household's fields repeated on each of its rows. This
 * module reads such a sheet (headers matched by the words the system uses, each mapping confirmed by the
 * office as in screening), checks each row, groups the rows into households, and writes the same layout
 * back. Pure: the service stores what it gives.
 */

export const nationalFields = [
  "householdNumber",
  "villageCode",
  "township",
  "village",
  "memberName",
  "idNumber",
  "relation",
  "gender",
  "labourCapacity",
  "health",
  "schooling",
  "category",
  "monitoringStatus",
  "monitoredSince",
  "riskTypes",
  "helpMeasures",
  "helperName",
  "wageIncome",
  "businessIncome",
  "propertyIncome",
  "transferIncome",
  "productionCost",
  "incomeYear",
  "address",
] as const;
export type NationalField = (typeof nationalFields)[number];

/** The fields a sheet must map; the rest are optional. */
export const requiredNationalFields: readonly NationalField[] = ["householdNumber", "memberName", "idNumber", "relation"];

/** How the system (and offices re-typing its sheets) name each column; the export writes the first. */
const headerWords: Record<NationalField, string[]> = {
  householdNumber: ["户编号", "户码", "家庭编号", "户编码"],
  villageCode: ["行政区划代码", "村代码", "区划代码", "所在村代码"],
  township: ["乡(镇)", "乡镇", "乡（镇）", "乡镇(街道)"],
  village: ["行政村", "村", "村(社区)", "所在村"],
  memberName: ["姓名", "成员姓名", "人员姓名"],
  idNumber: ["证件号码", "身份证号", "身份证号码", "证件号"],
  relation: ["与户主关系", "与户主的关系"],
  gender: ["性别"],
  labourCapacity: ["劳动技能", "劳动能力"],
  health: ["健康状况"],
  schooling: ["在校生状况", "在校生情况", "在校情况"],
  category: ["监测对象类别", "户类型", "农户属性", "人员类型"],
  monitoringStatus: ["风险消除情况", "监测状态", "是否风险消除"],
  monitoredSince: ["纳入监测时间", "识别监测时间", "监测时间"],
  riskTypes: ["返贫致贫风险", "致贫风险", "风险类型", "主要风险"],
  helpMeasures: ["帮扶措施", "已落实帮扶措施", "落实帮扶措施"],
  helperName: ["帮扶联系人", "帮扶责任人"],
  wageIncome: ["工资性收入", "工资性收入(元)"],
  businessIncome: ["生产经营性收入", "生产经营性收入(元)"],
  propertyIncome: ["财产性收入", "财产性收入(元)"],
  transferIncome: ["转移性收入", "转移性收入(元)"],
  productionCost: ["生产经营性支出", "生产经营性支出(元)"],
  incomeYear: ["收入年度", "年度"],
  address: ["详细地址", "家庭住址", "住址"],
};

const normalise = (text: string) =>
  text.replace(/[\s（）()]/g, (c) => (c === "（" ? "(" : c === "）" ? ")" : c.trim() ? c : "")).toLowerCase();

/** The column each field is suggested to come from, by the header's words; -1 where none fits. */
export function suggestNationalMapping(headers: readonly string[]): Record<NationalField, number> {
  const normalised = headers.map(normalise);
  const mapping = {} as Record<NationalField, number>;
  const taken = new Set<number>();
  for (const field of nationalFields) {
    const words = headerWords[field].map(normalise);
    const at = normalised.findIndex((header, i) => !taken.has(i) && words.includes(header));
    mapping[field] = at;
    if (at >= 0) taken.add(at);
  }
  return mapping;
}

/** The header the export writes for each field. */
export function nationalHeader(field: NationalField): string {
  return headerWords[field][0]!;
}

/** Words of the system's code lists, as they are written in its cells, and what they mean here. Written back with the first. */
const relations: [Relation, string[]][] = [
  ["HEAD", ["户主", "本人"]],
  ["SPOUSE", ["配偶", "妻", "夫", "妻子", "丈夫"]],
  ["CHILD", ["之子", "之女", "子", "女", "儿子", "女儿", "之儿媳", "儿媳", "之女婿", "女婿", "养子或继子", "养女或继女"]],
  ["PARENT", ["之父", "之母", "父亲", "母亲", "之岳父", "之岳母", "之公公", "之婆婆"]],
  ["GRANDCHILD", ["之孙子", "之孙女", "孙子", "孙女", "之外孙子", "之外孙女", "外孙子", "外孙女", "之孙媳妇", "之曾孙子", "之曾孙女"]],
  ["GRANDPARENT", ["之祖父", "之祖母", "祖父", "祖母", "之外祖父", "之外祖母", "外祖父", "外祖母"]],
  ["SIBLING", ["之兄弟姐妹", "兄弟姐妹", "之兄", "之弟", "之姐", "之妹", "兄", "弟", "姐", "妹"]],
  ["OTHER", ["其他"]],
];
const labours: [Labour, string[]][] = [
  ["FULL", ["普通劳动力", "技能劳动力", "劳动力"]],
  ["PARTIAL", ["弱劳动力或半劳动力", "弱劳动力", "半劳动力"]],
  ["NONE", ["丧失劳动力"]],
  ["NOT_WORKING_AGE", ["无劳动力"]],
];
const healths: [Health, string[]][] = [
  ["HEALTHY", ["健康"]],
  ["CHRONIC_ILLNESS", ["长期慢性病", "慢性病"]],
  ["SERIOUS_ILLNESS", ["患有大病", "大病"]],
  ["DISABLED", ["残疾"]],
];
const schoolings: [Schooling, string[]][] = [
  ["NOT_IN_SCHOOL", ["非在校生", "不在校", ""]],
  ["PRESCHOOL", ["学前教育", "学前班", "幼儿园"]],
  ["PRIMARY", ["小学", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]],
  ["JUNIOR_SECONDARY", ["初中", "七年级", "八年级", "九年级"]],
  ["SENIOR_SECONDARY", ["普通高中", "高中", "高一", "高二", "高三"]],
  ["VOCATIONAL", ["中职", "中专", "技工学校", "职业高中"]],
  ["HIGHER", ["高职", "大专", "本科", "大学", "研究生", "本科及以上"]],
];
const categories: [HouseholdCategory, string[]][] = [
  ["FORMERLY_POOR_UNSTABLE", ["脱贫不稳定户"]],
  ["FORMERLY_POOR", ["脱贫户", "已脱贫户"]],
  ["MARGINAL", ["边缘易致贫户"]],
  ["SUDDEN_HARDSHIP", ["突发严重困难户"]],
  ["NONE", ["一般农户", "一般户", ""]],
];
const statuses: [MonitoringStatus, string[]][] = [
  ["AT_RISK", ["风险未消除", "未消除", "否"]],
  ["RISK_ELIMINATED", ["风险已消除", "已消除", "是"]],
  ["NONE", ["", "未纳入监测"]],
];
const risks: [RiskType, string[]][] = [
  ["ILLNESS", ["因病"]],
  ["DISABILITY", ["因残"]],
  ["SCHOOLING", ["因学"]],
  ["DISASTER", ["因自然灾害", "因灾"]],
  ["ACCIDENT", ["因意外事故"]],
  ["BUSINESS_FAILURE", ["因产业项目失败", "因经营失败"]],
  ["UNSTABLE_WORK", ["因务工就业不稳", "因就业不稳"]],
  ["HOUSING", ["因住房出现安全问题", "住房安全"]],
  ["DRINKING_WATER", ["因饮水安全问题", "饮水安全"]],
  ["INCOME_DROP", ["因人均纯收入下降", "收入骤减"]],
  ["EXPENSE_SURGE", ["因家庭刚性支出较大", "支出骤增"]],
  ["OTHER", ["其他"]],
];

function lookup<T extends string>(table: [T, string[]][], text: string): T | undefined {
  const value = text.replace(/\s+/g, "");
  return table.find(([, words]) => words.includes(value))?.[0];
}

/** The first word of a code list for a value: what the export writes. */
function word<T extends string>(table: [T, string[]][], value: T): string {
  return table.find(([code]) => code === value)?.[1][0] ?? "";
}

/** A date as the system or an office writes it: 2024-03-15, 2024/3/15, 2024年3月15日, 20240315. */
export function parseDate(text: string): string | null {
  const m = /^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Whole yuan, as written ("12,345.60", "12345", "") — negative amounts are refused. */
function parseYuan(text: string): number | null | "bad" {
  const value = text.replace(/[,，\s元]/g, "");
  if (!value) return null;
  if (!/^\d+(\.\d+)?$/.test(value)) return "bad";
  return Math.round(Number(value));
}

export interface NationalMember {
  name: string;
  idNumber: string;
  relation: Relation;
  gender: "M" | "F";
  birthDate: string;
  labourCapacity: Labour;
  health: Health;
  schooling: Schooling;
}

export interface NationalHousehold {
  number: string;
  /** The first row's, for the report. */
  firstRow: number;
  /** Every row of the household in the file, with the name it gives (for the report). */
  rows: { rowNumber: number; name: string }[];
  villageCode: string | null;
  township: string;
  village: string;
  address: string;
  category: HouseholdCategory;
  monitoringStatus: MonitoringStatus;
  monitoredSince: string | null;
  riskTypes: RiskType[];
  helpMeasures: string[];
  helperName: string | null;
  incomeYear: number | null;
  incomes: {
    WAGE: number | null;
    BUSINESS: number | null;
    PROPERTY: number | null;
    TRANSFER: number | null;
    productionCost: number | null;
  };
  members: NationalMember[];
}

/** A problem with one cell: its field and an error code (worded by the service). */
export interface CellProblem {
  field: NationalField;
  code: string;
  params?: Record<string, string>;
}

export type NationalRow =
  | { rowNumber: number; household: Omit<NationalHousehold, "members" | "firstRow" | "rows">; member: NationalMember }
  /** What is wrong with the row, and its household number and name as written (for the report, and to hold its household back). */
  | { rowNumber: number; householdNumber: string; name: string; problems: CellProblem[] };

/** The age in whole years on `on` of someone born `birthDate` (ISO). */
function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age--;
  return age;
}

/** One row read against the confirmed mapping: its household's fields and its person, or what is wrong with it. */
export function readNationalRow(
  rowNumber: number,
  cells: readonly string[],
  mapping: Partial<Record<NationalField, number>>,
  today: Date,
): NationalRow {
  const cell = (field: NationalField) => {
    const at = mapping[field];
    return at !== undefined && at >= 0 ? (cells[at] ?? "").trim() : "";
  };
  const problems: CellProblem[] = [];
  const need = (field: NationalField) => {
    if (!cell(field)) problems.push({ field, code: "NATIONAL_CELL_EMPTY" });
    return cell(field);
  };
  const coded = <T extends string>(field: NationalField, table: [T, string[]][], fallback: T): T => {
    const text = cell(field);
    if (!text) return fallback;
    const value = lookup(table, text);
    if (!value) problems.push({ field, code: "NATIONAL_VALUE_UNKNOWN", params: { value: text } });
    return value ?? fallback;
  };
  const number = need("householdNumber");
  const name = need("memberName");
  const idNumber = need("idNumber").toUpperCase();
  const birthDate = idNumber.length === 18 ? (parseDate(idNumber.slice(6, 14)) ?? "") : "";
  if (idNumber && (!isValidIdNumber(idNumber) || !birthDate || birthDate > today.toISOString().slice(0, 10)))
    problems.push({ field: "idNumber", code: "NATIONAL_ID_INVALID" });
  const relationText = need("relation");
  const relation = relationText
    ? (lookup(relations, relationText) ??
      (problems.push({ field: "relation", code: "NATIONAL_VALUE_UNKNOWN", params: { value: relationText } }), "OTHER" as const))
    : "OTHER";
  const age = birthDate ? ageOn(birthDate, today) : 30;
  let labour = coded("labourCapacity", labours, age < 16 || age >= 60 ? "NOT_WORKING_AGE" : "FULL");
  const schooling = coded("schooling", schoolings, "NOT_IN_SCHOOL");
  // "无劳动力" is the system's word for a child, a pupil or an old person; for someone of working age out of school it means unable to work.
  if (labour === "NOT_WORKING_AGE" && age >= 16 && age < 60 && (schooling === "NOT_IN_SCHOOL" || schooling === "NONE")) labour = "NONE";
  const monitoredText = cell("monitoredSince");
  const monitoredSince = monitoredText ? parseDate(monitoredText) : null;
  if (monitoredText && !monitoredSince)
    problems.push({ field: "monitoredSince", code: "NATIONAL_DATE_INVALID", params: { value: monitoredText } });
  const riskTypes: RiskType[] = [];
  for (const part of cell("riskTypes")
    .split(/[;；、,，\s]+/)
    .filter(Boolean)) {
    const risk = lookup(risks, part);
    if (risk) riskTypes.push(risk);
    else problems.push({ field: "riskTypes", code: "NATIONAL_VALUE_UNKNOWN", params: { value: part } });
  }
  const amount = (field: NationalField) => {
    const value = parseYuan(cell(field));
    if (value === "bad") {
      problems.push({ field, code: "NATIONAL_AMOUNT_INVALID", params: { value: cell(field) } });
      return null;
    }
    return value;
  };
  const yearText = cell("incomeYear");
  const incomeYear = yearText ? Number(yearText) : null;
  if (yearText && !(Number.isInteger(incomeYear) && incomeYear! >= 2000 && incomeYear! <= today.getUTCFullYear()))
    problems.push({ field: "incomeYear", code: "NATIONAL_VALUE_UNKNOWN", params: { value: yearText } });
  const villageCode = cell("villageCode").replace(/\s+/g, "") || null;
  if (villageCode && !/^\d{12}$/.test(villageCode))
    problems.push({ field: "villageCode", code: "NATIONAL_VALUE_UNKNOWN", params: { value: villageCode } });
  if (!villageCode && !cell("village")) problems.push({ field: "village", code: "NATIONAL_CELL_EMPTY" });
  const household = {
    number,
    villageCode,
    township: cell("township"),
    village: cell("village"),
    // Without an address of its own a household is where its village is: the record keeps that, and the export writes it back.
    address: cell("address") || [cell("township"), cell("village")].join(""),
    category: coded("category", categories, "NONE"),
    monitoringStatus: coded("monitoringStatus", statuses, "NONE"),
    monitoredSince,
    riskTypes: [...new Set(riskTypes)],
    helpMeasures: cell("helpMeasures")
      .split(/[;；、\n]+/)
      .map((s) => s.trim())
      .filter(Boolean),
    helperName: cell("helperName") || null,
    incomeYear: incomeYear && Number.isInteger(incomeYear) ? incomeYear : null,
    incomes: {
      WAGE: amount("wageIncome"),
      BUSINESS: amount("businessIncome"),
      PROPERTY: amount("propertyIncome"),
      TRANSFER: amount("transferIncome"),
      productionCost: amount("productionCost"),
    },
  };
  const member: NationalMember = {
    name,
    idNumber,
    relation,
    // As the sheet says; without it, as the ID number's 17th digit does (odd for men).
    gender: cell("gender") === "女" ? "F" : cell("gender") === "男" ? "M" : Number(idNumber[16]) % 2 === 1 ? "M" : "F",
    birthDate,
    labourCapacity: labour,
    health: coded("health", healths, "HEALTHY"),
    schooling,
  };
  if (problems.length > 0) return { rowNumber, householdNumber: number, name, problems };
  return { rowNumber, household, member };
}

/** Rows grouped into households, in the order they first appear; a person listed twice in one household counts once. */
export function groupHouseholds(rows: readonly Extract<NationalRow, { household: unknown }>[]): NationalHousehold[] {
  const households = new Map<string, NationalHousehold>();
  for (const row of rows) {
    let household = households.get(row.household.number);
    if (!household) {
      household = { ...row.household, firstRow: row.rowNumber, rows: [], members: [] };
      households.set(row.household.number, household);
    }
    household.rows.push({ rowNumber: row.rowNumber, name: row.member.name });
    if (!household.members.some((m) => m.idNumber === row.member.idNumber)) household.members.push(row.member);
  }
  return [...households.values()];
}

/**
 * A household's content as a hash, its members in a fixed order and its place as the region it was placed in
 * (however the sheet named it): a household whose record already says what the sheet says changes nothing.
 */
export function householdHash(household: NationalHousehold, regionId: string): string {
  const { firstRow: _firstRow, rows: _rows, villageCode: _code, township: _township, village: _village, members, ...content } = household;
  const sorted = [...members].sort((a, b) => a.idNumber.localeCompare(b.idNumber));
  return crypto
    .createHash("sha256")
    .update(canonicalJson({ ...content, members: sorted, regionId }))
    .digest("hex");
}

/** JSON with every object's keys in order: the same content gives the same text however it was built. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** One person's row of the export, in the national layout (the household's fields repeated on every row). */
export function nationalRowOf(household: NationalHousehold, member: NationalMember): Record<NationalField, string> {
  const yuan = (n: number | null) => (n === null ? "" : String(n));
  return {
    householdNumber: household.number,
    villageCode: household.villageCode ?? "",
    township: household.township,
    village: household.village,
    memberName: member.name,
    idNumber: member.idNumber,
    relation: word(relations, member.relation),
    gender: member.gender === "F" ? "女" : "男",
    labourCapacity: word(labours, member.labourCapacity),
    health: word(healths, member.health),
    schooling: word(schoolings, member.schooling),
    category: word(categories, household.category),
    monitoringStatus: word(statuses, household.monitoringStatus),
    monitoredSince: household.monitoredSince ?? "",
    riskTypes: household.riskTypes.map((r) => word(risks, r)).join(";"),
    helpMeasures: household.helpMeasures.join(";"),
    helperName: household.helperName ?? "",
    wageIncome: yuan(household.incomes.WAGE),
    businessIncome: yuan(household.incomes.BUSINESS),
    propertyIncome: yuan(household.incomes.PROPERTY),
    transferIncome: yuan(household.incomes.TRANSFER),
    productionCost: yuan(household.incomes.productionCost),
    incomeYear: household.incomeYear === null ? "" : String(household.incomeYear),
    address: household.address,
  };
}
