// The handoff package: everything a person needs so that the customer never repeats themselves, as JSON, Markdown or plain text.
import type { Priority } from "../triage/priority.js";
import type { TriageResult } from "../triage/triage.js";
import { UNKNOWN_INTENT } from "../triage/intent-model.js";
import type { Entities } from "./entities.js";
import type { Escalation, EscalationReason } from "./escalation-score.js";
import type { Suggestion } from "./suggest.js";

export type Route = "automate" | "assist" | "human" | "urgent";

export interface TranscriptEntry {
  role: "customer" | "agent" | "bot";
  text: string;
  /** ISO 8601 time, when known. */
  at?: string | undefined;
}

export interface CustomerInfo {
  id?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  tier?: string | undefined;
  /** Lifetime value or open-deal amount, from the CRM. */
  revenue?: number | undefined;
  /** Who owns the customer in the CRM (account or deal owner). */
  owner?: string | undefined;
  /** Open deals with this customer, from the CRM. */
  deals?: { name: string; amount?: number | undefined; stage?: string | undefined }[] | undefined;
}

export interface Assignment {
  team: string;
  channel: string;
}

export interface AfterHours {
  /** What the customer is told now. */
  tellCustomer: string;
  /** When the team opens (ISO 8601), or undefined if the policy has no opening in the next two weeks. */
  followUpAt: string | undefined;
  /** What a person does then. */
  followUp: string;
}

export interface HandoffPackage {
  summary: string;
  route: Route;
  customer: CustomerInfo;
  channel: string | undefined;
  ticketUrl: string | undefined;
  intent: string;
  confidence: number;
  bestGuess: string;
  language: string;
  priority: Priority;
  sentiment: string;
  score: number;
  level: Escalation["level"];
  reasons: EscalationReason[];
  entities: Entities;
  /** What Tandem already told the customer on this ticket. */
  machineAnswered: TranscriptEntry[];
  /** The most recent messages, oldest first, the current one last. */
  transcript: TranscriptEntry[];
  suggestedReply: Pick<Suggestion, "text" | "sources" | "missing" | "confidence"> | undefined;
  assignment: Assignment;
  nextStep: string;
  afterHours: AfterHours | undefined;
}

export interface HandoffInput {
  message: string;
  route: Route;
  triage: TriageResult;
  escalation: Escalation;
  entities: Entities;
  suggestion: Suggestion | undefined;
  assignment: Assignment;
  customer: CustomerInfo;
  channel?: string | undefined;
  ticketUrl?: string | undefined;
  transcript: readonly TranscriptEntry[];
  afterHoursOpening?: { tellCustomer: string; followUpAt: string | undefined } | undefined;
  now: Date;
}

/** Messages of the transcript kept in the package; each is cut at MAX_ENTRY_CHARS. */
export const TRANSCRIPT_ENTRIES = 10;
const MAX_ENTRY_CHARS = 1_000;
const QUOTE_CHARS = 160;

export function buildHandoff(input: HandoffInput): HandoffPackage {
  const { triage, escalation, suggestion } = input;
  const transcript = [...input.transcript, { role: "customer" as const, text: input.message, at: input.now.toISOString() }]
    .slice(-TRANSCRIPT_ENTRIES)
    .map((entry) => ({ ...entry, text: cut(entry.text, MAX_ENTRY_CHARS) }));
  const nextStep = suggestNextStep(input);
  return {
    summary: summarise(input),
    route: input.route,
    customer: input.customer,
    channel: input.channel,
    ticketUrl: input.ticketUrl,
    intent: triage.intent,
    confidence: triage.confidence,
    bestGuess: triage.bestGuess,
    language: triage.language.code,
    priority: triage.priority,
    sentiment: triage.sentiment.label,
    score: escalation.score,
    level: escalation.level,
    reasons: escalation.reasons,
    entities: input.entities,
    machineAnswered: input.transcript.filter((entry) => entry.role === "bot"),
    transcript,
    suggestedReply: suggestion && {
      text: suggestion.text,
      sources: suggestion.sources,
      missing: suggestion.missing,
      confidence: suggestion.confidence,
    },
    assignment: input.assignment,
    nextStep,
    afterHours: input.afterHoursOpening && { ...input.afterHoursOpening, followUp: nextStep },
  };
}

function label(intent: string): string {
  return intent.replace(/_/g, " ");
}

