import { isUtf8 } from "node:buffer";
import fs from "node:fs";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { parse, type Options as CsvOptions } from "csv-parse";
import type ExcelJS from "exceljs";

/**
 * Reads the first sheet of a department's file (XLSX, or CSV in UTF-8 with or
 * without a BOM, or in GB18030/GBK as Excel on a Chinese Windows saves it)
 * into text cells with the spreadsheet's own row numbers, so a row report can
 * say "row 7" and mean the row the user sees. Files are streamed, a chunk of
 * rows at a time: a million-row file never sits in memory, as bytes, text or
 * rows.
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

/** The file's bytes from the start; opened once per pass (a CSV's encoding is decided on a pass of its own). */
export type ByteSource = () => AsyncIterable<Buffer>;

export const fileSource =
  (file: string): ByteSource =>
  () =>
    fs.createReadStream(file, { highWaterMark: 1 << 20 });

export const bytesSource =
  (bytes: Buffer): ByteSource =>
  () =>
    Readable.from([bytes]);

/** Title rows above the header are common ("2026年第三季度医保自付明细"): the header is the first of these rows with two or more filled cells. */
const headerSearchRows = 10;

/** The whole sheet in memory: for small files (and the tests). */
export function readSpreadsheet(bytes: Buffer, maxRows: number): Promise<Sheet> {
  return sheetOf(bytesSource(bytes), Infinity, maxRows);
}

/**
 * The header and the first `keep` data rows, without reading further: what
 * an upload answers. Headers cover the widest of these rows, so a mapping can
 * name a column the header row left empty.
 */
export function readHead(source: ByteSource, keep: number): Promise<Sheet> {
  return sheetOf(source, keep, Infinity);
}

async function sheetOf(source: ByteSource, keep: number, maxRows: number): Promise<Sheet> {
  const { format, encoding } = await kindOf(source);
  const { header, rows } = await splitHeader(records(source, format, encoding));
  const kept: SheetRow[] = [];
  for await (const row of rows) {
    if (kept.length >= maxRows) throw new SpreadsheetError("SPREADSHEET_TOO_MANY_ROWS", { max: maxRows });
    kept.push(row);
    if (kept.length >= keep) break;
  }
  const width = kept.reduce((widest, row) => Math.max(widest, row.cells.length), header.cells.length);
  return { format, encoding, headerRow: header.rowNumber, headers: uniqueHeaders(header.cells, width), rows: kept };
}

/** The data rows below the header row readHead found (blank ones left out, cells trimmed), streamed a chunk of rows at a time. */
export async function* dataRows(source: ByteSource, headerRow: number, maxRows: number): AsyncGenerator<SheetRow[]> {
  const { format, encoding } = await kindOf(source);
  let count = 0;
  for await (const batch of records(source, format, encoding)) {
    const rows = batch.filter((row) => row.rowNumber > headerRow && filled(row));
    for (const row of rows) row.cells = row.cells.map((c) => c.trim());
    count += rows.length;
    if (count > maxRows) throw new SpreadsheetError("SPREADSHEET_TOO_MANY_ROWS", { max: maxRows });
    if (rows.length > 0) yield rows;
  }
}

async function kindOf(source: ByteSource): Promise<{ format: SpreadsheetFormat; encoding: Sheet["encoding"] }> {
  let head: Buffer | undefined;
  for await (const chunk of source()) {
    head = chunk;
    if (chunk.length > 0) break;
  }
  if (!head || head.length === 0) throw new SpreadsheetError("SPREADSHEET_EMPTY");
  // XLSX is a zip; the old binary .xls (an OLE compound file) and anything else binary is refused.
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: "xlsx", encoding: null };
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) throw new SpreadsheetError("SPREADSHEET_UNSUPPORTED");
  return { format: "csv", encoding: await encodingOf(source) };
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

/** decodeText's choice, made on a pass over the bytes without decoding them. */
async function encodingOf(source: ByteSource): Promise<"utf-8" | "gb18030"> {
  let carried: Buffer = Buffer.alloc(0);
  for await (const chunk of source()) {
    const bytes = carried.length > 0 ? Buffer.concat([carried, chunk]) : chunk;
    // A character cut at the chunk's end is checked with the next chunk.
    const complete = completeUtf8Length(bytes);
    if (!isUtf8(bytes.subarray(0, complete))) return "gb18030";
    carried = bytes.subarray(complete);
  }
  return carried.length === 0 ? "utf-8" : "gb18030";
}

/** The bytes before a UTF-8 sequence that starts in the last three bytes but does not end there. */
function completeUtf8Length(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) return bytes.length - i < (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2) ? i : bytes.length;
  }
  return bytes.length;
}

