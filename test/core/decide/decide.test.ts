import { describe, expect, it } from "vitest";
import { runCli } from "../../../apps/cli/main.js";
import { decide, Decider, starterDecider } from "../../../core/decide/decide.js";
import { renderHandoffMarkdown, renderHandoffText } from "../../../core/decide/handoff.js";
import { KnowledgeBase, loadKnowledgeBase } from "../../../core/decide/knowledge-base.js";
import { loadMacros, MacroLibrary } from "../../../core/decide/macros.js";
import { defaultPolicy, parsePolicy } from "../../../core/decide/policy.js";
import { starterModel } from "../../../core/triage/starter-model.js";
import { errorOf } from "../../fixtures/error-of.js";

const mondayMorning = new Date("2026-11-23T10:00:00Z"); // 11:00 in Berlin, the team is in
const saturdayNight = new Date("2026-11-21T22:00:00Z");

describe("decide: routes", () => {
  it("hands a customer who asks for a person to a person, with the reasons and a handoff", () => {
    const decision = decide("This is the third time I write, I want a human NOW", { now: mondayMorning });
    expect(decision.route).toBe("human");
    expect(decision.routeReason).toBe("The customer asked for a person, and always gets one.");
    expect(decision.escalation.reasons.map((reason) => reason.code)).toEqual(["asks_for_human", "repeat_contact"]);
    expect(decision.handoff?.summary).toContain('"This is the third time I write, I want a human NOW"');
    expect(decision.handoff?.summary).toContain("Signals: asks for a person; has been in touch about this before.");
    expect(decision.handoff?.nextStep).toContain("the customer asked for a person");
    expect(decision.handoff?.nextStep).toContain("Acknowledge the earlier contacts");
  });

  it("answers a routine question alone from a macro, filled from the message, with its source", () => {
    const decision = decide("where is my order 12345?", { now: mondayMorning });
    expect(decision.route).toBe("automate");
    expect(decision.handoff).toBeUndefined();
    expect(decision.suggestion?.kind).toBe("macro");
    expect(decision.suggestion?.text).toContain("order 12345");
    expect(decision.suggestion?.text).not.toContain("{{");
    expect(decision.suggestion?.text).toContain(defaultPolicy().humanContact);
    expect(decision.suggestion?.sources).toEqual([
      { article: "track-your-order", title: "Track your order", url: "https://help.northwind.example/articles/track-your-order" },
    ]);
    expect(decision.suggestion?.missing).toEqual([]);
  });

  it("always gives a person to a customer who asks, in other languages and whatever the intent", () => {
    for (const text of [
      "Je veux parler à un humain, pas à un robot",
      "Quiero hablar con una persona por favor",
      "Ich möchte mit einem Mitarbeiter sprechen",
      "where is my order 12345? get me a real person",
    ]) {
      const decision = decide(text, { now: mondayMorning });
      expect(decision.route, text).toBe("human");
      expect(decision.escalation.asksForHuman, text).toBe(true);
    }
  });

  it("makes a furious, threatening customer who wants a manager urgent, and brings in a lead", () => {
    const decision = decide(
      "I am disgusted, this is the worst service ever. I will post about this on twitter and talk to my lawyer. GET ME A MANAGER!!!",
      { now: mondayMorning },
    );
    expect(decision.route).toBe("urgent");
    expect(decision.escalation.level).toBe("critical");
    expect(decision.escalation.reasons.map((reason) => reason.code)).toEqual(
      expect.arrayContaining(["asks_for_human", "threat", "frustration"]),
    );
    expect(decision.handoff?.nextStep).toMatch(/^Bring in a team lead before replying: the customer threatens legal, public/);
  });

  it("sends what the policy names to a person: bereavement, complaints", () => {
    const bereavement = decide("my mother passed away and I need to close her account", { now: mondayMorning });
    expect(bereavement.route).toBe("human");
    expect(bereavement.routeReason).toBe("The policy sends bereavement to a person.");
    expect(bereavement.suggestion?.macroId).toBe("bereavement-condolences");
  });

  it("lets a premium customer always reach a person, even for a routine question", () => {
    const decision = decide("where is my order 12345?", { now: mondayMorning, customer: { tier: "Premium", name: "Ada Lovelace" } });
    expect(decision.route).toBe("human");
    expect(decision.routeReason).toBe("Customers on the premium tier always reach a person.");
    expect(decision.suggestion?.text).toMatch(/^Hi Ada,/);
    expect(decision.handoff?.summary).toMatch(/^Ada Lovelace \(Premium\) writes about order status/);
    expect(decision.escalation.reasons.find((reason) => reason.code === "customer_value")?.evidence).toEqual(["tier premium"]);
  });

  it("has a person send the draft for an assist intent, and routes billing to the billing channel", () => {
    const late = decide("My parcel for order 5531 is a week late", { now: mondayMorning });
    expect(late.route).toBe("assist");
    expect(late.routeReason).toBe("The policy has a person send the draft for shipping_delay.");
    expect(late.handoff?.nextStep).toBe("Check the suggested reply, adjust it, and send it.");
    const charge = decide("You charged my card twice for order 88123. Refund it or I file a chargeback.", { now: mondayMorning });
    expect(charge.triage.intent).toBe("billing_dispute");
    expect(["human", "urgent"]).toContain(charge.route);
    expect(charge.assignment).toEqual({ team: "billing", channel: "#billing-escalations" });
    expect(charge.escalation.reasons.find((reason) => reason.code === "threat")?.label).toBe("The customer threatens chargeback");
    // an unrecognised request goes to the team of the closest guess
    const unsure = decide("I was charged twice for order 88123, refund it or I will file a chargeback with my bank", {
      now: mondayMorning,
    });
    expect(unsure.triage.intent).toBe("unknown");
    expect(unsure.triage.bestGuess).toBe("billing_dispute");
    expect(unsure.assignment.team).toBe("billing");
  });

  it("says when the reply needs a fact the ticket lacks, and never lets that go out alone", () => {
    const decision = decide("my parcel is a week late", { now: mondayMorning });
    expect(decision.suggestion?.missing).toEqual(["order number"]);
    expect(decision.suggestion?.text).toContain("[order number]");
    expect(decision.suggestion?.text).not.toContain("{{");
    expect(decision.route).not.toBe("automate");
    expect(decision.handoff?.nextStep).toBe("Fill in the order number in the suggested reply, check it, and send it.");
  });

  it("does not answer alone when the intent is unknown, and hands over when nothing in the knowledge base fits", () => {
    const gibberish = decide("asdf qwerty blorp", { now: mondayMorning });
    expect(gibberish.triage.intent).toBe("unknown");
    expect(gibberish.suggestion).toBeUndefined();
    expect(gibberish.route).toBe("human");
    expect(gibberish.routeReason).toBe("No macro or article answers this request.");
    expect(gibberish.handoff?.nextStep).toContain("no macro or article matches");
  });

  it("drafts from knowledge-base passages only, word for word, with links, when no macro fits", () => {
    const noMacros = new Decider({ ...starterDecider().resources, macros: new MacroLibrary([]) });
    const decision = noMacros.decide("How long does a refund take to reach my bank?", { now: mondayMorning });
    const suggestion = decision.suggestion;
    expect(suggestion?.kind).toBe("knowledge_base");
    expect(suggestion?.sources[0]?.article).toBe("refund-timing");
    // every paragraph between the greeting and the links is an article's own text
    const passages = loadKnowledgeBase().passages.map((passage) => passage.text);
    const paragraphs = (suggestion?.text ?? "").split("\n\n");
    expect(paragraphs[0]).toBe("Hi there,");
    const body = paragraphs.slice(
      1,
      paragraphs.findIndex((paragraph) => paragraph.startsWith("More in our help centre:")),
    );
    expect(body.length).toBeGreaterThan(0);
    for (const paragraph of body) expect(passages).toContain(paragraph);
    expect(suggestion?.text).toContain("https://help.northwind.example/articles/refund-timing");
    // the article is written for the intent and the match is clear, so it may go out alone
    expect(suggestion?.onIntent).toBe(true);
    expect(suggestion?.confidence).toBeGreaterThanOrEqual(defaultPolicy().automation.minConfidence);
    expect(decision.route).toBe("automate");
    // a request the model does not recognise gets a draft from the closest article, for a person to check
    const unknown = noMacros.decide("Can I pay with PayPal?", { now: mondayMorning });
    expect(unknown.triage.intent).toBe("unknown");
    expect(unknown.suggestion?.sources[0]?.article).toBe("payment-methods");
    expect(unknown.suggestion?.onIntent).toBe(false);
    expect(unknown.route).toBe("assist");
  });

  it("routes a low-confidence guess to a person who checks the draft", () => {
    const policy = parsePolicy({ ...defaultPolicy(), automation: { minConfidence: 0.99 } });
    const decider = new Decider({ ...starterDecider().resources, policy });
    const decision = decider.decide("where is my order 12345?", { now: mondayMorning });
    expect(decision.route).toBe("assist");
    expect(decision.routeReason).toMatch(/^Intent confidence 0\.\d\d is below 0\.99 for answering alone\.$/);
    expect(decision.escalation.reasons.map((reason) => reason.code)).toContain("low_confidence");
  });

  it("after hours, says what the customer is told now and when a person follows up", () => {
    const decision = decide("I want to talk to a person about my refund", { now: saturdayNight });
    expect(decision.route).toBe("human");
    expect(decision.afterHours).toEqual({
      tellCustomer: defaultPolicy().businessHours.afterHoursMessage,
      followUpAt: "2026-11-23T07:00:00.000Z", // Monday 08:00 in Berlin
      followUp: decision.handoff?.nextStep,
    });
    expect(decision.escalation.reasons.map((reason) => reason.code)).toContain("after_hours");
    expect(decide("where is my order 12345?", { now: saturdayNight }).afterHours).toBeUndefined();
  });

  it("counts repeat contact, SLA risk and revenue from what the connector knows", () => {
    const decision = decide("Any news on my refund for order 4410?", {
      now: mondayMorning,
      previousContacts: 2,
      waitingSince: new Date(mondayMorning.getTime() - 9 * 3_600_000),
      customer: { revenue: 25_000 },
    });
    const codes = Object.fromEntries(decision.escalation.reasons.map((reason) => [reason.code, reason]));
    expect(codes.repeat_contact?.evidence).toEqual(["2 earlier contacts"]);
    expect(codes.sla_risk?.label).toBe("The SLA target is breached");
    expect(codes.customer_value?.evidence).toEqual(["revenue 25000"]);
    expect(decision.route).not.toBe("automate");
  });
});

