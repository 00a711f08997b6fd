import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkLimits, escalationMessage, escapeText, LIMITS, threadMessage, truncate } from "../../../connectors/slack/blocks.js";
import { ACTIONS, BOT_SCOPES, EVENTS, SHORTCUTS, SLASH_COMMAND } from "../../../connectors/slack/ids.js";
import { decide } from "../../../core/decide/decide.js";
import { manifestIds, manifestYaml, slackManifest } from "../../../manifests/slack/manifest.js";

const now = new Date("2026-11-23T10:00:00Z");
const escalation = {
  id: 42,
  route: "human" as const,
  state: "open" as const,
  score: 80,
  claimed_by: null,
  claimed_at: null,
  resolved_by: null,
  snoozed_until: null,
  team: "support",
};

describe("Slack manifest", () => {
  it("is the file in manifests/slack, generated from the typed manifest", () => {
    expect(readFileSync("manifests/slack/manifest.yml", "utf8")).toBe(manifestYaml());
  });

  it("declares the command, shortcut, events and scopes the code uses, with every URL on /slack/events", () => {
    expect(manifestIds()).toEqual({
      commands: [SLASH_COMMAND],
      shortcuts: [SHORTCUTS.triageMessage],
      events: [...EVENTS],
      actions: Object.values(ACTIONS),
    });
    expect(slackManifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(slackManifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(slackManifest.features.slash_commands[0]?.url).toMatch(/\/slack\/events$/);
  });
});

describe("escalation messages", () => {
  it("show the customer, intent, score with reasons, summary, suggested reply, ticket link and the actions", () => {
    const decision = decide("This is the third time I write, I want a human NOW", {
      now,
      customer: { name: "Ada Lovelace", tier: "premium" },
    });
    const message = escalationMessage({ escalation, decision, ticketUrl: "https://acme.zendesk.com/agent/tickets/42" });
    expect(checkLimits(message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "A person takes over: human agent", emoji: true },
    });
    expect(json).toContain("*Customer*\\nAda Lovelace (premium)");
    expect(json).toContain("+60 The customer asks for a person: _human now_");
    expect(json).toContain("<https://acme.zendesk.com/agent/tickets/42|open the ticket>");
    expect(json).toContain("*Suggested reply*");
    const actions = message.blocks.find((block) => block.type === "actions") as unknown as {
      elements: { action_id: string; value?: string }[];
    };
    expect(actions.elements.map((element) => element.action_id)).toEqual([
      ACTIONS.claim,
      ACTIONS.sendReply,
      ACTIONS.snooze,
      ACTIONS.resolve,
      ACTIONS.reassign,
    ]);
    expect(actions.elements[0]?.value).toBe("42");
    expect(message.text).toBe(":large_orange_circle: A person takes over: human agent · Ada Lovelace (premium) · score 80");
  });

  it("mentions the on-call group on urgent ones, and shows who claimed or resolved", () => {
    const decision = decide("I want a human NOW, I am calling my lawyer!!!", { now });
    const urgent = escalationMessage({ escalation: { ...escalation, route: "urgent" }, decision, onCallGroup: "S0ONCALL" });
    expect(urgent.text.startsWith("<!subteam^S0ONCALL> ")).toBe(true);
    expect(JSON.stringify(urgent.blocks)).toContain("<!subteam^S0ONCALL> :red_circle: needs someone now");
    const claimed = escalationMessage({
      escalation: { ...escalation, state: "claimed", claimed_by: "U123", claimed_at: new Date("2026-11-23T10:05:00Z") },
      decision,
    });
    const epoch = Date.parse("2026-11-23T10:05:00Z") / 1000;
    expect(JSON.stringify(claimed.blocks)).toContain(`Claimed by <@U123> at <!date^${epoch}^{time}|2026-11-23T10:05:00.000Z>`);
    const claimButtons = (claimed.blocks.find((block) => block.type === "actions") as unknown as { elements: { action_id: string }[] })
      .elements;
    expect(claimButtons.map((element) => element.action_id)).not.toContain(ACTIONS.claim);
    const resolved = escalationMessage({ escalation: { ...escalation, state: "resolved", resolved_by: "U9" }, decision });
    expect(resolved.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(JSON.stringify(resolved.blocks)).toContain("Resolved by <@U9>");
  });

  it("escapes customer text so that it cannot mention anyone, and cuts long text with a link instead of failing", () => {
    expect(escapeText("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
    const long = `I want a person. ${"Everything went wrong again and again. ".repeat(200)} <!channel>`;
    const decision = decide(long, { now, customer: { name: "<!here> Mallory" } });
    const message = escalationMessage({ escalation, decision, ticketUrl: "https://acme.zendesk.com/agent/tickets/42" });
    expect(checkLimits(message)).toEqual([]);
    const json = JSON.stringify(message);
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<!here>");
    expect(json).toContain("&lt;!here&gt; Mallory");
    expect(truncate("abcdef", 4)).toBe("abc…");
    // the whole customer message goes into the thread: cut at Slack's limit, with a link to the ticket
    const thread = threadMessage(long, decision, "https://acme.zendesk.com/agent/tickets/42");
    expect(checkLimits(thread)).toEqual([]);
    const threadText = (thread.blocks[0] as unknown as { text: { text: string } }).text.text;
    expect(threadText.length).toBe(LIMITS.sectionText);
    expect(threadText.endsWith("… <https://acme.zendesk.com/agent/tickets/42|more in the ticket>")).toBe(true);
    expect(JSON.stringify(thread)).not.toContain("<!channel>");
  });

  it("reports what breaks Slack's limits", () => {
    const tooMany = { text: "t", blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) };
    expect(checkLimits(tooMany)).toEqual(["51 blocks (at most 50)"]);
    const longHeader = { text: "t", blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(LIMITS.headerText + 1) } }] };
    expect(checkLimits(longHeader)).toEqual(["[0] header over 150"]);
  });
});
