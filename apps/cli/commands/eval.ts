// `tandem eval`: accuracy, macro-F1, worst intents, out-of-scope detection and speed of a model on labelled data.
import { z } from "zod";
import { evaluateModel } from "../../../core/triage/evaluate.js";
import { readLabelledFile } from "../../../core/triage/labelled-data.js";
import { loadModel } from "../../../core/triage/model-file.js";
import { starterModel } from "../../../core/triage/starter-model.js";
import { defineCommand } from "../command.js";

export const evalCommand = defineCommand({
  name: "eval",
  summary: "measure a model on labelled messages: accuracy, macro-F1, worst intents, speed",
  usage: "tandem eval --data FILE [--model MODEL] [--text COLUMN] [--label COLUMN] [--json]",
  flags: [
    ["--data FILE", "labelled messages: .csv with a header, or .jsonl"],
    ["--model MODEL", "model file (default: the starter model)"],
    ["--text COLUMN", "column or field with the message"],
    ["--label COLUMN", "column or field with the intent"],
    ["--where COLUMN=VALUE", "keep only rows where COLUMN equals VALUE (e.g. split=test)"],
    ["--unknown-label LABEL", "a label meaning 'none of these' (repeatable): scored as out of scope"],
    ["--json", "print the report as JSON"],
  ],
  options: {
    data: { type: "string" },
    model: { type: "string" },
    text: { type: "string" },
    label: { type: "string" },
    where: { type: "string" },
    "unknown-label": { type: "string", multiple: true },
    json: { type: "boolean" },
  },
  schema: z.object({
    data: z.string({ error: "is required" }).min(1),
    model: z.string().optional(),
    text: z.string().optional(),
    label: z.string().optional(),
    where: z
      .string()
      .regex(/^[^=]+=.*$/, "must look like COLUMN=VALUE")
      .transform((value) => ({ column: value.slice(0, value.indexOf("=")), value: value.slice(value.indexOf("=") + 1) }))
      .optional(),
    "unknown-label": z.array(z.string()).optional(),
    json: z.boolean().optional(),
    positionals: z.array(z.string()).max(0, "takes no positional arguments"),
  }),
  run(input, { out }) {
    const model = input.model ? loadModel(input.model) : starterModel();
    const examples = readLabelledFile(input.data, { text: input.text, label: input.label, filter: input.where });
    const report = evaluateModel(model, examples, { outOfScopeLabels: input["unknown-label"] });
    if (input.json) {
      out(JSON.stringify(report, null, 2));
      return;
    }
    out(`${report.examples} messages, ${model.labels.length} intents`);
    out(`accuracy   ${report.accuracy.toFixed(4)}`);
    out(`macro-F1   ${report.macroF1.toFixed(4)}`);
    out(
      `answered   ${(report.coverage * 100).toFixed(1)}% (the rest "unknown"), ${(report.acceptedAccuracy * 100).toFixed(1)}% of those right`,
    );
    if (report.outOfScope) {
      out(
        `out of scope: precision ${report.outOfScope.precision.toFixed(3)}, recall ${report.outOfScope.recall.toFixed(3)} on ${report.outOfScope.examples} messages`,
      );
    }
    out(
      `speed      ${report.messagesPerSecond.toLocaleString("en-US")} messages/s, latency p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms`,
    );
    out("worst intents (F1, precision, recall, support):");
    for (const intent of report.worst) {
      out(
        `  ${intent.intent.padEnd(40)} ${intent.f1.toFixed(3)}  ${intent.precision.toFixed(3)}  ${intent.recall.toFixed(3)}  ${intent.support}`,
      );
    }
  },
});
