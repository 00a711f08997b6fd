// Decisions on worker threads (Piscina): /api/decide, /api/suggest, /api/handoff and the event worker's messages hand the
// message to a decision thread, which decides (and serialises the API's answer), while the main thread goes on parsing
// requests and writing answers. A decision is CPU work (about 30 µs, more on a busy core) and its JSON another 7 to 20 µs:
// on the main thread they held every other request, webhook acknowledgements and health checks included. Measured on two
// cores: POST /api/decide went from about 5,000 to 8,000–9,900 requests per second.
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { CheckedContext, Decision } from "../../core/decide/decide.js";
import { TandemError } from "../../core/errors.js";
import type { DecisionAnswer, DecisionTask } from "./decision-task.js";
import type { DeciderFiles } from "./load-decider.js";

/** Thrown when as many decisions wait for a thread as the pool queues: the service is busy, and says so (503). */
export class DecisionsBusyError extends Error {
  constructor(readonly queued: number) {
    super(`${queued} decisions are waiting for a thread already`);
  }
}

export interface DecisionPoolOptions {
  /** Decisions that may wait for a thread beyond those the threads hold; past it a decision is refused (busy). */
  maxQueue?: number;
  /** Decisions a thread holds at once, taken in turn from its own queue. */
  perThread?: number;
}

export interface DecisionPool {
  readonly threads: number;
  /** Decisions waiting for a thread now, and how busy the threads have been (0 to 1) since they started. */
  stats(): { queued: number; utilization: number };
  /** The decision as JSON (UTF-8 bytes), with the route and intent for the metrics. */
  decideJson(message: string, context: CheckedContext): Promise<{ json: Uint8Array; route: string; intent: string }>;
  decide(message: string, context: CheckedContext): Promise<Decision>;
  /** Waits for the decisions under way, then stops the threads. */
  close(): Promise<void>;
}

const entry = fileURLToPath(new URL("./decision-thread.mjs", import.meta.url));

export function createDecisionPool(files: DeciderFiles, threads: number, options: DecisionPoolOptions = {}): DecisionPool {
  const maxQueue = options.maxQueue ?? 4096;
  const piscina = new Piscina<DecisionTask, DecisionAnswer>({
    filename: entry,
    minThreads: threads,
    maxThreads: threads,
    // each thread takes decisions in turn from its own queue rather than waiting for the pool to hand it the next one
    concurrentTasksPerWorker: options.perThread ?? 64,
    maxQueue,
    idleTimeout: Infinity,
    workerData: {
      TANDEM_POLICY: files.TANDEM_POLICY,
      TANDEM_KB: files.TANDEM_KB,
      TANDEM_MACROS: files.TANDEM_MACROS,
      TANDEM_MODEL: files.TANDEM_MODEL,
    } satisfies DeciderFiles,
  });
  const run = async (task: DecisionTask) => {
    const answer = await piscina.run(task).catch((error: unknown) => {
      throw error instanceof Error && error.message === "Task queue is at limit" ? new DecisionsBusyError(maxQueue) : error;
    });
    if ("error" in answer) {
      const { code, detail, status, where } = answer.error;
      throw new TandemError(code, detail, { status, ...(where ? { where } : {}) });
    }
    return answer;
  };
  return {
    threads,
    async decideJson(message, context) {
      return (await run({ as: "json", message, context })) as { json: Uint8Array; route: string; intent: string };
    },
    async decide(message, context) {
      return ((await run({ as: "object", message, context })) as { decision: Decision }).decision;
    },
    stats: () => ({ queued: piscina.queueSize, utilization: piscina.utilization }),
    close: () => piscina.close(),
  };
}
