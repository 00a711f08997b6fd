// Escalations reach Slack through the outbox; Slack's Web API is faked with nock at the HTTP layer.
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { enqueueForDecision, enqueueUpdate, slackClient, slackDeliverers } from "../../../connectors/slack/delivery.js";
import { starterDecider } from "../../../core/decide/decide.js";
import { ConversationService } from "../../../core/service/conversations.js";
import { OutboxWorker } from "../../../core/store/outbox-worker.js";
import { Store } from "../../../core/store/store.js";
import { defaultPolicy } from "../../../core/decide/policy.js";

type SlackCall = Record<string, string>;

/** Slack's Web API takes form-encoded bodies; blocks and metadata arrive as JSON strings. */
function form(body: unknown): SlackCall {
  return typeof body === "string" ? Object.fromEntries(new URLSearchParams(body)) : (body as SlackCall);
}

describe("Slack delivery", () => {
  let store: Store;
  let service: ConversationService;
  let worker: OutboxWorker;
  const dead: string[] = [];
  const retries: { key: string; delay: number }[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    store = await Store.open();
    service = new ConversationService(store, starterDecider());
    service.onDecision((handled) => enqueueForDecision(store, handled).then(() => undefined));
    worker = new OutboxWorker(store, slackDeliverers({ store, client: slackClient("xoxb-test-token"), onCallGroup: "S0ONCALL" }), {
      random: () => 1,
      log: {
        delivered: () => {},
        retry: (action, _error, delay) => retries.push({ key: action.idempotency_key, delay }),
        dead: (action, error) => dead.push(`${action.idempotency_key}: ${error}`),
        error: (error) => {
          throw error;
        },
      },
    });
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await store.close();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  const ask = (conversationId: string, messageId: string, text: string) =>
    service.handle({
      source: "zendesk",
      conversationId,
      messageId,
      text,
      at: new Date("2026-11-23T10:00:00Z"),
      ticketUrl: `https://acme.zendesk.com/agent/tickets/${conversationId}`,
      customer: { id: `zendesk:user:${conversationId}`, name: "Ada Lovelace", tier: "premium" },
    });

  it("posts a new escalation once to the policy's channel, then threads new messages and updates the parent", async () => {
    const calls: { method: string; body: SlackCall }[] = [];
    const slack = nock("https://slack.com/api", { reqheaders: { authorization: "Bearer xoxb-test-token" } })
      .post("/chat.postMessage")
      .times(2)
      .reply(200, (_uri, body) => {
        const call = form(body);
        calls.push({ method: "chat.postMessage", body: call });
        return { ok: true, channel: "C0SUPPORT", ts: call.thread_ts ? "1700000000.000200" : "1700000000.000100" };
      })
      .post("/chat.update")
      .reply(200, (_uri, body) => {
        calls.push({ method: "chat.update", body: form(body) });
        return { ok: true, channel: "C0SUPPORT", ts: "1700000000.000100" };
      });

    const first = await ask("501", "m1", "I want to talk to a person about my order 12345");
    expect(first?.escalationCreated).toBe(true);
    expect(await worker.runOnce()).toBe(1);
    const second = await ask("501", "m2", "Hello? Still waiting, this is ridiculous");
    expect(second?.escalationCreated).toBe(false);
    expect(await worker.runOnce()).toBe(2);
    expect(slack.isDone()).toBe(true);

    const [post, threaded, updated] = [
      calls[0],
      calls.find((call) => call.body.thread_ts),
      calls.find((call) => call.method === "chat.update"),
    ];
    expect(post?.method).toBe("chat.postMessage");
    expect(post?.body.channel).toBe("#support-escalations");
    const blocks = JSON.parse(post?.body.blocks ?? "[]") as { type: string }[];
    expect(blocks[0]).toMatchObject({ type: "header" });
    expect(JSON.parse(post?.body.metadata ?? "{}")).toEqual({
      event_type: "tandem_escalation",
      event_payload: { escalation_id: first?.escalation?.id },
    });
    expect(post?.body.text).toContain("Ada Lovelace (premium)");
    expect(threaded?.body).toMatchObject({ channel: "C0SUPPORT", thread_ts: "1700000000.000100" });
    expect(threaded?.body.text).toContain("Still waiting, this is ridiculous");
    expect(updated?.body).toMatchObject({ channel: "C0SUPPORT", ts: "1700000000.000100" });
    expect(calls.filter((call) => call.method === "chat.postMessage" && !call.body.thread_ts)).toHaveLength(1);
    const escalation = await store.getEscalation(first?.escalation?.id ?? 0);
    expect(escalation).toMatchObject({ slack_channel: "C0SUPPORT", slack_ts: "1700000000.000100" });
  });

  it("never posts twice: a retried post after the message went out returns what was recorded", async () => {
    const handled = await ask("502", "m1", "get me a human");
    nock("https://slack.com/api").post("/chat.postMessage").reply(200, { ok: true, channel: "C0SUPPORT", ts: "1700000000.000300" });
    await worker.runOnce();
    // the same action again (as after a crash between the post and its record): no second call to Slack
    const again = slackDeliverers({ store, client: slackClient("xoxb-test-token") }).get("slack.post");
    expect(await again?.({ escalationId: handled?.escalation?.id }, { id: 0, idempotencyKey: "x", attempt: 2 })).toEqual({
      channel: "C0SUPPORT",
      ts: "1700000000.000300",
      repeated: true,
    });
    // and enqueuing the same escalation's post twice stores one action
    if (handled) await enqueueForDecision(store, handled);
    expect(
      (await store.listActions()).filter((action) => action.idempotency_key === `slack:post:escalation:${handled?.escalation?.id}`),
    ).toHaveLength(1);
  });

  it("waits as long as Slack's Retry-After on 429, retries an outage, and dead-letters a refusal", async () => {
    await ask("503", "m1", "I need a real person please");
    nock("https://slack.com/api").post("/chat.postMessage").reply(429, { ok: false, error: "ratelimited" }, { "Retry-After": "17" });
    await worker.runOnce();
    expect(retries.at(-1)).toEqual({ key: expect.stringMatching(/^slack:post:escalation:\d+$/) as string, delay: 17_000 });

    await ask("504", "m1", "put me through to an agent");
    nock("https://slack.com/api").post("/chat.postMessage").reply(503, "upstream down");
    const pendingBefore = (await store.countActions()).pending;
    await worker.runOnce();
    expect(retries.at(-1)?.delay).toBe(1000);
    expect((await store.countActions()).pending).toBe(pendingBefore);

    await ask("505", "m1", "I want a human");
    nock("https://slack.com/api").post("/chat.postMessage").reply(200, { ok: false, error: "channel_not_found" });
    await worker.runOnce();
    expect(dead.at(-1)).toMatch(/^slack:post:escalation:\d+: Slack refused: channel_not_found$/);
  });

  it("updates the parent message when the escalation is claimed, without posting again", async () => {
    const handled = await ask("506", "m1", "let me speak with someone");
    nock("https://slack.com/api").post("/chat.postMessage").reply(200, { ok: true, channel: "C0SUPPORT", ts: "1700000000.000600" });
    await worker.runOnce();
    const id = handled?.escalation?.id ?? 0;
    await store.claimEscalation(id, "U0AGENT");
    await enqueueUpdate(store, id, "claimed");
    let update: SlackCall | undefined;
    const slack = nock("https://slack.com/api")
      .post("/chat.update")
      .reply(200, (_uri, body) => {
        update = form(body);
        return { ok: true, channel: "C0SUPPORT", ts: "1700000000.000600" };
      });
    await worker.runOnce();
    expect(slack.isDone()).toBe(true);
    expect(update?.ts).toBe("1700000000.000600");
    expect(update?.blocks).toContain("Claimed by <@U0AGENT>");
  });

  it("schedules SLA warnings and the breach notice, and skips them once someone has claimed the escalation", async () => {
    const handled = await service.handle({
      source: "zendesk",
      conversationId: "507",
      messageId: "m1",
      text: "I want a human",
      at: new Date("2026-11-23T10:00:00Z"),
    });
    if (!handled?.escalation) throw new Error("expected an escalation");
    const id = handled.escalation.id;
    const policy = defaultPolicy();
    expect(handled.decision.triage.priority).toBe("high"); // 120 minutes to a first answer
    // decided at 10:00: the 180-minute warning is already past; 60 and 15 minutes before 12:00, and the breach, are not
    const queued = await enqueueForDecision(store, handled, policy, new Date("2026-11-23T10:00:00Z"));
    expect(queued).toBe(4);
    const sla = (await store.listActions()).filter(
      (action) => action.kind === "slack.sla" && (action.payload as { escalationId: number }).escalationId === id,
    );
    expect(
      sla.map((action) => [(action.payload as { minutesLeft: number }).minutesLeft, action.next_attempt_at.toISOString()]).sort(),
    ).toEqual([
      [0, "2026-11-23T12:00:00.000Z"],
      [15, "2026-11-23T11:45:00.000Z"],
      [60, "2026-11-23T11:00:00.000Z"],
    ]);
    nock("https://slack.com/api").post("/chat.postMessage").reply(200, { ok: true, channel: "C0SUPPORT", ts: "1700000000.000700" });
    await worker.runOnce(); // the post itself
    // an hour before the breach, nobody has claimed it: a warning in the thread
    const due = (minutesLeft: number) =>
      store.db
        .updateTable("outbox")
        .set({ next_attempt_at: new Date(0) })
        .where("idempotency_key", "=", `slack:sla:escalation:${id}:${minutesLeft}`)
        .execute();
    await due(60);
    let warning: SlackCall | undefined;
    nock("https://slack.com/api")
      .post("/chat.postMessage")
      .reply(200, (_uri, body) => {
        warning = form(body);
        return { ok: true, channel: "C0SUPPORT", ts: "1700000000.000800" };
      });
    await worker.runOnce();
    expect(warning?.thread_ts).toBe("1700000000.000700");
    expect(warning?.text).toMatch(
      /^:hourglass_flowing_sand: SLA: 60 min left to a first answer \(due <!date\^\d+\^\{time\}\|2026-11-23T12:00:00.000Z>\)/,
    );
    // claimed: the breach notice finds nothing to do and Slack hears nothing
    await store.claimEscalation(id, "U0AGENT");
    await due(0);
    await worker.runOnce();
    const breach = (await store.listActions()).find((action) => action.idempotency_key === `slack:sla:escalation:${id}:0`);
    expect(breach).toMatchObject({ state: "delivered", result: { skipped: "claimed" } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("tells a deal's owner in a direct message once, found by email, and skips an owner who is not in Slack", async () => {
    const handled = await ask("9100", "m1", "I need a person now, our renewal depends on this");
    const escalationId = handled?.escalation?.id ?? -1;
    const deliver = slackDeliverers({ store, client: slackClient("xoxb-test-token") }).get("slack.owner");
    const posts: SlackCall[] = [];
    const slack = nock("https://slack.com")
      .post("/api/users.lookupByEmail", (body) => form(body).email === "jane@acme.example")
      .times(2)
      .reply(200, { ok: true, user: { id: "U0JANE" } })
      .post("/api/conversations.open", (body) => form(body).users === "U0JANE")
      .times(2)
      .reply(200, { ok: true, channel: { id: "D0JANE" } })
      .post("/api/chat.postMessage", (body) => posts.push(form(body)) > 0)
      .reply(200, { ok: true, channel: "D0JANE", ts: "1700000000.000100" })
      // the retry finds the message it sent (by its metadata) and does not send it again
      .post("/api/conversations.history", (body) => form(body).channel === "D0JANE")
      .reply(200, {
        ok: true,
        messages: [
          {
            ts: "1700000000.000100",
            text: "…",
            metadata: { event_type: "tandem_owner_notice", event_payload: { key: `owner:${escalationId}` } },
          },
        ],
      });
    const payload = { escalationId, email: "jane@acme.example", why: "own the open deal Renewal 2027 with" };
    expect(await deliver?.(payload, { id: 1, idempotencyKey: "k", attempt: 1 })).toEqual({ channel: "D0JANE", ts: "1700000000.000100" });
    expect(await deliver?.(payload, { id: 1, idempotencyKey: "k", attempt: 2 })).toEqual({ channel: "D0JANE", repeated: true });
    expect(slack.isDone()).toBe(true);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe("D0JANE");
    expect(posts[0]?.text).toMatch(
      /^:briefcase: A customer you own the open deal Renewal 2027 with needs a person \((human|urgent), score \d+\): /,
    );
    expect(posts[0]?.text).toContain("<https://acme.zendesk.com/agent/tickets/9100|Open the ticket>");

    nock("https://slack.com").post("/api/users.lookupByEmail").reply(200, { ok: false, error: "users_not_found" });
    expect(await deliver?.({ ...payload, email: "nobody@acme.example" }, { id: 2, idempotencyKey: "k2", attempt: 1 })).toEqual({
      skipped: "no Slack user with the owner's email",
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
