// The OpenAI provider behind the never-worse guard, with OpenAI's API faked by nock: a good structured answer, every
// failure path falling back to the local draft within the budget, the grounding check, and what leaves the machine.
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../../core/decide/decide.js";
import { loadKnowledgeBase } from "../../../core/decide/knowledge-base.js";
import { AssistedDrafter } from "../../../core/providers/assisted.js";
import { checkGrounding, factsIn } from "../../../core/providers/grounding.js";
import { improveDecision } from "../../../core/providers/improve.js";
import { OpenAIProvider } from "../../../core/providers/openai-provider.js";
import type { DraftInput } from "../../../core/providers/provider.js";

const API = "https://api.openai.com";
const kb = loadKnowledgeBase();
const message = "Hi, this is Ada Lovelace. How long does my refund take? Card 4111 1111 1111 1111, mail me at ada@example.com";
const decision = decide(message, { now: new Date("2026-11-23T10:00:00Z"), customer: { name: "Ada Lovelace" } });
const passages = kb.search("how long does a refund take", { limit: 3 }).map((hit) => hit.passage);
const input: DraftInput = { message, decision, passages, customerName: "Ada Lovelace", humanContact: 'Reply "agent" to reach a person.' };
const refundPassage = passages[0];

function completion(content: string | null, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content, refusal: null, ...extra } }],
    usage: { prompt_tokens: 812, completion_tokens: 96, total_tokens: 908 },
  };
}

const provider = () => new OpenAIProvider({ apiKey: "sk-test", model: "gpt-4o-mini", pricePerMillion: { input: 0.15, output: 0.6 } });

describe("OpenAI provider", () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  it("uses a grounded, cited answer, restores the customer's details, and sends nothing personal", async () => {
    const sentence = refundPassage?.text.split(". ")[0] ?? "";
    let sent = "";
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, (_uri, body) => {
        sent = JSON.stringify(body);
        return completion(
          JSON.stringify({
            reply: `Hi [customer_name], ${sentence}. We will write to [email_1]. Reply "agent" to reach a person.`,
            citations: [refundPassage?.id],
          }),
        );
      });
    const outcomes: unknown[] = [];
    const drafter = new AssistedDrafter(provider(), { onOutcome: (outcome) => outcomes.push(outcome) });
    const result = await drafter.draft(input);
    expect(result.provider).toBe("openai");
    expect(result.fallback).toBeUndefined();
    expect(result.draft?.text).toBe(`Hi Ada Lovelace, ${sentence}. We will write to ada@example.com. Reply "agent" to reach a person.`);
    expect(result.draft?.citations).toEqual([refundPassage?.id]);
    expect(result.usage).toEqual({ promptTokens: 812, completionTokens: 96, cost: (812 * 0.15 + 96 * 0.6) / 1_000_000 });
    // what left the machine: placeholders, not the name, the card or the email
    for (const secret of ["Ada Lovelace", "4111", "ada@example.com"]) expect(sent).not.toContain(secret);
    expect(sent).toContain("[customer_name]");
    expect(sent).toContain("[card_1]");
    expect(sent).toContain("[email_1]");
    expect(JSON.parse(sent)).toMatchObject({
      model: "gpt-4o-mini",
      response_format: { type: "json_schema", json_schema: { name: "draft_reply", strict: true } },
    });
    expect(outcomes).toEqual([{ provider: "openai", ms: expect.any(Number) as number, operation: "draft", usage: result.usage }]);
  });

  it.each([
    [
      "rate_limited",
      () =>
        nock(API)
          .post("/v1/chat/completions")
          .reply(429, { error: { message: "slow down" } }, { "retry-after": "20" }),
    ],
    [
      "server_error",
      () =>
        nock(API)
          .post("/v1/chat/completions")
          .reply(503, { error: { message: "overloaded" } }),
    ],
    [
      "refusal",
      () =>
        nock(API)
          .post("/v1/chat/completions")
          .reply(200, completion(null, { refusal: "I can't help with that." })),
    ],
    ["malformed", () => nock(API).post("/v1/chat/completions").reply(200, completion("Sure! Here is a reply: ..."))],
    [
      "no_citation",
      () =>
        nock(API)
          .post("/v1/chat/completions")
          .reply(200, completion(JSON.stringify({ reply: "Refunds are quick.", citations: ["made-up#9"] }))),
    ],
  ])("falls back to the local draft on %s", async (reason, fake) => {
    fake();
    const result = await new AssistedDrafter(provider()).draft(input);
    expect(result).toMatchObject({ provider: "local", fallback: reason });
    expect(result.draft?.text).toBe(decision.suggestion?.text);
  });

  it("refuses a draft that invents an amount or a link", async () => {
    for (const invented of ["We will refund $50 today.", "Read more at https://evil.example/refunds."]) {
      nock(API)
        .post("/v1/chat/completions")
        .reply(200, completion(JSON.stringify({ reply: invented, citations: [refundPassage?.id] })));
      const result = await new AssistedDrafter(provider()).draft(input);
      expect(result).toMatchObject({ provider: "local", fallback: "ungrounded" });
    }
  });

  it("answers within the budget when the model is slow", async () => {
    nock(API)
      .post("/v1/chat/completions")
      .delay(2_000)
      .reply(200, completion(JSON.stringify({ reply: "late", citations: [refundPassage?.id] })));
    const started = Date.now();
    const result = await new AssistedDrafter(provider(), { budgetMs: 150 }).draft(input);
    expect(result).toMatchObject({ provider: "local", fallback: "timeout" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops calling a failing provider for a while (circuit breaker), then tries again", async () => {
    let clock = 1_000_000;
    const drafter = new AssistedDrafter(provider(), { failuresToOpen: 3, openMs: 60_000, now: () => clock });
    const api = nock(API)
      .post("/v1/chat/completions")
      .times(3)
      .reply(500, { error: { message: "down" } });
    for (let i = 0; i < 3; i++) expect((await drafter.draft(input)).fallback).toBe("server_error");
    expect(api.isDone()).toBe(true);
    expect((await drafter.draft(input)).fallback).toBe("circuit_open"); // no call: nock would refuse it
    clock += 61_000;
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, completion(JSON.stringify({ reply: `${refundPassage?.text.split(". ")[0] ?? ""}.`, citations: [refundPassage?.id] })));
    expect((await drafter.draft(input)).provider).toBe("openai");
    expect(drafter.counts).toEqual({ "fallback:server_error": 3, "fallback:circuit_open": 1, ok: 1 });
  });
});

