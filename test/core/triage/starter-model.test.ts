import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateModel } from "../../../core/triage/evaluate.js";
import { readLabelledFile } from "../../../core/triage/labelled-data.js";
import { encodeModel } from "../../../core/triage/model-file.js";
import { starterIntentsPath, starterModelPath } from "../../../core/triage/starter-model.js";
import { trainIntentModel } from "../../../core/triage/train-intent-model.js";

const examples = readLabelledFile(starterIntentsPath);

describe("starter model", () => {
  it("ships at least 20 intents with at least 30 examples each", () => {
    const counts = new Map<string, number>();
    for (const example of examples) counts.set(example.label, (counts.get(example.label) ?? 0) + 1);
    counts.delete("out_of_scope");
    expect(counts.size).toBeGreaterThanOrEqual(20);
    for (const [intent, count] of counts) expect(count, intent).toBeGreaterThanOrEqual(30);
  });

  it("is exactly what training on the shipped sample set gives (rebuild with npm run starter:train)", () => {
    const rebuilt = trainIntentModel(examples, { outOfScopeLabels: ["out_of_scope"], source: "starter-intents.csv" });
    expect(Buffer.from(encodeModel(rebuilt)).equals(readFileSync(starterModelPath))).toBe(true);
  });

  it("learns from a slice and scores far above chance on messages it never saw", () => {
    const inScope = examples.filter((example) => example.label !== "out_of_scope");
    const train = inScope.filter((_, index) => index % 5 !== 0);
    const heldOut = inScope.filter((_, index) => index % 5 === 0);
    const model = trainIntentModel(train, { seed: 3 });
    const report = evaluateModel(model, heldOut);
    const chance = 1 / model.labels.length;
    expect(report.accuracy).toBeGreaterThan(8 * chance);
    expect(report.acceptedAccuracy).toBeGreaterThan(report.accuracy);
  });
});