/** The CSV's text for the parser: UTF-8 bytes as they are (the parser reads UTF-8), GB18030 decoded. */
async function* csvInput(source: ByteSource, encoding: "utf-8" | "gb18030"): AsyncGenerator<Buffer | string> {
  const decoder = encoding === "gb18030" ? new TextDecoder(encoding, { ignoreBOM: true }) : undefined;
  let first = true;
  for await (const chunk of source()) {
    // NUL bytes mean a binary file, not text.
    if (chunk.includes(0)) throw new SpreadsheetError("SPREADSHEET_UNSUPPORTED");
    if (!decoder) yield chunk;
    else {
      yield decoder.decode(first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk, {
        stream: true,
      });
      first = false;
    }
  }
  if (decoder) yield decoder.decode();
}

// Blank lines are kept as records so record i is spreadsheet row i + 1, as Excel numbers the opened file.
const csvOptions: CsvOptions = { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true };

/** Every row of the file as read (blank ones too, for CSV), untrimmed, a chunk's worth at a time. */
function records(source: ByteSource, format: SpreadsheetFormat, encoding: Sheet["encoding"]): AsyncGenerator<SheetRow[]> {
  return format === "xlsx" ? xlsxRecords(source) : csvRecords(source, encoding ?? "utf-8");
}

async function* csvRecords(source: ByteSource, encoding: "utf-8" | "gb18030"): AsyncGenerator<SheetRow[]> {
  // The parser hands over each record as it reads it; they are passed on a chunk of input at a time, not one by one.
  const parser = parse(csvOptions);
  const batch: SheetRow[] = [];
  let rowNumber = 0;
  let failure: unknown;
  parser.on("data", (cells: string[]) => batch.push({ rowNumber: ++rowNumber, cells }));
  parser.on("error", (error) => (failure = error));
  const unreadable = (error: unknown) => (error instanceof SpreadsheetError ? error : new SpreadsheetError("SPREADSHEET_UNREADABLE"));
  try {
    for await (const chunk of csvInput(source, encoding)) {
      parser.write(chunk);
      if (failure) throw unreadable(failure);
      if (batch.length > 0) yield batch.splice(0);
    }
    parser.end();
    await finished(parser);
  } catch (error) {
    throw unreadable(failure ?? error);
  } finally {
    parser.destroy();
  }
  if (batch.length > 0) yield batch;
}

async function* xlsxRecords(source: ByteSource): AsyncGenerator<SheetRow[]> {
  const input = Readable.from(source());
  // Styles are read so that date cells come out as dates.
  // Loaded on first use, as the writer does (spreadsheet-stream.ts).
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "ignore",
  });
  const batch: SheetRow[] = [];
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        if (!row.hasValues) continue;
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          cells[column - 1] = cellText(cell.value);
        });
        batch.push({ rowNumber: row.number, cells: Array.from(cells, (c) => c ?? "") });
        if (batch.length >= 5000) yield batch.splice(0);
      }
      if (batch.length > 0) yield batch;
      return;
    }
  } catch (error) {
    throw error instanceof SpreadsheetError ? error : new SpreadsheetError("SPREADSHEET_UNREADABLE");
  } finally {
    input.destroy();
  }
  throw new SpreadsheetError("SPREADSHEET_EMPTY");
}

const filled = (row: SheetRow) => row.cells.some((c) => c.trim() !== "");
const trimmed = (row: SheetRow): SheetRow => ({ rowNumber: row.rowNumber, cells: row.cells.map((c) => c.trim()) });

/**
 * The header (the first of the first ten records with two or more filled
 * cells, else the first filled one) and the data rows after it, blank rows
 * left out, cells trimmed.
 */
async function splitHeader(batches: AsyncGenerator<SheetRow[]>): Promise<{ header: SheetRow; rows: AsyncGenerator<SheetRow> }> {
  async function* each() {
    for await (const batch of batches) yield* batch;
  }
  const all = each();
  const first: SheetRow[] = [];
  while (first.length < headerSearchRows) {
    const next = await all.next();
    if (next.done) break;
    first.push(next.value);
  }
  const filledCells = (row: SheetRow) => row.cells.filter((c) => c.trim() !== "").length;
  let header = first.find((row) => filledCells(row) >= 2) ?? first.find(filled);
  while (!header) {
    const next = await all.next();
    if (next.done) throw new SpreadsheetError("SPREADSHEET_EMPTY");
    if (filled(next.value)) header = next.value;
  }
  const found = header;
  async function* rows() {
    for (const row of first) if (row.rowNumber > found.rowNumber && filled(row)) yield trimmed(row);
    for await (const row of all) if (filled(row)) yield trimmed(row);
  }
  return { header, rows: rows() };
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
    if ("formula" in value || "sharedFormula" in value)
      return "result" in value && value.result !== undefined ? cellText(value.result) : "";
    if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text);
    if ("error" in value) return "";
  }
  return String(value);
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
