// Zendesk's trigger webhook into the running service (signed as Zendesk signs it), and the write-back to the ticket
// through the outbox, with Zendesk's REST API faked by nock.
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { verifyZendeskSignature, zendeskSignature } from "../../../connectors/zendesk/webhook.js";
import { zendeskAuthorization, zendeskTag } from "../../../connectors/zendesk/writeback.js";
import { Store } from "../../../core/store/store.js";
import { errorOf } from "../../fixtures/error-of.js";
import { waitFor } from "../../fixtures/wait-for.js";

const SECRET = "dGhpc19pc19hX3NpZ25pbmdfc2VjcmV0";
const ZENDESK = "https://acme.zendesk.com";

function signedWebhook(body: unknown, options: { timestamp?: string; invocation?: string; secret?: string } = {}) {
  const text = JSON.stringify(body);
  const timestamp = options.timestamp ?? new Date().toISOString();
  return {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-zendesk-webhook-signature-timestamp": timestamp,
      "x-zendesk-webhook-signature": zendeskSignature(options.secret ?? SECRET, timestamp, text),
      ...(options.invocation ? { "x-zendesk-webhook-invocation-id": options.invocation } : {}),
    },
  };
}

const ticket = (id: string, comment: string, extra: Record<string, unknown> = {}) => ({
  ticket_id: id,
  event: "ticket.created",
  subject: "Help",
  comment,
  requester: { id: "9001", name: "Ada Lovelace", email: "ada@example.com" },
  via: "Email",
  updated_at: "2026-11-23T10:00:00Z",
  ...extra,
});

describe("Zendesk webhook signatures", () => {
  it("accepts Zendesk's signature within five minutes and refuses stale, tampered or missing ones", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    const body = '{"ticket_id":"1"}';
    const good = zendeskSignature(SECRET, "2026-11-23T10:00:00Z", body);
    expect(verifyZendeskSignature(SECRET, "2026-11-23T10:00:00Z", good, body, now)).toBe(true);
    expect(verifyZendeskSignature(SECRET, "2026-11-23T10:00:00Z", good, body, now + 6 * 60_000)).toBe(false);
    expect(verifyZendeskSignature(SECRET, "2026-11-23T10:00:00Z", good, '{"ticket_id":"2"}', now)).toBe(false);
    expect(verifyZendeskSignature("other", "2026-11-23T10:00:00Z", good, body, now)).toBe(false);
    expect(verifyZendeskSignature(SECRET, undefined, good, body, now)).toBe(false);
    expect(verifyZendeskSignature(SECRET, "yesterday", good, body, now)).toBe(false);
  });

  it("builds Zendesk's API token authorization and valid tags", () => {
    expect(zendeskAuthorization({ subdomain: "acme", email: "bot@acme.com", apiToken: "tok" })).toBe(
      `Basic ${Buffer.from("bot@acme.com/token:tok").toString("base64")}`,
    );
    expect(zendeskAuthorization({ subdomain: "acme", oauthToken: "o1" })).toBe("Bearer o1");
    expect(zendeskTag("Billing Dispute!")).toBe("billing_dispute");
  });
});

