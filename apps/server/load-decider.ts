// The decider a service runs: the starter model, policy, knowledge base and macros, or the files its configuration names.
// Shared by the service and its decision threads, which load the same files.
import { Decider, starterDecider } from "../../core/decide/decide.js";
import { loadKnowledgeBase } from "../../core/decide/knowledge-base.js";
import { loadMacros } from "../../core/decide/macros.js";
import { defaultPolicy, loadPolicy } from "../../core/decide/policy.js";
import { loadModel } from "../../core/triage/model-file.js";
import { starterModel } from "../../core/triage/starter-model.js";

/** The configuration settings that choose the decider's files (each absent: the shipped one). */
export interface DeciderFiles {
  TANDEM_POLICY?: string | undefined;
  TANDEM_KB?: string | undefined;
  TANDEM_MACROS?: string | undefined;
  TANDEM_MODEL?: string | undefined;
}

export function loadDecider(files: DeciderFiles): Decider {
  if (!files.TANDEM_POLICY && !files.TANDEM_KB && !files.TANDEM_MACROS && !files.TANDEM_MODEL) return starterDecider();
  return new Decider({
    model: files.TANDEM_MODEL ? loadModel(files.TANDEM_MODEL) : starterModel(),
    policy: files.TANDEM_POLICY ? loadPolicy(files.TANDEM_POLICY) : defaultPolicy(),
    kb: loadKnowledgeBase(files.TANDEM_KB),
    macros: loadMacros(files.TANDEM_MACROS),
  });
}
