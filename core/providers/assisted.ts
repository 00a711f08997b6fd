// Never worse than the local path: a provider's draft is awaited within a time budget; a timeout, 429, 5xx, refusal,
// malformed or ungrounded answer falls back to the local suggestion, is counted by reason and reported without content;
// after repeated failures a circuit breaker stops calling the provider for a while.
import {
  type ClassifyInput,
  type Draft,
  type DraftInput,
  localProvider,
  ProviderError,
  type ProviderUsage,
  type ReplyProvider,
  type SummaryInput,
} from "./provider.js";

export type Operation = "draft" | "summary" | "triage";

export type FallbackReason =
  "timeout" | "rate_limited" | "server_error" | "refusal" | "malformed" | "ungrounded" | "no_citation" | "error" | "circuit_open";

export interface DraftOutcome {
  draft: Draft | undefined;
  provider: string;
  /** Why the local draft was used instead, when it was. */
  fallback?: FallbackReason;
  usage?: ProviderUsage;
  ms: number;
}

export interface AssistedDrafterOptions {
  /** Time budget for the provider's answer (default 4 s). */
  budgetMs?: number;
  /** Failures in a row that open the circuit (default 3). */
  failuresToOpen?: number;
  /** How long the circuit stays open (default 60 s). */
  openMs?: number;
  /** Called with every outcome (no content), e.g. to record tokens and cost. */
  onOutcome?: (outcome: Omit<DraftOutcome, "draft"> & { operation: Operation }) => void;
  now?: () => number;
}

export function fallbackReason(error: unknown): FallbackReason {
  if (error instanceof ProviderError) return error.reason;
  const failure = error as { name?: string; status?: number };
  if (failure.name === "AbortError" || failure.name === "APIUserAbortError" || failure.name === "TimeoutError") return "timeout";
  if (failure.status === 429) return "rate_limited";
  if (failure.status !== undefined && failure.status >= 500) return "server_error";
  return "error";
}

export class AssistedDrafter {
  private failures = 0;
  private openUntil = 0;
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly provider: ReplyProvider,
    private readonly options: AssistedDrafterOptions = {},
  ) {}

  private count(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /** Runs one provider call under the budget and the breaker; undefined (with the reason) when the caller keeps its own. */
  private async guarded<T>(
    operation: Operation,
    call: (signal: AbortSignal) => Promise<{ value: T; usage?: ProviderUsage }>,
  ): Promise<{ value?: T; fallback?: FallbackReason; usage?: ProviderUsage; ms: number }> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const fallback = (reason: FallbackReason) => {
      this.count(`fallback:${reason}`);
      const ms = now() - started;
      this.options.onOutcome?.({ provider: this.provider.name, fallback: reason, ms, operation });
      return { fallback: reason, ms };
    };
    if (now() < this.openUntil) return fallback("circuit_open");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.budgetMs ?? 4_000);
    try {
      const { value, usage } = await call(controller.signal);
      this.failures = 0;
      this.count("ok");
      const ms = now() - started;
      this.options.onOutcome?.({ provider: this.provider.name, ms, operation, ...(usage ? { usage } : {}) });
      return { value, ms, ...(usage ? { usage } : {}) };
    } catch (error) {
      const reason = controller.signal.aborted ? "timeout" : fallbackReason(error);
      // an answer the checks refused says nothing about the provider's health
      if (!["ungrounded", "no_citation"].includes(reason) && ++this.failures >= (this.options.failuresToOpen ?? 3)) {
        this.openUntil = now() + (this.options.openMs ?? 60_000);
        this.failures = 0;
      }
      return fallback(reason);
    } finally {
      clearTimeout(timer);
    }
  }

  async draft(input: DraftInput): Promise<DraftOutcome> {
    const result = await this.guarded("draft", async (signal) => {
      const { draft, usage } = await this.provider.draft(input, signal);
      return { value: draft, ...(usage ? { usage } : {}) };
    });
    if (result.value)
      return { draft: result.value, provider: this.provider.name, ms: result.ms, ...(result.usage ? { usage: result.usage } : {}) };
    const local = await localProvider.draft(input, new AbortController().signal).catch(() => undefined);
    return { draft: local?.draft, provider: "local", ms: result.ms, ...(result.fallback ? { fallback: result.fallback } : {}) };
  }

  /** A model's summary of the conversation for the handoff, or undefined (the local summary stays). */
  async summarise(input: SummaryInput): Promise<string | undefined> {
    const summarise = this.provider.summarise?.bind(this.provider);
    if (!summarise) return undefined;
    return (
      await this.guarded("summary", async (signal) => {
        const { summary, usage } = await summarise(input, signal);
        return { value: summary, ...(usage ? { usage } : {}) };
      })
    ).value;
  }

  /** A model's reading of the intent when the local model is unsure, or undefined. */
  async secondOpinion(input: ClassifyInput): Promise<string | undefined> {
    const classify = this.provider.classify?.bind(this.provider);
    if (!classify) return undefined;
    return (
      await this.guarded("triage", async (signal) => {
        const { intent, usage } = await classify(input, signal);
        return { value: intent, ...(usage ? { usage } : {}) };
      })
    ).value;
  }
}
