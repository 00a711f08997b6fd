// Writes each decision back to HubSpot through the outbox:
// - on a ticket: the Tandem properties (tandem_intent, tandem_confidence, tandem_escalation_score, tandem_route), the
//   priority, the owner when a person is needed and the ticket has none (the largest open deal's owner, else the contact's),
//   and a note with the handoff package associated with the ticket and the contact;
// - on an inbox thread without a ticket: the same as an internal comment on the thread.
// A retried delivery looks for the decision's marker before writing the note again, so a timeout after HubSpot wrote it
// leaves one note, not two. Property updates are the same on every attempt.
import { z } from "zod";
import type { Decision } from "../../core/decide/decide.js";
import { renderHandoffMarkdown, renderHandoffText } from "../../core/decide/handoff.js";
import { type Deliverer, DeliveryError } from "../../core/store/outbox-worker.js";
import type { Store } from "../../core/store/store.js";
import type { HubSpotApi } from "./client.js";
import { ASSOCIATION_TYPES, type HubSpotRef, parseConversationKey } from "./ids.js";

export const HUBSPOT_WRITEBACK = "hubspot.writeback";
/** A reply a person wrote in Slack (Send reply), sent to the customer on the ticket's inbox thread. */
export const HUBSPOT_REPLY = "reply.hubspot";

export interface WritebackPayload {
  /** The conversation key (portal/ticket/id or portal/thread/id). */
  conversation: string;
  decisionId: number;
  contactId?: string | undefined;
  /** Who takes the ticket when a person is needed (set only when the ticket has no owner yet). */
  ownerId?: string | undefined;
}

/** Tandem's priorities in HubSpot's ticket priority values (LOW, MEDIUM, HIGH): urgency also shows in tandem_route. */
const PRIORITY: Record<string, string> = { low: "LOW", normal: "MEDIUM", high: "HIGH", urgent: "HIGH" };

