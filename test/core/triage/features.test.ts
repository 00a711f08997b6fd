import { describe, expect, it } from "vitest";
import { Featurizer } from "../../../core/triage/features.js";

function featuresOf(featurizer: Featurizer, text: string): Map<number, number> {
  const count = featurizer.extract(text);
  const map = new Map<number, number>();
  for (let i = 0; i < count; i++) map.set(featurizer.hashes[i], featurizer.values[i]);
  return map;
}

describe("Featurizer", () => {
  it("ignores case and treats every digit alike, so order numbers do not change the features", () => {
    const featurizer = new Featurizer();
    const a = featuresOf(featurizer, "Where is ORDER 12345?");
    const b = featuresOf(featurizer, "where is order 99871");
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  });

  it("gives each message a unit-length vector of unique features", () => {
    const featurizer = new Featurizer();
    const features = featuresOf(featurizer, "refund refund refund please, I want my refund");
    let norm = 0;
    for (const value of features.values()) norm += value * value;
    expect(norm).toBeCloseTo(1, 5);
    expect(new Set(features.keys()).size).toBe(featurizer.count);
  });

  it("weighs a repeated word more than a single one, but less than linearly", () => {
    const featurizer = new Featurizer({ wordNgrams: 1, charMin: 0, charMax: 0 });
    const features = featuresOf(featurizer, "refund refund refund now");
    const values = [...features.values()].sort((x, y) => x - y);
    expect(values).toHaveLength(2);
    expect(values[1] / values[0]).toBeCloseTo(1 + Math.log(3), 5);
  });

  it("keeps accented letters and apostrophes inside words", () => {
    const featurizer = new Featurizer({ wordNgrams: 1, charMin: 0, charMax: 0 });
    expect(featurizer.extract("Où est ma commande? l'adresse don't")).toBe(6);
    expect(featuresOf(featurizer, "CAFÉ")).toEqual(featuresOf(featurizer, "café"));
  });

  it("yields no features for text without words", () => {
    const featurizer = new Featurizer();
    expect(featurizer.extract("?!... ---")).toBe(0);
  });

  it("handles messages longer than its buffers", () => {
    const featurizer = new Featurizer();
    const long = Array.from({ length: 3000 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i % 7}`).join(" ");
    expect(featurizer.extract(long)).toBeGreaterThan(100);
  });
});
