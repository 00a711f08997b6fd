// Writing providers: a draft grounded in the knowledge base for a message. The local provider (the macros and passages
// the core already chose) is the default and the fallback; a language model may improve the draft when configured, and
// anything it returns is checked before it replaces the local one.
import type { Decision } from "../decide/decide.js";
import type { TranscriptEntry } from "../decide/handoff.js";
import type { Passage } from "../decide/knowledge-base.js";

export interface DraftInput {
  /** The customer's message, as written. */
  message: string;
  decision: Decision;
  /** The passages the draft may use (the best knowledge-base passages for the message). */
  passages: readonly Passage[];
  customerName?: string | undefined;
  humanContact: string;
}

export interface Draft {
  text: string;
  /** Passage ids the draft is built on. */
  citations: string[];
  provider: string;
}

export interface ProviderUsage {
  promptTokens: number;
  completionTokens: number;
  /** In the currency the prices are given in (per million tokens). */
  cost: number;
}

export interface SummaryInput {
  transcript: readonly TranscriptEntry[];
  intent: string;
  reasons: readonly string[];
  customerName?: string | undefined;
}

export interface ClassifyInput {
  message: string;
  /** The intents the answer must be one of. */
  intents: readonly string[];
}

export interface ReplyProvider {
  readonly name: string;
  /** A draft, or an error (timeout, refusal, malformed answer, ungrounded draft): the caller falls back. */
  draft(input: DraftInput, signal: AbortSignal): Promise<{ draft: Draft; usage?: ProviderUsage }>;
  /** A short summary of the conversation for the person who takes over; every fact from the transcript. */
  summarise?(input: SummaryInput, signal: AbortSignal): Promise<{ summary: string; usage?: ProviderUsage }>;
  /** One of the given intents for a message the local model is unsure of, or "unknown". */
  classify?(input: ClassifyInput, signal: AbortSignal): Promise<{ intent: string; usage?: ProviderUsage }>;
}

/** The local path: the suggestion the core made from a macro or passages, unchanged. */
export const localProvider: ReplyProvider = {
  name: "local",
  draft(input) {
    const suggestion = input.decision.suggestion;
    if (!suggestion) return Promise.reject(new Error("no local suggestion"));
    return Promise.resolve({
      draft: { text: suggestion.text, citations: suggestion.sources.map((source) => source.passage ?? source.article), provider: "local" },
    });
  },
};

/** A provider's answer that cannot be used: the caller falls back to the local draft. */
export class ProviderError extends Error {
  constructor(
    readonly reason: "refusal" | "malformed" | "ungrounded" | "no_citation",
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
