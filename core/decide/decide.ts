// decide(): for one customer message, triage, escalation score, route, suggested reply and, when a person is involved, the handoff.
import { z } from "zod";
import type { IntentModel } from "../triage/intent-model.js";
import { UNKNOWN_INTENT } from "../triage/intent-model.js";
import { starterModel } from "../triage/starter-model.js";
import { MAX_MESSAGE_CHARS, messageSchema, triage, type TriageResult } from "../triage/triage.js";
import { TandemError } from "../errors.js";
import { isOpen, nextOpening } from "./business-hours.js";
import { type Entities, extractEntities } from "./entities.js";
import { type Escalation, scoreEscalation } from "./escalation-score.js";
import { type AfterHours, type Assignment, buildHandoff, type HandoffPackage, type Route } from "./handoff.js";
import { type KnowledgeBase, loadKnowledgeBase } from "./knowledge-base.js";
import { checkMacroSources, loadMacros, type MacroLibrary, placeholderValues } from "./macros.js";
import { defaultPolicy, type Policy } from "./policy.js";
import { type Suggestion, suggestReply } from "./suggest.js";

/** What a connector knows about the ticket beyond the message. Checked with zod where it crosses a boundary. */
export const decideContextSchema = z.strictObject({
  /** The moment of the message (ISO 8601); now when absent. */
  now: z.coerce.date().optional(),
  customer: z
    .strictObject({
      id: z.string().max(200).optional(),
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().optional(),
      tier: z.string().trim().min(1).max(100).optional(),
      revenue: z.number().nonnegative().optional(),
      /** Who owns the customer in the CRM (the account or deal owner): a person escalation goes to them first. */
      owner: z.string().trim().min(1).max(200).optional(),
      /** Open deals with this customer (from the CRM). */
      deals: z
        .array(
          z.strictObject({
            name: z.string().trim().min(1).max(200),
            amount: z.number().nonnegative().optional(),
            stage: z.string().trim().min(1).max(100).optional(),
          }),
        )
        .max(20)
        .optional(),
    })
    .optional(),
  /** Where the message came from: email, chat, zendesk, hubspot, slack, … */
  channel: z.string().min(1).max(100).optional(),
  ticketUrl: z.url().optional(),
  /** Earlier contacts on the same issue. */
  previousContacts: z.number().int().min(0).max(1000).optional(),
  /** When the customer first wrote on this issue (for SLA risk). */
  waitingSince: z.coerce.date().optional(),
  /** Earlier messages on the ticket, oldest first, without the current one. */
  transcript: z
    .array(
      z.strictObject({
        role: z.enum(["customer", "agent", "bot"]),
        text: z.string().max(MAX_MESSAGE_CHARS),
        at: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .max(200)
    .optional(),
});
export type DecideContext = z.input<typeof decideContextSchema>;
/** A context already checked with decideContextSchema (dates parsed): what decideChecked() takes. */
export type CheckedContext = z.output<typeof decideContextSchema>;

export interface Decision {
  triage: TriageResult;
  escalation: Escalation;
  route: Route;
  /** Why the route is what it is, in one sentence. */
  routeReason: string;
  /** Who takes it when a person is involved (by the policy's routing rules). */
  assignment: Assignment;
  entities: Entities;
  suggestion: Suggestion | undefined;
  /** Present when the route involves a person (assist, human, urgent). */
  handoff: HandoffPackage | undefined;
  /** Present when a person is needed and the team is out: what the customer is told now and when a person follows up. */
  afterHours: AfterHours | undefined;
  /** A language model's reading of the intent when the local model was unsure (informs the person; changes no route). */
  secondOpinion?: { intent: string; provider: string } | undefined;
}

export interface DeciderResources {
  model: IntentModel;
  policy: Policy;
  kb: KnowledgeBase;
  macros: MacroLibrary;
}

export class Decider {
  readonly resources: DeciderResources;
  private readonly assignments = new Map<string, Assignment>();

  constructor(resources: DeciderResources) {
    this.resources = resources;
    checkMacroSources(resources.macros, resources.kb.articles());
    const { routing } = resources.policy;
    // first matching rule wins, as the policy file reads
    for (const rule of [...routing.rules].reverse())
      for (const intent of rule.intents) this.assignments.set(intent, { team: rule.team, channel: rule.channel });
  }

  decide(message: unknown, context: DecideContext = {}): Decision {
    const checked = checkDecideInput(message, context);
    return this.decideChecked(checked.text, checked.context);
  }

  /** decide() for a message and context a boundary has already checked (the API's body schema holds both). */
  decideChecked(text: string, context: CheckedContext): Decision {
    const { model, policy, kb, macros } = this.resources;
    const now = context.now ?? new Date();
    const customer = context.customer ?? {};
    const tier = customer.tier?.toLowerCase();
    const triaged = triage(text, { model, tier });
    const escalation = scoreEscalation({
      text,
      triage: triaged,
      policy,
      now,
      customer: { tier, revenue: customer.revenue },
      previousContacts: context.previousContacts,
      waitingSince: context.waitingSince,
    });
    const entities = extractEntities(text);
    const suggestion = suggestReply({
      text,
      triage: triaged,
      entities,
      values: placeholderValues(entities, customer),
      kb,
      macros,
      humanContact: policy.humanContact,
    });
    const { route, reason } = chooseRoute(policy, triaged, escalation, suggestion, tier);
    // an unrecognised request goes to the team of the closest guess: a person there is likelier to know
    const assignment =
      this.assignments.get(triaged.intent === UNKNOWN_INTENT ? triaged.bestGuess : triaged.intent) ?? policy.routing.default;
    let afterHours: AfterHours | undefined;
    let handoff: HandoffPackage | undefined;
    if (route !== "automate") {
      const opening = isOpen(now, policy.businessHours)
        ? undefined
        : { tellCustomer: policy.businessHours.afterHoursMessage, followUpAt: nextOpening(now, policy.businessHours)?.toISOString() };
      handoff = buildHandoff({
        message: text,
        route,
        triage: triaged,
        escalation,
        entities,
        suggestion,
        assignment,
        customer,
        channel: context.channel,
        ticketUrl: context.ticketUrl,
        transcript: context.transcript ?? [],
        afterHoursOpening: opening,
        now,
      });
      afterHours = handoff.afterHours;
    }
    return { triage: triaged, escalation, route, routeReason: reason, assignment, entities, suggestion, handoff, afterHours };
  }
}

/** A message and context checked as decide() checks them; a mistake is a TandemError naming its path. */
export function checkDecideInput(message: unknown, context: DecideContext = {}): { text: string; context: CheckedContext } {
  const parsedMessage = messageSchema.safeParse(message);
  if (!parsedMessage.success)
    throw new TandemError("invalid_input", parsedMessage.error.issues[0]?.message ?? "invalid message", { where: { path: "message" } });
  const parsedContext = decideContextSchema.safeParse(context);
  if (!parsedContext.success) {
    const issue = parsedContext.error.issues[0];
    throw new TandemError("invalid_input", issue.message, { where: { path: ["context", ...issue.path].join(".") } });
  }
  return { text: parsedMessage.data, context: parsedContext.data };
}

/** The route and the one reason that decided it, checked in order of who must be served first. */
export function chooseRoute(
  policy: Policy,
  triaged: TriageResult,
  escalation: Escalation,
  suggestion: Suggestion | undefined,
  tier: string | undefined,
): { route: Route; reason: string } {
  const { thresholds } = policy;
  const urgent = escalation.score >= thresholds.urgent;
  if (escalation.asksForHuman)
    return { route: urgent ? "urgent" : "human", reason: "The customer asked for a person, and always gets one." };
  if (urgent)
    return { route: "urgent", reason: `The escalation score ${escalation.score} reaches the urgent threshold ${thresholds.urgent}.` };
  if (tier !== undefined && policy.tiers[tier]?.alwaysHuman)
    return { route: "human", reason: `Customers on the ${tier} tier always reach a person.` };
  if (escalation.score >= thresholds.human)
    return { route: "human", reason: `The escalation score ${escalation.score} reaches the human threshold ${thresholds.human}.` };
  const intentRoute = intentRouteOf(policy, triaged.intent);
  if (intentRoute === "human") return { route: "human", reason: `The policy sends ${triaged.intent} to a person.` };
  if (!suggestion) return { route: "human", reason: "No macro or article answers this request." };
  if (triaged.intent === UNKNOWN_INTENT)
    return { route: "assist", reason: "Tandem does not recognise the request; a person checks the draft." };
  if (intentRoute === "assist") return { route: "assist", reason: `The policy has a person send the draft for ${triaged.intent}.` };
  if (escalation.score >= thresholds.assist)
    return { route: "assist", reason: `The escalation score ${escalation.score} reaches the assist threshold ${thresholds.assist}.` };
  if (triaged.confidence < policy.automation.minConfidence)
    return {
      route: "assist",
      reason: `Intent confidence ${triaged.confidence.toFixed(2)} is below ${policy.automation.minConfidence} for answering alone.`,
    };
  if (suggestion.missing.length > 0) return { route: "assist", reason: `The reply needs the ${suggestion.missing.join(" and ")}.` };
  if (!suggestion.onIntent) return { route: "assist", reason: "The best article is not written for this intent; a person checks it." };
  if (suggestion.confidence < policy.automation.minConfidence)
    return { route: "assist", reason: `The reply's confidence ${suggestion.confidence.toFixed(2)} is too low to send alone.` };
  return { route: "automate", reason: `The policy lets Tandem answer ${triaged.intent} alone, and nothing calls for a person.` };
}

function intentRouteOf(policy: Policy, intent: string): "automate" | "assist" | "human" {
  const { intents } = policy;
  if (intents.human.includes(intent)) return "human";
  if (intents.assist.includes(intent)) return "assist";
  if (intents.automate.includes(intent)) return "automate";
  return intents.default;
}

/** A decider on the shipped starter model, policy, knowledge base and macros, built once on first use. */
let starter: Decider | undefined;
export function starterDecider(): Decider {
  starter ??= new Decider({ model: starterModel(), policy: defaultPolicy(), kb: loadKnowledgeBase(), macros: loadMacros() });
  return starter;
}

export function decide(message: unknown, context: DecideContext = {}): Decision {
  return starterDecider().decide(message, context);
}
