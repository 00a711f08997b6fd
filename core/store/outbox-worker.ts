// Delivers the outbox: each action to the deliverer of its kind, with exponential back-off, Retry-After on 429, and a dead
// letter after too many attempts or a permanent failure. Several workers (and instances) share the queue safely.
import { Poller } from "./poller.js";
import type { OutboxRow, Store } from "./store.js";

/** Thrown by a deliverer to say how the failure should be handled. */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** The remote asked to wait this long (429 Retry-After). */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | undefined; status?: number | undefined }) {
    super(message);
    this.name = "DeliveryError";
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

export interface DeliveryContext {
  id: number;
  idempotencyKey: string;
  attempt: number;
}

/** Sends one action; returns what to keep as its result (e.g. Slack's message ts). */
export type Deliverer = (payload: unknown, context: DeliveryContext) => Promise<unknown>;

export interface OutboxWorkerOptions {
  batchSize?: number;
  /** How long an action stays with this worker before another may take it (must exceed the slowest delivery). */
  leaseMs?: number;
  idleMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0 to 1, for the jitter of the back-off (tests pass a fixed one). */
  random?: () => number;
  log?: OutboxLog;
}

export interface OutboxLog {
  delivered: (action: OutboxRow) => void;
  retry: (action: OutboxRow, error: string, delayMs: number) => void;
  dead: (action: OutboxRow, error: string) => void;
  error: (error: unknown) => void;
}

const silent: OutboxLog = { delivered: () => {}, retry: () => {}, dead: () => {}, error: () => {} };

/** Exponential back-off with jitter: base · 2^(attempt-1), capped, times 0.5 to 1. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/** Reads an HTTP Retry-After header (seconds or a date) as milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class OutboxWorker {
  private readonly poller: Poller;
  private readonly options: Required<Omit<OutboxWorkerOptions, "log">> & { log: OutboxLog };

  constructor(
    private readonly store: Store,
    private readonly deliverers: ReadonlyMap<string, Deliverer>,
    options: OutboxWorkerOptions = {},
  ) {
    this.options = {
      batchSize: 10,
      leaseMs: 60_000,
      idleMs: 250,
      maxAttempts: 8,
      baseDelayMs: 1_000,
      maxDelayMs: 15 * 60_000,
      random: Math.random,
      ...options,
      log: options.log ?? silent,
    };
    this.poller = new Poller(() => this.runOnce(), { idleMs: this.options.idleMs, onError: this.options.log.error });
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

  /** Claims due actions and delivers them, concurrently; returns how many it handled. */
  async runOnce(): Promise<number> {
    const actions = await this.store.claimActions(this.options.batchSize, this.options.leaseMs, [...this.deliverers.keys()]);
    await Promise.all(actions.map((action) => this.deliver(action)));
    return actions.length;
  }

  private async deliver(action: OutboxRow): Promise<void> {
    const deliverer = this.deliverers.get(action.kind);
    const { log } = this.options;
    if (!deliverer) {
      const error = `no deliverer for kind ${action.kind}`;
      await this.store.markDead(action.id, error);
      log.dead(action, error);
      return;
    }
    try {
      const result = await deliverer(action.payload, { id: action.id, idempotencyKey: action.idempotency_key, attempt: action.attempts });
      await this.store.markDelivered(action.id, result);
      log.delivered(action);
    } catch (caught) {
      const error = caught instanceof DeliveryError ? caught : undefined;
      const message = caught instanceof Error ? caught.message : String(caught);
      // an unexpected exception (network, bug) is retried; a DeliveryError says whether to
      if ((error && !error.retryable) || action.attempts >= this.options.maxAttempts) {
        const reason = error && !error.retryable ? message : `${message} (gave up after ${action.attempts} attempts)`;
        await this.store.markDead(action.id, reason);
        log.dead(action, reason);
        return;
      }
      const delay =
        error?.retryAfterMs ?? backoffDelay(action.attempts, this.options.baseDelayMs, this.options.maxDelayMs, this.options.random);
      await this.store.markRetry(action.id, message, new Date(Date.now() + delay));
      log.retry(action, message, delay);
    }
  }
}

/** A deliverer that POSTs the payload as JSON with an Idempotency-Key header, the way a generic webhook takes it. */
export function webhookDeliverer(fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): Deliverer {
  return async (payload, context) => {
    const { url, body } = payload as { url: string; body: unknown };
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": context.idempotencyKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(`request failed: ${error instanceof Error ? error.message : String(error)}`, { retryable: true });
    }
    return httpResult(response);
  };
}

/** Turns an HTTP response into a result or a DeliveryError: 429 and 5xx are retried (429 after Retry-After), other 4xx are not. */
export async function httpResult(response: Response): Promise<unknown> {
  const text = await response.text();
  if (response.ok) {
    try {
      return text === "" ? null : (JSON.parse(text) as unknown);
    } catch {
      return text.slice(0, 200);
    }
  }
  const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
  throw new DeliveryError(`HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`, {
    retryable,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    status: response.status,
  });
}