export function marker(decisionId: number): string {
  return `tandem-decision-${decisionId}`;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The note's HTML (HubSpot notes are rich text): the handoff, or the decision and draft on the automate route. */
export function noteHtml(decision: Decision, decisionId: number): string {
  const markdown = decision.handoff
    ? renderHandoffMarkdown(decision.handoff)
    : `**Tandem: ${decision.route}** (${decision.routeReason})\n\nIntent ${decision.triage.intent} (${Math.round(decision.triage.confidence * 100)}%), escalation score ${decision.escalation.score}.${decision.suggestion ? `\n\nSuggested reply:\n\n${decision.suggestion.text}` : ""}`;
  const paragraphs = markdown.split(/\n{2,}/).map(
    (block) =>
      `<p>${escapeHtml(block)
        .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
        .replace(/\n/g, "<br>")}</p>`,
  );
  // the marker lets a retry find this note; HubSpot keeps the data attribute-free span text as is
  return `${paragraphs.join("")}<p><span>${marker(decisionId)}</span></p>`;
}

export function ticketProperties(decision: Decision, ownerId: string | undefined): Record<string, string> {
  return {
    tandem_intent: decision.triage.intent,
    tandem_confidence: decision.triage.confidence.toFixed(3),
    tandem_escalation_score: String(decision.escalation.score),
    tandem_route: decision.route,
    hs_ticket_priority: PRIORITY[decision.triage.priority] ?? "MEDIUM",
    ...(ownerId && decision.route !== "automate" ? { hubspot_owner_id: ownerId } : {}),
  };
}

export interface WritebackOptions {
  store: Store;
  api: (portalId: string) => Promise<HubSpotApi>;
  /** The agent replies from Slack are sent as, in the inbox (A-123…). */
  senderActorId?: string | undefined;
}

const threadMessagesSchema = z.looseObject({
  results: z
    .array(
      z.looseObject({
        type: z.string(),
        text: z.string().nullish(),
        direction: z.string().nullish(),
        createdAt: z.string().nullish(),
        channelId: z.coerce.string().nullish(),
        channelAccountId: z.coerce.string().nullish(),
        subject: z.string().nullish(),
        senders: z
          .array(
            z.looseObject({
              actorId: z.string().nullish(),
              deliveryIdentifier: z.looseObject({ type: z.string(), value: z.string() }).nullish(),
            }),
          )
          .nullish(),
      }),
    )
    .default([]),
});

/** Sends a person's reply on the inbox thread, on the channel and to the address the customer last wrote from. */
async function sendReply(api: HubSpotApi, ref: HubSpotRef, text: string, attempt: number, senderActorId: string | undefined) {
  let threadId = ref.kind === "thread" ? ref.id : undefined;
  if (!threadId) {
    const ticket = await api.call(`reading ticket ${ref.id}`, (client) =>
      client.crm.tickets.basicApi.getById(ref.id, ["hs_conversations_originating_thread_id"]),
    );
    threadId = ticket.properties.hs_conversations_originating_thread_id?.trim() || undefined;
  }
  if (!threadId)
    throw new DeliveryError(`ticket ${ref.id} has no inbox thread to answer on: answer it in HubSpot (Tandem's note holds the draft)`, {
      retryable: false,
    });
  if (!senderActorId)
    throw new DeliveryError("set HUBSPOT_SENDER_ACTOR_ID (the inbox agent replies are sent as, A-123…), then retry from the dashboard", {
      retryable: false,
    });
  const base = `/conversations/v3/conversations/threads/${encodeURIComponent(threadId)}/messages`;
  const { results } = threadMessagesSchema.parse(await api.request(`reading thread ${threadId}`, "GET", `${base}?limit=100`));
  const messages = results
    .filter((message) => message.type === "MESSAGE")
    .sort((a, b) => Date.parse(a.createdAt ?? "") - Date.parse(b.createdAt ?? ""));
  // a retry after HubSpot took the reply finds it on the thread
  if (attempt > 1 && messages.some((message) => message.direction === "OUTGOING" && message.text?.trim() === text.trim()))
    return { threadId, note: "already sent" };
  const last = messages.filter((message) => message.direction === "INCOMING").at(-1);
  if (!last?.channelId || !last.channelAccountId)
    throw new DeliveryError(`thread ${threadId} has no message from the customer to answer`, { retryable: false });
  const sender = last.senders?.[0];
  const sent = await api.request<{ id?: string }>(`replying on thread ${threadId}`, "POST", base, {
    type: "MESSAGE",
    text,
    richText: `<p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`,
    senderActorId,
    channelId: last.channelId,
    channelAccountId: last.channelAccountId,
    ...(last.subject ? { subject: last.subject.startsWith("Re:") ? last.subject : `Re: ${last.subject}` } : {}),
    recipients: [
      {
        ...(sender?.actorId ? { actorId: sender.actorId } : {}),
        ...(sender?.deliveryIdentifier ? { deliveryIdentifiers: [sender.deliveryIdentifier], recipientField: "TO" } : {}),
      },
    ],
  });
  return { threadId, message: sent.id ?? "sent" };
}

async function noteExists(api: HubSpotApi, ticketId: string, tag: string): Promise<boolean> {
  const associations = await api.request<{ results?: { toObjectId: number | string }[] }>(
    `listing the notes on ticket ${ticketId}`,
    "GET",
    `/crm/v4/objects/tickets/${encodeURIComponent(ticketId)}/associations/notes?limit=100`,
  );
  const ids = (associations.results ?? []).map((result) => String(result.toObjectId)).slice(-100);
  if (ids.length === 0) return false;
  const notes = await api.call(`reading the notes on ticket ${ticketId}`, (client) =>
    client.crm.objects.notes.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ["hs_note_body"], propertiesWithHistory: [] }),
  );
  return notes.results.some((note) => note.properties.hs_note_body?.includes(tag) === true);
}

