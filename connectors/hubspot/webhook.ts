// POST /hubspot/webhook: HubSpot's batched deliveries (up to 100 events in one JSON array). The v3 signature is checked
// against the raw body and the full public URL; each event is recorded with its own id before the answer, so a retried
// batch (HubSpot retries for up to three days when we fail) is recognised event by event. The event worker decides them.
import express, { type RequestHandler, Router } from "express";
import { z } from "zod";
import type { Store } from "../../core/store/store.js";
import { OBJECT_TYPE_IDS, PATHS } from "./ids.js";
import { signatureProblem, verifyHubSpotSignature } from "./signature.js";

export const HUBSPOT_SOURCE = "hubspot";

/** One event as HubSpot sends it (legacy subscription names and the developer platform's object.* names alike). */
export const hubspotEventSchema = z.looseObject({
  eventId: z.number().int().nonnegative(),
  subscriptionId: z.number().int().nonnegative(),
  portalId: z.number().int().positive(),
  appId: z.number().int().nonnegative().optional(),
  occurredAt: z.number().int().positive(),
  subscriptionType: z.string().min(1).max(100),
  attemptNumber: z.number().int().nonnegative().default(0),
  objectId: z.number().int().nonnegative(),
  objectTypeId: z.string().max(20).optional(),
  propertyName: z.string().max(200).optional(),
  propertyValue: z.string().optional(),
  changeFlag: z.string().max(50).optional(),
  changeSource: z.string().max(100).optional(),
  sourceId: z.string().max(200).optional(),
  /** conversation.newMessage: the new message and its kind (MESSAGE from a person, COMMENT for internal notes). */
  messageId: z.string().max(200).optional(),
  messageType: z.string().max(50).optional(),
});
export type HubSpotEvent = z.infer<typeof hubspotEventSchema>;

export const hubspotBatchSchema = z.array(hubspotEventSchema).min(1, "holds no event").max(1000);

export type EventKind = "ticket" | "message" | "ignored";

/** The properties whose change means there is something new to decide on a ticket. */
const DECIDED_PROPERTIES = new Set(["content", "subject"]);

/** What an event asks of Tandem: decide a ticket, decide a conversation message, or nothing. */
export function eventKind(event: HubSpotEvent): EventKind {
  const type = event.subscriptionType;
  if (type === "conversation.newMessage") return event.messageType && event.messageType !== "MESSAGE" ? "ignored" : "message";
  const isTicket = type.startsWith("ticket.") || event.objectTypeId === OBJECT_TYPE_IDS.ticket;
  if (!isTicket) return "ignored";
  if (type.endsWith(".creation")) return "ticket";
  if (type.endsWith(".propertyChange")) return DECIDED_PROPERTIES.has(event.propertyName ?? "") ? "ticket" : "ignored";
  return "ignored";
}

/** The id a redelivery shares with the first delivery. */
export function hubspotEventId(event: HubSpotEvent): string {
  return `${event.portalId}:${event.subscriptionId}:${event.eventId}`;
}

export interface HubSpotWebhookOptions {
  clientSecret: string;
  /** The service's public origin (TANDEM_PUBLIC_URL): HubSpot signs the full address it called. */
  publicUrl: string;
  store: Store;
  wakeEvents: () => void;
  /** Accept only these accounts (the installed ones, or the private app's); undefined accepts any signed event. */
  acceptsPortal?: (portalId: number) => Promise<boolean>;
  log?: (fields: Record<string, unknown>, message: string) => void;
}

function problem(response: express.Response, status: number, title: string, detail: string, extra: object = {}): void {
  response
    .status(status)
    .type("application/problem+json")
    .json({ type: "about:blank", title, status, detail, ...extra });
}

/** The full URI HubSpot called: the public origin with the path and query string as received. */
export function publicUri(publicUrl: string, originalUrl: string): string {
  return `${new URL(publicUrl).origin}${originalUrl}`;
}

export function hubspotWebhookRouter(options: HubSpotWebhookOptions): Router {
  const router = Router();
  const handler: RequestHandler = async (request, response) => {
    const body = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "";
    const check = verifyHubSpotSignature(options.clientSecret, {
      method: request.method,
      uri: publicUri(options.publicUrl, request.originalUrl),
      body,
      signature: request.get("x-hubspot-signature-v3"),
      timestamp: request.get("x-hubspot-request-timestamp"),
    });
    if (!check.ok) {
      options.log?.({ reason: check.reason }, "HubSpot webhook refused");
      problem(response, 401, "Unauthorized", signatureProblem(check));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      problem(response, 400, "Bad request", "the body is not valid JSON");
      return;
    }
    const parsed = hubspotBatchSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        path: issue.path
          .map((part) => (typeof part === "number" ? `[${part}]` : part))
          .join(".")
          .replace(/\.\[/g, "["),
        message: issue.message,
      }));
      problem(response, 422, "Invalid request", `the webhook batch is invalid: ${errors[0]?.path || "body"}: ${errors[0]?.message}`, {
        errors,
      });
      return;
    }
    let accepted = 0;
    let duplicates = 0;
    let ignored = 0;
    for (const event of parsed.data) {
      if (eventKind(event) === "ignored" || (options.acceptsPortal && !(await options.acceptsPortal(event.portalId)))) {
        ignored++;
        continue;
      }
      const recorded = await options.store.recordEvent(HUBSPOT_SOURCE, hubspotEventId(event), event.subscriptionType, event);
      if (recorded.fresh) accepted++;
      else duplicates++;
    }
    if (accepted > 0) options.wakeEvents();
    response.status(200).json({ accepted, duplicates, ignored });
  };
  router.post(PATHS.webhook, express.raw({ type: "*/*", limit: "1mb" }), handler);
  return router;
}
