import ExcelJS from "exceljs";

/** The first sheet of an XLSX file as text cells, every row as wide as the header (empty cells are not stored). */
export async function readXlsx(body: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  const sheet = workbook.worksheets[0]!;
  const width = sheet.getRow(1).cellCount;
  sheet.eachRow((row) => rows.push(Array.from({ length: width }, (_, i) => String(row.getCell(i + 1).value ?? ""))));
  return rows;
}

/** Enough of RFC 4180 for the ledgers: quoted fields may hold commas, quotes and newlines; CRLF ends a row. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field), rows.push(row), (row = []), (field = ""), i++;
    } else field += ch;
  }
  return rows;
}
