import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../fixtures/error-of.js";
import { readLabelledFile } from "../../../core/triage/labelled-data.js";

const folder = mkdtempSync(join(tmpdir(), "tandem-data-"));
function write(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe("readLabelledFile", () => {
  it("reads a CSV with quoted fields, guessing the text and label columns", () => {
    const path = write("ok.csv", 'text,intent\n"Hi, where is my order?",order_status\nrefund please,refund_status\n');
    expect(readLabelledFile(path)).toEqual([
      { text: "Hi, where is my order?", label: "order_status", line: 2 },
      { text: "refund please", label: "refund_status", line: 3 },
    ]);
  });

  it("uses the columns it is told and filters rows", () => {
    const path = write("split.csv", "split,utterance,tag\ntrain,cancel it,cancel\ntest,where is it,status\n");
    expect(readLabelledFile(path, { text: "utterance", label: "tag", filter: { column: "split", value: "test" } })).toEqual([
      { text: "where is it", label: "status", line: 3 },
    ]);
  });

  it("names the file and the missing column", () => {
    const path = write("missing.csv", "message,category\nhello,greeting\n");
    const error = errorOf(() => readLabelledFile(path, { label: "intent" }));
    expect(error.code).toBe("invalid_data");
    expect(error.message).toContain("missing.csv");
    expect(error.message).toContain('no label column "intent" (columns: message, category)');
  });

  it("names the line and column of an empty message", () => {
    const path = write("empty.csv", 'text,label\nfine,a\n"  ",b\n');
    const error = errorOf(() => readLabelledFile(path));
    expect(error.message).toBe(`${path}, line 3, column text: empty message text`);
  });

  it("reports a row with the wrong number of fields with its line", () => {
    const path = write("ragged.csv", "text,label\nfine,a\ntoo,many,fields\n");
    const error = errorOf(() => readLabelledFile(path));
    expect(error.message).toContain("line 3");
    expect(error.message).toContain("not valid CSV");
  });

  it("reads JSONL and names a broken line", () => {
    const good = write("ok.jsonl", '{"text":"hello","label":"greeting"}\n\n{"text":"bye","label":"farewell"}\n');
    expect(readLabelledFile(good).map((example) => example.line)).toEqual([1, 3]);
    const bad = write("bad.jsonl", '{"text":"hello","label":"greeting"}\n{"text": oops}\n');
    expect(errorOf(() => readLabelledFile(bad)).message).toBe(`${bad}, line 2: not valid JSON`);
    const notText = write("number.jsonl", '{"text":42,"label":"x"}\n');
    expect(errorOf(() => readLabelledFile(notText)).message).toBe(`${notText}, line 1, column text: the message is not text`);
  });

  it("says when the file does not exist", () => {
    const error = errorOf(() => readLabelledFile(join(folder, "nope.csv")));
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("nope.csv: file not found");
  });
});
