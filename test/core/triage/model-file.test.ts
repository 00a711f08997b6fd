import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../fixtures/error-of.js";
import { decodeModel, encodeModel, loadModel, saveModel } from "../../../core/triage/model-file.js";
import { trainIntentModel } from "../../../core/triage/train-intent-model.js";
import { tinyExamples } from "../../fixtures/tiny-intents.js";

const folder = mkdtempSync(join(tmpdir(), "tandem-model-"));
const model = trainIntentModel(tinyExamples, { seed: 7 });

describe("model file", () => {
  it("saves and loads a model that predicts exactly as before", () => {
    const path = join(folder, "model.tdm");
    saveModel(model, path);
    const loaded = loadModel(path);
    expect(loaded.labels).toEqual(model.labels);
    expect(loaded.metadata).toEqual(model.metadata);
    for (const text of ["where is my parcel", "I want my money back", "my password does not work", "zzz"]) {
      expect(Array.from(loaded.probabilities(text))).toEqual(Array.from(model.probabilities(text)));
    }
  });

  it("is deterministic: the same data and seed give the same bytes", () => {
    const again = trainIntentModel(tinyExamples, { seed: 7 });
    expect(Buffer.from(encodeModel(again)).equals(Buffer.from(encodeModel(model)))).toBe(true);
    const other = trainIntentModel(tinyExamples, { seed: 8 });
    expect(Buffer.from(encodeModel(other)).equals(Buffer.from(encodeModel(model)))).toBe(false);
  });

  it("refuses a corrupt file, naming it", () => {
    const bytes = Buffer.from(encodeModel(model));
    bytes[bytes.length - 100] ^= 0xff;
    const path = join(folder, "corrupt.tdm");
    writeFileSync(path, bytes);
    const error = errorOf(() => loadModel(path));
    expect(error.code).toBe("invalid_model");
    expect(error.message).toBe(`${path}: the model file is corrupt (checksum mismatch); copy or retrain it`);
  });

  it("refuses a file of another format version", () => {
    const bytes = Buffer.from(encodeModel(model));
    bytes.writeUInt32LE(99, 8);
    expect(errorOf(() => decodeModel(bytes, "old.tdm")).message).toBe(
      "old.tdm: model format version 99 is not supported (this Tandem reads version 1); retrain it with `tandem train`",
    );
  });

  it("refuses a file that is not a model at all, and a missing one", () => {
    const path = join(folder, "notes.txt");
    writeFileSync(path, "just some text that is long enough to pass the length check, surely it is");
    expect(errorOf(() => loadModel(path)).message).toBe(`${path}: not a Tandem intent model file (bad signature)`);
    expect(errorOf(() => loadModel(join(folder, "missing.tdm"))).code).toBe("not_found");
  });

  it("refuses a truncated file", () => {
    const bytes = readFileSync(join(folder, "model.tdm"));
    expect(errorOf(() => decodeModel(bytes.subarray(0, bytes.length - 40), "cut.tdm")).message).toMatch(
      /^cut\.tdm: the model file is (corrupt|truncated)/,
    );
  });
});
