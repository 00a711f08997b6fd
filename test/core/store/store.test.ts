import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../../core/decide/decide.js";
import { Store } from "../../../core/store/store.js";
import { storeBackends } from "../../fixtures/stores.js";

const now = new Date("2026-11-23T10:00:00Z");

describe.each(storeBackends())("store on $name", (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it("records an inbound event once: a redelivery with the same id is recognised", async () => {
    const first = await store.recordEvent("zendesk", "evt-1", "ticket.created", { ticket: 1 });
    const again = await store.recordEvent("zendesk", "evt-1", "ticket.created", { ticket: 1 });
    const otherSource = await store.recordEvent("hubspot", "evt-1", "ticket.creation", { ticket: 1 });
    expect(first.fresh).toBe(true);
    expect(again.fresh).toBe(false);
    expect(otherSource.fresh).toBe(true);
    const claimed = await store.claimEvents(10, 60_000);
    expect(claimed.map((event) => [event.source, event.event_id, event.state, event.attempts])).toEqual([
      ["zendesk", "evt-1", "processing", 1],
      ["hubspot", "evt-1", "processing", 1],
    ]);
    expect(claimed[0]?.payload).toEqual({ ticket: 1 });
    expect(await store.claimEvents(10, 60_000)).toEqual([]); // leased
    await store.finishEvent(claimed[0].id);
    await store.finishEvent(claimed[1].id, "boom");
    expect(await store.countEvents()).toEqual({ processed: 1, failed: 1 });
  });

  it("takes an event back from a worker whose lease ran out", async () => {
    await store.recordEvent("slack", "evt-lease", "event_callback", {});
    const [taken] = await store.claimEvents(1, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [again] = await store.claimEvents(1, 60_000);
    expect(again?.id).toBe(taken?.id);
    expect(again?.attempts).toBe(2);
  });

  it("keeps one action per idempotency key and delivers due actions in order", async () => {
    const a = await store.enqueue({ idempotencyKey: "slack:post:1", kind: "slack.post", payload: { text: "hi" } });
    const dup = await store.enqueue({ idempotencyKey: "slack:post:1", kind: "slack.post", payload: { text: "hi again" } });
    const later = await store.enqueue({
      idempotencyKey: "slack:warn:1",
      kind: "slack.post",
      payload: {},
      notBefore: new Date(Date.now() + 3_600_000),
    });
    expect(a.fresh).toBe(true);
    expect(dup).toEqual({ id: a.id, fresh: false });
    expect(later.fresh).toBe(true);
    const claimed = await store.claimActions(10, 60_000);
    expect(claimed.map((action) => action.idempotency_key)).toEqual(["slack:post:1"]);
    expect(claimed[0]?.payload).toEqual({ text: "hi" });
    expect(claimed[0]?.state).toBe("delivering");
    await store.markRetry(a.id, "429 rate limited", new Date(Date.now() - 1));
    const retried = await store.claimActions(10, 60_000);
    expect(retried.map((action) => [action.id, action.attempts])).toEqual([[a.id, 2]]);
    await store.markDead(a.id, "400 invalid_blocks");
    expect(await store.countActions()).toEqual({ pending: 1, delivering: 0, delivered: 0, dead: 1 });
    expect((await store.listActions("dead"))[0]?.last_error).toBe("400 invalid_blocks");
    expect(await store.retryDead(a.id)).toBe(true);
    expect(await store.retryDead(a.id)).toBe(false);
    const [revived] = await store.claimActions(10, 60_000);
    await store.markDelivered(revived.id, { ts: "1700000000.000100" });
    expect((await store.listActions("delivered"))[0]?.result).toEqual({ ts: "1700000000.000100" });
  });

  it("never hands the same action to two workers at once", async () => {
    for (let i = 0; i < 20; i++) await store.enqueue({ idempotencyKey: `race:${i}`, kind: "race", payload: { i } });
    const batches = await Promise.all([0, 1, 2, 3].map(() => store.claimActions(8, 60_000, ["race"])));
    const ids = batches.flat().map((action) => action.id);
    expect(ids.length).toBe(20);
    expect(new Set(ids).size).toBe(20);
  });

  it("keeps conversations, customers and messages, each redelivered message once", async () => {
    const conversation = await store.upsertConversation({
      source: "zendesk",
      externalId: "42",
      channel: "email",
      subject: "Late parcel",
      customer: { id: "zendesk:user:7", name: "Ada Lovelace", email: "ada@example.com", tier: "premium" },
    });
    const same = await store.upsertConversation({
      source: "zendesk",
      externalId: "42",
      customer: { id: "zendesk:user:7", revenue: 12_000 },
    });
    expect(same.id).toBe(conversation.id);
    expect(same.channel).toBe("email");
    expect(await store.getCustomer("zendesk:user:7")).toMatchObject({ name: "Ada Lovelace", tier: "premium", revenue: 12_000 });
    const first = await store.addMessage(conversation.id, {
      role: "customer",
      text: "Where is it?",
      externalId: "c1",
      at: "2026-11-23T09:00:00Z",
    });
    const again = await store.addMessage(conversation.id, { role: "customer", text: "Where is it?", externalId: "c1" });
    await store.addMessage(conversation.id, { role: "bot", text: "It ships in a day.", externalId: "c2", at: "2026-11-23T09:00:05Z" });
    await store.addMessage(conversation.id, { role: "customer", text: "Still nothing", externalId: "c3", at: "2026-11-23T09:30:00Z" });
    expect(first.fresh).toBe(true);
    expect(again).toEqual({ message: first.message, fresh: false });
    expect((await store.recentMessages(conversation.id, 2)).map((message) => message.text)).toEqual([
      "It ships in a day.",
      "Still nothing",
    ]);
    expect(await store.countCustomerMessages(conversation.id)).toBe(2);
  });

  it("opens one escalation per conversation and moves it through claim, snooze, reassign and resolve", async () => {
    const conversation = await store.upsertConversation({ source: "hubspot", externalId: "t-9" });
    const decision = decide("I want a human now", { now });
    const saved = await store.saveDecision({ decision, conversationId: conversation.id, durationMs: 0.2, channel: "chat" });
    expect(saved).toMatchObject({ intent: decision.triage.intent, route: "human", score: decision.escalation.score });
    expect((saved.body as { route: string }).route).toBe("human");
    const input = {
      conversationId: conversation.id,
      decisionId: saved.id,
      route: "human" as const,
      team: "support",
      channel: "#support",
      score: 60,
      intent: "human_agent",
    };
    const opened = await store.openEscalation(input);
    const updated = await store.openEscalation({ ...input, route: "assist", score: 40 });
    expect(opened.created).toBe(true);
    expect(updated.created).toBe(false);
    expect(updated.escalation).toMatchObject({ id: opened.escalation.id, route: "human", score: 60 });
    const id = opened.escalation.id;
    expect((await store.claimEscalation(id, "U123")).claimed_by).toBe("U123");
    expect((await store.claimEscalation(id, "U123")).state).toBe("claimed");
    const clash = await store.claimEscalation(id, "U999").catch((error: unknown) => error);
    expect((clash as Error).message).toBe("already claimed by U123");
    expect((await store.snoozeEscalation(id, new Date(Date.now() + 3_600_000))).state).toBe("snoozed");
    expect((await store.reassignEscalation(id, "#billing", { team: "billing", by: "U555" })).claimed_by).toBeNull();
    expect((await store.listEscalations({ states: ["open"] })).map((escalation) => escalation.id)).toContain(id);
    const resolved = await store.resolveEscalation(id, "U555");
    expect(resolved).toMatchObject({ state: "resolved", resolved_by: "U555", channel: "#billing" });
    const late = await store.resolveEscalation(id, "U555").catch((error: unknown) => error);
    expect((late as Error).message).toBe("the escalation is resolved");
    // every change was recorded with who made it
    const counts = await store.countEscalationActions(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000));
    expect(counts).toEqual({ claim: 2, reply: 0, snooze: 1, reassign: 1, resolve: 1 });
    // once resolved, a new message opens a new escalation
    expect((await store.openEscalation(input)).created).toBe(true);
    expect((await store.latestDecision(conversation.id))?.id).toBe(saved.id);
  });

  it("stores API keys hashed and recognises only live ones", async () => {
    const { id, key } = await store.createApiKey("zendesk sidebar");
    expect(key).toMatch(new RegExp(`^tdm_${id}_[A-Za-z0-9_-]{32}$`));
    const listed = await store.listApiKeys();
    // the secret part may itself hold "_": take everything after the id
    expect(JSON.stringify(listed)).not.toContain(key.slice(`tdm_${id}_`.length));
    expect((await store.verifyApiKey(key))?.name).toBe("zendesk sidebar");
    expect(await store.verifyApiKey(`${key}x`)).toBeUndefined();
    expect(await store.revokeApiKey(id)).toBe(true);
    expect(await store.verifyApiKey(key)).toBeUndefined();
  });
});

describe("store options", () => {
  it("refuses a schema name that is not a plain identifier", async () => {
    const error = await Store.open({ databaseUrl: "postgres://127.0.0.1/test", schema: "x; drop table y" }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe("at schema: must be lower-case letters, digits and underscores");
  });
});
