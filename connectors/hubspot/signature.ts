// HubSpot's v3 request signature, on webhooks and on the app card's hubspot.fetch calls:
//   X-HubSpot-Signature-v3 = base64(HMAC-SHA256(client secret, method + URI + body + X-HubSpot-Request-Timestamp))
// where the URI is the full address HubSpot called (https://host/path?query) with some percent-encoded characters
// decoded, and the timestamp is in milliseconds. We refuse a timestamp more than five minutes away from now and compare
// in constant time (the SDK's Signature.isValid throws on stale timestamps and compares with ===).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** The characters HubSpot decodes in the URI before signing it (its request-validation docs). */
const DECODED: Record<string, string> = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
};
const ENCODED = /%(?:3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

export function signedUri(uri: string): string {
  return uri.replace(ENCODED, (match) => DECODED[match.toUpperCase()] ?? match);
}

export function hubspotSignature(clientSecret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac("sha256", clientSecret)
    .update(`${method.toUpperCase()}${signedUri(uri)}${body}${timestamp}`)
    .digest("base64");
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

export interface SignedRequest {
  method: string;
  /** The full URI as HubSpot called it: the service's public origin, the path and the query string. */
  uri: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
}

export function verifyHubSpotSignature(clientSecret: string, request: SignedRequest, now = Date.now()): SignatureCheck {
  const { signature, timestamp } = request;
  if (!signature || !timestamp) return { ok: false, reason: "missing" };
  const at = Number(timestamp);
  if (!/^\d{10,16}$/.test(timestamp) || !Number.isFinite(at) || Math.abs(now - at) > SIGNATURE_WINDOW_MS)
    return { ok: false, reason: "stale" };
  const expected = Buffer.from(hubspotSignature(clientSecret, request.method, request.uri, request.body, timestamp));
  // base64 has no spaces: a "+" turned into a space by a proxy that form-decoded the header is put back
  const given = Buffer.from(signature.replace(/ /g, "+"));
  return expected.length === given.length && timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "mismatch" };
}

/** The message a refused request gets (never says which part was wrong beyond what the sender can fix). */
export function signatureProblem(check: SignatureCheck): string {
  if (check.ok) return "";
  if (check.reason === "missing") return "the X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp headers are required";
  if (check.reason === "stale") return "the request timestamp is more than five minutes from now";
  return "the HubSpot signature does not match this request (check HUBSPOT_CLIENT_SECRET and TANDEM_PUBLIC_URL)";
}
