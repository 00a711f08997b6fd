// The Zendesk trigger webhook: a ticket was created or a comment added. The signature Zendesk puts on every webhook
// (X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, timestamp + body)), with its timestamp header) is checked in
// constant time within a five-minute window; the event is recorded before the answer, and decided by the event worker.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import express, { type RequestHandler, Router } from "express";
import { z } from "zod";
import type { CustomerMessage } from "../../core/service/conversations.js";
import type { Store } from "../../core/store/store.js";

export const ZENDESK_SOURCE = "zendesk";
const WINDOW_MS = 5 * 60_000;

/** The JSON body the trigger sends (README: "Zendesk"), built from Zendesk placeholders. */
export const zendeskEventSchema = z.object({
  ticket_id: z.coerce.string().regex(/^\d+$/, "must be the ticket's number ({{ticket.id}})"),
  event: z.enum(["ticket.created", "comment.added"]).default("comment.added"),
  subject: z.string().max(1000).optional(),
  /** {{ticket.latest_public_comment}} */
  comment: z.string().trim().min(1, "is empty").max(20_000),
  requester: z
    .object({
      id: z.coerce.string().min(1),
      name: z.string().max(200).optional(),
      email: z.union([z.email(), z.literal("")]).optional(),
    })
    .optional(),
  /** {{ticket.organization.name}} or a tier your Zendesk keeps; matched against the policy's tiers. */
  tier: z.string().max(100).optional(),
  via: z.string().max(100).optional(),
  url: z.string().max(500).optional(),
  /** {{ticket.updated_at_with_timestamp}}: tells one comment from the next on the same ticket. */
  updated_at: z.string().max(100).optional(),
});
export type ZendeskEvent = z.infer<typeof zendeskEventSchema>;

export function zendeskSignature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret)
    .update(timestamp + body)
    .digest("base64");
}

/** True when the signature is Zendesk's for this body and the timestamp is within five minutes of now. */
export function verifyZendeskSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string,
  now = Date.now(),
): boolean {
  if (!timestamp || !signature) return false;
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || Math.abs(now - at) > WINDOW_MS) return false;
  const expected = Buffer.from(zendeskSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The message id Tandem keeps for a comment: the same comment delivered twice is the same message. */
export function zendeskMessageId(event: ZendeskEvent): string {
  return createHash("sha256")
    .update(`${event.ticket_id}\n${event.updated_at ?? ""}\n${event.comment}`)
    .digest("hex")
    .slice(0, 32);
}

export function toCustomerMessage(event: ZendeskEvent, subdomain: string): CustomerMessage {
  return {
    source: ZENDESK_SOURCE,
    conversationId: event.ticket_id,
    messageId: zendeskMessageId(event),
    text: event.comment,
    channel: event.via ? `zendesk:${event.via.toLowerCase()}` : "zendesk",
    subject: event.subject,
    ticketUrl: `https://${subdomain}.zendesk.com/agent/tickets/${event.ticket_id}`,
    customer: event.requester
      ? {
          id: `zendesk:user:${event.requester.id}`,
          name: event.requester.name || undefined,
          email: event.requester.email || undefined,
          tier: event.tier?.toLowerCase() || undefined,
        }
      : undefined,
  };
}

export interface ZendeskWebhookOptions {
  secret: string;
  store: Store;
  wakeEvents: () => void;
}

/** POST /zendesk/webhook, reading the raw body itself (it is what Zendesk signed). */
export function zendeskWebhookRouter(options: ZendeskWebhookOptions): Router {
  const router = Router();
  const handler: RequestHandler = async (request, response) => {
    const body = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "";
    if (
      !verifyZendeskSignature(
        options.secret,
        request.get("x-zendesk-webhook-signature-timestamp"),
        request.get("x-zendesk-webhook-signature"),
        body,
      )
    ) {
      response.status(401).type("application/problem+json").json({
        type: "about:blank",
        title: "Unauthorized",
        status: 401,
        detail: "the Zendesk webhook signature is missing, stale or wrong",
      });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      response
        .status(400)
        .type("application/problem+json")
        .json({ type: "about:blank", title: "Bad request", status: 400, detail: "the body is not valid JSON" });
      return;
    }
    const parsed = zendeskEventSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
      response
        .status(422)
        .type("application/problem+json")
        .json({
          type: "about:blank",
          title: "Invalid request",
          status: 422,
          detail: `the trigger's body is invalid: ${errors[0]?.path}: ${errors[0]?.message}`,
          errors,
        });
      return;
    }
    // a redelivery carries the same invocation id; without one, the same comment is the same event
    const eventId = request.get("x-zendesk-webhook-invocation-id") ?? zendeskMessageId(parsed.data);
    const recorded = await options.store.recordEvent(ZENDESK_SOURCE, eventId, parsed.data.event, parsed.data);
    if (recorded.fresh) options.wakeEvents();
    response.status(recorded.fresh ? 202 : 200).json({ status: recorded.fresh ? "accepted" : "duplicate" });
  };
  router.post("/zendesk/webhook", express.raw({ type: "*/*", limit: "256kb" }), handler);
  return router;
}
