// Renders benchmark rows as one aligned plain-text table.

export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column].length)));
  const line = (values: string[]) =>
    values
      .map((value, column) => (column === 0 || column === 1 ? value.padEnd(widths[column]) : value.padStart(widths[column])))
      .join("  ");
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}
