// CSV for spreadsheets: RFC 4180 quoting, and text that a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.

const FORMULA = /^[=+\-@\t\r]/;

/** One cell as CSV text: numbers as they are, formula-like text defused, quotes doubled. */
export function csvCell(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of objects as CSV with a header line; `columns` is [{name, value(row, index)}]. */
export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvCell(c.name)).join(",")];
  rows.forEach((row, i) => lines.push(columns.map((c) => csvCell(c.value(row, i))).join(",")));
  return `${lines.join("\r\n")}\r\n`;
}

/** Offer `text` as a file download named `filename`. */
export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
