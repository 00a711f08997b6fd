// Processes recorded inbound events after they were acknowledged: each by the handler of its source, once; a failure is kept
// with its error for a person to see, and an instance that dies mid-way leaves the event to another after its lease. A
// failure the handler marks retryable (the remote it reads from answered 429 or 5xx) is tried again after a back-off.
import { Poller } from "./poller.js";
import type { EventRow, Store } from "./store.js";

export type EventHandler = (event: EventRow) => Promise<void>;

export interface EventWorkerOptions {
  batchSize?: number;
  leaseMs?: number;
  idleMs?: number;
  onError?: (event: EventRow | undefined, error: unknown) => void;
  /** Handles events of a source that has no handler of its own. */
  fallback?: EventHandler | undefined;
  /** A handler's failure marked retryable (a remote's 429 or outage) is tried again, this many times in all. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** What a handler throws when the event should be tried again later (DeliveryError has this shape). */
interface Retryable {
  retryable: boolean;
  retryAfterMs?: number | undefined;
}

function isRetryable(error: unknown): error is Retryable {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export class EventWorker {
  private readonly poller: Poller;
  private readonly options: Required<Omit<EventWorkerOptions, "fallback">> & { fallback: EventHandler | undefined };

  constructor(
    private readonly store: Store,
    private readonly handlers: ReadonlyMap<string, EventHandler>,
    options: EventWorkerOptions = {},
  ) {
    this.options = {
      batchSize: 20,
      leaseMs: 60_000,
      idleMs: 200,
      onError: () => {},
      maxAttempts: 8,
      baseDelayMs: 2_000,
      maxDelayMs: 10 * 60_000,
      ...options,
      fallback: options.fallback,
    };
    this.poller = new Poller(() => this.runOnce(), {
      idleMs: this.options.idleMs,
      onError: (error) => this.options.onError(undefined, error),
    });
  }

  start(): void {
    this.poller.start();
  }

  wake(): void {
    this.poller.wake();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Events of one conversation arrive in order, so a batch is handled one event after another. */
  async runOnce(): Promise<number> {
    const events = await this.store.claimEvents(this.options.batchSize, this.options.leaseMs);
    for (const event of events) {
      const handler = this.handlers.get(event.source) ?? this.options.fallback;
      try {
        if (!handler) throw new Error(`no handler for events from ${event.source}`);
        await handler(event);
        await this.store.finishEvent(event.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (isRetryable(error) && event.attempts < this.options.maxAttempts) {
          const backoff = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.max(0, event.attempts - 1));
          await this.store.deferEvent(event.id, new Date(Date.now() + Math.max(error.retryAfterMs ?? 0, backoff)), message);
        } else await this.store.finishEvent(event.id, message);
        this.options.onError(event, error);
      }
    }
    return events.length;
  }
}
