// What GET /hubspot/card on the Tandem service answers (connectors/hubspot/card.ts builds it). No imports: HubSpot builds
// this folder on its own, so the card cannot reach the rest of the repository.

export type Priority = "low" | "normal" | "high" | "urgent";
export type Route = "automate" | "assist" | "human" | "urgent";
export type EscalationState = "open" | "claimed" | "snoozed" | "resolved";

/** One reason the escalation score went up: what, by how many points, and the words or facts behind it. */
export interface ScoreReason {
  label: string;
  points: number;
  evidence: string[];
}

export interface SuggestedReply {
  text: string;
  confidence: number;
  sources: { title: string; url?: string }[];
  /** Facts the reply needs that Tandem could not find (a person fills them in). */
  missing: string[];
}

export interface CardDecision {
  decidedAt: string;
  intent: string;
  confidence: number;
  language: string;
  priority: Priority;
  score: number;
  route: Route;
  routeReason: string;
  reasons: ScoreReason[];
  suggestion?: SuggestedReply;
  summary?: string;
  nextStep?: string;
  team?: string;
}

export interface CardResponse {
  status: "decided" | "none";
  ticketUrl?: string;
  decision?: CardDecision;
  escalation?: { state: EscalationState; claimedBy?: string };
}