describe("Zendesk in the service", () => {
  let running: RunningService;
  const settings = {
    PORT: "0",
    ZENDESK_SUBDOMAIN: "acme",
    ZENDESK_WEBHOOK_SECRET: SECRET,
    ZENDESK_EMAIL: "tandem@acme.com",
    ZENDESK_API_TOKEN: "zd-token",
    ZENDESK_FIELD_INTENT: "360001",
  };
  const auth = `Basic ${Buffer.from("tandem@acme.com/token:zd-token").toString("base64")}`;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    running = await startService(loadConfig(settings), { logger: pino({ level: "silent" }), store: await Store.open() });
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it("decides a new ticket once and writes priority, field, note and tags back, tandem_done last", async () => {
    const writes: { method: string; path: string; body: Record<string, unknown> }[] = [];
    const record = (method: string) => (uri: string, body: Record<string, unknown>) => {
      writes.push({ method, path: uri, body });
      return {};
    };
    const api = nock(ZENDESK, { reqheaders: { authorization: auth } })
      .put("/api/v2/tickets/101.json")
      .reply(200, record("PUT"))
      .put("/api/v2/tickets/101/tags.json")
      .times(2)
      .reply(200, record("PUT"));
    const body = ticket("101", "This is the third time I write. I want to talk to a person about my refund!");
    const first = await fetch(`${running.url}/zendesk/webhook`, signedWebhook(body, { invocation: "inv-1" }));
    const again = await fetch(`${running.url}/zendesk/webhook`, signedWebhook(body, { invocation: "inv-1" }));
    expect([first.status, await first.json()]).toEqual([202, { status: "accepted" }]);
    expect([again.status, await again.json()]).toEqual([200, { status: "duplicate" }]);
    await waitFor(() => api.isDone());
    expect(api.isDone()).toBe(true);

    const update = writes[0]?.body as {
      ticket: { priority: string; custom_fields: unknown[]; comment: { body: string; public: boolean } };
    };
    expect(writes.map((write) => write.path)).toEqual([
      "/api/v2/tickets/101.json",
      "/api/v2/tickets/101/tags.json",
      "/api/v2/tickets/101/tags.json",
    ]);
    expect(update.ticket.priority).toBe("high");
    expect(update.ticket.custom_fields).toEqual([{ id: 360001, value: "human_agent" }]);
    expect(update.ticket.comment.public).toBe(false);
    expect(update.ticket.comment.body).toMatch(/^TANDEM HANDOFF: (HUMAN|URGENT)/);
    expect(update.ticket.comment.body).toContain("Customer: Ada Lovelace · ada@example.com");
    expect(update.ticket.comment.body).toMatch(/\[tandem-decision-\d+\]$/);
    expect(writes[1]?.body).toEqual({
      tags: ["tandem_intent_human_agent", expect.stringMatching(/^tandem_route_(human|urgent)$/) as string],
    });
    expect(writes[2]?.body).toEqual({ tags: ["tandem_done"] });
    const [conversation] = await running.store.listConversations();
    expect(conversation).toMatchObject({
      source: "zendesk",
      external_id: "101",
      ticket_url: "https://acme.zendesk.com/agent/tickets/101",
      channel: "zendesk:email",
    });
  });

  it("refuses unsigned, stale and badly shaped webhooks with problem details", async () => {
    const body = ticket("102", "hello");
    const unsigned = await fetch(`${running.url}/zendesk/webhook`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expect(unsigned.status).toBe(401);
    const stale = await fetch(
      `${running.url}/zendesk/webhook`,
      signedWebhook(body, { timestamp: new Date(Date.now() - 10 * 60_000).toISOString() }),
    );
    expect(stale.status).toBe(401);
    const wrong = await fetch(`${running.url}/zendesk/webhook`, signedWebhook(body, { secret: "not-it" }));
    expect(wrong.status).toBe(401);
    const shapeless = await fetch(`${running.url}/zendesk/webhook`, signedWebhook({ ticket_id: "abc", comment: "" }));
    expect(shapeless.status).toBe(422);
    const problem = (await shapeless.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual(["ticket_id", "comment"]);
  });

  it("waits for Zendesk's Retry-After on 429, and dead-letters a revoked token with a message that says what to fix", async () => {
    nock(ZENDESK).put("/api/v2/tickets/103.json").reply(429, { error: "TooManyRequests" }, { "Retry-After": "41" });
    await fetch(`${running.url}/zendesk/webhook`, signedWebhook(ticket("103", "Where is my order 12345?")));
    let action = undefined as undefined | Awaited<ReturnType<typeof running.store.listActions>>[number];
    await waitFor(async () => {
      action = (await running.store.listActions()).find((entry) => (entry.payload as { ticketId?: string }).ticketId === "103");
      return action?.last_error !== undefined && action.last_error !== null;
    });
    expect(action?.state).toBe("pending");
    expect(action?.last_error).toContain("HTTP 429");
    expect(action?.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 35_000);

    nock(ZENDESK).put("/api/v2/tickets/104.json").reply(401, { error: "Couldn't authenticate you" });
    await fetch(`${running.url}/zendesk/webhook`, signedWebhook(ticket("104", "How do I reset my password?")));
    let dead = undefined as undefined | Awaited<ReturnType<typeof running.store.listActions>>[number];
    await waitFor(async () => {
      dead = (await running.store.listActions("dead")).find((entry) => (entry.payload as { ticketId?: string }).ticketId === "104");
      return dead !== undefined;
    });
    expect(dead?.last_error).toBe(
      "Zendesk refused the credentials (401): check ZENDESK_EMAIL and ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN), then retry this action from the dashboard",
    );
  });

  it("never writes a second note when a write-back is retried after the note went in", async () => {
    const store = running.store;
    const writes: string[] = [];
    // the first attempt: the note goes in, then the tag call fails with a 5xx
    nock(ZENDESK)
      .put("/api/v2/tickets/105.json")
      .reply(200, (_uri, body) => {
        writes.push(JSON.stringify(body));
        return {};
      })
      .put("/api/v2/tickets/105/tags.json")
      .reply(503);
    await fetch(`${running.url}/zendesk/webhook`, signedWebhook(ticket("105", "I want to speak to a manager")));
    await waitFor(async () =>
      (await store.listActions()).some(
        (entry) => (entry.payload as { ticketId?: string }).ticketId === "105" && entry.attempts === 1 && entry.state === "pending",
      ),
    );
    const [action] = (await store.listActions()).filter((entry) => (entry.payload as { ticketId?: string }).ticketId === "105");
    const note = (JSON.parse(writes[0] ?? "{}") as { ticket: { comment: { body: string } } }).ticket.comment.body;
    // the retry finds its note among the ticket's comments and leaves it alone
    let second: { ticket: Record<string, unknown> } | undefined;
    const retry = nock(ZENDESK)
      .get("/api/v2/tickets/105/comments.json")
      .query({ sort_order: "desc", per_page: "10" })
      .reply(200, { comments: [{ id: 1, body: note }] })
      .put("/api/v2/tickets/105.json")
      .reply(200, (_uri, body) => {
        second = body as typeof second;
        return {};
      })
      .put("/api/v2/tickets/105/tags.json")
      .times(2)
      .reply(200, {});
    await store.db
      .updateTable("outbox")
      .set({ next_attempt_at: new Date(0) })
      .where("id", "=", action?.id ?? 0)
      .execute();
    running.outbox?.wake();
    await waitFor(() => retry.isDone());
    expect(retry.isDone()).toBe(true);
    expect(second?.ticket.comment).toBeUndefined();
    expect(second?.ticket.priority).toBeDefined();
  });

  it("sends a reply written in Slack as a public comment on the ticket, once", async () => {
    const [conversation] = (await running.store.listConversations(100)).filter((entry) => entry.external_id === "101");
    const { message } = await running.store.addMessage(conversation?.id ?? 0, {
      role: "agent",
      text: "Hi Ada, I have refunded you.",
      externalId: "slack:U1:V1",
    });
    let sent: { ticket: { comment: { body: string; public: boolean } } } | undefined;
    const api = nock(ZENDESK)
      .put("/api/v2/tickets/101.json")
      .reply(200, (_uri, body) => {
        sent = body as typeof sent;
        return {};
      });
    await running.store.enqueue({
      idempotencyKey: `reply:zendesk:${message.id}`,
      kind: "reply.zendesk",
      payload: {
        conversationId: conversation?.id,
        externalId: "101",
        messageId: message.id,
        text: "Hi Ada, I have refunded you.",
        by: "U1",
      },
    });
    running.outbox?.wake();
    await waitFor(() => api.isDone());
    expect(sent).toEqual({ ticket: { comment: { body: "Hi Ada, I have refunded you.", public: true } } });
  });

  it("names what is missing in the Zendesk settings", () => {
    expect(errorOf(() => loadConfig({ ZENDESK_SUBDOMAIN: "acme" })).message).toBe(
      "ZENDESK_WEBHOOK_SECRET: is needed with ZENDESK_SUBDOMAIN (the webhook's signing secret)",
    );
    expect(errorOf(() => loadConfig({ ZENDESK_SUBDOMAIN: "acme", ZENDESK_WEBHOOK_SECRET: "s" })).message).toBe(
      "ZENDESK_EMAIL: is needed to write to Zendesk (or set ZENDESK_OAUTH_TOKEN)",
    );
    expect(errorOf(() => loadConfig({ ZENDESK_SUBDOMAIN: "https://acme.zendesk.com" })).message).toBe(
      "ZENDESK_SUBDOMAIN: must be the subdomain alone, e.g. acme for acme.zendesk.com",
    );
  });
});
