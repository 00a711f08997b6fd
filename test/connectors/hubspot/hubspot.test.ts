// HubSpot in the running service: signed webhooks (batched, retried), the ticket and the customer read from the CRM, the
// decision written back through the outbox, and the card's endpoint. HubSpot's API is faked by nock; nothing else is.
import type { AddressInfo } from "node:net";
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { hubspotSignature, signedUri, verifyHubSpotSignature } from "../../../connectors/hubspot/signature.js";
import type { Decision } from "../../../core/decide/decide.js";
import { Store } from "../../../core/store/store.js";
import { waitFor } from "../../fixtures/wait-for.js";
import {
  batch,
  CLIENT_SECRET,
  contactRecord,
  HUBSPOT_API,
  newMessage,
  owner,
  PORTAL,
  PUBLIC_URL,
  record,
  signedGet,
  signedPost,
  ticketCreated,
  ticketRecord,
} from "./fake-hubspot.js";

describe("HubSpot's v3 signature", () => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  const uri = "https://tandem.example.com/hubspot/webhook";
  const body = '[{"eventId":1}]';
  const timestamp = String(now);
  const good = hubspotSignature(CLIENT_SECRET, "POST", uri, body, timestamp);
  const check = (overrides: Partial<{ method: string; uri: string; body: string; signature: string; timestamp: string }>, at = now) =>
    verifyHubSpotSignature(CLIENT_SECRET, { method: "POST", uri, body, signature: good, timestamp, ...overrides }, at);

  it("accepts HubSpot's signature within five minutes", () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({}, now + 4 * 60_000)).toEqual({ ok: true });
  });

  it("refuses a stale or future timestamp, a tampered body, another method or URL, another secret, missing headers", () => {
    expect(check({}, now + 5 * 60_000 + 1)).toEqual({ ok: false, reason: "stale" });
    expect(check({}, now - 6 * 60_000)).toEqual({ ok: false, reason: "stale" });
    expect(check({ timestamp: "2026-11-23T10:00:00Z" })).toEqual({ ok: false, reason: "stale" });
    expect(check({ body: '[{"eventId":2}]' })).toEqual({ ok: false, reason: "mismatch" });
    expect(check({ method: "PUT" })).toEqual({ ok: false, reason: "mismatch" });
    expect(check({ uri: "https://tandem.example.com/hubspot/webhook?x=1" })).toEqual({ ok: false, reason: "mismatch" });
    expect(check({ uri: "http://tandem.example.com/hubspot/webhook" })).toEqual({ ok: false, reason: "mismatch" });
    expect(check({ signature: hubspotSignature("another-secret", "POST", uri, body, timestamp) })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    // a timestamp other than the one signed
    expect(check({ timestamp: String(now + 1) })).toEqual({ ok: false, reason: "mismatch" });
    expect(check({ signature: "short" })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyHubSpotSignature(CLIENT_SECRET, { method: "POST", uri, body, signature: undefined, timestamp }, now)).toEqual({
      ok: false,
      reason: "missing",
    });
  });

  it("reads a signature whose + a proxy turned into a space", () => {
    const plus = Array.from({ length: 200 }, (_, index) => `[{"eventId":${index}}]`)
      .map((text) => ({ text, signature: hubspotSignature(CLIENT_SECRET, "POST", uri, text, timestamp) }))
      .find(({ signature }) => signature.includes("+"));
    expect(plus).toBeDefined();
    const mangled = plus?.signature.replace(/\+/g, " ");
    expect(check({ body: plus?.text, signature: mangled })).toEqual({ ok: true });
  });

  it("signs the URI with HubSpot's decoded characters, so an encoded query matches its decoded form", () => {
    expect(signedUri("https://t.example.com/hubspot/card?email=ada%40example.com&x=a%3Ab%2Cc")).toBe(
      "https://t.example.com/hubspot/card?email=ada@example.com&x=a:b,c",
    );
    // %20 is not among HubSpot's decoded characters and stays as it is
    expect(signedUri("https://t.example.com/a%20b")).toBe("https://t.example.com/a%20b");
    const encoded = hubspotSignature(CLIENT_SECRET, "GET", "https://t.example.com/c?e=ada%40example.com", "", timestamp);
    expect(encoded).toBe(hubspotSignature(CLIENT_SECRET, "GET", "https://t.example.com/c?e=ada@example.com", "", timestamp));
  });
});

