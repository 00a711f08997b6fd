// Never worse than the local path: a provider's draft is awaited within a time budget; a timeout, 429, 5xx, refusal,
// malformed or ungrounded answer falls back to the local suggestion, is counted by reason and reported without content;
// after repeated failures a circuit breaker stops calling the provider for a while.
import { type Draft, type DraftInput, localProvider, ProviderError, type ProviderUsage, type ReplyProvider } from "./provider.js";

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
  onOutcome?: (outcome: Omit<DraftOutcome, "draft"> & { operation: "draft" }) => void;
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

  async draft(input: DraftInput): Promise<DraftOutcome> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const local = async (fallback: FallbackReason): Promise<DraftOutcome> => {
      this.count(`fallback:${fallback}`);
      const result = await localProvider.draft(input, new AbortController().signal).catch(() => undefined);
      const outcome: DraftOutcome = { draft: result?.draft, provider: "local", fallback, ms: now() - started };
      this.options.onOutcome?.({ provider: this.provider.name, fallback, ms: outcome.ms, operation: "draft" });
      return outcome;
    };
    if (now() < this.openUntil) return local("circuit_open");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.budgetMs ?? 4_000);
    try {
      const { draft, usage } = await this.provider.draft(input, controller.signal);
      this.failures = 0;
      this.count("ok");
      const outcome: DraftOutcome = { draft, provider: this.provider.name, ms: now() - started, ...(usage ? { usage } : {}) };
      this.options.onOutcome?.({ provider: this.provider.name, ms: outcome.ms, operation: "draft", ...(usage ? { usage } : {}) });
      return outcome;
    } catch (error) {
      const reason = controller.signal.aborted ? "timeout" : fallbackReason(error);
      // a draft the checks refused says nothing about the provider's health
      if (!["ungrounded", "no_citation"].includes(reason) && ++this.failures >= (this.options.failuresToOpen ?? 3)) {
        this.openUntil = now() + (this.options.openMs ?? 60_000);
        this.failures = 0;
      }
      return local(reason);
    } finally {
      clearTimeout(timer);
    }
  }
}
