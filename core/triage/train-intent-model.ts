// Trains the intent model: hashed features, a softmax layer fitted with lazy AdamW, temperature and unknown-threshold calibrated on held-out data.
import { TandemError } from "../errors.js";
import { Featurizer, defaultFeatureConfig, type FeatureConfig } from "./features.js";
import { IntentModel, type IntentModelMetadata } from "./intent-model.js";
import { createRandom, shuffleInPlace } from "./random.js";
import { calibrateTemperature, chooseThreshold, summariseHeldOut } from "./calibration.js";

export interface LabelledMessage {
  text: string;
  label: string;
  /** Where the example came from, for error messages (e.g. "train.csv line 12"). */
  line?: number;
}

export interface TrainOptions {
  features?: FeatureConfig;
  /** Passes over the data: 4, or 20 for fewer than 2,000 examples. */
  epochs?: number;
  learningRate?: number;
  weightDecay?: number;
  /** Features seen in fewer examples are dropped. */
  minCount?: number;
  seed?: number;
  /** Share of each label held out to calibrate confidence and the unknown threshold. */
  heldOutShare?: number;
  /** Retrain on all examples after calibration (the calibration is kept). */
  refit?: boolean;
  /** Labels that mean "none of the intents" in the data; they calibrate the unknown threshold and are not learned. */
  outOfScopeLabels?: readonly string[];
  source?: string;
  file?: string;
}

const SMALL_SET = 2000;
const SMALL_SET_EPOCHS = 20;

const defaults = {
  epochs: 4,
  learningRate: 0.01,
  weightDecay: 0.1,
  minCount: 1,
  seed: 42,
  heldOutShare: 0.1,
  refit: true,
};

interface Encoded {
  /** CSR: example i owns features [offsets[i], offsets[i+1]). */
  offsets: Int32Array;
  rows: Int32Array;
  values: Float32Array;
  targets: Int32Array;
}

export function trainIntentModel(examples: readonly LabelledMessage[], options: TrainOptions = {}): IntentModel {
  // small sets (a starter set, a new team's first tickets) need more passes to converge
  const epochs = examples.length < SMALL_SET ? SMALL_SET_EPOCHS : defaults.epochs;
  const settings = { ...defaults, epochs, ...withoutUndefined(options) };
  const features = options.features ?? defaultFeatureConfig;
  const outOfScope = new Set(options.outOfScopeLabels ?? []);
  const { labels, inScope, oos } = checkExamples(examples, outOfScope, options.file);
  const labelIndex = new Map(labels.map((label, index) => [label, index]));

  const featurizer = new Featurizer(features);
  const vocabulary = buildVocabulary(featurizer, inScope, settings.minCount);
  const encoded = encode(featurizer, vocabulary.index, inScope, labelIndex);
  const random = createRandom(settings.seed);

  const { train, heldOut } = stratifiedSplit(encoded.targets, labels.length, settings.heldOutShare, random);
  const first = fitSoftmax(encoded, train, vocabulary.keys.length, labels.length, settings, random);
  const heldOutLogits = logitsFor(encoded, heldOut, first, labels.length);
  const oosEncoded = encode(featurizer, vocabulary.index, oos, undefined);
  const oosLogits = logitsFor(oosEncoded, range(oos.length), first, labels.length);
  const heldOutTargets = heldOut.map((i) => encoded.targets[i]);
  const temperature = calibrateTemperature(heldOutLogits, heldOutTargets, labels.length);
  const threshold = chooseThreshold(heldOutLogits, heldOutTargets, oosLogits, labels.length, temperature);
  const summary = summariseHeldOut(heldOutLogits, heldOutTargets, labels.length, temperature, threshold);

  const final =
    settings.refit && heldOut.length > 0
      ? fitSoftmax(encoded, range(encoded.targets.length), vocabulary.keys.length, labels.length, settings, random)
      : first;
  const quantised = quantise(final.weights, vocabulary.keys.length, labels.length);
  const metadata: IntentModelMetadata = {
    temperature,
    threshold,
    seed: settings.seed,
    trainedExamples: inScope.length,
    heldOut: summary,
    source: options.source ?? "",
  };
  return new IntentModel({
    labels,
    features,
    metadata,
    keys: vocabulary.keys,
    scales: quantised.scales,
    weights: quantised.weights,
    bias: final.bias,
  });
}

function checkExamples(examples: readonly LabelledMessage[], outOfScope: ReadonlySet<string>, file: string | undefined) {
  const counts = new Map<string, { count: number; line: number | undefined }>();
  const inScope: LabelledMessage[] = [];
  const oos: LabelledMessage[] = [];
  for (const example of examples) {
    if (example.text.trim() === "") {
      throw new TandemError("invalid_data", "empty message text", { where: { file, line: example.line, column: "text" } });
    }
    if (outOfScope.has(example.label)) {
      oos.push(example);
      continue;
    }
    inScope.push(example);
    const entry = counts.get(example.label);
    if (entry) entry.count++;
    else counts.set(example.label, { count: 1, line: example.line });
  }
  if (counts.size < 2) {
    throw new TandemError("invalid_data", `training needs at least two intents with examples; found ${counts.size}`, { where: { file } });
  }
  for (const [label, { count, line }] of counts) {
    if (count < 2) {
      throw new TandemError("invalid_data", `intent "${label}" has only one example; give it at least two (or remove it)`, {
        where: { file, line, column: "label" },
      });
    }
  }
  const labels = [...counts.keys()].sort();
  return { labels, inScope, oos };
}

