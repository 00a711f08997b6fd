// The triage block of `npm run bench`: Tandem's intent model against NLP.js and natural on the same split.
import { evaluateModel } from "../core/triage/evaluate.js";
import { encodeModel } from "../core/triage/model-file.js";
import { trainIntentModel } from "../core/triage/train-intent-model.js";
import type { SplitDataset } from "./datasets.js";
import { createNaturalPeer } from "./peers/natural-peer.js";
import { createNlpjsPeer } from "./peers/nlpjs-peer.js";
import type { Peer } from "./peers/peer.js";

export interface TriageRow {
  dataset: string;
  system: string;
  accuracy: number;
  macroF1: number;
  trainingSeconds: number;
  messagesPerSecond: number;
  modelBytes: number;
}

export async function benchTriage(dataset: SplitDataset, log: (line: string) => void): Promise<TriageRow[]> {
  const rows: TriageRow[] = [];
  log(`${dataset.name}: ${dataset.train.length} training and ${dataset.test.length} test messages`);

  const started = performance.now();
  const model = trainIntentModel(dataset.train, { source: dataset.name });
  const trainingSeconds = (performance.now() - started) / 1000;
  const report = evaluateModel(model, dataset.test);
  rows.push({
    dataset: dataset.name,
    system: "Tandem (hashed n-grams, softmax)",
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    trainingSeconds,
    messagesPerSecond: report.messagesPerSecond,
    modelBytes: encodeModel(model).byteLength,
  });
  log(`  Tandem: accuracy ${report.accuracy.toFixed(4)}, p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms`);

  for (const peer of [createNlpjsPeer(), createNaturalPeer()]) {
    rows.push(await benchPeer(peer, dataset));
    log(`  ${peer.name}: accuracy ${rows[rows.length - 1].accuracy.toFixed(4)}`);
  }
  return rows;
}

async function benchPeer(peer: Peer, dataset: SplitDataset): Promise<TriageRow> {
  const started = performance.now();
  await peer.train(dataset.train);
  const trainingSeconds = (performance.now() - started) / 1000;
  const predictions: string[] = [];
  for (const example of dataset.test.slice(0, 200)) await peer.predict(example.text); // warm-up
  const timed = performance.now();
  for (const example of dataset.test) predictions.push(await peer.predict(example.text));
  const seconds = (performance.now() - timed) / 1000;
  const { accuracy, macroF1 } = scorePredictions(
    dataset.test.map((example) => example.label),
    predictions,
  );
  return {
    dataset: dataset.name,
    system: peer.name,
    accuracy,
    macroF1,
    trainingSeconds,
    messagesPerSecond: Math.round(dataset.test.length / seconds),
    modelBytes: peer.modelBytes(),
  };
}

export function scorePredictions(truth: readonly string[], predicted: readonly string[]): { accuracy: number; macroF1: number } {
  const labels = new Set(truth);
  let correct = 0;
  const truePositive = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const actualCount = new Map<string, number>();
  truth.forEach((label, i) => {
    actualCount.set(label, (actualCount.get(label) ?? 0) + 1);
    predictedCount.set(predicted[i], (predictedCount.get(predicted[i]) ?? 0) + 1);
    if (predicted[i] === label) {
      correct++;
      truePositive.set(label, (truePositive.get(label) ?? 0) + 1);
    }
  });
  let f1 = 0;
  for (const label of labels) {
    const tp = truePositive.get(label) ?? 0;
    const precision = tp / Math.max(1, predictedCount.get(label) ?? 0);
    const recall = tp / Math.max(1, actualCount.get(label) ?? 0);
    f1 += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { accuracy: round(correct / Math.max(1, truth.length)), macroF1: round(f1 / Math.max(1, labels.size)) };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
