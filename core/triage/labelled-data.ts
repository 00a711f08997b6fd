// Reads labelled messages from CSV or JSONL, naming the file, line and column of anything wrong.
import { extname } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { TandemError } from "../errors.js";
import { readTextFile } from "../read-text-file.js";
import type { LabelledMessage } from "./train-intent-model.js";

export interface ColumnChoice {
  /** Column (CSV) or field (JSONL) holding the message; guessed from common names when absent. */
  text?: string | undefined;
  /** Column or field holding the intent label. */
  label?: string | undefined;
  /** Keep only rows whose `column` equals `value` (e.g. a `split` column). */
  filter?: { column: string; value: string } | undefined;
}

const TEXT_NAMES = ["text", "message", "utterance", "body", "description", "subject"];
const LABEL_NAMES = ["label", "intent", "category", "class", "tag"];

const jsonRecord = z.record(z.string(), z.unknown());

export function readLabelledFile(path: string, columns: ColumnChoice = {}): LabelledMessage[] {
  const content = readTextFile(path, "file");
  const extension = extname(path).toLowerCase();
  return extension === ".jsonl" || extension === ".ndjson" ? parseJsonLines(content, path, columns) : parseCsv(content, path, columns);
}

export function parseCsv(content: string, file: string, columns: ColumnChoice = {}): LabelledMessage[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(content, { columns: true, skip_empty_lines: true, bom: true, info: true, relax_column_count: false });
  } catch (error) {
    const csvError = error as { message?: string; lines?: number };
    throw new TandemError("invalid_data", `not valid CSV: ${(csvError.message ?? String(error)).replace(/^Invalid Record Length: /, "")}`, {
      where: { file, line: csvError.lines },
    });
  }
  if (rows.length === 0) throw new TandemError("invalid_data", "the CSV has a header but no rows", { where: { file } });
  const header = Object.keys(rows[0].record);
  const textColumn = pickColumn(header, columns.text, TEXT_NAMES, "text", file);
  const labelColumn = pickColumn(header, columns.label, LABEL_NAMES, "label", file);
  if (columns.filter && !header.includes(columns.filter.column)) {
    throw new TandemError("invalid_data", `no column "${columns.filter.column}" to filter on (columns: ${header.join(", ")})`, {
      where: { file, line: 1 },
    });
  }
  const examples: LabelledMessage[] = [];
  for (const { record, info } of rows) {
    if (columns.filter && record[columns.filter.column] !== columns.filter.value) continue;
    examples.push(checkRow(record[textColumn], record[labelColumn], { file, line: info.lines, textColumn, labelColumn }));
  }
  return examples;
}

export function parseJsonLines(content: string, file: string, columns: ColumnChoice = {}): LabelledMessage[] {
  const examples: LabelledMessage[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TandemError("invalid_data", "not valid JSON", { where: { file, line: i + 1 } });
    }
    const record = jsonRecord.safeParse(value);
    if (!record.success) throw new TandemError("invalid_data", "each line must be a JSON object", { where: { file, line: i + 1 } });
    const fields = Object.keys(record.data);
    const textField = pickColumn(fields, columns.text, TEXT_NAMES, "text", file, i + 1);
    const labelField = pickColumn(fields, columns.label, LABEL_NAMES, "label", file, i + 1);
    if (columns.filter && String(record.data[columns.filter.column]) !== columns.filter.value) continue;
    examples.push(
      checkRow(record.data[textField], record.data[labelField], { file, line: i + 1, textColumn: textField, labelColumn: labelField }),
    );
  }
  if (examples.length === 0) throw new TandemError("invalid_data", "the file holds no examples", { where: { file } });
  return examples;
}

function pickColumn(available: string[], wanted: string | undefined, guesses: string[], role: string, file: string, line = 1): string {
  if (wanted !== undefined) {
    if (available.includes(wanted)) return wanted;
    throw new TandemError("invalid_data", `no ${role} column "${wanted}" (columns: ${available.join(", ")})`, { where: { file, line } });
  }
  const guess = guesses.find((name) => available.includes(name));
  if (guess) return guess;
  throw new TandemError("invalid_data", `no ${role} column found; name it with --${role} (columns: ${available.join(", ")})`, {
    where: { file, line },
  });
}

function checkRow(
  text: unknown,
  label: unknown,
  where: { file: string; line: number; textColumn: string; labelColumn: string },
): LabelledMessage {
  if (typeof text !== "string" || text.trim() === "") {
    throw new TandemError("invalid_data", typeof text === "string" ? "empty message text" : "the message is not text", {
      where: { file: where.file, line: where.line, column: where.textColumn },
    });
  }
  const labelText = typeof label === "number" ? String(label) : label;
  if (typeof labelText !== "string" || labelText.trim() === "") {
    throw new TandemError("invalid_data", "missing label", { where: { file: where.file, line: where.line, column: where.labelColumn } });
  }
  return { text, label: labelText.trim(), line: where.line };
}