function buildVocabulary(featurizer: Featurizer, examples: readonly LabelledMessage[], minCount: number) {
  const documentFrequency = new Map<number, number>();
  for (const example of examples) {
    const count = featurizer.extract(example.text);
    for (let f = 0; f < count; f++) {
      const hash = featurizer.hashes[f];
      documentFrequency.set(hash, (documentFrequency.get(hash) ?? 0) + 1);
    }
  }
  const kept: number[] = [];
  for (const [hash, frequency] of documentFrequency) if (frequency >= minCount) kept.push(hash);
  const keys = Uint32Array.from(kept).sort();
  const index = new Map<number, number>();
  for (let row = 0; row < keys.length; row++) index.set(keys[row], row);
  return { keys, index };
}

function encode(
  featurizer: Featurizer,
  index: ReadonlyMap<number, number>,
  examples: readonly LabelledMessage[],
  labelIndex: ReadonlyMap<string, number> | undefined,
): Encoded {
  const offsets = new Int32Array(examples.length + 1);
  const rows: number[] = [];
  const values: number[] = [];
  const targets = new Int32Array(examples.length);
  examples.forEach((example, i) => {
    const count = featurizer.extract(example.text);
    for (let f = 0; f < count; f++) {
      const row = index.get(featurizer.hashes[f]);
      if (row === undefined) continue;
      rows.push(row);
      values.push(featurizer.values[f]);
    }
    offsets[i + 1] = rows.length;
    targets[i] = labelIndex ? (labelIndex.get(example.label) ?? -1) : -1;
  });
  return { offsets, rows: Int32Array.from(rows), values: Float32Array.from(values), targets };
}

function stratifiedSplit(targets: Int32Array, labels: number, share: number, random: () => number) {
  const byLabel: number[][] = Array.from({ length: labels }, () => []);
  targets.forEach((target, i) => byLabel[target].push(i));
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const members of byLabel) {
    shuffleInPlace(members, random);
    // keep at least one example of every label in training
    const take = Math.min(members.length - 1, Math.round(members.length * share));
    heldOut.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return { train: train.sort((a, b) => a - b), heldOut: heldOut.sort((a, b) => a - b) };
}

interface Softmax {
  weights: Float32Array;
  bias: Float32Array;
}

function fitSoftmax(
  data: Encoded,
  order: number[],
  features: number,
  labels: number,
  settings: typeof defaults,
  random: () => number,
): Softmax {
  const weights = new Float32Array(features * labels);
  const bias = new Float32Array(labels);
  const m = new Float32Array(features * labels);
  const v = new Float32Array(features * labels);
  const mBias = new Float32Array(labels);
  const vBias = new Float32Array(labels);
  const gradient = new Float64Array(labels);
  const scores = new Float64Array(labels);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  const examples = order.slice();
  const totalSteps = Math.max(1, settings.epochs * examples.length);
  let step = 0;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    shuffleInPlace(examples, random);
    for (const i of examples) {
      step++;
      const start = data.offsets[i];
      const end = data.offsets[i + 1];
      for (let k = 0; k < labels; k++) scores[k] = bias[k];
      for (let f = start; f < end; f++) {
        const offset = data.rows[f] * labels;
        const x = data.values[f];
        for (let k = 0; k < labels; k++) scores[k] += x * weights[offset + k];
      }
      let max = -Infinity;
      for (let k = 0; k < labels; k++) if (scores[k] > max) max = scores[k];
      let sum = 0;
      for (let k = 0; k < labels; k++) {
        scores[k] = Math.exp(scores[k] - max);
        sum += scores[k];
      }
      const target = data.targets[i];
      for (let k = 0; k < labels; k++) gradient[k] = scores[k] / sum - (k === target ? 1 : 0);
      // linear decay of the step size, Adam's bias correction folded into it
      const decay = 1 - step / (totalSteps + 1);
      const rate = (settings.learningRate * decay * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let k = 0; k < labels; k++) {
        const g = gradient[k];
        mBias[k] = beta1 * mBias[k] + (1 - beta1) * g;
        vBias[k] = beta2 * vBias[k] + (1 - beta2) * g * g;
        bias[k] -= (rate * mBias[k]) / (Math.sqrt(vBias[k]) + epsilon);
      }
      const shrink = 1 - settings.learningRate * decay * settings.weightDecay;
      for (let f = start; f < end; f++) {
        const offset = data.rows[f] * labels;
        const x = data.values[f];
        for (let k = 0; k < labels; k++) {
          const g = gradient[k] * x;
          const at = offset + k;
          const mk = beta1 * m[at] + (1 - beta1) * g;
          const vk = beta2 * v[at] + (1 - beta2) * g * g;
          m[at] = mk;
          v[at] = vk;
          weights[at] = weights[at] * shrink - (rate * mk) / (Math.sqrt(vk) + epsilon);
        }
      }
    }
  }
  return { weights, bias };
}

function logitsFor(data: Encoded, indices: readonly number[], model: Softmax, labels: number): Float64Array[] {
  return indices.map((i) => {
    const scores = new Float64Array(labels);
    for (let k = 0; k < labels; k++) scores[k] = model.bias[k];
    for (let f = data.offsets[i]; f < data.offsets[i + 1]; f++) {
      const offset = data.rows[f] * labels;
      const x = data.values[f];
      for (let k = 0; k < labels; k++) scores[k] += x * model.weights[offset + k];
    }
    return scores;
  });
}

function quantise(weights: Float32Array, rows: number, labels: number) {
  const scales = new Float32Array(rows);
  const quantised = new Int8Array(rows * labels);
  for (let row = 0; row < rows; row++) {
    const offset = row * labels;
    let max = 0;
    for (let k = 0; k < labels; k++) max = Math.max(max, Math.abs(weights[offset + k]));
    const scale = max > 0 ? max / 127 : 1;
    scales[row] = scale;
    for (let k = 0; k < labels; k++) quantised[offset + k] = Math.round(weights[offset + k] / scale);
  }
  return { scales, weights: quantised };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
