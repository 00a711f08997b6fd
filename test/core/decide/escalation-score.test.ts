import { describe, expect, it } from "vitest";
import { scoreEscalation } from "../../../core/decide/escalation-score.js";
import { defaultPolicy } from "../../../core/decide/policy.js";
import { triage } from "../../../core/triage/triage.js";

const policy = defaultPolicy();
const mondayAfternoon = new Date("2026-11-23T13:00:00Z");
const score = (text: string, extra: Partial<Parameters<typeof scoreEscalation>[0]> = {}) =>
  scoreEscalation({ text, triage: triage(text), policy, now: mondayAfternoon, ...extra });

describe("scoreEscalation", () => {
  it("scores a routine question low, with no reasons", () => {
    const result = score("where is my order 12345?");
    expect(result.score).toBe(0);
    expect(result.level).toBe("low");
    expect(result.reasons).toEqual([]);
  });

  it("puts a repeat, angry request for a person high and says why, biggest reason first", () => {
    const result = score("This is the third time I write, I want a human NOW. Unacceptable!!!");
    expect(result.asksForHuman).toBe(true);
    expect(result.reasons.map((reason) => reason.code)).toEqual(
      expect.arrayContaining(["asks_for_human", "frustration", "repeat_contact"]),
    );
    expect(result.reasons[0]).toMatchObject({ code: "asks_for_human", contribution: policy.weights.asksForHuman });
    expect(result.score).toBe(
      Math.min(
        100,
        result.reasons.reduce((sum, reason) => sum + reason.contribution, 0),
      ),
    );
    expect(result.level).toBe("critical");
  });

  it("adds threats, sensitive intents, customer value, SLA risk and after hours", () => {
    const threat = score("If this charge is not reversed I will file a chargeback and call my lawyer");
    expect(threat.reasons.find((reason) => reason.code === "threat")?.label).toBe("The customer threatens chargeback, legal");

    const premium = score("how do I change the email on my account?", { customer: { tier: "Premium" } });
    expect(premium.reasons).toEqual([
      { code: "customer_value", label: "A high-value customer", contribution: 25, evidence: ["tier premium"] },
    ]);
    const bigDeal = score("how do I change the email on my account?", { customer: { revenue: 50_000 } });
    expect(bigDeal.reasons[0].evidence).toEqual(["revenue 50000"]);

    const late = score("where is my order 12345?", { waitingSince: new Date(mondayAfternoon.getTime() - 480 * 60_000) });
    expect(late.reasons[0]).toMatchObject({ code: "sla_risk", label: "The SLA target is breached", contribution: policy.weights.slaRisk });

    const night = score("where is my order 12345?", { now: new Date("2026-11-22T23:00:00Z") });
    expect(night.reasons.map((reason) => reason.code)).toEqual(["after_hours"]);

    const bereavement = score("My father passed away and had an account with you");
    expect(bereavement.reasons.map((reason) => reason.code)).toContain("sensitive_intent");
  });

  it("counts an unrecognised request as a reason", () => {
    const result = score("purple elephants sing opera on tuesdays");
    expect(result.reasons.find((reason) => reason.code === "low_confidence")?.label).toBe("Tandem does not recognise this request");
  });
});
