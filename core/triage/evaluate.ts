// Measures an intent model on labelled data: accuracy, macro-F1, worst intents, out-of-scope detection, speed.
import type { IntentModel } from "./intent-model.js";
import type { LabelledMessage } from "./train-intent-model.js";

export interface IntentReport {
  intent: string;
  f1: number;
  precision: number;
  recall: number;
  support: number;
}

export interface Evaluation {
  examples: number;
  /** Top intent against the label, on in-scope messages (the standard figure for Banking77 and the like). */
  accuracy: number;
  macroF1: number;
  /** Share of in-scope messages answered with an intent rather than "unknown", and how often those were right. */
  coverage: number;
  acceptedAccuracy: number;
  worst: IntentReport[];
  outOfScope: { examples: number; precision: number; recall: number } | null;
  messagesPerSecond: number;
  latencyMs: { p50: number; p99: number };
}

export function evaluateModel(
  model: IntentModel,
  examples: readonly LabelledMessage[],
  options: { outOfScopeLabels?: readonly string[] } = {},
): Evaluation {
  const outOfScopeLabels = new Set(options.outOfScopeLabels ?? []);
  const stats = new Map<string, { truePositive: number; predicted: number; actual: number }>();
  const entry = (intent: string) => {
    let value = stats.get(intent);
    if (!value) {
      value = { truePositive: 0, predicted: 0, actual: 0 };
      stats.set(intent, value);
    }
    return value;
  };
  let inScope = 0;
  let correct = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  let oosTotal = 0;
  let oosFlagged = 0;
  let flaggedTotal = 0;
  for (const example of examples) {
    const { label, confidence } = model.classify(example.text);
    const isUnknown = confidence < model.metadata.threshold;
    if (isUnknown) flaggedTotal++;
    if (outOfScopeLabels.has(example.label)) {
      oosTotal++;
      if (isUnknown) oosFlagged++;
      continue;
    }
    inScope++;
    entry(example.label).actual++;
    entry(label).predicted++;
    if (label === example.label) {
      correct++;
      entry(label).truePositive++;
    }
    if (!isUnknown) {
      accepted++;
      if (label === example.label) acceptedCorrect++;
    }
  }
  const reports: IntentReport[] = [];
  for (const [intent, { truePositive, predicted, actual }] of stats) {
    if (actual === 0) continue;
    const precision = predicted > 0 ? truePositive / predicted : 0;
    const recall = truePositive / actual;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    reports.push({ intent, f1: round(f1), precision: round(precision), recall: round(recall), support: actual });
  }
  reports.sort((a, b) => a.f1 - b.f1 || a.intent.localeCompare(b.intent));
  const speed = measureSpeed(model, examples);
  return {
    examples: examples.length,
    accuracy: round(correct / Math.max(1, inScope)),
    macroF1: round(reports.reduce((sum, report) => sum + report.f1, 0) / Math.max(1, reports.length)),
    coverage: round(accepted / Math.max(1, inScope)),
    acceptedAccuracy: round(acceptedCorrect / Math.max(1, accepted)),
    worst: reports.slice(0, 10),
    outOfScope:
      oosTotal > 0
        ? { examples: oosTotal, precision: round(flaggedTotal > 0 ? oosFlagged / flaggedTotal : 0), recall: round(oosFlagged / oosTotal) }
        : null,
    ...speed,
  };
}

/** Throughput over the whole set after a warm-up pass, and per-message latency percentiles. */
function measureSpeed(model: IntentModel, examples: readonly LabelledMessage[]) {
  const texts = examples.map((example) => example.text);
  for (let i = 0; i < Math.min(texts.length, 2000); i++) model.classify(texts[i]);
  const rounds = Math.max(1, Math.ceil(20_000 / Math.max(1, texts.length)));
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const text of texts) model.classify(text);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const latencies = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const begin = process.hrtime.bigint();
    model.predict(texts[i]);
    latencies[i] = Number(process.hrtime.bigint() - begin) / 1e6;
  }
  latencies.sort();
  const at = (share: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0);
  return {
    messagesPerSecond: Math.round((rounds * texts.length) / Math.max(seconds, 1e-9)),
    latencyMs: { p50: at(0.5), p99: at(0.99) },
  };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
