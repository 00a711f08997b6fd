// Calibration on held-out data: a softmax temperature (lowest log-loss) and the confidence below which "unknown" is safer than a guess.

function softmaxAt(
  logits: Float64Array,
  temperature: number,
  index: number,
): { probability: number; best: number; bestProbability: number } {
  let max = -Infinity;
  let best = 0;
  for (let k = 0; k < logits.length; k++) {
    if (logits[k] > max) {
      max = logits[k];
      best = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < logits.length; k++) sum += Math.exp((logits[k] - max) / temperature);
  return {
    probability: index < 0 ? 0 : Math.exp((logits[index] - max) / temperature) / sum,
    best,
    bestProbability: 1 / sum,
  };
}

function negativeLogLikelihood(logits: readonly Float64Array[], targets: readonly number[], temperature: number): number {
  let total = 0;
  for (let i = 0; i < logits.length; i++) total -= Math.log(Math.max(1e-12, softmaxAt(logits[i], temperature, targets[i]).probability));
  return total / Math.max(1, logits.length);
}

/** Golden-section search over log(temperature) in [0.05, 20]. */
export function calibrateTemperature(logits: readonly Float64Array[], targets: readonly number[], _labels: number): number {
  if (logits.length === 0) return 1;
  let low = Math.log(0.05);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = negativeLogLikelihood(logits, targets, Math.exp(a));
  let fb = negativeLogLikelihood(logits, targets, Math.exp(b));
  for (let iteration = 0; iteration < 40; iteration++) {
    if (fa < fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = negativeLogLikelihood(logits, targets, Math.exp(a));
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = negativeLogLikelihood(logits, targets, Math.exp(b));
    }
  }
  return Math.round(Math.exp((low + high) / 2) * 1e6) / 1e6;
}

/**
 * The confidence threshold that maximises (right answers accepted − wrong answers accepted + out-of-scope refused):
 * below it a forced intent is more often wrong than right. Refusing an in-scope message costs nothing here,
 * because it goes to a person, who gets it right.
 */
export function chooseThreshold(
  logits: readonly Float64Array[],
  targets: readonly number[],
  outOfScope: readonly Float64Array[],
  _labels: number,
  temperature: number,
): number {
  const points: { confidence: number; gain: number }[] = [];
  for (let i = 0; i < logits.length; i++) {
    const { best, bestProbability } = softmaxAt(logits[i], temperature, -1);
    points.push({ confidence: bestProbability, gain: best === targets[i] ? 1 : -1 });
  }
  for (const scores of outOfScope) {
    points.push({ confidence: softmaxAt(scores, temperature, -1).bestProbability, gain: -1 });
  }
  if (points.length === 0) return 0;
  points.sort((x, y) => x.confidence - y.confidence);
  // Threshold at 0 accepts everything; raising it past point i removes that point's gain.
  let utility = points.reduce((total, point) => total + point.gain, 0);
  let bestUtility = utility;
  let bestThreshold = 0;
  for (let i = 0; i < points.length; i++) {
    utility -= points[i].gain;
    const next = i + 1 < points.length ? points[i + 1].confidence : 1;
    if (next === points[i].confidence) continue;
    if (utility > bestUtility) {
      bestUtility = utility;
      bestThreshold = (points[i].confidence + next) / 2;
    }
  }
  return Math.round(bestThreshold * 1e4) / 1e4;
}

export function summariseHeldOut(
  logits: readonly Float64Array[],
  targets: readonly number[],
  labels: number,
  temperature: number,
  threshold: number,
) {
  const truePositive = new Float64Array(labels);
  const predicted = new Float64Array(labels);
  const actual = new Float64Array(labels);
  let correct = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  for (let i = 0; i < logits.length; i++) {
    const { best, bestProbability } = softmaxAt(logits[i], temperature, -1);
    predicted[best]++;
    actual[targets[i]]++;
    if (best === targets[i]) {
      correct++;
      truePositive[best]++;
    }
    if (bestProbability >= threshold) {
      accepted++;
      if (best === targets[i]) acceptedCorrect++;
    }
  }
  let f1Sum = 0;
  let present = 0;
  for (let k = 0; k < labels; k++) {
    if (actual[k] === 0) continue;
    present++;
    const precision = predicted[k] > 0 ? truePositive[k] / predicted[k] : 0;
    const recall = truePositive[k] / actual[k];
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  const n = Math.max(1, logits.length);
  const round = (value: number) => Math.round(value * 1e4) / 1e4;
  return {
    examples: logits.length,
    accuracy: round(correct / n),
    macroF1: round(present > 0 ? f1Sum / present : 0),
    coverage: round(accepted / n),
    acceptedAccuracy: round(accepted > 0 ? acceptedCorrect / accepted : 0),
  };
}
