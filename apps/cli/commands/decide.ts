// `tandem decide "message"`: the whole decision for one message: route, reasons, suggested reply and handoff.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type DecideContext, Decider, type Decision, starterDecider } from "../../../core/decide/decide.js";
import { renderHandoffMarkdown, renderHandoffText } from "../../../core/decide/handoff.js";
import { loadKnowledgeBase } from "../../../core/decide/knowledge-base.js";
import { loadMacros } from "../../../core/decide/macros.js";
import { defaultPolicy, loadPolicy } from "../../../core/decide/policy.js";
import { loadModel } from "../../../core/triage/model-file.js";
import { starterModel } from "../../../core/triage/starter-model.js";
import { defineCommand, numberFlag } from "../command.js";

const isoTime = (name: string) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), `${name} must be a date and time like 2026-11-23T14:30:00+01:00`)
    .transform((value) => new Date(value));

export const decideCommand = defineCommand({
  name: "decide",
  summary: "decide one message: route (automate, assist, human, urgent), reasons, suggested reply, handoff",
  usage:
    'tandem decide "MESSAGE" [--tier TIER] [--name NAME] [--previous-contacts N] [--format text|markdown|json]   (MESSAGE "-" reads standard input)',
  flags: [
    ["--tier TIER", "the customer's tier or plan (e.g. premium)"],
    ["--name NAME", "the customer's name (fills {{customer_name}})"],
    ["--email EMAIL", "the customer's email address"],
    ["--revenue N", "the customer's lifetime value or open-deal amount"],
    ["--previous-contacts N", "earlier contacts on the same issue"],
    ["--waiting-since TIME", "when the customer first wrote on this issue (ISO 8601), for SLA risk"],
    ["--now TIME", "decide as if it were this moment (ISO 8601), e.g. to see the after-hours route"],
    ["--channel NAME", "where the message came from (email, chat, …)"],
    ["--policy FILE", "routing policy, YAML or JSON (default: the shipped policy)"],
    ["--kb FOLDER", "knowledge-base folder (default: the starter knowledge base)"],
    ["--macros FILE", "macros, YAML or JSON (default: the starter macros)"],
    ["--model MODEL", "intent model file (default: the starter model)"],
    ["--format FORMAT", "text (default), json, or the handoff alone: markdown (an internal note) or handoff (plain text)"],
  ],
  options: {
    tier: { type: "string" },
    name: { type: "string" },
    email: { type: "string" },
    revenue: { type: "string" },
    "previous-contacts": { type: "string" },
    "waiting-since": { type: "string" },
    now: { type: "string" },
    channel: { type: "string" },
    policy: { type: "string" },
    kb: { type: "string" },
    macros: { type: "string" },
    model: { type: "string" },
    format: { type: "string" },
  },
  schema: z.object({
    tier: z.string().trim().min(1).optional(),
    name: z.string().trim().min(1).optional(),
    email: z.email("must be an email address").optional(),
    revenue: numberFlag("revenue", (n) => n.min(0)).optional(),
    "previous-contacts": numberFlag("previous-contacts", (n) => n.int().min(0)).optional(),
    "waiting-since": isoTime("waiting-since").optional(),
    now: isoTime("now").optional(),
    channel: z.string().min(1).optional(),
    policy: z.string().min(1).optional(),
    kb: z.string().min(1).optional(),
    macros: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    format: z.enum(["text", "json", "markdown", "handoff"], { error: "must be text, json, markdown or handoff" }).default("text"),
    positionals: z.array(z.string()).length(1, 'give one message in quotes, e.g. tandem decide "where is my order 12345?"'),
  }),
  run(input, { out }) {
    const message = input.positionals[0] === "-" ? readFileSync(0, "utf8") : input.positionals[0];
    const custom = input.policy ?? input.kb ?? input.macros ?? input.model;
    const decider =
      custom === undefined
        ? starterDecider()
        : new Decider({
            model: input.model ? loadModel(input.model) : starterModel(),
            policy: input.policy ? loadPolicy(input.policy) : defaultPolicy(),
            kb: loadKnowledgeBase(input.kb),
            macros: loadMacros(input.macros),
          });
    const context: DecideContext = {
      now: input.now,
      channel: input.channel,
      previousContacts: input["previous-contacts"],
      waitingSince: input["waiting-since"],
      customer:
        (input.tier ?? input.name ?? input.email ?? input.revenue)
          ? { tier: input.tier, name: input.name, email: input.email, revenue: input.revenue }
          : undefined,
    };
    const decision = decider.decide(message, context);
    if (input.format === "json") out(JSON.stringify(decision, null, 2));
    else if (input.format === "text") out(renderDecision(decision));
    else if (!decision.handoff) out(`No handoff: the route is ${decision.route}. ${decision.routeReason}`);
    else out(input.format === "markdown" ? renderHandoffMarkdown(decision.handoff) : renderHandoffText(decision.handoff));
  },
});

function renderDecision(decision: Decision): string {
  const { triage, escalation, suggestion } = decision;
  const lines = [
    `route        ${decision.route}: ${decision.routeReason}`,
    `intent       ${triage.intent}${triage.outOfScope ? ` (best guess: ${triage.bestGuess})` : ""} (confidence ${triage.confidence.toFixed(2)})`,
    `priority     ${triage.priority} · language ${triage.language.code} · tone ${triage.sentiment.label}`,
    `score        ${escalation.score} (${escalation.level})`,
  ];
  for (const reason of escalation.reasons)
    lines.push(
      `  +${String(reason.contribution).padStart(2)}  ${reason.label}${reason.evidence.length > 0 ? `: ${reason.evidence.join(", ")}` : ""}`,
    );
  if (decision.route !== "automate") lines.push(`goes to      ${decision.assignment.team} (${decision.assignment.channel})`);
  if (decision.afterHours)
    lines.push(
      `after hours  tell the customer now: "${decision.afterHours.tellCustomer}"`,
      `             a person follows up ${decision.afterHours.followUpAt ?? "when the team is next in"}: ${decision.afterHours.followUp}`,
    );
  if (decision.handoff) lines.push("", `handoff      ${decision.handoff.summary}`, `next step    ${decision.handoff.nextStep}`);
  if (suggestion) {
    const heading =
      decision.route === "automate"
        ? "automated answer"
        : suggestion.missing.length > 0
          ? `suggested reply (fill in: ${suggestion.missing.join(", ")})`
          : "suggested reply";
    lines.push(
      "",
      `${heading} (confidence ${suggestion.confidence.toFixed(2)}, ${suggestion.kind === "macro" ? `macro ${suggestion.macroId}` : "from the knowledge base"}):`,
    );
    lines.push(...suggestion.text.split("\n").map((line) => `  ${line}`));
    for (const source of suggestion.sources) lines.push(`source       ${source.title}${source.url ? ` <${source.url}>` : ""}`);
  } else lines.push("", "suggested reply: none (no macro or article matches)");
  return lines.join("\n");
}
