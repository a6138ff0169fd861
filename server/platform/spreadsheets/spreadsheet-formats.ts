/** What a spreadsheet cell holds: text, a number, or nothing. */
export type CellValue = string | number | null;

/** The files offices exchange: Excel workbooks and CSV. */
export const spreadsheetFormats = ["xlsx", "csv"] as const;
export type SpreadsheetFormat = (typeof spreadsheetFormats)[number];

/** Content types and the UTF-8 byte-order mark Excel needs to read a CSV as Chinese. */
export const spreadsheetContentTypes: Record<SpreadsheetFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};
export const utf8Bom = "\uFEFF";

/**
 * One CSV line (RFC 4180, CRLF). Text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR at the start) gets a leading apostrophe: names and
 * addresses come from the public.
 */
export function csvLine(values: readonly CellValue[]): string {
  return (
    values
      .map((value) => {
        if (value === null) return "";
        let text = String(value);
        if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(",") + "\r\n"
  );
}

/**
 * `attachment` with an ASCII fallback and the real (Chinese) name in
 * RFC 5987 form: 监测对象台账-2026-11-25.xlsx.
 */
export function contentDisposition(filename: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encoded}`;
}
