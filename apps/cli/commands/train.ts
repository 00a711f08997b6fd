// `tandem train`: learn an intent model from a team's labelled messages.
import { z } from "zod";
import { readLabelledFile } from "../../../core/triage/labelled-data.js";
import { saveModel } from "../../../core/triage/model-file.js";
import { trainIntentModel } from "../../../core/triage/train-intent-model.js";
import { defineCommand, numberFlag, UsageError } from "../command.js";

export const trainCommand = defineCommand({
  name: "train",
  summary: "train an intent model from labelled messages (CSV or JSONL)",
  usage:
    "tandem train --data FILE [--text COLUMN] [--label COLUMN] --out MODEL | tandem train --from zendesk --label-field ID|--label-tag-prefix P --out MODEL | tandem train --from hubspot [--label-property P] --out MODEL",
  flags: [
    ["--data FILE", "labelled messages: .csv with a header, or .jsonl"],
    ["--text COLUMN", "column or field with the message (default: text, message, utterance, …)"],
    ["--label COLUMN", "column or field with the intent (default: label, intent, category, …)"],
    ["--out MODEL", "where to write the model file (e.g. model.tdm)"],
    ["--where COLUMN=VALUE", "keep only rows where COLUMN equals VALUE (e.g. split=train)"],
    ["--unknown-label LABEL", "a label meaning 'none of these' (repeatable): calibrates the unknown threshold"],
    ["--seed N", "random seed (default 42): the same data and seed give the same model"],
    ["--epochs N", "passes over the data (default 4; 20 under 2,000 examples)"],
    ["--from zendesk", "train from solved Zendesk tickets (ZENDESK_SUBDOMAIN and API credentials) instead of --data"],
    ["--label-field ID", "with --from zendesk: the custom field holding each ticket's category"],
    ["--label-tag-prefix P", "with --from zendesk: or the tag prefix marking it (category_billing → billing)"],
    ["--since DATE", "with --from zendesk|hubspot: tickets updated (closed) since this date (default: a year ago)"],
    ["--from hubspot", "train from closed HubSpot tickets (HUBSPOT_ACCESS_TOKEN, or --portal ID for an OAuth install)"],
    ["--label-property P", "with --from hubspot: the ticket property holding the category (default hs_ticket_category)"],
    ["--portal ID", "with --from hubspot: the account installed with OAuth"],
    ["--with-feedback", "add agents' intent corrections kept by the service (TANDEM_DATA_DIR or DATABASE_URL)"],
    ["--json", "print the training summary as JSON"],
  ],
  options: {
    data: { type: "string" },
    text: { type: "string" },
    label: { type: "string" },
    out: { type: "string" },
    where: { type: "string" },
    "unknown-label": { type: "string", multiple: true },
    seed: { type: "string" },
    epochs: { type: "string" },
    from: { type: "string" },
    "label-field": { type: "string" },
    "label-tag-prefix": { type: "string" },
    "label-property": { type: "string" },
    portal: { type: "string" },
    since: { type: "string" },
    "with-feedback": { type: "boolean" },
    json: { type: "boolean" },
  },
  schema: z
    .object({
      data: z.string().min(1).optional(),
      from: z.enum(["zendesk", "hubspot"], { error: 'the sources are "zendesk" and "hubspot"' }).optional(),
      "label-property": z
        .string()
        .regex(/^[a-z0-9_]+$/, "must be a property's internal name, e.g. hs_ticket_category")
        .optional(),
      portal: z.string().regex(/^\d+$/, "must be the account's hub id (digits)").optional(),
      "label-field": numberFlag("label-field", (n) => n.int().positive()).optional(),
      "label-tag-prefix": z.string().min(1).optional(),
      since: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-01-01")
        .transform((value) => new Date(`${value}T00:00:00Z`))
        .optional(),
      text: z.string().optional(),
      label: z.string().optional(),
      out: z.string({ error: "is required" }).min(1),
      where: z
        .string()
        .regex(/^[^=]+=.*$/, "must look like COLUMN=VALUE")
        .transform((value) => ({ column: value.slice(0, value.indexOf("=")), value: value.slice(value.indexOf("=") + 1) }))
        .optional(),
      "unknown-label": z.array(z.string()).optional(),
      seed: numberFlag("seed", (n) => n.int()).optional(),
      epochs: numberFlag("epochs", (n) => n.int().min(1).max(100)).optional(),
      "with-feedback": z.boolean().optional(),
      json: z.boolean().optional(),
      positionals: z.array(z.string()).max(0, "takes no positional arguments"),
    })
    .refine((input) => (input.data === undefined) !== (input.from === undefined), {
      message: "give --data FILE or --from zendesk|hubspot (one of them)",
      path: ["data"],
    }),
  async run(input, { out }) {
    const examples = input.data
      ? readLabelledFile(input.data, { text: input.text, label: input.label, filter: input.where })
      : input.from === "hubspot"
        ? await fromHubSpot(input, out)
        : await fromZendesk(input, out);
    if (input["with-feedback"]) {
      // loaded only here, so that training without feedback does not load the service
      const [{ loadConfig }, { openConfiguredStore }] = await Promise.all([
        import("../../server/config.js"),
        import("../../server/service.js"),
      ]);
      const store = await openConfiguredStore(loadConfig());
      try {
        const corrections = await store.correctedExamples();
        examples.push(...corrections);
        out(`Added ${corrections.length} intent correction${corrections.length === 1 ? "" : "s"} from agents' feedback.`);
      } finally {
        await store.close();
      }
    }
    const started = performance.now();
    const model = trainIntentModel(examples, {
      file: input.data ?? input.from ?? "zendesk",
      seed: input.seed,
      epochs: input.epochs,
      outOfScopeLabels: input["unknown-label"],
      source: input.data ? (input.data.split(/[\\/]/).pop() ?? input.data) : (input.from ?? "zendesk"),
    });
    const seconds = (performance.now() - started) / 1000;
    saveModel(model, input.out);
    const summary = {
      model: input.out,
      intents: model.labels.length,
      examples: model.metadata.trainedExamples,
      features: model.parts.keys.length,
      sizeBytes: model.sizeBytes,
      trainingSeconds: Math.round(seconds * 100) / 100,
      threshold: model.metadata.threshold,
      temperature: model.metadata.temperature,
      heldOut: model.metadata.heldOut,
    };
    if (input.json) {
      out(JSON.stringify(summary, null, 2));
      return;
    }
    out(
      `Trained ${summary.intents} intents on ${summary.examples} examples in ${summary.trainingSeconds.toFixed(1)} s → ${input.out} (${(summary.sizeBytes / 1e6).toFixed(2)} MB)`,
    );
    out(
      `Held-out check: accuracy ${summary.heldOut.accuracy.toFixed(3)}, macro-F1 ${summary.heldOut.macroF1.toFixed(3)} on ${summary.heldOut.examples} messages`,
    );
    out(
      `Below confidence ${summary.threshold.toFixed(3)} a message is reported as "unknown" (answers ${(summary.heldOut.coverage * 100).toFixed(1)}% of held-out messages, ${(summary.heldOut.acceptedAccuracy * 100).toFixed(1)}% of them right)`,
    );
  },
});

