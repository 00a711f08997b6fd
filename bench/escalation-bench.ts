// The escalation block of `npm run bench`: asking for a person (Bitext) and frustration (GoEmotions), each beside a baseline.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import Sentiment from "sentiment";
import { detectAskForHuman, detectFrustration } from "../core/decide/signals.js";
import { analyseSentiment } from "../core/triage/sentiment.js";
import { readLabelledFile } from "../core/triage/labelled-data.js";

export interface EscalationRow {
  measure: string;
  dataset: string;
  value: string;
  target: string;
}

export function benchAskForPerson(dataDir: string): EscalationRow[] {
  const all = readLabelledFile(join(dataDir, "bitext_customer_service/bitext_customer_service.csv"), {
    text: "utterance",
    label: "intent",
  });
  let asked = 0;
  let caught = 0;
  let others = 0;
  let wronglyCaught = 0;
  for (const example of all) {
    const hit = detectAskForHuman(example.text.toLowerCase()).strength > 0;
    if (example.label === "contact_human_agent") {
      asked++;
      if (hit) caught++;
    } else {
      others++;
      if (hit) wronglyCaught++;
    }
  }
  return [
    {
      measure: "asks for a person: contact_human_agent caught",
      dataset: `Bitext (${asked})`,
      value: (caught / asked).toFixed(4),
      target: "≥ 0.98",
    },
    {
      measure: "asks for a person: other messages caught",
      dataset: `Bitext (${others})`,
      value: (wronglyCaught / others).toFixed(4),
      target: "≤ 0.02",
    },
  ];
}

const FRUSTRATED = new Set(["anger", "annoyance", "disappointment", "disgust", "disapproval"]);

export function benchFrustration(dataDir: string): EscalationRow[] {
  const rows: { split: string; text: string; labels: string }[] = parse(readFileSync(join(dataDir, "goemotions/goemotions.csv")), {
    columns: true,
  });
  const test = rows.filter((row) => row.split === "test");
  const truth = test.map((row) => row.labels.split(";").some((label) => FRUSTRATED.has(label)));
  const afinn = new Sentiment();
  const baseline = test.map((row) => -afinn.analyze(row.text).comparative);
  const ours = test.map((row) => detectFrustration(row.text, row.text.toLowerCase(), analyseSentiment(row.text)).raw);
  return [
    {
      measure: "frustration ROC-AUC, Tandem signal",
      dataset: `GoEmotions test (${test.length})`,
      value: rocAuc(ours, truth).toFixed(4),
      target: "> AFINN",
    },
    {
      measure: "frustration ROC-AUC, AFINN baseline",
      dataset: `GoEmotions test (${test.length})`,
      value: rocAuc(baseline, truth).toFixed(4),
      target: "floor",
    },
  ];
}

/** Area under the ROC curve by ranks (ties share their average rank). */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1].score === order[i].score) j++;
    for (let k = i; k <= j; k++) ranks[order[k].index] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  positive.forEach((isPositive, index) => {
    if (isPositive) {
      positives++;
      rankSum += ranks[index];
    }
  });
  const negatives = scores.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / Math.max(1, positives * negatives);
}
