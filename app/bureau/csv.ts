// CSV for spreadsheets: RFC 4180 quoting, CRLF rows, and text cells that a spreadsheet would run as a
// formula (starting with = + - @, tab or carriage return) prefixed with an apostrophe. Numbers are written
// as numbers. The byte-order mark that makes Excel read UTF-8 is the caller's first chunk (CSV_BOM).
export const CSV_BOM = "\uFEFF";

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