async function fromZendesk(
  input: { "label-field"?: number | undefined; "label-tag-prefix"?: string | undefined; since?: Date | undefined },
  out: (text: string) => void,
) {
  const { exportLabelledTickets } = await import("../../../connectors/zendesk/export.js");
  // only what the export needs (the service's other Zendesk settings are not required to train)
  const env = z
    .object({
      ZENDESK_SUBDOMAIN: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be the subdomain alone, e.g. acme for acme.zendesk.com"),
      ZENDESK_EMAIL: z.email().optional(),
      ZENDESK_API_TOKEN: z.string().min(1).optional(),
      ZENDESK_OAUTH_TOKEN: z.string().min(1).optional(),
    })
    .refine((value) => value.ZENDESK_OAUTH_TOKEN || (value.ZENDESK_EMAIL && value.ZENDESK_API_TOKEN), {
      message: "is needed with ZENDESK_API_TOKEN (or set ZENDESK_OAUTH_TOKEN)",
      path: ["ZENDESK_EMAIL"],
    })
    .safeParse(Object.fromEntries(Object.entries(process.env).filter(([name, value]) => name.startsWith("ZENDESK_") && value !== "")));
  if (!env.success) {
    const issue = env.error.issues[0];
    throw new UsageError(`--from zendesk: ${String(issue.path[0] ?? "ZENDESK_SUBDOMAIN")}: ${issue.message}`);
  }
  const config = env.data;
  const examples = await exportLabelledTickets(
    {
      subdomain: config.ZENDESK_SUBDOMAIN,
      email: config.ZENDESK_EMAIL,
      apiToken: config.ZENDESK_API_TOKEN,
      oauthToken: config.ZENDESK_OAUTH_TOKEN,
      labelField: input["label-field"],
      labelTagPrefix: input["label-tag-prefix"],
      since: input.since,
    },
    (line) => out(line),
  );
  out(`Read ${examples.length} solved tickets with a label from Zendesk.`);
  return examples;
}

async function fromHubSpot(
  input: { "label-property"?: string | undefined; portal?: string | undefined; since?: Date | undefined },
  out: (text: string) => void,
) {
  const [{ exportClosedTickets }, { hubspotApiFromEnv }] = await Promise.all([
    import("../../../connectors/hubspot/export.js"),
    import("./hubspot.js"),
  ]);
  const { api, close } = await hubspotApiFromEnv(input.portal);
  try {
    const examples = await exportClosedTickets(api, { labelProperty: input["label-property"], since: input.since }, (line) => out(line));
    out(`Read ${examples.length} closed tickets with a category from HubSpot.`);
    return examples;
  } finally {
    await close();
  }
}
