// Priority from what the message says (urgency, security, outage), its tone, and the intent's usual weight.
import type { SentimentResult } from "./sentiment.js";

export const priorities = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof priorities)[number];

export interface PrioritySignal {
  signal: "intent" | "urgent_wording" | "security" | "business_impact" | "strong_negative" | "shouting" | "customer_tier";
  /** What in the message or context triggered it (a short phrase, never the whole message). */
  evidence: string;
  priority: Priority;
}

export interface PriorityResult {
  priority: Priority;
  signals: PrioritySignal[];
}

/** The usual priority of the starter intents; a team's own model can pass its own map. */
export const defaultIntentPriorities: Readonly<Record<string, Priority>> = {
  fraud_report: "urgent",
  account_access: "high",
  billing_dispute: "high",
  payment_problem: "high",
  damaged_or_wrong_item: "high",
  bereavement: "high",
  complaint: "high",
  human_agent: "high",
  bug_report: "normal",
  feature_request: "low",
  feedback_praise: "low",
  pricing_question: "low",
  product_question: "low",
  discount_code: "low",
  invoice_request: "low",
};

// Compiled once. Word boundaries keep "now" out of "known" and "down" out of "download".
const URGENT =
  /\b(urgent(?:ly)?|asap|a\.s\.a\.p|emergency|immediately|right now|critical|dringend|sofort|urgente?|urgence|imm[ée]diatement|inmediatamente|subito|spoed)\b/u;
const SECURITY =
  /\b(hack(?:ed|er)?|stolen|fraud(?:ulent)?|unauthori[sz]ed|phishing|scam(?:med)?|identity theft|compromised|betrug|fraude|gehackt|pirat[ée])\b/u;
const IMPACT =
  /\b(outage|(?:is|are|site|system|service|app|everything) (?:down|offline)|production|all (?:of )?(?:our|my) (?:users|customers|staff)|losing (?:money|sales|customers)|can(?:no|')t work|business is (?:stopped|blocked)|deadline)\b/u;
const STRONG_NEGATIVE = -0.3;
const SHOUTING_MIN_LETTERS = 12;
const SHOUTING_SHARE = 0.7;
const PREMIUM_TIERS = new Set(["premium", "enterprise", "vip", "platinum", "gold"]);

export interface PriorityInput {
  text: string;
  /** Lower-cased text, computed once by the caller. */
  lower: string;
  intent: string;
  sentiment: SentimentResult;
  tier?: string | undefined;
  intentPriorities?: Readonly<Record<string, Priority>> | undefined;
}

export function assessPriority(input: PriorityInput): PriorityResult {
  const signals: PrioritySignal[] = [];
  const base = (input.intentPriorities ?? defaultIntentPriorities)[input.intent] ?? "normal";
  if (base !== "normal") signals.push({ signal: "intent", evidence: input.intent, priority: base });
  let level = priorities.indexOf(base);

  const urgent = URGENT.exec(input.lower);
  if (urgent) {
    signals.push({ signal: "urgent_wording", evidence: urgent[0], priority: "urgent" });
    level = Math.max(level, 3);
  }
  const security = SECURITY.exec(input.lower);
  if (security) {
    signals.push({ signal: "security", evidence: security[0], priority: "urgent" });
    level = Math.max(level, 3);
  }
  const impact = IMPACT.exec(input.lower);
  if (impact) {
    signals.push({ signal: "business_impact", evidence: impact[0], priority: "high" });
    level = Math.max(level, 2);
  }
  if (input.sentiment.score <= STRONG_NEGATIVE) {
    level = Math.min(3, Math.max(level + 1, 2));
    signals.push({ signal: "strong_negative", evidence: input.sentiment.words.slice(0, 3).join(", "), priority: priorities[level] });
  }
  if (isShouting(input.text)) {
    level = Math.min(3, Math.max(level + 1, 2));
    signals.push({ signal: "shouting", evidence: "mostly capital letters", priority: priorities[level] });
  }
  if (input.tier !== undefined && PREMIUM_TIERS.has(input.tier.toLowerCase())) {
    level = Math.min(3, Math.max(level + 1, 2));
    signals.push({ signal: "customer_tier", evidence: input.tier, priority: priorities[level] });
  }
  return { priority: priorities[level], signals };
}

export function isShouting(text: string): boolean {
  let upper = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      upper++;
      letters++;
    } else if (code >= 97 && code <= 122) letters++;
  }
  return letters >= SHOUTING_MIN_LETTERS && upper / letters >= SHOUTING_SHARE;
}
