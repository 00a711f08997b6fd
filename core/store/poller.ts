// A polling loop for the store's queues (inbound events, outbox): runs a batch, sleeps when idle, wakes on demand, stops
// cleanly after the work in flight.

export interface PollerOptions {
  /** Pause between empty polls, in milliseconds. */
  idleMs: number;
  onError: (error: unknown) => void;
}

export class Poller {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  /** `batch` returns how many items it handled; 0 means idle. */
  constructor(
    private readonly batch: () => Promise<number>,
    private readonly options: PollerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Runs a batch now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops polling and waits for the batch in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.batch();
      } catch (error) {
        this.options.onError(error);
      }
      if (handled === 0 && this.running)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      this.wakeUp = undefined;
    }
  }
}
