import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  cellText,
  columnLetter,
  decodeText,
  readSpreadsheet,
  SpreadsheetError,
} from "../../../../server/platform/spreadsheets/spreadsheet-reader.ts";

/** 身份证号,姓名 / 1,张三 in GBK, as Excel on a Chinese Windows saves a CSV. */
const gbkCsv = Buffer.from([
  0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb, 0x0d, 0x0a, 0x31, 0x2c, 0xd5, 0xc5, 0xc8, 0xfd, 0x0d, 0x0a,
]);

describe("reading department files", () => {
  it("reads UTF-8 with and without a BOM, and falls back to GB18030 for GBK bytes", () => {
    expect(decodeText(Buffer.from("姓名,金额\n", "utf8"))).toEqual({ text: "姓名,金额\n", encoding: "utf-8" });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("姓名", "utf8")]))).toEqual({
      text: "姓名",
      encoding: "utf-8",
    });
    expect(decodeText(gbkCsv)).toEqual({ text: "身份证号,姓名\r\n1,张三\r\n", encoding: "gb18030" });
  });

  it("numbers rows as the spreadsheet does, skipping title rows above the header and blank rows", async () => {
    const csv = '2026年第三季度医保自付明细\n身份证号,姓名,自付金额\n\n1,张三,"12,000"\n2,"李\n四",5\n';
    const sheet = await readSpreadsheet(Buffer.from(csv), 100);
    expect(sheet).toMatchObject({ format: "csv", encoding: "utf-8", headerRow: 2, headers: ["身份证号", "姓名", "自付金额"] });
    expect(sheet.rows).toEqual([
      { rowNumber: 4, cells: ["1", "张三", "12,000"] },
      { rowNumber: 5, cells: ["2", "李\n四", "5"] },
    ]);
  });

  it("reads every Chinese character of a large XLSX, however the compressed stream splits it (patches/exceljs: exceljs#2084)", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("监测对象");
    sheet.addRow(["姓名", "村"]);
    const names = Array.from({ length: 6000 }, (_, i) => [`王秀英${i}`, `石门村${"一二三四五六七八九十"[i % 10]}组`]);
    for (const row of names) sheet.addRow(row);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const read = await readSpreadsheet(bytes, 10_000);
    expect(read.rows).toHaveLength(names.length);
    expect(read.rows.filter((r) => r.cells.join("").includes("\uFFFD"))).toEqual([]);
    expect(read.rows.map((r) => r.cells)).toEqual(names);
  });

  it("names empty and repeated headers so a mapping can point at them", async () => {
    const sheet = await readSpreadsheet(Buffer.from("姓名,,姓名\na,b,c\n"), 100);
    expect(sheet.headers).toEqual(["姓名", "(B)", "姓名 (2)"]);
    expect(columnLetter(27)).toBe("AB");
  });

  it("reads the first sheet of an XLSX: text, numbers, formulas and dates as text", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("医保");
    sheet.addRow(["身份证号", "姓名", "自付金额", "合计", "日期"]);
    sheet.addRow(["990101195603070031", "张德福", 32000, { formula: "C2*2", result: 64000 }, new Date("2026-08-01T00:00:00Z")]);
    sheet.addRow([]);
    sheet.addRow([990101195603070000, { richText: [{ text: "李" }, { text: "秀英" }] }, 12.5]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const read = await readSpreadsheet(bytes, 100);
    expect(read).toMatchObject({ format: "xlsx", encoding: null, headerRow: 1 });
    expect(read.rows).toEqual([
      { rowNumber: 2, cells: ["990101195603070031", "张德福", "32000", "64000", "2026-08-01"] },
      // An ID number typed into a number cell lost its last digits: it reads as Excel shows it.
      { rowNumber: 4, cells: ["9.9010119560307E+17", "李秀英", "12.5"] },
    ]);
    expect(cellText(null)).toBe("");
  });

  it("refuses old .xls files, empty files and files over the row limit", async () => {
    const refusal = async (bytes: Buffer, max = 100) =>
      readSpreadsheet(bytes, max).then(
        () => null,
        (e: unknown) => (e instanceof SpreadsheetError ? e.code : String(e)),
      );
    expect(await refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBe("SPREADSHEET_UNSUPPORTED");
    expect(await refusal(Buffer.from("\n\n"))).toBe("SPREADSHEET_EMPTY");
    expect(await refusal(Buffer.from("a,b\n1,2\n3,4\n5,6\n"), 2)).toBe("SPREADSHEET_TOO_MANY_ROWS");
    expect(await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]))).toBe("SPREADSHEET_UNREADABLE");
  });
});
