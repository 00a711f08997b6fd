// triage(): what a message is about, how sure we are, its language, tone and priority. Pure and synchronous.
import { z } from "zod";
import { TandemError } from "../errors.js";
import { type IntentModel, type IntentScore, UNKNOWN_INTENT } from "./intent-model.js";
import { detectLanguage, type DetectedLanguage } from "./language.js";
import { assessPriority, type Priority, type PrioritySignal } from "./priority.js";
import { analyseSentiment, type SentimentResult } from "./sentiment.js";
import { starterModel } from "./starter-model.js";

/** Longest message triaged; longer text is cut here (the opening says what a message is about). */
export const MAX_MESSAGE_CHARS = 20_000;

export const messageSchema = z.string({ error: "the message must be text" }).trim().min(1, "the message is empty");

export interface TriageContext {
  /** The intent model to use; the starter model when absent. */
  model?: IntentModel;
  /** The customer's tier or plan, when a connector knows it. */
  tier?: string;
  intentPriorities?: Readonly<Record<string, Priority>>;
  /** How many next-best intents to report (default 3). */
  alternatives?: number;
}

export interface TriageResult {
  intent: string;
  confidence: number;
  /** The model's best guess even when `intent` is "unknown". */
  bestGuess: string;
  outOfScope: boolean;
  alternatives: IntentScore[];
  language: DetectedLanguage;
  /** Tone, with the lexicon words that moved it. */
  sentiment: SentimentResult;
  priority: Priority;
  signals: PrioritySignal[];
}

export function triage(message: unknown, context: TriageContext = {}): TriageResult {
  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) {
    throw new TandemError("invalid_input", parsed.error.issues[0]?.message ?? "invalid message", { where: { path: "message" } });
  }
  const text = parsed.data.length > MAX_MESSAGE_CHARS ? parsed.data.slice(0, MAX_MESSAGE_CHARS) : parsed.data;
  const model = context.model ?? starterModel();
  const prediction = model.predict(text, context.alternatives ?? 3);
  const sentiment = analyseSentiment(text);
  const { priority, signals } = assessPriority({
    text,
    lower: text.toLowerCase(),
    intent: prediction.intent,
    sentiment,
    tier: context.tier,
    intentPriorities: context.intentPriorities,
  });
  return {
    intent: prediction.intent,
    confidence: prediction.confidence,
    bestGuess: prediction.bestGuess,
    outOfScope: prediction.intent === UNKNOWN_INTENT,
    alternatives: prediction.alternatives,
    language: detectLanguage(text),
    sentiment,
    priority,
    signals,
  };
}
