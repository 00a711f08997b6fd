// The HubSpot API layer on its own, with HubSpot faked by nock: rate limits and outages become what the outbox needs,
// an expired or refused OAuth token is refreshed once and the call retried, a retried write-back leaves one note, the
// OAuth install keeps tokens sealed, training pages through the search API, and setup creates the properties once.
import type { AddressInfo } from "node:net";
import express from "express";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HubSpotApi, rateLimitDelay, staticToken } from "../../../connectors/hubspot/client.js";
import { exportClosedTickets } from "../../../connectors/hubspot/export.js";
import { HubSpotInstallations } from "../../../connectors/hubspot/oauth.js";
import { setupHubSpotProperties } from "../../../connectors/hubspot/setup.js";
import { HUBSPOT_REPLY, HUBSPOT_WRITEBACK, hubspotDeliverers } from "../../../connectors/hubspot/writeback.js";
import { starterDecider } from "../../../core/decide/decide.js";
import { DeliveryError } from "../../../core/store/outbox-worker.js";
import { Store } from "../../../core/store/store.js";
import { CLIENT_SECRET, HUBSPOT_API, PORTAL, PUBLIC_URL, RATE_LIMIT_HEADERS, RATE_LIMITED, record } from "./fake-hubspot.js";

/** What a call that should fail rejected with. */
async function errorOf(promise: Promise<unknown> | undefined): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

const TOKEN = "pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe("HubSpot failures become outbox decisions", () => {
  const api = new HubSpotApi({ tokens: staticToken(TOKEN) });
  const update = () =>
    api.call("updating ticket 1", (client) => client.crm.tickets.basicApi.update("1", { properties: { tandem_route: "assist" } }));

  it("waits for HubSpot's rate-limit window on a 429", async () => {
    nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/1").reply(429, RATE_LIMITED, RATE_LIMIT_HEADERS);
    const error = await errorOf(update());
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 10_000 });
    expect((error as Error).message).toContain("ten_secondly_rolling");
    expect(rateLimitDelay({ "Retry-After": "3" })).toBe(3000);
    expect(rateLimitDelay({ "x-hubspot-ratelimit-secondly-remaining": "0" })).toBe(1000);
    expect(rateLimitDelay({})).toBe(10_000);
  });

  it("retries a 5xx or a lost connection, and dead-letters a refused request with HubSpot's message", async () => {
    nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/1").reply(502, { status: "error", message: "upstream" });
    expect(await errorOf(update())).toMatchObject({ retryable: true, status: 502 });
    nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/1").reply(503, "<html>down</html>", { "content-type": "text/html" });
    expect(await errorOf(update())).toMatchObject({ retryable: true, status: 503 });
    // a body the SDK cannot read at all is still worth another try
    nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/1").reply(504, "Gateway timeout");
    expect(await errorOf(update())).toMatchObject({ retryable: true });
    // nothing listening: a real refused connection
    const unreachable = new HubSpotApi({ tokens: staticToken(TOKEN), basePath: "http://127.0.0.1:9" });
    const lost = await errorOf(
      unreachable.call("updating ticket 1", (client) => client.crm.tickets.basicApi.update("1", { properties: {} })),
    );
    expect(lost).toMatchObject({ retryable: true, status: undefined });
    expect((lost as Error).message).toMatch(/^cannot reach HubSpot for updating ticket 1: .*ECONNREFUSED/);
    nock(HUBSPOT_API)
      .patch("/crm/v3/objects/tickets/1")
      .reply(400, { status: "error", category: "VALIDATION_ERROR", message: 'Property values were not valid: "tandem_route"' });
    const refused = await errorOf(update());
    expect(refused).toMatchObject({ retryable: false, status: 400 });
    expect((refused as Error).message).toContain('VALIDATION_ERROR: Property values were not valid: "tandem_route"');
    nock(HUBSPOT_API)
      .patch("/crm/v3/objects/tickets/1")
      .reply(403, { status: "error", category: "MISSING_SCOPES", message: "missing tickets" });
    const scopes = await errorOf(update());
    expect(scopes).toMatchObject({ retryable: false, status: 403 });
    expect((scopes as Error).message).toMatch(/lacks a scope/);
    // a private app's token cannot be refreshed: a 401 is final, after one call
    const refused401 = nock(HUBSPOT_API)
      .patch("/crm/v3/objects/tickets/1")
      .once()
      .reply(401, { status: "error", category: "EXPIRED_AUTHENTICATION", message: "expired" });
    expect(await errorOf(update())).toMatchObject({ retryable: false, status: 401 });
    expect(refused401.isDone()).toBe(true);
  });
});

