import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";

/**
 * Reads the first sheet of a department's file (XLSX, or CSV in UTF-8 with or
 * without a BOM, or in GB18030/GBK as Excel on a Chinese Windows saves it)
 * into text cells with the spreadsheet's own row numbers, so a row report can
 * say "row 7" and mean the row the user sees.
 */

export type SpreadsheetFormat = "csv" | "xlsx";

export interface SheetRow {
  /** 1-based, as the spreadsheet numbers it. */
  rowNumber: number;
  cells: string[];
}

export interface Sheet {
  format: SpreadsheetFormat;
  /** How the CSV's bytes were read ("utf-8" or "gb18030"); null for XLSX. */
  encoding: "utf-8" | "gb18030" | null;
  headerRow: number;
  headers: string[];
  /** Data rows after the header, blank rows left out. */
  rows: SheetRow[];
}

export class SpreadsheetError extends Error {
  constructor(
    readonly code: "SPREADSHEET_UNSUPPORTED" | "SPREADSHEET_EMPTY" | "SPREADSHEET_UNREADABLE" | "SPREADSHEET_TOO_MANY_ROWS",
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

/** Title rows above the header are common ("2026年第三季度医保自付明细"): the header is the first of these rows with two or more filled cells. */
const headerSearchRows = 10;

export async function readSpreadsheet(bytes: Buffer, maxRows: number): Promise<Sheet> {
  if (bytes.length === 0) throw new SpreadsheetError("SPREADSHEET_EMPTY");
  // XLSX is a zip; the old binary .xls (an OLE compound file) and anything else binary is refused.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return readXlsx(bytes, maxRows);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) throw new SpreadsheetError("SPREADSHEET_UNSUPPORTED");
  return readCsv(bytes, maxRows);
}

/** UTF-8 if the bytes are valid UTF-8 (BOM dropped), else GB18030 (a superset of GBK and GB2312). */
export function decodeText(bytes: Buffer): { text: string; encoding: "utf-8" | "gb18030" } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("gb18030").decode(body), encoding: "gb18030" };
  }
}

function readCsv(bytes: Buffer, maxRows: number): Sheet {
  const { text, encoding } = decodeText(bytes);
  // NUL bytes mean a binary file, not text.
  if (text.includes("\u0000")) throw new SpreadsheetError("SPREADSHEET_UNSUPPORTED");
  let records: string[][];
  try {
    // Blank lines are kept as records so record i is spreadsheet row i + 1, as Excel numbers the opened file.
    records = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch {
    throw new SpreadsheetError("SPREADSHEET_UNREADABLE");
  }
  return toSheet(
    records.map((cells, i) => ({ rowNumber: i + 1, cells })),
    "csv",
    encoding,
    maxRows,
  );
}

async function readXlsx(bytes: Buffer, maxRows: number): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new SpreadsheetError("SPREADSHEET_UNREADABLE");
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new SpreadsheetError("SPREADSHEET_EMPTY");
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    rows.push({ rowNumber, cells: Array.from(cells, (c) => c ?? "") });
  });
  return toSheet(rows, "xlsx", null, maxRows);
}

/** A cell as text: numbers as written, dates as YYYY-MM-DD, formulas by their result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  // Excel keeps 15 significant digits: a longer number (an ID number typed into a number cell) has lost its tail, so it
  // is shown in exponent form as Excel shows it, and an ID check then says so instead of "wrong check digit".
  if (typeof value === "number") return Math.abs(value) >= 1e15 ? value.toExponential().toUpperCase() : String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("formula" in value || "sharedFormula" in value) return "result" in value && value.result !== undefined ? cellText(value.result as ExcelJS.CellValue) : "";
    if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text as ExcelJS.CellValue);
    if ("error" in value) return "";
  }
  return String(value);
}

function toSheet(all: SheetRow[], format: SpreadsheetFormat, encoding: Sheet["encoding"], maxRows: number): Sheet {
  const filled = (row: SheetRow) => row.cells.filter((c) => c.trim() !== "").length;
  const header = all.slice(0, headerSearchRows).find((row) => filled(row) >= 2) ?? all.find((row) => filled(row) >= 1);
  if (!header) throw new SpreadsheetError("SPREADSHEET_EMPTY");
  const rows = all.filter((row) => row.rowNumber > header.rowNumber && filled(row) > 0);
  if (rows.length > maxRows) throw new SpreadsheetError("SPREADSHEET_TOO_MANY_ROWS", { max: maxRows });
  const width = Math.max(header.cells.length, ...rows.map((row) => row.cells.length));
  return { format, encoding, headerRow: header.rowNumber, headers: uniqueHeaders(header.cells, width), rows: rows.map((row) => ({ rowNumber: row.rowNumber, cells: row.cells.map((c) => c.trim()) })) };
}

/** Headers as the mapping names them: trimmed; an empty one named by its column letter "(C)"; a repeated one "姓名 (2)". */
function uniqueHeaders(cells: string[], width: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: width }, (_, i) => {
    const text = (cells[i] ?? "").replace(/\s+/g, " ").trim() || `(${columnLetter(i)})`;
    const count = (seen.get(text) ?? 0) + 1;
    seen.set(text, count);
    return count === 1 ? text : `${text} (${count})`;
  });
}

export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
