// The work of a decision thread (see decision-pool.ts): a decider loaded once from the service's files, answering one
// decision at a time, as JSON ready to send or as the decision itself.
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import type { CheckedContext, Decision } from "../../core/decide/decide.js";
import { type ErrorLocation, isTandemError, type TandemErrorCode } from "../../core/errors.js";
import { type DeciderFiles, loadDecider } from "./load-decider.js";

export interface DecisionTask {
  /**
   * json: the decision serialised here, off the main thread, as UTF-8 bytes handed over without a copy; object: the decision
   * itself (for a caller that reworks it).
   */
  as: "json" | "object";
  message: string;
  context: CheckedContext;
}

export type DecisionAnswer =
  | { json: Uint8Array; route: string; intent: string }
  | { decision: Decision }
  | { error: { code: TandemErrorCode; detail: string; status: number; where: ErrorLocation | undefined } };

const decider = loadDecider(workerData as DeciderFiles);

export default function decideTask(task: DecisionTask): DecisionAnswer {
  try {
    const decision = decider.decideChecked(task.message, task.context);
    if (task.as === "object") return { decision };
    const text = JSON.stringify(decision);
    // a buffer of its own (not a slice of Node's shared pool), so that it can be transferred rather than copied
    const json = new Uint8Array(Buffer.byteLength(text));
    Buffer.from(json.buffer).write(text);
    return move({
      [transferableSymbol]: json.buffer,
      [valueSymbol]: { json, route: decision.route, intent: decision.triage.intent },
    }) as unknown as DecisionAnswer;
  } catch (error) {
    // an expected failure crosses the thread as data, to be thrown again as the same TandemError
    if (isTandemError(error)) return { error: { code: error.code, detail: error.detail, status: error.status, where: error.where } };
    throw error;
  }
}
