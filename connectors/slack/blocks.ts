// Block Kit for escalations: the customer, intent, score with its reasons, the handoff summary, the suggested reply and a
// link to the ticket, with Claim, Send reply, Snooze, Resolve and Reassign. Within Slack's limits: long text is cut with a
// link to the ticket rather than rejected, and customer text is escaped so that it cannot mention anyone.
import type { Decision } from "../../core/decide/decide.js";
import type { Escalation } from "../../core/store/store.js";
import { ACTIONS } from "./ids.js";

/** Slack's published limits (https://api.slack.com/reference/block-kit/blocks). */
export const LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  fallbackText: 4000,
} as const;

export type Block = Record<string, unknown> & { type: string };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Escapes &, < and > as Slack's mrkdwn wants, so that customer text cannot become a mention or a link. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to `limit` characters, ending with a link to where the whole of it is, or an ellipsis. */
export function truncate(text: string, limit: number, moreUrl?: string): string {
  if (text.length <= limit) return text;
  const more = moreUrl ? `… <${moreUrl}|more in the ticket>` : "…";
  return `${text.slice(0, Math.max(0, limit - more.length))}${more}`;
}

const ROUTE_LABEL: Record<string, string> = {
  assist: "A person sends the draft",
  human: "A person takes over",
  urgent: "Urgent: a person now",
};
const ROUTE_ICON: Record<string, string> = { assist: ":large_yellow_circle:", human: ":large_orange_circle:", urgent: ":red_circle:" };

export interface EscalationView {
  escalation: Pick<Escalation, "id" | "route" | "state" | "score" | "claimed_by" | "claimed_at" | "resolved_by" | "snoozed_until" | "team">;
  decision: Decision;
  customerName?: string | undefined;
  ticketUrl?: string | undefined;
  /** Slack user group id to mention on urgent escalations (S0123ABCD). */
  onCallGroup?: string | undefined;
}

function section(text: string, moreUrl?: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText, moreUrl) } };
}

function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Record<string, unknown> {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: truncate(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

function stateLine(escalation: EscalationView["escalation"]): string {
  switch (escalation.state) {
    case "claimed":
      return `:raising_hand: Claimed by <@${escalation.claimed_by ?? "someone"}>${escalation.claimed_at ? ` at <!date^${Math.floor(escalation.claimed_at.getTime() / 1000)}^{time}|${escalation.claimed_at.toISOString()}>` : ""}`;
    case "resolved":
      return `:white_check_mark: Resolved by <@${escalation.resolved_by ?? "someone"}>`;
    case "snoozed":
      return `:zzz: Snoozed${escalation.snoozed_until ? ` until <!date^${Math.floor(escalation.snoozed_until.getTime() / 1000)}^{date_short} {time}|${escalation.snoozed_until.toISOString()}>` : ""}`;
    default:
      return ":inbox_tray: Open: nobody has claimed it yet";
  }
}

/** The escalation's parent message, as posted and as updated when its state changes. */
export function escalationMessage(view: EscalationView): SlackMessage {
  const { escalation, decision, ticketUrl } = view;
  const { triage } = decision;
  const handoff = decision.handoff;
  const customer = escapeText(view.customerName ?? handoff?.customer.name ?? "A customer");
  const tier = handoff?.customer.tier ? ` (${escapeText(handoff.customer.tier)})` : "";
  const intent = triage.intent === "unknown" ? `unknown (closest: ${triage.bestGuess})` : triage.intent;
  const mention = escalation.route === "urgent" && view.onCallGroup ? `<!subteam^${view.onCallGroup}> ` : "";
  const title = `${ROUTE_LABEL[escalation.route] ?? escalation.route}: ${intent.replace(/_/g, " ")}`;
  const id = String(escalation.id);

  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(title, LIMITS.headerText), emoji: true } },
    {
      type: "section",
      fields: [
        `*Customer*\n${customer}${tier}`,
        `*Intent*\n${escapeText(intent)} (${triage.confidence.toFixed(2)})`,
        `*Escalation score*\n${escalation.score} / 100 (${decision.escalation.level})`,
        `*Priority*\n${triage.priority} · ${triage.language.code} · ${triage.sentiment.label}`,
        `*Team*\n${escapeText(escalation.team)}`,
        `*Ticket*\n${ticketUrl ? `<${ticketUrl}|open the ticket>` : "no link"}`,
      ].map((text) => ({ type: "mrkdwn", text: truncate(text, LIMITS.fieldText) })),
    },
  ];
  if (mention) blocks.splice(1, 0, section(`${mention}${ROUTE_ICON.urgent} needs someone now`));
  const reasons = decision.escalation.reasons
    .map(
      (reason) =>
        `• +${reason.contribution} ${escapeText(reason.label)}${reason.evidence.length > 0 ? `: _${escapeText(reason.evidence.join(", "))}_` : ""}`,
    )
    .join("\n");
  if (reasons) blocks.push(section(`*Why a person is needed*\n${reasons}`, ticketUrl));
  if (handoff) {
    blocks.push(section(`*Summary*\n${escapeText(handoff.summary)}`, ticketUrl));
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncate(`*Next step:* ${escapeText(handoff.nextStep)}`, LIMITS.fieldText) }],
    });
  }
  const suggestion = decision.suggestion;
  if (suggestion) {
    const quoted = escapeText(suggestion.text)
      .split("\n")
      .map((line) => `>${line}`)
      .join("\n");
    const missing = suggestion.missing.length > 0 ? ` · fill in: ${suggestion.missing.join(", ")}` : "";
    blocks.push(section(`*Suggested reply* (confidence ${suggestion.confidence.toFixed(2)}${missing})\n${quoted}`, ticketUrl));
    const sources = suggestion.sources.slice(0, LIMITS.contextElements).map((source) => ({
      type: "mrkdwn",
      text: truncate(source.url ? `<${source.url}|${escapeText(source.title)}>` : escapeText(source.title), LIMITS.fieldText),
    }));
    if (sources.length > 0) blocks.push({ type: "context", elements: sources });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: stateLine(escalation) }] });
  if (escalation.state !== "resolved") {
    const elements: Record<string, unknown>[] = [];
    if (escalation.state !== "claimed") elements.push(button("Claim", ACTIONS.claim, id, "primary"));
    if (suggestion) elements.push(button("Send reply", ACTIONS.sendReply, id));
    elements.push(button("Snooze 1 h", ACTIONS.snooze, `${id}:60`));
    elements.push({
      ...button("Resolve", ACTIONS.resolve, id, "danger"),
      confirm: {
        title: { type: "plain_text", text: "Resolve this escalation?" },
        text: { type: "mrkdwn", text: "It leaves the queue and the SLA clock stops." },
        confirm: { type: "plain_text", text: "Resolve" },
        deny: { type: "plain_text", text: "Cancel" },
      },
    });
    elements.push({
      type: "conversations_select",
      action_id: ACTIONS.reassign,
      placeholder: { type: "plain_text", text: "Reassign to channel" },
      filter: { include: ["public", "private"], exclude_bot_users: true },
    });
    blocks.push({ type: "actions", block_id: `tandem_escalation_${id}`, elements });
  }
  const fallback = `${mention}${ROUTE_ICON[escalation.route] ?? ""} ${title} · ${customer}${tier} · score ${escalation.score}`;
  return { text: truncate(fallback, LIMITS.fallbackText), blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}

