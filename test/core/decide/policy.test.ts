import { describe, expect, it } from "vitest";
import { isOpen, nextOpening } from "../../../core/decide/business-hours.js";
import { defaultPolicy, parsePolicy } from "../../../core/decide/policy.js";
import { errorOf } from "../../fixtures/error-of.js";

describe("policy", () => {
  it("ships a default that passes its own checks", () => {
    const policy = defaultPolicy();
    expect(policy.intents.human).toContain("human_agent");
    expect(policy.tiers.premium.alwaysHuman).toBe(true);
  });

  it("names the exact path of a mistake", () => {
    const policy = structuredClone(defaultPolicy()) as Record<string, unknown> & { businessHours: { days: { mon: unknown } } };
    policy.businessHours.days.mon = ["8am", "20:00"];
    expect(errorOf(() => parsePolicy(policy, "policy.yaml")).message).toBe(
      'policy.yaml, at businessHours.days.mon[0]: must be a time like "08:30"',
    );
    expect(errorOf(() => parsePolicy({ ...defaultPolicy(), thresholds: { assist: 70, human: 50, urgent: 90 } }, "p.yaml")).message).toBe(
      "p.yaml, at thresholds: must rise: assist ≤ human ≤ urgent",
    );
    expect(errorOf(() => parsePolicy({ ...defaultPolicy(), extra: 1 }, "p.yaml")).message).toContain("p.yaml, at (top level)");
    const zone = { ...defaultPolicy(), businessHours: { ...defaultPolicy().businessHours, timezone: "Mars/Olympus" } };
    expect(errorOf(() => parsePolicy(zone, "p.yaml")).message).toContain("at businessHours.timezone: is not a known IANA time zone");
  });
});

describe("business hours", () => {
  const hours = defaultPolicy().businessHours;
  it("knows the team is in on a weekday afternoon in Berlin and out at night, on weekends and holidays", () => {
    expect(isOpen(new Date("2026-11-23T13:00:00Z"), hours)).toBe(true); // Monday 14:00 in Berlin
    expect(isOpen(new Date("2026-11-23T19:30:00Z"), hours)).toBe(false); // Monday 20:30
    expect(isOpen(new Date("2026-11-22T12:00:00Z"), hours)).toBe(false); // Sunday
    expect(isOpen(new Date("2026-12-25T10:00:00Z"), hours)).toBe(false); // Christmas Day, a Friday
  });

  it("finds the next opening", () => {
    expect(nextOpening(new Date("2026-11-21T10:00:00Z"), hours)?.toISOString()).toBe("2026-11-23T07:00:00.000Z"); // Saturday → Monday 08:00
    expect(nextOpening(new Date("2026-12-24T06:00:00Z"), hours)?.toISOString()).toBe("2026-12-28T07:00:00.000Z"); // holidays, then weekend
    // later in the same closed stretch (the remembered answer), then past it (a fresh walk)
    expect(nextOpening(new Date("2026-12-27T23:59:00Z"), hours)?.toISOString()).toBe("2026-12-28T07:00:00.000Z");
    expect(nextOpening(new Date("2026-12-28T19:30:00Z"), hours)?.toISOString()).toBe("2026-12-29T07:00:00.000Z");
    expect(nextOpening(new Date("2026-12-24T06:00:00Z"), hours)?.toISOString()).toBe("2026-12-28T07:00:00.000Z");
  });
});
