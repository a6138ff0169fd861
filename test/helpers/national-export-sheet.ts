import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";

/**
 * A synthetic export of the national monitoring system (one row a person, the household's fields repeated on
 * each of its rows), in the column layout offices download, for the go-live test and the benchmark. Made-up
 * people with valid ID numbers (GB 11643 check digit), deterministic for a seed.
 */

export const nationalHeaders = [
  "序号",
  "户编号",
  "行政区划代码",
  "乡(镇)",
  "行政村",
  "姓名",
  "证件号码",
  "与户主关系",
  "性别",
  "劳动技能",
  "健康状况",
  "在校生状况",
  "监测对象类别",
  "风险消除情况",
  "纳入监测时间",
  "返贫致贫风险",
  "帮扶措施",
  "帮扶联系人",
  "工资性收入",
  "生产经营性收入",
  "财产性收入",
  "转移性收入",
  "生产经营性支出",
  "收入年度",
];

export interface Village {
  code: string;
  township: string;
  name: string;
}

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChars = "10X98765432";

/** A valid ID number for an area, a birth date (YYYYMMDD) and a serial. */
export function idNumberOf(area: string, birth: string, serial: number): string {
  const body = `${area}${birth}${String(serial % 1000).padStart(3, "0")}`;
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + checkChars[sum % 11];
}

function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const givens = ["秀英", "桂兰", "建国", "志强", "春花", "国华", "明", "丽", "勇", "军", "芳", "伟", "红梅", "德胜", "小龙", "玉兰"];
const categories = ["脱贫户", "脱贫户", "脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "一般农户"];
const risks = ["因病", "因学", "因残", "因意外事故", "因务工就业不稳", "因自然灾害"];

export interface SheetSpec {
  villages: readonly Village[];
  households: number;
  seed?: number;
  /** Every n-th household gets one wrong row (a bad ID check digit, an unknown relation, an empty name, in turn); 0 for none. */
  badEvery?: number;
  /** The income year written; the rows say nothing of the year when null. */
  incomeYear?: number | null;
}

export interface SheetRowSpec {
  householdNumber: string;
  village: Village;
  name: string;
  idNumber: string;
  relation: string;
  category: string;
  /** True when the row was made wrong on purpose. */
  bad: boolean;
}

/** The rows of a synthetic export, household by household. */
export function* nationalRows(spec: SheetSpec): Generator<{ cells: (string | number)[]; row: SheetRowSpec }> {
  const rnd = random(spec.seed ?? 7);
  let serial = 0;
  const issued = new Set<string>();
  for (let h = 0; h < spec.households; h++) {
    const village = spec.villages[h % spec.villages.length]!;
    const householdNumber = `${village.code || "990101000000"}${String(h + 1).padStart(6, "0")}`;
    const size = 1 + Math.floor(rnd() * 5);
    const category = categories[Math.floor(rnd() * categories.length)]!;
    const atRisk = category !== "一般农户" && rnd() < 0.4;
    const risk = atRisk ? risks[Math.floor(rnd() * risks.length)]! : "";
    const surname = surnames[Math.floor(rnd() * surnames.length)]!;
    const badRow = spec.badEvery && h % spec.badEvery === spec.badEvery - 1 ? Math.floor(rnd() * size) : -1;
    const wage = Math.floor(rnd() * 40000);
    for (let m = 0; m < size; m++) {
      const relation = m === 0 ? "户主" : m === 1 ? "配偶" : "之子";
      const year = m < 2 ? 1950 + Math.floor(rnd() * 40) : 1995 + Math.floor(rnd() * 25);
      const birth = `${year}${String(1 + Math.floor(rnd() * 12)).padStart(2, "0")}${String(1 + Math.floor(rnd() * 28)).padStart(2, "0")}`;
      const area = village.code.slice(0, 6) || "990101";
      let idNumber = idNumberOf(area, birth, serial++);
      // Two made-up people born the same day with the same serial would share a number: the next serial then.
      while (issued.has(idNumber)) idNumber = idNumberOf(area, birth, serial++);
      issued.add(idNumber);
      let name = surname + givens[Math.floor(rnd() * givens.length)]!;
      let relationText = relation;
      const bad = m === badRow;
      if (bad) {
        const kind = h % 3;
        if (kind === 0) idNumber = idNumber.slice(0, 17) + (idNumber[17] === "1" ? "2" : "1");
        else if (kind === 1) relationText = "邻居";
        else name = "";
      }
      const cells = [
        serial,
        householdNumber,
        village.code,
        village.township,
        village.name,
        name,
        idNumber,
        relationText,
        Number(idNumber[16]) % 2 === 1 ? "男" : "女",
        year < 1966 ? "无劳动力" : "普通劳动力",
        rnd() < 0.1 ? "长期慢性病" : "健康",
        year > 2008 ? "小学" : "非在校生",
        category,
        atRisk ? "风险未消除" : category === "一般农户" ? "" : "风险已消除",
        atRisk ? "2024-03-15" : "",
        risk,
        atRisk ? "产业帮扶;就业帮扶" : "",
        atRisk ? "李帮扶" : "",
        wage,
        Math.floor(rnd() * 8000),
        0,
        Math.floor(rnd() * 6000),
        Math.floor(rnd() * 2000),
        spec.incomeYear === undefined ? 2025 : (spec.incomeYear ?? ""),
      ];
      yield { cells, row: { householdNumber, village, name, idNumber, relation: relationText, category, bad } };
    }
  }
}

/** The export as an XLSX file, written as a stream (tens of thousands of rows). */
export async function nationalExportXlsx(spec: SheetSpec): Promise<{ bytes: Buffer; rows: SheetRowSpec[] }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on("end", resolve);
    out.on("error", reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet("监测对象信息");
  // The national system's downloads carry a title row above the header.
  sheet.addRow(["全国防返贫监测信息系统 监测对象信息"]).commit();
  sheet.addRow(nationalHeaders).commit();
  const rows: SheetRowSpec[] = [];
  for (const { cells, row } of nationalRows(spec)) {
    sheet.addRow(cells).commit();
    rows.push(row);
  }
  sheet.commit();
  await workbook.commit();
  await ended;
  return { bytes: Buffer.concat(chunks), rows };
}

/** A multipart body carrying one file, as a browser sends it. */
export function multipartFile(
  name: string,
  bytes: Buffer,
  contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
) {
  const boundary = "----nationalexport";
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${contentType}\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}
