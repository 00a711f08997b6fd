// Writes Tandem's decision back to the Zendesk ticket through the outbox: priority and custom fields, an internal note
// with the handoff (or, on the automate route and only when allowed, a public reply signed as the automation), the
// tandem_intent_… and tandem_route_… tags, and tandem_done last so that the team's own triggers can react to it.
// A 429 waits for Zendesk's Retry-After, a 5xx is retried, a refused token goes to the dead-letter queue with a message
// that says what to fix; nothing is lost. A retried write never leaves a second note (each note carries its decision's
// marker, looked for before writing again).
import type { Decision } from "../../core/decide/decide.js";
import { renderHandoffText } from "../../core/decide/handoff.js";
import type { HandledMessage } from "../../core/service/conversations.js";
import { type Deliverer, DeliveryError, httpResult } from "../../core/store/outbox-worker.js";
import type { Store } from "../../core/store/store.js";
import { ZENDESK_SOURCE } from "./webhook.js";

export const ZENDESK_WRITEBACK = "zendesk.writeback";
/** A reply a person wrote in Slack (Send reply), sent on the ticket as a public comment. */
export const ZENDESK_REPLY = "reply.zendesk";

export interface ZendeskApiOptions {
  subdomain: string;
  /** API token auth: the agent's email and an API token (Admin Center → Apps and integrations → Zendesk API). */
  email?: string | undefined;
  apiToken?: string | undefined;
  /** Or an OAuth access token. */
  oauthToken?: string | undefined;
  /** Custom ticket field ids to fill (optional). */
  fields?: { intent?: number | undefined; score?: number | undefined; route?: number | undefined };
  /** Post the suggested reply publicly on the automate route. */
  autoReply?: boolean;
  /** How automated replies are signed. */
  signature?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

export function zendeskAuthorization(options: ZendeskApiOptions): string {
  if (options.oauthToken) return `Bearer ${options.oauthToken}`;
  return `Basic ${Buffer.from(`${options.email ?? ""}/token:${options.apiToken ?? ""}`).toString("base64")}`;
}

/** A tag Zendesk accepts: lower case, letters, digits and underscores. */
export function zendeskTag(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function marker(decisionId: number): string {
  return `[tandem-decision-${decisionId}]`;
}

export function zendeskDeliverers(store: Store, options: ZendeskApiOptions): Map<string, Deliverer> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const base = `https://${options.subdomain}.zendesk.com/api/v2`;
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: zendeskAuthorization(options), "content-type": "application/json", accept: "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new DeliveryError(`cannot reach Zendesk: ${error instanceof Error ? error.message : String(error)}`, { retryable: true });
    }
    if (response.status === 401 || response.status === 403)
      throw new DeliveryError(
        `Zendesk refused the credentials (${response.status}): check ZENDESK_EMAIL and ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN), then retry this action from the dashboard`,
        { retryable: false, status: response.status },
      );
    return httpResult(response);
  };

  const writeback: Deliverer = async (payload, context) => {
    const { ticketId, decisionId } = payload as { ticketId: string; decisionId: number };
    const row = await store.getDecision(decisionId);
    if (!row) throw new DeliveryError(`no decision ${decisionId}`, { retryable: false });
    const decision = row.body as Decision;
    const publicReply = options.autoReply === true && decision.route === "automate" && decision.suggestion !== undefined;
    const tag = marker(decisionId);
    let body: string;
    if (publicReply) body = `${decision.suggestion?.text ?? ""}\n\n${options.signature ?? "Sent by Tandem, our automated assistant."}`;
    else if (decision.handoff) body = `${renderHandoffText(decision.handoff)}\n\n${tag}`;
    else
      body = `Tandem: ${decision.route} (${decision.routeReason})${decision.suggestion ? `\n\nSuggested reply:\n${decision.suggestion.text}` : ""}\n\n${tag}`;

    // on a retry, look for this decision's note before writing another
    let written = false;
    if (context.attempt > 1 && !publicReply) {
      const recent = (await request("GET", `/tickets/${ticketId}/comments.json?sort_order=desc&per_page=10`)) as {
        comments?: { body?: string }[];
      };
      written = (recent.comments ?? []).some((comment) => comment.body?.includes(tag));
    }
    const fields = [
      options.fields?.intent ? { id: options.fields.intent, value: decision.triage.intent } : undefined,
      options.fields?.score ? { id: options.fields.score, value: decision.escalation.score } : undefined,
      options.fields?.route ? { id: options.fields.route, value: decision.route } : undefined,
    ].filter((field) => field !== undefined);
    await request("PUT", `/tickets/${ticketId}.json`, {
      ticket: {
        priority: decision.triage.priority,
        ...(fields.length > 0 ? { custom_fields: fields } : {}),
        ...(written ? {} : { comment: { body, public: publicReply } }),
      },
    });
    await request("PUT", `/tickets/${ticketId}/tags.json`, {
      tags: [`tandem_intent_${zendeskTag(decision.triage.intent)}`, `tandem_route_${decision.route}`],
    });
    // last, so that a trigger on tandem_done sees everything else in place
    await request("PUT", `/tickets/${ticketId}/tags.json`, { tags: ["tandem_done"] });
    return { ticketId, note: written ? "already written" : publicReply ? "public reply" : "internal note" };
  };
  const reply: Deliverer = async (payload, context) => {
    const { externalId, messageId, text } = payload as { externalId: string; messageId: number; text: string };
    const tag = `[tandem-reply-${messageId}]`;
    // a retry after the comment went in finds it and stops
    if (context.attempt > 1) {
      const recent = (await request("GET", `/tickets/${externalId}/comments.json?sort_order=desc&per_page=10`)) as {
        comments?: { body?: string; public?: boolean }[];
      };
      if ((recent.comments ?? []).some((comment) => comment.body?.includes(tag) || comment.body?.trim() === text.trim()))
        return { ticketId: externalId, note: "already sent" };
    }
    await request("PUT", `/tickets/${externalId}.json`, { ticket: { comment: { body: text, public: true } } });
    return { ticketId: externalId, note: "public reply" };
  };
  return new Map([
    [ZENDESK_WRITEBACK, writeback],
    [ZENDESK_REPLY, reply],
  ]);
}

/** Queues the write-back of every decision on a Zendesk ticket. */
export async function enqueueZendeskWriteback(store: Store, handled: HandledMessage): Promise<boolean> {
  if (handled.conversation.source !== ZENDESK_SOURCE) return false;
  await store.enqueue({
    idempotencyKey: `zendesk:writeback:decision:${handled.decisionRow.id}`,
    kind: ZENDESK_WRITEBACK,
    payload: { ticketId: handled.conversation.external_id, decisionId: handled.decisionRow.id },
  });
  return true;
}