async function writeTicket(api: HubSpotApi, ref: HubSpotRef, payload: WritebackPayload, decision: Decision, attempt: number) {
  const properties = ticketProperties(decision, payload.ownerId);
  await api.call(`updating ticket ${ref.id}`, (client) => client.crm.tickets.basicApi.update(ref.id, { properties }));
  const tag = marker(payload.decisionId);
  if (attempt > 1 && (await noteExists(api, ref.id, tag))) return { ticketId: ref.id, properties, note: "already written" };
  const associations = [
    { to: { id: ref.id }, types: [{ associationCategory: "HUBSPOT_DEFINED" as const, associationTypeId: ASSOCIATION_TYPES.noteToTicket }] },
    ...(payload.contactId
      ? [
          {
            to: { id: payload.contactId },
            types: [{ associationCategory: "HUBSPOT_DEFINED" as const, associationTypeId: ASSOCIATION_TYPES.noteToContact }],
          },
        ]
      : []),
  ];
  const note = await api.call(`writing the note on ticket ${ref.id}`, (client) =>
    client.crm.objects.notes.basicApi.create({
      properties: { hs_note_body: noteHtml(decision, payload.decisionId), hs_timestamp: new Date().toISOString() },
      // the SDK's enum type for the category; the value is HubSpot's documented string
      associations: associations as never,
    }),
  );
  return { ticketId: ref.id, properties, note: note.id };
}

async function writeThread(api: HubSpotApi, ref: HubSpotRef, payload: WritebackPayload, decision: Decision, attempt: number) {
  const base = `/conversations/v3/conversations/threads/${encodeURIComponent(ref.id)}/messages`;
  const tag = marker(payload.decisionId);
  if (attempt > 1) {
    const recent = await api.request<{ results?: { text?: string | null }[] }>(`reading thread ${ref.id}`, "GET", `${base}?limit=50`);
    if ((recent.results ?? []).some((message) => message.text?.includes(tag) === true))
      return { threadId: ref.id, comment: "already written" };
  }
  const text = decision.handoff
    ? renderHandoffText(decision.handoff)
    : `Tandem: ${decision.route} (${decision.routeReason})${decision.suggestion ? `\n\nSuggested reply:\n${decision.suggestion.text}` : ""}`;
  const created = await api.request<{ id?: string }>(`commenting on thread ${ref.id}`, "POST", base, {
    type: "COMMENT",
    text: `${text}\n\n${tag}`,
  });
  return { threadId: ref.id, comment: created.id ?? "written" };
}

export function hubspotDeliverers(options: WritebackOptions): Map<string, Deliverer> {
  const writeback: Deliverer = async (raw, context) => {
    const payload = raw as WritebackPayload;
    const ref = parseConversationKey(payload.conversation);
    if (!ref) throw new DeliveryError(`not a HubSpot conversation: ${payload.conversation}`, { retryable: false });
    const row = await options.store.getDecision(payload.decisionId);
    if (!row) throw new DeliveryError(`no decision ${payload.decisionId}`, { retryable: false });
    const decision = row.body as Decision;
    const api = await options.api(ref.portalId);
    return ref.kind === "ticket"
      ? writeTicket(api, ref, payload, decision, context.attempt)
      : writeThread(api, ref, payload, decision, context.attempt);
  };
  const reply: Deliverer = async (raw, context) => {
    const { externalId, text } = raw as { externalId?: string; text: string };
    const ref = externalId ? parseConversationKey(externalId) : undefined;
    if (!ref) throw new DeliveryError(`not a HubSpot conversation: ${externalId ?? "none"}`, { retryable: false });
    return sendReply(await options.api(ref.portalId), ref, text, context.attempt, options.senderActorId);
  };
  return new Map([
    [HUBSPOT_WRITEBACK, writeback],
    [HUBSPOT_REPLY, reply],
  ]);
}
