import crypto from "node:crypto";
import type { ServiceDeps } from "../service-deps.ts";

/**
 * The demo county's household records beyond the first two (demo-county.ts):
 * made-up families whose figures put them on the household ledgers (seed 002
 * 附件 1–5), and ordinary families that stay off every list, so the ledgers and
 * charts show something real-looking and tests can name exactly who is listed.
 * Deterministic: the same rows in every database, inserted in bulk.
 *
 * What the figures mean against the 2026 standard (8,500 yuan a person):
 *   below the line            石门村 0021 0022 0023, 桃园村(柳溪) 0021 0022, 白沙村 0022, 桃园村(云岭) 0021, 河口社区 0021
 *   hardest (with 张德福's)    石门村 0021 0025, 桃园村(柳溪) 0021, 白沙村 0023 (housing found at risk by its case's home visit), 桃园村(云岭) 0021
 *   2+ in non-compulsory school 石门村 0022, 白沙村 0021, 红旗村 0022
 *   labour, no wages          石门村 0023, 白沙村 0022, 桃园村(云岭) 0022, 河口社区 0021
 *   unstable migrant work     石门村 0022 0025, 桃园村(柳溪) 0022, 河口社区 0021 (wages fell sharply), 红旗村 0021 (its open case)
 */

type Relation = "HEAD" | "SPOUSE" | "CHILD" | "PARENT" | "GRANDCHILD" | "GRANDPARENT" | "SIBLING" | "OTHER";
type Labour = "FULL" | "PARTIAL" | "NONE" | "NOT_WORKING_AGE";
type Health = "HEALTHY" | "CHRONIC_ILLNESS" | "SERIOUS_ILLNESS" | "DISABLED";
type Schooling = "NONE" | "PRESCHOOL" | "PRIMARY" | "JUNIOR_SECONDARY" | "SENIOR_SECONDARY" | "VOCATIONAL" | "HIGHER" | "NOT_IN_SCHOOL";
type Category = "NONE" | "FORMERLY_POOR" | "MARGINAL" | "SUDDEN_HARDSHIP";
type Source = "WAGE" | "BUSINESS" | "PROPERTY" | "TRANSFER";

/** [name, relation, gender, birth date, labour capacity, health, schooling] */
type DemoMember = [string, Relation, "M" | "F", string, Labour, Health, Schooling];
/** [source, amount, production cost] */
type DemoIncome = [Source, number, number?];

export interface DemoHousehold {
  /** The group (or village) the household is registered in. */
  regionCode: string;
  number: string;
  address: string;
  category: Category;
  members: DemoMember[];
  incomes: Partial<Record<2025 | 2026, DemoIncome[]>>;
  expenses?: Partial<Record<2025 | 2026, ["MEDICAL" | "EDUCATION" | "OTHER", number][]>>;
}

const SM = "990101001001"; // 柳溪镇石门村
const TY1 = "990101001002"; // 柳溪镇桃园村
const BS = "990101002001"; // 云岭乡白沙村
const TY2 = "990101002002"; // 云岭乡桃园村
const HQ = "990101003001"; // 河口镇红旗村
const HK = "990101003002"; // 河口镇河口社区

const villageNames: Record<string, string> = {
  [SM]: "柳溪镇石门村",
  [TY1]: "柳溪镇桃园村",
  [BS]: "云岭乡白沙村",
  [TY2]: "云岭乡桃园村",
  [HQ]: "河口镇红旗村",
  [HK]: "河口镇河口社区",
};

function story(
  village: string,
  group: 1 | 2,
  seq: number,
  category: Category,
  members: DemoMember[],
  incomes: DemoHousehold["incomes"],
  expenses?: DemoHousehold["expenses"],
): DemoHousehold {
  const number = `${village}-${String(seq).padStart(4, "0")}`;
  return {
    regionCode: `${village}00${group}`,
    number,
    address: `青山县${villageNames[village]}${group === 1 ? "一" : "二"}组 ${seq} 号`,
    category,
    members,
    incomes,
    ...(expenses ? { expenses } : {}),
  };
}