function summarise(input: HandoffInput): string {
  const { triage, escalation, entities, customer } = input;
  const who = customer.name ?? "The customer";
  const tier = customer.tier ? ` (${customer.tier})` : "";
  const about =
    triage.intent === UNKNOWN_INTENT
      ? `something Tandem does not recognise (closest: ${label(triage.bestGuess)})`
      : `${label(triage.intent)} (confidence ${triage.confidence.toFixed(2)})`;
  const facts = [
    ...entities.orderIds.map((id) => `order ${id}`),
    ...entities.amounts.map((amount) => `amount ${amount}`),
    ...entities.dates.map((date) => `date ${date}`),
    ...entities.trackingNumbers.map((number) => `tracking ${number}`),
  ];
  const quote = cut(input.message.replace(/\s+/g, " ").trim(), QUOTE_CHARS);
  const why = escalation.reasons
    .slice(0, 3)
    .map((reason) => reason.label.replace(/^The customer /, "").replace(/^(?!Tandem|SLA)[A-Z]/, (first) => first.toLowerCase()))
    .join("; ");
  return `${who}${tier} writes about ${about}${facts.length > 0 ? `, ${facts.join(", ")}` : ""}: "${quote}"${why ? `. Signals: ${why}.` : "."}`;
}

/** One sentence telling the person what to do first. */
function suggestNextStep(input: HandoffInput): string {
  const { escalation, suggestion, route } = input;
  const threat = escalation.reasons.find((reason) => reason.code === "threat");
  const steps: string[] = [];
  if (threat && /legal|chargeback/.test(threat.label)) steps.push(`Bring in a team lead before replying: ${threat.label.toLowerCase()}.`);
  if (escalation.asksForHuman) steps.push("Reply personally and take ownership: the customer asked for a person.");
  else if (route === "urgent") steps.push("Reply now: this is urgent.");
  if (suggestion && suggestion.missing.length > 0)
    steps.push(`Fill in the ${suggestion.missing.join(" and ")} in the suggested reply, check it, and send it.`);
  else if (suggestion && (route === "assist" || steps.length === 0)) steps.push("Check the suggested reply, adjust it, and send it.");
  else if (!suggestion) steps.push("Read the transcript and answer personally: no macro or article matches this request.");
  if (input.customer.owner && input.customer.deals && input.customer.deals.length > 0)
    steps.push(`Tell ${input.customer.owner}, who owns the open deal, before replying.`);
  if (escalation.reasons.some((reason) => reason.code === "repeat_contact"))
    steps.push("Acknowledge the earlier contacts; do not ask for details already given.");
  return steps.join(" ");
}

function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const space = text.lastIndexOf(" ", limit - 1);
  return `${text.slice(0, space > limit * 0.6 ? space : limit - 1)}…`;
}

function entityLines(entities: Entities): string[] {
  const lines: string[] = [];
  const add = (name: string, values: readonly string[]) => {
    if (values.length > 0) lines.push(`${name}: ${values.join(", ")}`);
  };
  add("Order", entities.orderIds);
  add("Amount", entities.amounts);
  add("Date", entities.dates);
  add("Tracking", entities.trackingNumbers);
  add("Email", entities.emails);
  if (entities.name) lines.push(`Name given: ${entities.name}`);
  return lines;
}

function customerLine(customer: CustomerInfo): string {
  const parts = [customer.name ?? "unknown name"];
  if (customer.email) parts.push(customer.email);
  if (customer.tier) parts.push(`tier ${customer.tier}`);
  if (customer.revenue !== undefined) parts.push(`revenue ${customer.revenue.toLocaleString("en-US")}`);
  if (customer.deals && customer.deals.length > 0)
    parts.push(
      `open deals: ${customer.deals
        .map(
          (deal) =>
            `${deal.name}${deal.amount !== undefined ? ` ${deal.amount.toLocaleString("en-US")}` : ""}${deal.stage ? ` (${deal.stage})` : ""}`,
        )
        .join(", ")}`,
    );
  if (customer.owner) parts.push(`owner ${customer.owner}`);
  return parts.join(" · ");
}

function entryLine(entry: TranscriptEntry): string {
  return `${entry.role}${entry.at ? ` (${entry.at.slice(0, 16).replace("T", " ")})` : ""}: ${entry.text.replace(/\s+/g, " ")}`;
}