describe("HubSpot OAuth installs", () => {
  let store: Store;
  let clock = Date.parse("2026-11-23T10:00:00Z");
  let installations: HubSpotInstallations;
  let server: ReturnType<express.Express["listen"]>;
  let local: string;
  beforeAll(async () => {
    store = await Store.open();
    installations = new HubSpotInstallations({
      clientId: "client-1",
      clientSecret: CLIENT_SECRET,
      publicUrl: PUBLIC_URL,
      store,
      now: () => clock,
    });
    const app = express();
    app.use(installations.router());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await store?.close();
  });

  it("sends the admin to HubSpot with the manifest's scopes, and keeps the tokens sealed after the callback", async () => {
    const start = await fetch(`${local}/hubspot/install`, { redirect: "manual" });
    expect(start.status).toBe(302);
    const target = new URL(start.headers.get("location") ?? "");
    expect(`${target.origin}${target.pathname}`).toBe("https://app.hubspot.com/oauth/authorize");
    expect(target.searchParams.get("client_id")).toBe("client-1");
    expect(target.searchParams.get("redirect_uri")).toBe(`${PUBLIC_URL}/hubspot/oauth-callback`);
    expect(target.searchParams.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["tickets", "crm.objects.deals.read", "conversations.read"]),
    );
    const state = target.searchParams.get("state") ?? "";
    const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toBe(`tandem_hubspot_state=${encodeURIComponent(state)}`);

    // another browser (no cookie), or a forged state, installs nothing
    expect((await fetch(`${local}/hubspot/oauth-callback?code=c1&state=${encodeURIComponent(state)}`)).status).toBe(400);
    const forged = `${state.slice(0, -3)}abc`;
    expect(
      (
        await fetch(`${local}/hubspot/oauth-callback?code=c1&state=${encodeURIComponent(forged)}`, {
          headers: { cookie: `tandem_hubspot_state=${encodeURIComponent(forged)}` },
        })
      ).status,
    ).toBe(400);

    const hubspot = nock(HUBSPOT_API)
      .post("/oauth/v1/token", (body: string) => {
        const form = new URLSearchParams(body);
        return form.get("grant_type") === "authorization_code" && form.get("code") === "c1" && form.get("client_secret") === CLIENT_SECRET;
      })
      .reply(200, { access_token: "access-1", refresh_token: "refresh-1", expires_in: 1800, token_type: "bearer" })
      .get("/oauth/v1/access-tokens/access-1")
      .reply(200, {
        token: "access-1",
        hub_id: PORTAL,
        user_id: 5,
        scopes: ["tickets"],
        token_type: "access",
        app_id: 4242,
        expires_in: 1800,
        user: "admin@acme.example",
      });
    const done = await fetch(`${local}/hubspot/oauth-callback?code=c1&state=${encodeURIComponent(state)}`, { headers: { cookie } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`HubSpot account ${PORTAL}`);
    expect(hubspot.isDone()).toBe(true);
    const row = await store.getHubSpotInstallation(String(PORTAL));
    expect(row?.sealed).not.toContain("access-1");
    expect(row?.sealed).not.toContain("refresh-1");
    expect(row?.expires_at.getTime()).toBe(clock + 1_800_000);
    expect(await installations.tokens(String(PORTAL)).token()).toBe("access-1");
  });

  it("refreshes an expired token before the call, and a refused one once, then retries the call once", async () => {
    const portal = String(PORTAL);
    const api = new HubSpotApi({ tokens: installations.tokens(portal) });
    clock += 1_800_000; // the token from the install has expired
    const refresh = (from: string, to: string) =>
      nock(HUBSPOT_API)
        .post("/oauth/v1/token", (body: string) => {
          const form = new URLSearchParams(body);
          return form.get("grant_type") === "refresh_token" && form.get("refresh_token") === from;
        })
        .reply(200, { access_token: to, refresh_token: from, expires_in: 1800, token_type: "bearer" });
    const first = refresh("refresh-1", "access-2");
    const patched = nock(HUBSPOT_API, { reqheaders: { authorization: "Bearer access-2" } })
      .patch("/crm/v3/objects/tickets/5")
      .reply(200, record("5", {}));
    await api.call("updating ticket 5", (client) => client.crm.tickets.basicApi.update("5", { properties: { tandem_route: "assist" } }));
    expect(first.isDone() && patched.isDone()).toBe(true);

    // HubSpot refuses a token that has not expired by our clock (revoked, rotated): one refresh, one retry
    const refused = nock(HUBSPOT_API, { reqheaders: { authorization: "Bearer access-2" } })
      .patch("/crm/v3/objects/tickets/5")
      .reply(401, { status: "error", category: "EXPIRED_AUTHENTICATION", message: "The OAuth token used to make this call expired" });
    const second = refresh("refresh-1", "access-3");
    const retried = nock(HUBSPOT_API, { reqheaders: { authorization: "Bearer access-3" } })
      .patch("/crm/v3/objects/tickets/5")
      .reply(200, record("5", {}));
    await api.call("updating ticket 5", (client) => client.crm.tickets.basicApi.update("5", { properties: { tandem_route: "assist" } }));
    expect(refused.isDone() && second.isDone() && retried.isDone()).toBe(true);

    // refused again after the refresh: final, and no loop of refreshes
    nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/5").times(2).reply(401, { status: "error", message: "revoked" });
    const third = refresh("refresh-1", "access-4");
    const error = await errorOf(api.call("updating ticket 5", (client) => client.crm.tickets.basicApi.update("5", { properties: {} })));
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(third.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("HubSpot write-back retries", () => {
  it("finds the note a timed-out attempt wrote and does not write it again; updates the properties each time", async () => {
    const store = await Store.open();
    try {
      const decision = starterDecider().decide("I was charged twice for order 5512, please refund me", { customer: { name: "Ada" } });
      const row = await store.saveDecision({ decision, durationMs: 1 });
      const deliver = hubspotDeliverers({ store, api: () => Promise.resolve(new HubSpotApi({ tokens: staticToken(TOKEN) })) }).get(
        HUBSPOT_WRITEBACK,
      );
      const payload = { conversation: `${PORTAL}/ticket/42`, decisionId: row.id, contactId: "201" };
      const properties: unknown[] = [];
      const hubspot = nock(HUBSPOT_API)
        .patch("/crm/v3/objects/tickets/42", (body: { properties: unknown }) => properties.push(body.properties) > 0)
        .reply(200, record("42", {}))
        .get("/crm/v4/objects/tickets/42/associations/notes")
        .query({ limit: "100" })
        .reply(200, { results: [{ toObjectId: 7001, associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 227, label: null }] }] })
        .post("/crm/v3/objects/notes/batch/read", (body: { inputs: { id: string }[] }) => body.inputs[0]?.id === "7001")
        .reply(200, {
          status: "COMPLETE",
          results: [record("7001", { hs_note_body: `<p>…</p><p><span>tandem-decision-${row.id}</span></p>` })],
          startedAt: "2026-11-23T10:00:00Z",
          completedAt: "2026-11-23T10:00:01Z",
        });
      const result = await deliver?.(payload, { id: 1, idempotencyKey: "k", attempt: 2 });
      expect(result).toMatchObject({ ticketId: "42", note: "already written" });
      expect(hubspot.isDone()).toBe(true);
      expect(properties).toEqual([
        expect.objectContaining({ tandem_intent: decision.triage.intent, tandem_escalation_score: String(decision.escalation.score) }),
      ]);

      nock(HUBSPOT_API).patch("/crm/v3/objects/tickets/42").reply(429, RATE_LIMITED, RATE_LIMIT_HEADERS);
      expect(await errorOf(deliver?.(payload, { id: 1, idempotencyKey: "k", attempt: 3 }))).toMatchObject({
        retryable: true,
        retryAfterMs: 10_000,
      });
      expect(await errorOf(deliver?.({ ...payload, conversation: "not-a-key" }, { id: 1, idempotencyKey: "k", attempt: 1 }))).toMatchObject(
        {
          retryable: false,
        },
      );
    } finally {
      await store.close();
    }
  });
});

describe("replies written in Slack, sent on HubSpot", () => {
  it("answers on the ticket's inbox thread, on the customer's channel and address, once", async () => {
    const store = await Store.open();
    try {
      const options = { store, api: () => Promise.resolve(new HubSpotApi({ tokens: staticToken(TOKEN) })), senderActorId: "A-777" };
      const reply = hubspotDeliverers(options).get(HUBSPOT_REPLY);
      const text = "Hi Ada, I have refunded the second charge on order 5512.";
      const thread = [
        {
          id: "m1",
          type: "MESSAGE",
          text: "I was charged twice",
          direction: "INCOMING",
          createdAt: "2026-11-23T09:00:00Z",
          channelId: "1002",
          channelAccountId: "555",
          subject: "Double charge",
          senders: [{ actorId: "V-9", deliveryIdentifier: { type: "HS_EMAIL_ADDRESS", value: "ada@example.com" } }],
        },
        { id: "c1", type: "COMMENT", text: "tandem-decision-1", createdAt: "2026-11-23T09:00:01Z" },
      ];
      const sent: Record<string, unknown>[] = [];
      const hubspot = nock(HUBSPOT_API)
        .get("/crm/v3/objects/tickets/42")
        .query(true)
        .times(2)
        .reply(200, record("42", { hs_conversations_originating_thread_id: "9001" }))
        .get("/conversations/v3/conversations/threads/9001/messages")
        .query({ limit: "100" })
        .reply(200, { results: thread })
        .post("/conversations/v3/conversations/threads/9001/messages", (body: Record<string, unknown>) => sent.push(body) > 0)
        .reply(201, { id: "m2", type: "MESSAGE" })
        .get("/conversations/v3/conversations/threads/9001/messages")
        .query({ limit: "100" })
        .reply(200, {
          results: [...thread, { id: "m2", type: "MESSAGE", text, direction: "OUTGOING", createdAt: "2026-11-23T09:05:00Z" }],
        });
      const payload = { externalId: `${PORTAL}/ticket/42`, messageId: 3, text };
      expect(await reply?.(payload, { id: 1, idempotencyKey: "r", attempt: 1 })).toEqual({ threadId: "9001", message: "m2" });
      expect(await reply?.(payload, { id: 1, idempotencyKey: "r", attempt: 2 })).toEqual({ threadId: "9001", note: "already sent" });
      expect(hubspot.isDone()).toBe(true);
      expect(sent).toEqual([
        {
          type: "MESSAGE",
          text,
          richText: "<p>Hi Ada, I have refunded the second charge on order 5512.</p>",
          senderActorId: "A-777",
          channelId: "1002",
          channelAccountId: "555",
          subject: "Re: Double charge",
          recipients: [
            { actorId: "V-9", deliveryIdentifiers: [{ type: "HS_EMAIL_ADDRESS", value: "ada@example.com" }], recipientField: "TO" },
          ],
        },
      ]);

      // a ticket with no thread, or no agent to send as: a dead letter that says what to do
      nock(HUBSPOT_API).get("/crm/v3/objects/tickets/43").query(true).reply(200, record("43", {}));
      const noThread = await errorOf(
        reply?.({ ...payload, externalId: `${PORTAL}/ticket/43` }, { id: 2, idempotencyKey: "r2", attempt: 1 }),
      );
      expect(noThread).toMatchObject({
        retryable: false,
        message: "ticket 43 has no inbox thread to answer on: answer it in HubSpot (Tandem's note holds the draft)",
      });
      const anonymous = hubspotDeliverers({ ...options, senderActorId: undefined }).get(HUBSPOT_REPLY);
      const noActor = await errorOf(
        anonymous?.({ ...payload, externalId: `${PORTAL}/thread/9001` }, { id: 3, idempotencyKey: "r3", attempt: 1 }),
      );
      expect((noActor as Error).message).toMatch(/^set HUBSPOT_SENDER_ACTOR_ID/);
    } finally {
      await store.close();
    }
  });
});

describe("tandem train --from hubspot", () => {
  it("pages closed tickets by id through the search API, waits out a 429, and labels them by category", async () => {
    const api = new HubSpotApi({ tokens: staticToken(TOKEN) });
    const bodies: { filterGroups: { filters: { propertyName: string; operator: string; value?: string }[] }[]; limit: number }[] = [];
    const search = (results: unknown[]) => (_path: string, body: unknown) => {
      bodies.push(body as (typeof bodies)[number]);
      return { total: 3, results };
    };
    nock(HUBSPOT_API)
      .post("/crm/v3/objects/tickets/search")
      .reply(
        200,
        search([
          record("10", { content: "I was charged twice", subject: "Billing", hs_ticket_category: "BILLING_ISSUE" }),
          record("11", { content: "", subject: "Cannot log in", hs_ticket_category: "PRODUCT_ISSUE;GENERAL_INQUIRY" }),
        ]),
      )
      .post("/crm/v3/objects/tickets/search")
      .reply(429, RATE_LIMITED, { ...RATE_LIMIT_HEADERS, "x-hubspot-ratelimit-interval-milliseconds": "1000" })
      .post("/crm/v3/objects/tickets/search")
      .reply(200, search([record("12", { content: "   ", subject: null, hs_ticket_category: "BILLING_ISSUE" })]));
    const waits: number[] = [];
    const lines: string[] = [];
    const examples = await exportClosedTickets(
      api,
      { pageSize: 2, since: new Date("2026-01-01T00:00:00Z"), sleep: (ms) => Promise.resolve(void waits.push(ms)) },
      (line) => lines.push(line),
    );
    expect(examples).toEqual([
      { text: "I was charged twice", label: "BILLING_ISSUE" },
      { text: "Cannot log in", label: "PRODUCT_ISSUE" },
    ]);
    expect(waits).toEqual([1000]);
    expect(lines).toContain("HubSpot rate limit: waiting 1 s");
    expect(bodies).toHaveLength(2);
    expect(bodies.map((body) => body.filterGroups[0]?.filters.find((filter) => filter.propertyName === "hs_object_id")?.value)).toEqual([
      "0",
      "11",
    ]);
    expect(bodies[0]?.filterGroups[0]?.filters[0]).toEqual({
      propertyName: "closed_date",
      operator: "GTE",
      value: String(Date.parse("2026-01-01T00:00:00Z")),
    });
  });
});

describe("tandem hubspot setup", () => {
  it("creates the Tandem group and properties, and updates them when they exist", async () => {
    const api = new HubSpotApi({ tokens: staticToken(TOKEN) });
    const created: { name: string; groupName: string; type: string; options?: { value: string }[] }[] = [];
    const hubspot = nock(HUBSPOT_API)
      .post("/crm/v3/properties/tickets/groups", { name: "tandem", label: "Tandem", displayOrder: -1 })
      .reply(409, { status: "error", category: "CONFLICT", message: "A property group named 'tandem' already exists." })
      .post("/crm/v3/properties/tickets")
      .times(3)
      .reply(201, (_path, body) => {
        created.push(body as (typeof created)[number]);
        return { ...(body as object), createdAt: "2026-11-23T10:00:00Z", updatedAt: "2026-11-23T10:00:00Z", options: [] };
      })
      .post("/crm/v3/properties/tickets")
      .reply(409, { status: "error", category: "OBJECT_ALREADY_EXISTS", message: "Property already exists" })
      .patch("/crm/v3/properties/tickets/tandem_route")
      .reply(200, {
        name: "tandem_route",
        label: "Tandem route",
        type: "enumeration",
        fieldType: "select",
        groupName: "tandem",
        options: [],
      });
    const report = await setupHubSpotProperties(api);
    expect(hubspot.isDone()).toBe(true);
    expect(report).toEqual({
      group: "exists",
      properties: [
        { name: "tandem_intent", outcome: "created" },
        { name: "tandem_confidence", outcome: "created" },
        { name: "tandem_escalation_score", outcome: "created" },
        { name: "tandem_route", outcome: "updated" },
      ],
    });
    expect(created.map((property) => [property.name, property.type, property.groupName])).toEqual([
      ["tandem_intent", "string", "tandem"],
      ["tandem_confidence", "number", "tandem"],
      ["tandem_escalation_score", "number", "tandem"],
    ]);
  });
});