describe("grounding", () => {
  it("finds the facts a draft names and the ones no source supports", () => {
    expect(factsIn("Refunds take 3-5 business days; see https://help.example/refunds or pay $12.50.")).toEqual(
      expect.arrayContaining(["https://help.example/refunds", "$12.50", "3-5"]),
    );
    expect(checkGrounding("It takes 3-5 business days.", ["Your bank takes 3-5 business days."])).toEqual({
      grounded: true,
      unsupported: [],
    });
    expect(checkGrounding("It takes 2 days.", ["Your bank takes 3-5 business days."])).toEqual({ grounded: false, unsupported: ["2"] });
  });
});

describe("OpenAI summaries and second opinions", () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  /** Answers each structured call by its schema's name. */
  function fakeModel(answers: Record<string, unknown>, sent: string[] = []) {
    return nock(API)
      .post("/v1/chat/completions")
      .times(Object.keys(answers).length)
      .reply(200, (_uri, body) => {
        sent.push(JSON.stringify(body));
        const name = (body as { response_format: { json_schema: { name: string } } }).response_format.json_schema.name;
        return completion(JSON.stringify(answers[name]));
      });
  }

  const transcript = [
    { role: "customer" as const, text: "My order 7781 has not arrived, write to ada@example.com" },
    { role: "bot" as const, text: "Every order ships within 1 business day." },
    { role: "customer" as const, text: "It has been a week. I want a person." },
  ];

  it("summarises the conversation from the transcript alone, with the customer's details restored", async () => {
    const sent: string[] = [];
    fakeModel({ handoff_summary: { summary: "Ada asks about order 7781, which has not arrived after a week; write to [email_1]." } }, sent);
    const summary = await new AssistedDrafter(provider()).summarise({
      transcript,
      intent: "shipping_delay",
      reasons: ["The customer asks for a person"],
      customerName: "Ada",
    });
    expect(summary).toBe("Ada asks about order 7781, which has not arrived after a week; write to ada@example.com.");
    expect(sent[0]).not.toContain("ada@example.com");
    expect(sent[0]).toContain("[email_1]");
  });

  it("keeps the local summary when the model's names a fact the conversation lacks", async () => {
    fakeModel({ handoff_summary: { summary: "The customer was promised a refund of $40." } });
    expect(await new AssistedDrafter(provider()).summarise({ transcript, intent: "shipping_delay", reasons: [] })).toBeUndefined();
  });

  it("gives a second opinion among the model's intents only", async () => {
    fakeModel({ intent: { intent: "billing_dispute" } });
    expect(
      await new AssistedDrafter(provider()).secondOpinion({
        message: "they took money twice",
        intents: ["billing_dispute", "order_status"],
      }),
    ).toBe("billing_dispute");
    fakeModel({ intent: { intent: "astrology" } });
    expect(await new AssistedDrafter(provider()).secondOpinion({ message: "hmm", intents: ["billing_dispute"] })).toBeUndefined();
  });

  it("improves a whole decision at once: draft, handoff summary and second opinion, each with its own fallback", async () => {
    const unsure = decide("hmm, the thing from last week, I want a person", { now: new Date("2026-11-23T10:00:00Z"), transcript });
    expect(unsure.handoff).toBeDefined();
    const local = unsure.suggestion?.text ?? "";
    fakeModel({
      draft_reply: { reply: `${local.split("\n")[0] ?? ""}`, citations: ["local-suggestion"] },
      handoff_summary: { summary: "The customer wants a person about order 7781, missing for a week." },
      intent: { intent: "shipping_delay" },
    });
    const improved = await improveDecision(unsure, "hmm, the thing from last week, I want a person", {
      kb,
      drafter: new AssistedDrafter(provider()),
      humanContact: 'Reply "agent" to reach a person.',
      intents: ["shipping_delay", "order_status", "human_agent"],
      minConfidence: 1.01,
    });
    expect(improved.suggestion?.kind).toBe("model");
    expect(improved.handoff?.summary).toBe("The customer wants a person about order 7781, missing for a week.");
    expect(improved.secondOpinion).toEqual({ intent: "shipping_delay", provider: "openai" });
    expect(improved.route).toBe(unsure.route);
  });
});