describe("decide: handoff package", () => {
  const transcript = [
    { role: "customer" as const, text: "Hi, my order 7781 has not arrived", at: "2026-11-20T09:00:00Z" },
    { role: "bot" as const, text: "Every order ships within 1 business day of being placed.", at: "2026-11-20T09:00:05Z" },
    { role: "customer" as const, text: "It has been a week", at: "2026-11-22T09:00:00Z" },
  ];
  const decision = decide("This is ridiculous, I want to speak to a manager about order 7781", {
    now: mondayMorning,
    customer: { name: "Grace Hopper", email: "grace@example.com", tier: "plus" },
    channel: "chat",
    ticketUrl: "https://acme.zendesk.com/agent/tickets/42",
    transcript,
  });
  const handoff = decision.handoff;

  it("holds everything a person needs so the customer never repeats themselves", () => {
    expect(handoff).toBeDefined();
    if (!handoff) return;
    expect(handoff.customer).toEqual({ name: "Grace Hopper", email: "grace@example.com", tier: "plus" });
    expect(handoff.entities.orderIds).toEqual(["7781"]);
    expect(handoff.machineAnswered).toEqual([transcript[1]]);
    expect(handoff.transcript.map((entry) => entry.text)).toEqual([
      ...transcript.map((entry) => entry.text),
      "This is ridiculous, I want to speak to a manager about order 7781",
    ]);
    expect(handoff.transcript.at(-1)?.at).toBe(mondayMorning.toISOString());
    expect(handoff.reasons[0]?.code).toBe("asks_for_human");
    expect(handoff.summary).toMatch(/^Grace Hopper \(plus\) writes about .*order 7781/);
  });

  it("renders as Markdown for an internal note, as plain text, and as JSON", () => {
    if (!handoff) throw new Error("no handoff");
    const markdown = renderHandoffMarkdown(handoff);
    expect(markdown).toMatch(/^### Tandem handoff: (human|urgent) \(score \d+, (high|critical)\)/);
    expect(markdown).toContain("- **Customer:** Grace Hopper · grace@example.com · tier plus");
    expect(markdown).toContain("- **Ticket:** https://acme.zendesk.com/agent/tickets/42");
    expect(markdown).toContain(
      "**Already answered by Tandem**\n\n> bot (2026-11-20 09:00): Every order ships within 1 business day of being placed.",
    );
    expect(markdown).toMatch(/- The customer asks for a person \(\+60\): "speak to a manager"/);
    expect(markdown).toContain("1. customer (2026-11-23 10:00): This is ridiculous, I want to speak to a manager about order 7781");
    const text = renderHandoffText(handoff);
    expect(text).toMatch(/^TANDEM HANDOFF: (HUMAN|URGENT)/);
    expect(text).toContain("Details: Order: 7781");
    expect(text).not.toContain("**");
    expect(JSON.parse(JSON.stringify(handoff))).toEqual(handoff);
  });
});

describe("decide: bad input", () => {
  it("rejects an empty message and a bad context with the path of the mistake", () => {
    expect(errorOf(() => decide("   ")).message).toBe("at message: the message is empty");
    expect(errorOf(() => decide("hello", { previousContacts: -1 })).message).toContain("at context.previousContacts:");
    expect(errorOf(() => decide("hello", { customer: { email: "not-an-email" } })).message).toContain("at context.customer.email:");
    expect(errorOf(() => decide("hello", { transcript: [{ role: "robot" as "bot", text: "hi" }] })).message).toContain(
      "at context.transcript.0.role:",
    );
  });

  it("refuses macros that cite an article the knowledge base does not have", () => {
    const macros = loadMacros();
    const kb = loadKnowledgeBase();
    const withoutTracking = new KnowledgeBase(kb.passages.filter((passage) => passage.article !== "track-your-order"));
    expect(errorOf(() => new Decider({ model: starterModel(), policy: defaultPolicy(), kb: withoutTracking, macros })).message).toMatch(
      /source "track-your-order" is not an article of the knowledge base/,
    );
  });
});

describe("tandem decide", () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("prints route human, the reasons and a handoff summary for a customer who wants a person", async () => {
    const result = await run("decide", "This is the third time I write, I want a human NOW", "--now", "2026-11-23T10:00:00Z");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^route {8}human: The customer asked for a person/);
    expect(result.out).toContain("+60  The customer asks for a person: human now");
    expect(result.out).toContain("+20  The customer has been in touch about this before: third time");
    expect(result.out).toMatch(/handoff {6}The customer writes about human agent/);
  });

  it("prints an automated answer from the starter knowledge base with its source", async () => {
    const result = await run("decide", "where is my order 12345?", "--now", "2026-11-23T10:00:00Z");
    expect(result.out).toMatch(/^route {8}automate:/);
    expect(result.out).toContain("automated answer (confidence");
    expect(result.out).toContain("Thanks for checking on order 12345.");
    expect(result.out).toContain("source       Track your order <https://help.northwind.example/articles/track-your-order>");
  });

  it("prints the handoff as Markdown and JSON, and says what was wrong with a flag", async () => {
    const markdown = await run("decide", "I want a human", "--format", "markdown", "--now", "2026-11-23T10:00:00Z");
    expect(markdown.out).toMatch(/^### Tandem handoff: human/);
    const json = await run("decide", "where is my order 12345?", "--format", "json", "--tier", "premium");
    expect((JSON.parse(json.out) as { route: string }).route).toBe("human");
    const bad = await run("decide", "hi", "--now", "yesterday-ish");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--now: now must be a date and time like 2026-11-23T14:30:00+01:00");
    const badFormat = await run("decide", "hi", "--format", "pdf");
    expect(badFormat.err).toContain("--format: must be text, json, markdown or handoff");
  });
});
