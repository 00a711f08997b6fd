// GET /hubspot/card: what the Tandem card on a HubSpot ticket or contact record shows. The card calls it with
// hubspot.fetch, which HubSpot signs like a webhook (v3) and extends with the account and user it runs for; the answer is
// the latest decision on that ticket (or on the contact's latest conversation), its reasons, the suggested reply and the
// escalation's state. The shape is apps/hubspot-card/src/app/cards/contract.ts.
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { Decision } from "../../core/decide/decide.js";
import type { Store } from "../../core/store/store.js";
import { conversationKey, PATHS } from "./ids.js";
import { signatureProblem, verifyHubSpotSignature } from "./signature.js";
import { HUBSPOT_SOURCE, publicUri } from "./webhook.js";

export const cardQuerySchema = z.object({
  objectType: z.enum(["ticket", "tickets", "contact", "contacts", "0-5", "0-1"], {
    error: "must be ticket or contact",
  }),
  objectId: z.string().regex(/^\d{1,20}$/, "must be the record's id (digits)"),
  /** Added by HubSpot to every hubspot.fetch call. */
  portalId: z.string().regex(/^\d{1,20}$/, "must be the HubSpot account's id"),
});

export interface CardDecision {
  decidedAt: string;
  intent: string;
  confidence: number;
  language: string;
  priority: string;
  score: number;
  route: string;
  routeReason: string;
  reasons: { label: string; points: number; evidence: string[] }[];
  suggestion?: { text: string; confidence: number; sources: { title: string; url?: string }[]; missing: string[] };
  summary?: string;
  nextStep?: string;
  team?: string;
}

export interface CardResponse {
  status: "decided" | "none";
  ticketUrl?: string;
  decision?: CardDecision;
  escalation?: { state: string; claimedBy?: string };
}

export function cardDecision(decision: Decision, decidedAt: Date): CardDecision {
  return {
    decidedAt: decidedAt.toISOString(),
    intent: decision.triage.intent,
    confidence: decision.triage.confidence,
    language: decision.triage.language.code,
    priority: decision.triage.priority,
    score: decision.escalation.score,
    route: decision.route,
    routeReason: decision.routeReason,
    reasons: decision.escalation.reasons.map((reason) => ({ label: reason.label, points: reason.contribution, evidence: reason.evidence })),
    ...(decision.suggestion
      ? {
          suggestion: {
            text: decision.suggestion.text,
            confidence: decision.suggestion.confidence,
            sources: decision.suggestion.sources.map((source) => ({ title: source.title, ...(source.url ? { url: source.url } : {}) })),
            missing: decision.suggestion.missing,
          },
        }
      : {}),
    ...(decision.handoff ? { summary: decision.handoff.summary, nextStep: decision.handoff.nextStep } : {}),
    ...(decision.route !== "automate" ? { team: decision.assignment.team } : {}),
  };
}

export async function cardFor(store: Store, query: z.output<typeof cardQuerySchema>): Promise<CardResponse> {
  const isTicket = ["ticket", "tickets", "0-5"].includes(query.objectType);
  const conversation = isTicket
    ? await store.findConversation(HUBSPOT_SOURCE, conversationKey({ portalId: query.portalId, kind: "ticket", id: query.objectId }))
    : await store.latestConversationOf(HUBSPOT_SOURCE, `hubspot:${query.portalId}:contact:${query.objectId}`);
  if (!conversation) return { status: "none" };
  const row = await store.latestDecision(conversation.id);
  if (!row) return { status: "none" };
  const escalation = await store.latestEscalation(conversation.id);
  return {
    status: "decided",
    ...(conversation.ticket_url ? { ticketUrl: conversation.ticket_url } : {}),
    decision: cardDecision(row.body as Decision, row.created_at),
    ...(escalation
      ? { escalation: { state: escalation.state, ...(escalation.claimed_by ? { claimedBy: escalation.claimed_by } : {}) } }
      : {}),
  };
}

export interface CardRouterOptions {
  clientSecret: string;
  publicUrl: string;
  store: Store;
  acceptsPortal?: (portalId: number) => Promise<boolean>;
}

export function hubspotCardRouter(options: CardRouterOptions): Router {
  const router = Router();
  router.get(PATHS.card, async (request: Request, response: Response) => {
    const check = verifyHubSpotSignature(options.clientSecret, {
      method: "GET",
      uri: publicUri(options.publicUrl, request.originalUrl),
      body: "",
      signature: request.get("x-hubspot-signature-v3"),
      timestamp: request.get("x-hubspot-request-timestamp"),
    });
    if (!check.ok) {
      response
        .status(401)
        .type("application/problem+json")
        .json({ type: "about:blank", title: "Unauthorized", status: 401, detail: signatureProblem(check) });
      return;
    }
    const parsed = cardQuerySchema.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      response
        .status(400)
        .type("application/problem+json")
        .json({
          type: "about:blank",
          title: "Bad request",
          status: 400,
          detail: `${String(issue?.path[0] ?? "query")}: ${issue?.message}`,
        });
      return;
    }
    if (options.acceptsPortal && !(await options.acceptsPortal(Number(parsed.data.portalId)))) {
      response
        .status(403)
        .type("application/problem+json")
        .json({
          type: "about:blank",
          title: "Forbidden",
          status: 403,
          detail: `Tandem is not installed in HubSpot account ${parsed.data.portalId}`,
        });
      return;
    }
    response.set("cache-control", "no-store").json(await cardFor(options.store, parsed.data));
  });
  return router;
}