/** A new customer message on an escalated ticket, posted in the escalation's thread. */
export function threadMessage(text: string, decision: Decision, ticketUrl?: string): SlackMessage {
  const body = `*New message from the customer* (score ${decision.escalation.score}, ${decision.route})\n${escapeText(text)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n")}`;
  return { text: truncate(`New message from the customer: ${escapeText(text)}`, LIMITS.fallbackText), blocks: [section(body, ticketUrl)] };
}

/** Checks a message against Slack's limits; returns what is wrong (empty when it fits). */
export function checkLimits(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > LIMITS.blocksPerMessage)
    problems.push(`${message.blocks.length} blocks (at most ${LIMITS.blocksPerMessage})`);
  if (message.text.length > LIMITS.fallbackText) problems.push(`fallback text of ${message.text.length} characters`);
  message.blocks.forEach((block, index) => {
    const text = (block.text as { text?: string } | undefined)?.text;
    if (block.type === "header" && text && text.length > LIMITS.headerText) problems.push(`[${index}] header over ${LIMITS.headerText}`);
    if (block.type === "section" && text && text.length > LIMITS.sectionText)
      problems.push(`[${index}] section text over ${LIMITS.sectionText}`);
    const fields = block.fields as { text: string }[] | undefined;
    if (fields && fields.length > LIMITS.sectionFields) problems.push(`[${index}] ${fields.length} fields`);
    for (const field of fields ?? []) if (field.text.length > LIMITS.fieldText) problems.push(`[${index}] field over ${LIMITS.fieldText}`);
    const elements = block.elements as Record<string, unknown>[] | undefined;
    if (block.type === "context" && elements && elements.length > LIMITS.contextElements)
      problems.push(`[${index}] ${elements.length} context elements`);
    for (const element of elements ?? []) {
      const label = (element.text as { text?: string } | undefined)?.text;
      if (element.type === "button" && label && label.length > LIMITS.buttonText)
        problems.push(`[${index}] button text over ${LIMITS.buttonText}`);
      if (typeof element.value === "string" && element.value.length > LIMITS.buttonValue)
        problems.push(`[${index}] button value over ${LIMITS.buttonValue}`);
      if (typeof element.action_id === "string" && element.action_id.length > LIMITS.actionId)
        problems.push(`[${index}] action_id over ${LIMITS.actionId}`);
    }
  });
  return problems;
}
