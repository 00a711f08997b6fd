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
// AFINN's comparative score is the sum of word valences (-5..5) over the word count; ±0.05 is the customary neutral band.
const NEUTRAL_BAND = 0.05;

export function analyseSentiment(text: string): SentimentResult {
  const result = analyser.analyze(text);
  // tanh keeps the scale bounded while staying linear near zero
  const score = Math.round(Math.tanh(result.comparative) * 1000) / 1000;
  const label: SentimentLabel = score <= -NEUTRAL_BAND ? "negative" : score >= NEUTRAL_BAND ? "positive" : "neutral";
  const words = [...result.negative, ...result.positive];
  return { score, label, words };
}
