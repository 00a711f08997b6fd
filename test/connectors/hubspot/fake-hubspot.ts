// HubSpot's side for the tests: signed requests as HubSpot sends them, and records in the shapes its CRM API returns
// (faked with nock at the HTTP layer; everything else is the real code).
import { hubspotSignature } from "../../../connectors/hubspot/signature.js";

export const HUBSPOT_API = "https://api.hubapi.com";
export const CLIENT_SECRET = "hubspot-client-secret-0123456789";
export const PUBLIC_URL = "https://tandem.example.com";
export const PORTAL = 6215;

const stamp = { createdAt: "2026-11-20T10:00:00.000Z", updatedAt: "2026-11-23T10:00:00.000Z", archived: false };

/** A POST as HubSpot signs it (v3): the full public URL, the raw body, the timestamp in milliseconds. */
export function signedPost(path: string, body: unknown, options: { timestamp?: number; secret?: string; signAs?: string } = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Date.now());
  return {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-hubspot-request-timestamp": timestamp,
      "x-hubspot-signature-v3": hubspotSignature(
        options.secret ?? CLIENT_SECRET,
        "POST",
        options.signAs ?? `${PUBLIC_URL}${path}`,
        text,
        timestamp,
      ),
    },
  };
}

export function signedGet(pathAndQuery: string, options: { timestamp?: number; secret?: string } = {}) {
  const timestamp = String(options.timestamp ?? Date.now());
  return {
    method: "GET",
    headers: {
      "x-hubspot-request-timestamp": timestamp,
      "x-hubspot-signature-v3": hubspotSignature(options.secret ?? CLIENT_SECRET, "GET", `${PUBLIC_URL}${pathAndQuery}`, "", timestamp),
    },
  };
}

let eventIds = 1000;

export function ticketCreated(ticketId: number, extra: Record<string, unknown> = {}) {
  return {
    eventId: eventIds++,
    subscriptionId: 77,
    portalId: PORTAL,
    appId: 4242,
    occurredAt: Date.now(),
    subscriptionType: "ticket.creation",
    attemptNumber: 0,
    objectId: ticketId,
    changeSource: "CRM",
    changeFlag: "NEW",
    ...extra,
  };
}

export function newMessage(threadId: number, messageId: string, extra: Record<string, unknown> = {}) {
  return {
    eventId: eventIds++,
    subscriptionId: 78,
    portalId: PORTAL,
    appId: 4242,
    occurredAt: Date.now(),
    subscriptionType: "conversation.newMessage",
    attemptNumber: 0,
    objectId: threadId,
    messageId,
    messageType: "MESSAGE",
    changeFlag: "NEW_MESSAGE",
    ...extra,
  };
}

export function ticketRecord(id: number, properties: Record<string, string | null>, associations: Record<string, string[]> = {}) {
  return {
    id: String(id),
    properties: { hs_object_id: String(id), ...properties },
    associations: Object.fromEntries(
      Object.entries(associations).map(([name, ids]) => [
        name,
        { results: ids.map((target) => ({ id: target, type: `ticket_to_${name.replace(/s$/, "")}` })) },
      ]),
    ),
    ...stamp,
  };
}

export function contactRecord(id: string, properties: Record<string, string | null>, associations: Record<string, string[]> = {}) {
  return {
    id,
    properties: { hs_object_id: id, ...properties },
    associations: Object.fromEntries(
      Object.entries(associations).map(([name, ids]) => [
        name,
        { results: ids.map((target) => ({ id: target, type: `contact_to_${name.replace(/s$/, "")}` })) },
      ]),
    ),
    ...stamp,
  };
}

export function record(id: string, properties: Record<string, string | null>) {
  return { id, properties: { hs_object_id: id, ...properties }, ...stamp };
}

export function batch(results: unknown[]) {
  return { status: "COMPLETE", results, startedAt: "2026-11-23T10:00:00.000Z", completedAt: "2026-11-23T10:00:00.100Z" };
}

export function owner(id: number, firstName: string, lastName: string, email: string) {
  return { id: String(id), email, firstName, lastName, userId: id + 1, teams: [], ...stamp };
}

/** HubSpot's answer when an app exceeds its ten-second window. */
export const RATE_LIMITED = {
  status: "error",
  message: "You have reached your ten_secondly_rolling limit.",
  errorType: "RATE_LIMIT",
  correlationId: "c0ffee00-0000-4000-8000-000000000000",
  policyName: "TEN_SECONDLY_ROLLING",
};
export const RATE_LIMIT_HEADERS = {
  "x-hubspot-ratelimit-interval-milliseconds": "10000",
  "x-hubspot-ratelimit-max": "110",
  "x-hubspot-ratelimit-remaining": "0",
  "x-hubspot-ratelimit-secondly": "11",
  "x-hubspot-ratelimit-secondly-remaining": "0",
};
