import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";

/** The first sheet of an XLSX file as text cells, every row as wide as the header (empty cells are not stored). */
export async function readXlsx(body: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  const sheet = workbook.worksheets[0]!;
  const width = sheet.getRow(1).cellCount;
  // The ledgers write strings and numbers only: no rich text or formula objects to spell out.
  sheet.eachRow((row) =>
    rows.push(Array.from({ length: width }, (_, i) => String((row.getCell(i + 1).value as string | number | null) ?? ""))),
  );
  return rows;
}

/** A CSV export's rows (RFC 4180: quoted fields may hold commas, quotes and newlines), read by the same parser the imports use. */
export function readCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}
