// scoreEscalation(): a 0-100 score with the reasons that made it, each with its contribution, so an agent can read why.
import type { TriageResult } from "../triage/triage.js";
import { UNKNOWN_INTENT } from "../triage/intent-model.js";
import { isOpen } from "./business-hours.js";
import type { Policy } from "./policy.js";
import { detectAskForHuman, detectFrustration, detectRepeatContact, detectThreat } from "./signals.js";

export type ReasonCode =
  | "asks_for_human"
  | "frustration"
  | "threat"
  | "repeat_contact"
  | "sla_risk"
  | "customer_value"
  | "sensitive_intent"
  | "low_confidence"
  | "after_hours";

export interface EscalationReason {
  code: ReasonCode;
  /** A sentence an agent reads. */
  label: string;
  /** Points added to the score. */
  contribution: number;
  evidence: string[];
}

export type EscalationLevel = "low" | "medium" | "high" | "critical";

export interface Escalation {
  score: number;
  level: EscalationLevel;
  reasons: EscalationReason[];
  asksForHuman: boolean;
}

export interface CustomerContext {
  tier?: string | undefined;
  /** Lifetime value or open deal amount, from the CRM. */
  revenue?: number | undefined;
}

export interface EscalationInput {
  text: string;
  triage: TriageResult;
  policy: Policy;
  now: Date;
  customer?: CustomerContext | undefined;
  /** Earlier contacts on the same issue, when the connector knows them. */
  previousContacts?: number | undefined;
  /** When the customer first wrote on this issue (for SLA risk). */
  waitingSince?: Date | undefined;
}

export function scoreEscalation(input: EscalationInput): Escalation {
  const { policy, triage } = input;
  const weights = policy.weights;
  const lower = input.text.toLowerCase();
  const reasons: EscalationReason[] = [];
  const add = (code: ReasonCode, label: string, weight: number, strength: number, evidence: string[]) => {
    const contribution = Math.round(weight * Math.min(1, strength));
    if (contribution > 0) reasons.push({ code, label, contribution, evidence });
  };

  const human = detectAskForHuman(lower);
  const asksForHuman = human.strength > 0 || triage.intent === "human_agent";
  if (asksForHuman)
    add(
      "asks_for_human",
      "The customer asks for a person",
      weights.asksForHuman,
      1,
      human.evidence.length > 0 ? human.evidence : ["intent human_agent"],
    );

  const frustration = detectFrustration(input.text, lower, triage.sentiment);
  add("frustration", "The customer sounds frustrated or angry", weights.frustration, frustration.strength, frustration.evidence);

  const threat = detectThreat(lower);
  add("threat", `The customer threatens ${threat.kinds.join(", ")}`, weights.threat, threat.strength, threat.evidence);

  const repeat = detectRepeatContact(lower, input.previousContacts ?? 0);
  add("repeat_contact", "The customer has been in touch about this before", weights.repeatContact, repeat.strength, repeat.evidence);

  if (input.waitingSince) {
    const waitedMinutes = (input.now.getTime() - input.waitingSince.getTime()) / 60_000;
    const target = policy.sla[triage.priority];
    const share = waitedMinutes / target;
    // risk starts at half the SLA and is full at the breach
    add("sla_risk", share >= 1 ? "The SLA target is breached" : "The SLA target is close", weights.slaRisk, (share - 0.5) / 0.5, [
      `waited ${Math.round(waitedMinutes)} of ${target} min`,
    ]);
  }

  const tier = input.customer?.tier?.toLowerCase();
  const tierRule = tier === undefined ? undefined : policy.tiers[tier];
  const revenue = input.customer?.revenue ?? 0;
  const valueEvidence = [
    ...(tierRule && tierRule.weight > 0 ? [`tier ${tier}`] : []),
    ...(revenue >= policy.highValueRevenue ? [`revenue ${revenue}`] : []),
  ];
  const valuePoints = Math.max(tierRule?.weight ?? 0, revenue >= policy.highValueRevenue ? weights.customerValue : 0);
  add("customer_value", "A high-value customer", valuePoints, 1, valueEvidence);

  if (policy.sensitiveIntents.includes(triage.intent))
    add("sensitive_intent", `A sensitive matter (${triage.intent})`, weights.sensitiveIntent, 1, [triage.intent]);

  if (triage.intent === UNKNOWN_INTENT)
    add("low_confidence", "Tandem does not recognise this request", weights.lowConfidence, 1, [`best guess ${triage.bestGuess}`]);
  else if (triage.confidence < policy.automation.minConfidence) {
    const strength = (policy.automation.minConfidence - triage.confidence) / policy.automation.minConfidence;
    add("low_confidence", "Tandem is unsure of the intent", weights.lowConfidence, strength, [
      `confidence ${triage.confidence.toFixed(2)}`,
    ]);
  }

  if (!isOpen(input.now, policy.businessHours))
    add("after_hours", "Outside business hours", weights.afterHours, 1, [policy.businessHours.timezone]);

  reasons.sort((a, b) => b.contribution - a.contribution);
  const score = Math.min(
    100,
    reasons.reduce((sum, reason) => sum + reason.contribution, 0),
  );
  const { assist, human: humanThreshold, urgent } = policy.thresholds;
  const level: EscalationLevel = score >= urgent ? "critical" : score >= humanThreshold ? "high" : score >= assist ? "medium" : "low";
  return { score, level, reasons, asksForHuman };
}
