// `tandem triage "message"`: intent, confidence, language, sentiment and priority of one message.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { loadModel } from "../../../core/triage/model-file.js";
import { triage } from "../../../core/triage/triage.js";
import { defineCommand } from "../command.js";

export const triageCommand = defineCommand({
  name: "triage",
  summary: "triage one message: intent, confidence, language, sentiment, priority",
  usage: 'tandem triage "MESSAGE" [--model MODEL] [--tier TIER] [--json]   (MESSAGE "-" reads standard input)',
  flags: [
    ["--model MODEL", "model file (default: the starter model)"],
    ["--tier TIER", "the customer's tier or plan (e.g. premium)"],
    ["--json", "print the result as JSON"],
  ],
  options: {
    model: { type: "string" },
    tier: { type: "string" },
    json: { type: "boolean" },
  },
  schema: z.object({
    model: z.string().optional(),
    tier: z.string().min(1).optional(),
    json: z.boolean().optional(),
    positionals: z.array(z.string()).length(1, 'give one message in quotes, e.g. tandem triage "where is my order?"'),
  }),
  run(input, { out }) {
    const message = input.positionals[0] === "-" ? readFileSync(0, "utf8") : input.positionals[0];
    const result = triage(message, { model: input.model ? loadModel(input.model) : undefined, tier: input.tier });
    if (input.json) {
      out(JSON.stringify(result, null, 2));
      return;
    }
    const guess = result.outOfScope ? ` (best guess: ${result.bestGuess})` : "";
    out(`intent       ${result.intent}${guess}`);
    out(`confidence   ${result.confidence.toFixed(3)}`);
    out(`next best    ${result.alternatives.map((alternative) => `${alternative.intent} ${alternative.score.toFixed(3)}`).join(", ")}`);
    out(`language     ${result.language.code}${result.language.reliable ? "" : " (unsure)"}`);
    out(`sentiment    ${result.sentiment.label} (${result.sentiment.score.toFixed(2)})`);
    out(`priority     ${result.priority}`);
    for (const signal of result.signals) out(`  - ${signal.signal}: ${signal.evidence} → ${signal.priority}`);
  },
});