/** Families made to land on the ledgers (see the table above). */
const storyHouseholds: DemoHousehold[] = [
  // An old woman, seriously ill, raising her grandson in senior secondary school on transfers.
  story(
    SM,
    1,
    21,
    "FORMERLY_POOR",
    [
      ["陈玉兰", "HEAD", "F", "1948-03-12", "NONE", "SERIOUS_ILLNESS", "NOT_IN_SCHOOL"],
      ["陈浩", "GRANDCHILD", "M", "2010-09-01", "NOT_WORKING_AGE", "HEALTHY", "SENIOR_SECONDARY"],
    ],
    { 2025: [["TRANSFER", 6800]], 2026: [["TRANSFER", 7000]] },
    { 2026: [["MEDICAL", 5000]] },
  ),
  // Three children past compulsory school; the father's migrant wages fell by 42 %.
  story(
    SM,
    1,
    22,
    "MARGINAL",
    [
      ["赵志刚", "HEAD", "M", "1976-04-18", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["钱红梅", "SPOUSE", "F", "1978-09-09", "PARTIAL", "CHRONIC_ILLNESS", "NOT_IN_SCHOOL"],
      ["赵磊", "CHILD", "M", "2004-05-20", "FULL", "HEALTHY", "HIGHER"],
      ["赵敏", "CHILD", "F", "2007-11-02", "NOT_WORKING_AGE", "HEALTHY", "VOCATIONAL"],
      ["赵欣", "CHILD", "F", "2010-03-15", "NOT_WORKING_AGE", "HEALTHY", "SENIOR_SECONDARY"],
    ],
    {
      2025: [
        ["WAGE", 52000],
        ["BUSINESS", 8000, 2000],
      ],
      2026: [
        ["WAGE", 30000],
        ["BUSINESS", 8000, 2000],
      ],
    },
    { 2026: [["EDUCATION", 16000]] },
  ),
  // Two able adults who farm and found no wage work.
  story(
    SM,
    2,
    23,
    "NONE",
    [
      ["孙大勇", "HEAD", "M", "1985-07-07", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["李春燕", "SPOUSE", "F", "1987-02-14", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["孙小雨", "CHILD", "F", "2016-08-08", "NOT_WORKING_AGE", "HEALTHY", "PRIMARY"],
      ["孙德贵", "PARENT", "M", "1955-12-01", "NONE", "CHRONIC_ILLNESS", "NOT_IN_SCHOOL"],
    ],
    {
      2025: [
        ["BUSINESS", 30000, 6000],
        ["TRANSFER", 2800],
      ],
      2026: [
        ["BUSINESS", 24000, 6000],
        ["TRANSFER", 3000],
      ],
    },
  ),
  story(
    SM,
    2,
    24,
    "NONE",
    [
      ["周建华", "HEAD", "M", "1970-01-20", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["吴丽", "SPOUSE", "F", "1972-06-30", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    {
      2025: [["WAGE", 58000]],
      2026: [
        ["WAGE", 60000],
        ["BUSINESS", 5000, 1000],
      ],
    },
  ),
  // Above the line on paper; a disabled mother's care and a son's halved wages put them below it after rigid expenses.
  story(
    SM,
    1,
    25,
    "SUDDEN_HARDSHIP",
    [
      ["郭秀珍", "HEAD", "F", "1969-10-10", "PARTIAL", "DISABLED", "NOT_IN_SCHOOL"],
      ["郭强", "CHILD", "M", "1995-04-04", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    {
      2025: [
        ["WAGE", 42000],
        ["TRANSFER", 3000],
      ],
      2026: [
        ["WAGE", 18000],
        ["TRANSFER", 3600],
      ],
    },
    { 2026: [["MEDICAL", 9000]] },
  ),

  story(
    TY1,
    1,
    21,
    "FORMERLY_POOR",
    [
      ["刘桂芳", "HEAD", "F", "1960-02-02", "PARTIAL", "DISABLED", "NOT_IN_SCHOOL"],
      ["刘福", "SPOUSE", "M", "1958-08-08", "NONE", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    {
      2025: [
        ["TRANSFER", 6800],
        ["BUSINESS", 5000, 1500],
      ],
      2026: [
        ["TRANSFER", 7000],
        ["BUSINESS", 5000, 1500],
      ],
    },
  ),
  story(
    TY1,
    2,
    22,
    "MARGINAL",
    [
      ["吴强", "HEAD", "M", "1982-12-12", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["邓芳", "SPOUSE", "F", "1984-03-03", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["吴佳", "CHILD", "F", "2009-05-05", "NOT_WORKING_AGE", "HEALTHY", "SENIOR_SECONDARY"],
      ["吴宇", "CHILD", "M", "2012-10-10", "NOT_WORKING_AGE", "HEALTHY", "JUNIOR_SECONDARY"],
    ],
    {
      2025: [
        ["WAGE", 48000],
        ["BUSINESS", 6000, 1000],
      ],
      2026: [
        ["WAGE", 20000],
        ["BUSINESS", 6000, 1000],
      ],
    },
  ),
  story(
    TY1,
    1,
    23,
    "NONE",
    [
      ["何家旺", "HEAD", "M", "1979-05-15", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["方静", "SPOUSE", "F", "1981-09-25", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    { 2025: [["WAGE", 61000]], 2026: [["WAGE", 64000]] },
  ),

  // Above the line, but three children in fee-paying school.
  story(
    BS,
    1,
    21,
    "MARGINAL",
    [
      ["郑秀梅", "HEAD", "F", "1980-06-06", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["冯军", "SPOUSE", "M", "1978-01-01", "PARTIAL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["冯晓", "CHILD", "M", "2008-02-02", "NOT_WORKING_AGE", "HEALTHY", "VOCATIONAL"],
      ["冯悦", "CHILD", "F", "2010-04-04", "NOT_WORKING_AGE", "HEALTHY", "SENIOR_SECONDARY"],
      ["冯乐", "CHILD", "F", "2021-07-07", "NOT_WORKING_AGE", "HEALTHY", "PRESCHOOL"],
    ],
    {
      2025: [
        ["WAGE", 40000],
        ["BUSINESS", 6000, 1000],
      ],
      2026: [
        ["WAGE", 45000],
        ["BUSINESS", 6000, 1000],
      ],
    },
    { 2026: [["EDUCATION", 12000]] },
  ),
  story(
    BS,
    2,
    22,
    "NONE",
    [
      ["黄德明", "HEAD", "M", "1975-09-19", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["林小红", "SPOUSE", "F", "1976-11-11", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["黄桂英", "PARENT", "F", "1950-01-01", "NONE", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    { 2025: [["BUSINESS", 32000, 5000]], 2026: [["BUSINESS", 30000, 5000]] },
  ),
  // Just above the line; its case's home visit found the house unsafe.
  story(
    BS,
    1,
    23,
    "FORMERLY_POOR",
    [
      ["马永福", "HEAD", "M", "1962-03-03", "PARTIAL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["马林", "CHILD", "M", "1990-10-10", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
    ],
    {
      2025: [
        ["WAGE", 20000],
        ["BUSINESS", 3000, 500],
      ],
      2026: [
        ["WAGE", 16000],
        ["TRANSFER", 1200],
      ],
    },
    { 2026: [["MEDICAL", 2000]] },
  ),

  story(
    TY2,
    1,
    21,
    "FORMERLY_POOR",
    [
      ["高福田", "HEAD", "M", "1940-05-05", "NONE", "HEALTHY", "NOT_IN_SCHOOL"],
      ["宋秀兰", "SPOUSE", "F", "1942-08-08", "NONE", "SERIOUS_ILLNESS", "NOT_IN_SCHOOL"],
    ],
    { 2025: [["TRANSFER", 8600]], 2026: [["TRANSFER", 9000]] },
    { 2026: [["MEDICAL", 12000]] },
  ),
  story(TY2, 2, 22, "NONE", [["潘勇", "HEAD", "M", "1990-01-01", "FULL", "HEALTHY", "NOT_IN_SCHOOL"]], {
    2025: [["BUSINESS", 14000, 3000]],
    2026: [["BUSINESS", 15000, 3000]],
  }),

  // Above the line and steady on paper; its open case says the work is not.
  story(
    HQ,
    1,
    21,
    "MARGINAL",
    [
      ["罗建军", "HEAD", "M", "1983-08-08", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["唐敏", "SPOUSE", "F", "1985-05-05", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["罗晨", "CHILD", "M", "2014-09-09", "NOT_WORKING_AGE", "HEALTHY", "PRIMARY"],
    ],
    { 2025: [["WAGE", 34000]], 2026: [["WAGE", 32000]] },
  ),
  story(
    HQ,
    2,
    22,
    "NONE",
    [
      ["谢文", "HEAD", "M", "1972-02-02", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["曾丽", "SPOUSE", "F", "1974-04-04", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["谢雨", "CHILD", "F", "2003-06-06", "FULL", "HEALTHY", "HIGHER"],
      ["谢峰", "CHILD", "M", "2005-08-08", "FULL", "HEALTHY", "HIGHER"],
    ],
    { 2025: [["WAGE", 70000]], 2026: [["WAGE", 72000]] },
    { 2026: [["EDUCATION", 20000]] },
  ),

  // The factory closed: no wages this year at all.
  story(
    HK,
    1,
    21,
    "SUDDEN_HARDSHIP",
    [
      ["韩小平", "HEAD", "M", "1979-03-03", "FULL", "HEALTHY", "NOT_IN_SCHOOL"],
      ["董梅", "SPOUSE", "F", "1981-07-07", "PARTIAL", "CHRONIC_ILLNESS", "NOT_IN_SCHOOL"],
      ["韩冬", "CHILD", "M", "2013-12-12", "NOT_WORKING_AGE", "HEALTHY", "JUNIOR_SECONDARY"],
    ],
    {
      2025: [["WAGE", 36000]],
      2026: [
        ["TRANSFER", 4800],
        ["PROPERTY", 2000],
      ],
    },
  ),
];

const surnames = [
  "李",
  "杨",
  "何",
  "林",
  "罗",
  "梁",
  "宋",
  "唐",
  "许",
  "韩",
  "冯",
  "邓",
  "曹",
  "彭",
  "曾",
  "肖",
  "田",
  "董",
  "袁",
  "潘",
  "于",
  "蒋",
  "蔡",
  "余",
];
const menNames = ["建平", "国强", "海涛", "志勇", "文斌", "永红", "春生", "立新", "明亮", "振华", "学军", "长林"];
const womenNames = ["丽娟", "秀芳", "春梅", "桂香", "晓燕", "玉珍", "红霞", "美玲", "淑英", "海燕", "金凤", "彩云"];
const childNames = ["子涵", "浩然", "雨萱", "一鸣", "思雨", "俊杰", "欣怡", "子轩"];
const villages = [SM, TY1, BS, TY2, HQ, HK];

/**
 * Ordinary families: wages in both years and rising, at least 10,000 yuan a
 * person, at most one child past compulsory school, so none is on any list.
 */
function ordinaryHousehold(i: number): DemoHousehold {
  const village = villages[i % villages.length]!;
  const group = i % 4 < 2 ? 1 : 2;
  const surname = surnames[i % surnames.length]!;
  const headMale = i % 3 !== 1;
  const headBirth = 1965 + ((i * 3) % 20);
  const members: DemoMember[] = [
    [
      surname + (headMale ? menNames : womenNames)[(i * 7) % 12]!,
      "HEAD",
      headMale ? "M" : "F",
      `${headBirth}-0${1 + (i % 9)}-1${i % 10}`,
      "FULL",
      "HEALTHY",
      "NOT_IN_SCHOOL",
    ],
  ];
  if (i % 5 !== 0) {
    const spouseSurname = surnames[(i * 5 + 3) % surnames.length]!;
    members.push([
      spouseSurname + (headMale ? womenNames : menNames)[(i * 5) % 12]!,
      "SPOUSE",
      headMale ? "F" : "M",
      `${headBirth + 2}-1${i % 3}-0${1 + (i % 8)}`,
      "FULL",
      "HEALTHY",
      "NOT_IN_SCHOOL",
    ]);
  }
  const children = i % 3;
  if (children >= 1) {
    const birthYear = 2008 + (i % 8);
    // 16 and over on the demo's day: senior secondary; else in compulsory school.
    const schooling: Schooling = birthYear <= 2010 ? "SENIOR_SECONDARY" : birthYear <= 2013 ? "JUNIOR_SECONDARY" : "PRIMARY";
    members.push([
      surname + childNames[i % 8]!,
      "CHILD",
      i % 2 ? "F" : "M",
      `${birthYear}-0${1 + (i % 9)}-2${i % 8}`,
      "NOT_WORKING_AGE",
      "HEALTHY",
      schooling,
    ]);
  }
  if (children >= 2)
    members.push([
      surname + childNames[(i + 3) % 8]!,
      "CHILD",
      i % 2 ? "M" : "F",
      `${2015 + (i % 5)}-1${i % 3}-1${i % 9}`,
      "NOT_WORKING_AGE",
      "HEALTHY",
      "PRIMARY",
    ]);
  if (i % 4 === 3)
    members.push([
      surname + (i % 2 ? menNames : womenNames)[(i * 11) % 12]!,
      "PARENT",
      i % 2 ? "M" : "F",
      `${1945 + (i % 8)}-0${1 + (i % 9)}-0${1 + (i % 9)}`,
      "NONE",
      i % 8 === 3 ? "CHRONIC_ILLNESS" : "HEALTHY",
      "NOT_IN_SCHOOL",
    ]);
  const wage = 48000 + ((i * 2300) % 30000);
  const incomes: DemoHousehold["incomes"] = {
    2025: [["WAGE", wage], ...(i % 2 ? ([["BUSINESS", 4000 + ((i * 900) % 6000), 1200]] as DemoIncome[]) : [])],
    2026: [
      ["WAGE", Math.round(wage * 1.06)],
      ["BUSINESS", 5000 + ((i * 1700) % 9000), 1500],
      ...(i % 4 === 3 ? ([["TRANSFER", 2400]] as DemoIncome[]) : []),
    ],
  };
  const seq = 30 + i;
  return {
    regionCode: `${village}00${group}`,
    number: `${village}-${String(seq).padStart(4, "0")}`,
    address: `青山县${villageNames[village]}${group === 1 ? "一" : "二"}组 ${seq} 号`,
    category: i % 7 === 0 ? "FORMERLY_POOR" : "NONE",
    members,
    incomes,
    ...(children >= 1 && i % 2 === 0 ? { expenses: { 2026: [["EDUCATION", 2000]] } } : {}),
  };
}

export const demoHouseholds: DemoHousehold[] = [...storyHouseholds, ...Array.from({ length: 24 }, (_, i) => ordinaryHousehold(i))];

/**
 * Inserts the demo households in bulk: one statement a table, its rows sent
 * as one JSON parameter. (Prisma's createMany takes some 350 ms the first
 * time a process uses it on these tables, and every test file is a process
 * that loads the demo; these four statements take about 30 ms.) Answers each
 * household's head's ID number by household number, for the cases about them.
 */
export async function seedDemoHouseholds(
  deps: Pick<ServiceDeps, "prisma" | "cipher">,
  regionIds: ReadonlyMap<string, { id: string }>,
  idNumberOf: (birth: string, serial: number) => string,
): Promise<Map<string, string>> {
  const { prisma, cipher } = deps;
  const households: object[] = [];
  const members: object[] = [];
  const incomes: object[] = [];
  const expenses: object[] = [];
  const heads = new Map<string, string>();
  // Serials from 101 up never meet the first households' (11–53) or those tests make up (below 100).
  let serial = 101;
  for (const h of demoHouseholds) {
    const id = crypto.randomUUID();
    households.push({ id, number: h.number, regionId: regionIds.get(h.regionCode)!.id, address: h.address, category: h.category });
    for (const [name, relation, gender, birthDate, labourCapacity, health, schooling] of h.members) {
      const idNumber = idNumberOf(birthDate, serial++);
      if (relation === "HEAD") heads.set(h.number, idNumber);
      members.push({
        id: crypto.randomUUID(),
        householdId: id,
        name,
        relation,
        gender,
        birthDate,
        labourCapacity,
        health,
        schooling,
        idNumberEnc: cipher.encrypt(idNumber),
        idNumberHash: cipher.lookupHash(idNumber),
      });
    }
    for (const [year, list] of Object.entries(h.incomes))
      for (const [source, amount, productionCost = 0] of list)
        incomes.push({ id: crypto.randomUUID(), householdId: id, year: Number(year), source, amount, productionCost });
    for (const [year, list] of Object.entries(h.expenses ?? {}))
      for (const [kind, amount] of list) expenses.push({ id: crypto.randomUUID(), householdId: id, year: Number(year), kind, amount });
  }
  await prisma.$executeRaw`INSERT INTO "Household" ("id", "number", "regionId", "address", "category")
    SELECT x."id", x."number", x."regionId", x."address", x."category"::"HouseholdCategory"
    FROM json_to_recordset(${JSON.stringify(households)}::json) AS x("id" uuid, "number" text, "regionId" uuid, "address" text, "category" text)`;
  await prisma.$executeRaw`INSERT INTO "HouseholdMember" ("id", "householdId", "name", "relation", "gender", "birthDate", "idNumberEnc", "idNumberHash", "labourCapacity", "health", "schooling")
    SELECT x."id", x."householdId", x."name", x."relation"::"Relation", x."gender", x."birthDate", x."idNumberEnc", x."idNumberHash",
      x."labourCapacity"::"LabourCapacity", x."health"::"HealthStatus", x."schooling"::"Schooling"
    FROM json_to_recordset(${JSON.stringify(members)}::json)
      AS x("id" uuid, "householdId" uuid, "name" text, "relation" text, "gender" text, "birthDate" date, "idNumberEnc" text, "idNumberHash" text, "labourCapacity" text, "health" text, "schooling" text)`;
  await prisma.$executeRaw`INSERT INTO "Income" ("id", "householdId", "year", "source", "amount", "productionCost")
    SELECT x."id", x."householdId", x."year", x."source"::"IncomeSource", x."amount", x."productionCost"
    FROM json_to_recordset(${JSON.stringify(incomes)}::json) AS x("id" uuid, "householdId" uuid, "year" int, "source" text, "amount" int, "productionCost" int)`;
  await prisma.$executeRaw`INSERT INTO "Expense" ("id", "householdId", "year", "kind", "amount")
    SELECT x."id", x."householdId", x."year", x."kind"::"ExpenseKind", x."amount"
    FROM json_to_recordset(${JSON.stringify(expenses)}::json) AS x("id" uuid, "householdId" uuid, "year" int, "kind" text, "amount" int)`;
  return heads;
}