describe("HubSpot in the service (private app token)", () => {
  let running: RunningService;
  let local: string;
  const token = "pat-na1-11111111-2222-3333-4444-555555555555";
  const settings = {
    PORT: "0",
    TANDEM_PUBLIC_URL: PUBLIC_URL,
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    HUBSPOT_ACCESS_TOKEN: token,
    HUBSPOT_PORTAL_ID: String(PORTAL),
  };
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    running = await startService(loadConfig(settings), { logger: pino({ level: "silent" }), store: await Store.open() });
    local = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  const post = (body: unknown, options?: Parameters<typeof signedPost>[2]) =>
    fetch(`${local}/hubspot/webhook`, signedPost("/hubspot/webhook", body, options));

  it("refuses unsigned, stale, tampered and mis-addressed deliveries, and names what is wrong in a bad batch", async () => {
    const event = ticketCreated(1);
    const unsigned = await fetch(`${local}/hubspot/webhook`, { method: "POST", body: JSON.stringify([event]) });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { detail: string }).detail).toMatch(/X-HubSpot-Signature-v3/);
    expect((await post([event], { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
    const tampered = signedPost("/hubspot/webhook", [event]);
    expect(
      (await fetch(`${local}/hubspot/webhook`, { ...tampered, body: tampered.body.replace('"objectId":1', '"objectId":2') })).status,
    ).toBe(401);
    expect((await post([event], { signAs: `${PUBLIC_URL}/somewhere/else` })).status).toBe(401);
    expect((await post([event], { secret: "not-the-client-secret" })).status).toBe(401);

    const notJson = await post("[{not json");
    expect(notJson.status).toBe(400);
    const invalid = await post([event, { ...ticketCreated(2), portalId: "six" }]);
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/^the webhook batch is invalid: \[1\]\.portalId: /);
    // nothing of a refused batch was recorded
    expect(await running.store.countEvents("hubspot")).toEqual({});
  });

  it("decides a new ticket with the CRM's view of the customer and writes properties, owner and a note back once", async () => {
    const reads = nock(HUBSPOT_API, { reqheaders: { authorization: `Bearer ${token}` } })
      .get("/crm/v3/objects/tickets/501")
      .query((query) => String(query.associations).includes("contacts") && String(query.properties).includes("content"))
      .reply(
        200,
        ticketRecord(
          501,
          {
            subject: "Cancelling",
            content: "This is the third time I write. I want to cancel unless a person calls me today.",
            source_type: "EMAIL",
            hubspot_owner_id: null,
          },
          { contacts: ["201"], companies: ["401"] },
        ),
      )
      .get("/crm/v3/objects/contacts/201")
      .query(true)
      .reply(
        200,
        contactRecord(
          "201",
          { email: "ada@example.com", firstname: "Ada", lastname: "Lovelace", lifecyclestage: "customer", hubspot_owner_id: "12" },
          { deals: ["301", "302"], companies: ["401"] },
        ),
      )
      .post(
        "/crm/v3/objects/deals/batch/read",
        (body: { inputs: { id: string }[]; properties: string[] }) =>
          body.inputs.map((input) => input.id).join() === "301,302" && body.properties.includes("amount"),
      )
      .reply(
        200,
        batch([
          record("301", {
            dealname: "Renewal 2027",
            amount: "48000",
            dealstage: "contractsent",
            hs_is_closed: "false",
            hubspot_owner_id: "9",
          }),
          record("302", { dealname: "Pilot", amount: "5000", dealstage: "closedwon", hs_is_closed: "true", hubspot_owner_id: "12" }),
        ]),
      )
      .get("/crm/v3/owners/9")
      .query(true)
      .reply(200, owner(9, "Jane", "Doe", "jane@acme.example"));
    const writes: { path: string; body: Record<string, unknown> }[] = [];
    const api = nock(HUBSPOT_API, { reqheaders: { authorization: `Bearer ${token}` } })
      .patch("/crm/v3/objects/tickets/501")
      .reply(200, (path, body) => {
        writes.push({ path, body: body as Record<string, unknown> });
        return record("501", {});
      })
      .post("/crm/v3/objects/notes")
      .reply(201, (path, body) => {
        writes.push({ path, body: body as Record<string, unknown> });
        return record("7001", {});
      });

    const events = [ticketCreated(501), { ...ticketCreated(201), subscriptionType: "contact.creation" }];
    const first = await post(events);
    expect([first.status, await first.json()]).toEqual([200, { accepted: 1, duplicates: 0, ignored: 1 }]);
    // HubSpot retries the batch (same event ids, attemptNumber 1)
    const again = await post(events.map((event) => ({ ...event, attemptNumber: 1 })));
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1, ignored: 1 });
    await waitFor(() => api.isDone());
    expect(reads.isDone()).toBe(true);
    expect(api.isDone()).toBe(true);

    const [update, note] = writes;
    const properties = (update?.body as { properties: Record<string, string> }).properties;
    expect(Object.keys(properties).sort()).toEqual([
      "hs_ticket_priority",
      "hubspot_owner_id",
      "tandem_confidence",
      "tandem_escalation_score",
      "tandem_intent",
      "tandem_route",
    ]);
    expect(properties.tandem_route).toBe("urgent");
    expect(properties.tandem_confidence).toMatch(/^(0\.\d{3}|1\.000)$/);
    expect(properties.tandem_escalation_score).toMatch(/^\d+$/);
    expect(properties.hs_ticket_priority).toMatch(/^(LOW|MEDIUM|HIGH)$/);
    // the owner of the open deal, not the contact's owner (12)
    expect(properties.hubspot_owner_id).toBe("9");
    const noteBody = note?.body as {
      properties: { hs_note_body: string; hs_timestamp: string };
      associations: { to: { id: string }; types: { associationCategory: string; associationTypeId: number }[] }[];
    };
    expect(noteBody.associations).toEqual([
      { to: { id: "501" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 228 }] },
      { to: { id: "201" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 202 }] },
    ]);
    expect(noteBody.properties.hs_note_body).toContain("Ada Lovelace · ada@example.com · tier customer · revenue 48,000");
    expect(noteBody.properties.hs_note_body).toContain("open deals: Renewal 2027 48,000 (contractsent) · owner Jane Doe");
    expect(noteBody.properties.hs_note_body).toMatch(/tandem-decision-\d+/);
    expect(noteBody.properties.hs_note_body).not.toContain("<script");

    // the decision counted the open deal as customer value, and the score reasons say so
    const conversation = await running.store.findConversation("hubspot", `${PORTAL}/ticket/501`);
    const decision = (await running.store.latestDecision(conversation?.id ?? -1))?.body as Decision;
    expect(decision.escalation.reasons.map((reason) => reason.code)).toEqual(expect.arrayContaining(["customer_value", "asks_for_human"]));
    expect(decision.handoff?.nextStep).toContain("Tell Jane Doe, who owns the open deal");
    await waitFor(async () => (await running.store.countActions()).delivered === 1);
    expect(await running.store.countActions()).toMatchObject({ delivered: 1, dead: 0 });

    // the card on the ticket shows that decision (signed by HubSpot like a webhook)
    const cardPath = `/hubspot/card?objectType=ticket&objectId=501&portalId=${PORTAL}&userId=1&userEmail=jane%40acme.example`;
    const card = await fetch(`${local}${cardPath}`, signedGet(cardPath));
    expect(card.status).toBe(200);
    const shown = (await card.json()) as {
      status: string;
      decision: { route: string; reasons: { points: number }[] };
      escalation: { state: string };
    };
    expect(shown.status).toBe("decided");
    expect(shown.decision.route).toBe("urgent");
    expect(shown.decision.reasons.reduce((sum, reason) => sum + reason.points, 0)).toBeGreaterThanOrEqual(55);
    expect(shown.escalation.state).toBe("open");
    // the contact's record shows the same conversation
    const contactPath = `/hubspot/card?objectType=contacts&objectId=201&portalId=${PORTAL}`;
    expect(((await (await fetch(`${local}${contactPath}`, signedGet(contactPath))).json()) as { status: string }).status).toBe("decided");
    expect((await fetch(`${local}${cardPath}`)).status).toBe(401);
    const badPath = `/hubspot/card?objectType=deal&objectId=501&portalId=${PORTAL}`;
    const bad = await fetch(`${local}${badPath}`, signedGet(badPath));
    expect([bad.status, ((await bad.json()) as { detail: string }).detail]).toEqual([400, "objectType: must be ticket or contact"]);
    const otherPath = `/hubspot/card?objectType=ticket&objectId=501&portalId=999`;
    expect((await fetch(`${local}${otherPath}`, signedGet(otherPath))).status).toBe(403);
  });

  it("answers a customer's inbox message with an internal comment, and leaves agents' messages alone", async () => {
    const writes: { text: string; type: string }[] = [];
    const api = nock(HUBSPOT_API)
      .get("/conversations/v3/conversations/threads/9001/messages/m-1")
      .reply(200, {
        id: "m-1",
        type: "MESSAGE",
        text: "where is my order 12345?",
        direction: "INCOMING",
        channelId: "1000",
        createdAt: "2026-11-23T10:00:00Z",
        senders: [{ actorId: "V-55", name: "Grace", deliveryIdentifier: { type: "HS_EMAIL_ADDRESS", value: "grace@example.com" } }],
      })
      .get("/conversations/v3/conversations/threads/9001")
      .query({ association: "TICKET" })
      .reply(200, { id: "9001", associatedContactId: null, originalChannelId: "1000", status: "OPEN" })
      .get("/conversations/v3/conversations/threads/9001/messages/m-2")
      .reply(200, { id: "m-2", type: "MESSAGE", text: "Let me check that for you.", direction: "OUTGOING", channelId: "1000" })
      .post("/conversations/v3/conversations/threads/9001/messages", (body: { type: string; text: string }) => {
        writes.push(body);
        return true;
      })
      .reply(201, { id: "m-3", type: "COMMENT" });
    const response = await post([newMessage(9001, "m-1"), newMessage(9001, "m-2")]);
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
    await waitFor(() => api.isDone());
    expect(api.isDone()).toBe(true);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.type).toBe("COMMENT");
    expect(writes[0]?.text).toContain("12345");
    expect(writes[0]?.text).toMatch(/tandem-decision-\d+$/);
    const conversation = await running.store.findConversation("hubspot", `${PORTAL}/thread/9001`);
    expect(conversation?.channel).toBe("hubspot:chat");
    expect((await running.store.recentMessages(conversation?.id ?? -1, 10)).map((message) => message.text)).toEqual([
      "where is my order 12345?",
    ]);
  });

  it("leaves a ticket the help desk opened from an inbox thread to the thread's own message event", async () => {
    const read = nock(HUBSPOT_API)
      .get("/crm/v3/objects/tickets/601")
      .query(true)
      .reply(200, ticketRecord(601, { subject: "Chat", content: "my parcel never came", hs_conversations_originating_thread_id: "9100" }));
    await post([ticketCreated(601)]);
    await waitFor(() => read.isDone());
    await waitFor(async () => ((await running.store.countEvents("hubspot")).received ?? 0) === 0);
    expect(read.isDone()).toBe(true);
    expect(await running.store.findConversation("hubspot", `${PORTAL}/ticket/601`)).toBeUndefined();
  });

  it("ignores events from another HubSpot account", async () => {
    const response = await post([{ ...ticketCreated(777), portalId: 999 }]);
    expect(await response.json()).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
  });
});