/** For a Zendesk internal note or a HubSpot note. */
export function renderHandoffMarkdown(handoff: HandoffPackage): string {
  const lines = [
    `### Tandem handoff: ${handoff.route} (score ${handoff.score}, ${handoff.level})`,
    "",
    `**Summary.** ${handoff.summary}`,
    "",
    `**Next step.** ${handoff.nextStep}`,
    "",
    `- **Customer:** ${customerLine(handoff.customer)}`,
    `- **Intent:** ${handoff.intent} (${handoff.confidence.toFixed(2)}) · language ${handoff.language} · priority ${handoff.priority} · tone ${handoff.sentiment}`,
    `- **Goes to:** ${handoff.assignment.team} (${handoff.assignment.channel})`,
  ];
  if (handoff.ticketUrl) lines.push(`- **Ticket:** ${handoff.ticketUrl}`);
  if (handoff.afterHours)
    lines.push(
      `- **After hours:** the customer was told "${handoff.afterHours.tellCustomer}" Follow up ${handoff.afterHours.followUpAt ?? "when the team is next in"}.`,
    );
  if (handoff.reasons.length > 0) {
    lines.push("", "**Why a person is needed**", "");
    for (const reason of handoff.reasons)
      lines.push(
        `- ${reason.label} (+${reason.contribution})${reason.evidence.length > 0 ? `: ${reason.evidence.map((e) => `"${e}"`).join(", ")}` : ""}`,
      );
  }
  const entities = entityLines(handoff.entities);
  if (entities.length > 0) lines.push("", "**Details in the message**", "", ...entities.map((line) => `- ${line}`));
  if (handoff.machineAnswered.length > 0)
    lines.push("", "**Already answered by Tandem**", "", ...handoff.machineAnswered.map((entry) => `> ${entryLine(entry)}`));
  if (handoff.suggestedReply) {
    const reply = handoff.suggestedReply;
    lines.push(
      "",
      `**Suggested reply** (confidence ${reply.confidence.toFixed(2)}${reply.missing.length > 0 ? `; fill in: ${reply.missing.join(", ")}` : ""})`,
      "",
    );
    lines.push(...reply.text.split("\n").map((line) => `> ${line}`));
    if (reply.sources.length > 0)
      lines.push(
        "",
        `Sources: ${reply.sources.map((source) => (source.url ? `[${source.title}](${source.url})` : source.title)).join(", ")}`,
      );
  }
  lines.push("", "**Recent conversation**", "", ...handoff.transcript.map((entry) => `1. ${entryLine(entry)}`));
  return lines.join("\n");
}

/** For email, SMS or any place without Markdown. */
export function renderHandoffText(handoff: HandoffPackage): string {
  const lines = [
    `TANDEM HANDOFF: ${handoff.route.toUpperCase()} (score ${handoff.score}, ${handoff.level})`,
    `Summary: ${handoff.summary}`,
    `Next step: ${handoff.nextStep}`,
    `Customer: ${customerLine(handoff.customer)}`,
    `Intent: ${handoff.intent} (${handoff.confidence.toFixed(2)}), language ${handoff.language}, priority ${handoff.priority}, tone ${handoff.sentiment}`,
    `Goes to: ${handoff.assignment.team} (${handoff.assignment.channel})`,
  ];
  if (handoff.ticketUrl) lines.push(`Ticket: ${handoff.ticketUrl}`);
  if (handoff.afterHours)
    lines.push(
      `After hours: told "${handoff.afterHours.tellCustomer}"; follow up ${handoff.afterHours.followUpAt ?? "when the team is next in"}.`,
    );
  if (handoff.reasons.length > 0) {
    lines.push("Why:");
    for (const reason of handoff.reasons)
      lines.push(`  - ${reason.label} (+${reason.contribution})${reason.evidence.length > 0 ? `: ${reason.evidence.join(", ")}` : ""}`);
  }
  const entities = entityLines(handoff.entities);
  if (entities.length > 0) lines.push(`Details: ${entities.join("; ")}`);
  for (const entry of handoff.machineAnswered) lines.push(`Already answered: ${entryLine(entry)}`);
  if (handoff.suggestedReply) {
    lines.push(
      `Suggested reply${handoff.suggestedReply.missing.length > 0 ? ` (fill in: ${handoff.suggestedReply.missing.join(", ")})` : ""}:`,
    );
    lines.push(...handoff.suggestedReply.text.split("\n").map((line) => `  | ${line}`));
    for (const source of handoff.suggestedReply.sources) lines.push(`  Source: ${source.title}${source.url ? ` <${source.url}>` : ""}`);
  }
  lines.push("Recent conversation:", ...handoff.transcript.map((entry) => `  ${entryLine(entry)}`));
  return lines.join("\n");
}
