// Sentiment from the AFINN-165 lexicon (the `sentiment` package, with negation and emoji), scaled to [-1, 1].
import Sentiment from "sentiment";

export type SentimentLabel = "negative" | "neutral" | "positive";

export interface SentimentResult {
  /** From -1 (very negative) to 1 (very positive). */
  score: number;
  label: SentimentLabel;
  /** The lexicon words that moved the score, most negative first. */
  words: string[];
}

const analyser = new Sentiment();
/**
 * AFINN scores everyday words of support requests as emotional ("I would like", "please help", "I was charged",
 * "cancel my plan"). In a helpdesk they are routine, so they count for nothing here.
 */
const helpdeskNeutral: Record<string, number> = {
  like: 0,
  please: 0,
  help: 0,
  support: 0,
  want: 0,
  free: 0,
  charged: 0,
  cancel: 0,
  pay: 0,
  no: 0,
  yes: 0,
  save: 0,
  interested: 0,
  hope: 0,
  increase: 0,
  matter: 0,
  accept: 0,
};
const options = { extras: helpdeskNeutral };
// AFINN's comparative score is the sum of word valences (-5..5) over the word count; ±0.05 is the customary neutral band.
const NEUTRAL_BAND = 0.05;

export function analyseSentiment(text: string): SentimentResult {
  const result = analyser.analyze(text, options);
  // tanh keeps the scale bounded while staying linear near zero
  const score = Math.round(Math.tanh(result.comparative) * 1000) / 1000;
  const label: SentimentLabel = score <= -NEUTRAL_BAND ? "negative" : score >= NEUTRAL_BAND ? "positive" : "neutral";
  const words = [...result.negative, ...result.positive];
  return { score, label, words };
}
