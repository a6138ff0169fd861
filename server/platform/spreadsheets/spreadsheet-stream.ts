import { PassThrough, type Writable } from "node:stream";
import { csvLine, utf8Bom, type CellValue } from "./spreadsheet-formats.ts";

export interface SheetColumn {
  header: string;
  /** Suggested width in characters (XLSX only). */
  width?: number;
}

/**
 * Writes rows as CSV or XLSX into a stream the response reads, page by page as
 * they come from the database, waiting whenever the client is behind: a large
 * export is never built in memory. The ledgers and the screening reports share it.
 */
export function streamSpreadsheet(
  format: "csv" | "xlsx",
  sheetName: string,
  columns: readonly SheetColumn[],
  pages: AsyncIterable<CellValue[][]>,
): PassThrough {
  const out = new PassThrough();
  const write = format === "csv" ? writeCsv(out, columns, pages) : writeXlsx(out, sheetName, columns, pages);
  // The response has started by the time a read fails: all that is left is to cut the download short.
  write.catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

async function writeCsv(out: PassThrough, columns: readonly SheetColumn[], pages: AsyncIterable<CellValue[][]>) {
  out.write(utf8Bom + csvLine(columns.map((c) => c.header)));
  for await (const page of pages) {
    if (out.destroyed) return;
    out.write(page.map((cells) => csvLine(cells)).join(""));
    if (!(await drained(out))) return;
  }
  out.end();
}

async function writeXlsx(out: PassThrough, sheetName: string, columns: readonly SheetColumn[], pages: AsyncIterable<CellValue[][]>) {
  // Loaded on first use: ExcelJS is some 25 MB of the server's memory, and most servers never write a workbook.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  // Sheet names: at most 31 characters, none of []:*?/\.
  const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, " ").slice(0, 31));
  sheet.columns = columns.map((c, i) => ({ key: String(i), width: c.width ?? 16 }));
  sheet.addRow(columns.map((c) => c.header)).commit();
  for await (const page of pages) {
    if (out.destroyed) return;
    for (const cells of page) sheet.addRow(cells).commit();
    if (!(await drained(out))) return;
  }
  sheet.commit();
  // Ends `out` once the zip is complete.
  await workbook.commit();
}

/** Waits while the reader is behind; false once the download was abandoned. */
function drained(out: Writable): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (!out.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    out.once("drain", onDrain);
    out.once("close", onClose);
  });
}
