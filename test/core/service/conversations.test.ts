import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { starterDecider } from "../../../core/decide/decide.js";
import { ConversationService } from "../../../core/service/conversations.js";
import { computeMetrics } from "../../../core/service/metrics.js";
import {
  backoffDelay,
  type Deliverer,
  DeliveryError,
  OutboxWorker,
  parseRetryAfter,
  webhookDeliverer,
} from "../../../core/store/outbox-worker.js";
import { EventWorker } from "../../../core/store/event-worker.js";
import type { Store } from "../../../core/store/store.js";
import { storeBackends } from "../../fixtures/stores.js";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe.each(storeBackends())("conversations, outbox and metrics on $name", (backend) => {
  let store: Store;
  let service: ConversationService;
  beforeAll(async () => {
    store = await backend.open();
    service = new ConversationService(store, starterDecider());
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it("decides each customer message once, with the conversation's history as context", async () => {
    const seen: string[] = [];
    service.onDecision(async (handled) => {
      seen.push(`${handled.conversation.external_id}:${handled.decision.route}`);
      return Promise.resolve();
    });
    const customer = { id: "zendesk:user:1", name: "Ada Lovelace", email: "ada@example.com", tier: "basic" };
    const first = await service.handle({
      source: "zendesk",
      conversationId: "100",
      text: "where is my order 12345?",
      messageId: "m1",
      at: minutesAgo(180),
      channel: "email",
      customer,
    });
    expect(first?.decision.route).toBe("automate");
    expect(first?.escalation).toBeUndefined();
    expect(
      await service.handle({ source: "zendesk", conversationId: "100", text: "where is my order 12345?", messageId: "m1" }),
    ).toBeUndefined();
    const second = await service.handle({
      source: "zendesk",
      conversationId: "100",
      text: "Still nothing. Let me talk to a person.",
      messageId: "m2",
      at: minutesAgo(60),
    });
    expect(["human", "urgent"]).toContain(second?.decision.route);
    expect(second?.escalationCreated).toBe(true);
    expect(second?.escalation).toMatchObject({ state: "open", route: second?.decision.route, team: "support" });
    const handoff = second?.decision.handoff;
    expect(handoff?.customer.name).toBe("Ada Lovelace");
    expect(handoff?.transcript.map((entry) => entry.text)).toEqual(["where is my order 12345?", "Still nothing. Let me talk to a person."]);
    expect(second?.decision.escalation.reasons.find((reason) => reason.code === "repeat_contact")?.evidence).toContain("1 earlier contact");
    const third = await service.handle({ source: "zendesk", conversationId: "100", text: "Hello??", messageId: "m3", at: minutesAgo(55) });
    expect(third?.escalationCreated).toBe(false);
    expect(third?.escalation?.id).toBe(second?.escalation?.id);
    expect(seen).toEqual(["100:automate", `100:${second?.decision.route}`, `100:${third?.decision.route}`]);
  });

  it("computes automation, escalation, time to handoff and claim, and first-contact resolution from the store", async () => {
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await service.handle({
      source: "api",
      conversationId: "m-1",
      text: "How do I reset my password?",
      messageId: "a",
      at: twoMinutesAgo,
      channel: "chat",
    });
    const escalated = await service.handle({
      source: "api",
      conversationId: "m-2",
      text: "I want a human",
      messageId: "a",
      at: twoMinutesAgo,
      channel: "chat",
    });
    if (!escalated?.escalation) throw new Error("expected an escalation");
    await store.claimEscalation(escalated.escalation.id, "U1");
    await store.resolveEscalation(escalated.escalation.id, "U1");
    const metrics = await computeMetrics(store, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) });
    expect(metrics.decisions).toBe(5);
    expect(metrics.byRoute.automate).toBe(2);
    expect(metrics.byRoute.human + metrics.byRoute.urgent + metrics.byRoute.assist).toBe(3);
    expect(metrics.automationRate).toBe(0.4);
    expect(metrics.escalationRate).toBe((metrics.byRoute.human + metrics.byRoute.urgent) / 5);
    expect(metrics.byDay).toEqual([{ day: new Date().toISOString().slice(0, 10), decisions: 5, ...metrics.byRoute }]);
    expect(metrics.byChannel.find((row) => row.channel === "chat")).toEqual({ channel: "chat", count: 2, automated: 1 });
    expect(metrics.byIntent.find((row) => row.intent === "account_access")).toEqual({ intent: "account_access", count: 1, automated: 1 });
    expect(metrics.timeToHandoff.count).toBe(2);
    // zendesk:100 was handed over an hour after its message (as stored), m-2 two minutes after
    expect(metrics.timeToHandoff.median).toBeGreaterThanOrEqual(119);
    expect(metrics.timeToHandoff.median).toBeLessThan(3700);
    expect(metrics.timeToClaim.count).toBe(1);
    expect(metrics.timeToResolution.count).toBe(1);
    // zendesk:100 wrote three times and is open; m-1 was answered by Tandem; m-2 was resolved by a person
    expect(metrics.firstContactResolution).toBe(Math.round((2 / 3) * 10_000) / 10_000);
    expect(metrics.openEscalations).toBe(1);
    expect(metrics.decideMs.median).toBeGreaterThan(0);
  });

  it("delivers outbox actions with back-off, honours Retry-After, and dead-letters permanent failures", async () => {
    const hook = nock("https://hooks.example.com");
    hook.post("/ok").matchHeader("idempotency-key", "k-ok").reply(200, { delivered: true });
    hook.post("/busy").reply(429, "slow down", { "Retry-After": "7" });
    hook.post("/broken").reply(400, "invalid payload");
    hook.post("/flaky").reply(503);
    const deliverers = new Map<string, Deliverer>([["webhook", webhookDeliverer()]]);
    const delays: Record<string, number> = {};
    const dead: string[] = [];
    const worker = new OutboxWorker(store, deliverers, {
      random: () => 1,
      baseDelayMs: 1000,
      log: {
        delivered: () => {},
        retry: (action, _error, delay) => (delays[action.idempotency_key] = delay),
        dead: (action, error) => dead.push(`${action.idempotency_key}: ${error}`),
        error: (error) => {
          throw error;
        },
      },
    });
    for (const name of ["ok", "busy", "broken", "flaky"])
      await store.enqueue({
        idempotencyKey: `k-${name}`,
        kind: "webhook",
        payload: { url: `https://hooks.example.com/${name}`, body: { name } },
      });
    await store.enqueue({ idempotencyKey: "k-unknown", kind: "carrier-pigeon", payload: {} });
    expect(await worker.runOnce()).toBe(4);
    expect(hook.isDone()).toBe(true);
    expect(delays).toEqual({ "k-busy": 7000, "k-flaky": 1000 });
    expect(dead).toEqual(["k-broken: HTTP 400: invalid payload"]);
    const actions = await store.listActions();
    const byKey = Object.fromEntries(actions.map((action) => [action.idempotency_key, action]));
    expect(byKey["k-ok"]).toMatchObject({ state: "delivered", result: { delivered: true } });
    expect(byKey["k-busy"]).toMatchObject({ state: "pending", last_error: "HTTP 429: slow down" });
    expect(byKey["k-busy"]?.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 6000);
    expect(byKey["k-unknown"]?.state).toBe("pending"); // no deliverer here: another worker may have one
  });

  it("processes recorded events by source, keeping failures with their error", async () => {
    await store.recordEvent("unit", "e1", "ping", { n: 1 });
    await store.recordEvent("unit", "e2", "ping", { n: 2 });
    await store.recordEvent("unit", "e2", "ping", { n: 2 });
    const handled: number[] = [];
    const worker = new EventWorker(
      store,
      new Map([
        [
          "unit",
          (event) => {
            const { n } = event.payload as { n: number };
            if (n === 2) return Promise.reject(new Error("cannot"));
            handled.push(n);
            return Promise.resolve();
          },
        ],
      ]),
    );
    await worker.runOnce();
    expect(handled).toEqual([1]);
    expect(await store.countEvents("unit")).toEqual({ processed: 1, failed: 1 });
  });

  describe("a message whose handling stopped part-way", () => {
    let resumable: ConversationService;
    let stopAfterDeciding = false;
    const told: string[] = [];
    beforeAll(() => {
      resumable = new ConversationService(store, starterDecider());
      resumable.onDecision(async (handled) => {
        if (stopAfterDeciding) {
          stopAfterDeciding = false;
          throw new Error("the process stopped here");
        }
        if (!handled.escalation) return;
        // what the Slack listener does: a post for a new escalation, keyed by the escalation
        const kind = handled.escalationCreated ? "post" : "thread";
        const { fresh } = await store.enqueue({
          idempotencyKey: `test:${kind}:escalation:${handled.escalation.id}`,
          kind: `test.${kind}`,
          payload: {},
        });
        told.push(`${kind}:${fresh ? "queued" : "known"}`);
      });
    });

    it("is finished when it comes again: its escalation posted once, its decision not made twice", async () => {
      const message = { source: "resume", conversationId: "r1", text: "I want to talk to a person about my refund", messageId: "m1" };
      stopAfterDeciding = true;
      await expect(resumable.handle(message)).rejects.toThrow("the process stopped here");
      expect(told).toEqual([]);
      const conversation = await store.findConversation("resume", "r1");
      const stopped = await store.latestDecision(conversation?.id ?? 0);
      expect(stopped?.passed_on_at).toBeNull();
      expect(await resumable.handle(message)).toBeUndefined();
      expect(told).toEqual(["post:queued"]);
      // once finished, a redelivery is only recognised
      expect(await resumable.handle(message)).toBeUndefined();
      expect(told).toEqual(["post:queued"]);
      // the decision the stopped attempt made is the one finished: none was made again
      const decision = await store.latestDecision(conversation?.id ?? 0);
      expect(decision?.id).toBe(stopped?.id);
      expect(decision?.passed_on_at).toBeInstanceOf(Date);
      expect((await store.activeEscalation(conversation?.id ?? 0))?.decision_id).toBe(decision?.id);
    });

    it("is decided when an attempt stored it and stopped before deciding, with a transcript that holds it once", async () => {
      const conversation = await store.upsertConversation({ source: "resume", externalId: "r2" });
      await store.addMessage(conversation.id, { role: "customer", text: "Let me talk to a human please", externalId: "m1" });
      const handled = await resumable.handle({
        source: "resume",
        conversationId: "r2",
        text: "Let me talk to a human please",
        messageId: "m1",
      });
      expect(handled?.decision.route).toMatch(/^(human|urgent)$/);
      expect(handled?.decision.handoff?.transcript.map((entry) => entry.text)).toEqual(["Let me talk to a human please"]);
      expect(handled?.escalationCreated).toBe(true);
    });

    it("leaves the escalation to a later message's decision when an older message comes again", async () => {
      const first = { source: "resume", conversationId: "r3", text: "I want a human, my parcel is lost", messageId: "m1" };
      const opened = await resumable.handle(first);
      const later = await resumable.handle({ source: "resume", conversationId: "r3", text: "Hello? Anyone?", messageId: "m2" });
      const escalationId = opened?.escalation?.id ?? 0;
      await store.snoozeEscalation(escalationId, new Date(Date.now() + 3_600_000), "U1");
      told.length = 0;
      expect(await resumable.handle(first)).toBeUndefined();
      expect(told).toEqual([]);
      expect(await store.getEscalation(escalationId)).toMatchObject({ state: "snoozed", decision_id: later?.decisionRow.id });
    });
  });
});

describe("back-off", () => {
  it("doubles from the base, caps, and jitters between half and all of it", () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(2000);
  });

  it("reads Retry-After as seconds or as a date", () => {
    expect(parseRetryAfter("30")).toBe(30_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", Date.parse("2026-11-23T10:00:00Z"))).toBe(30_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(new DeliveryError("x", { retryable: false }).retryable).toBe(false);
  });
});
