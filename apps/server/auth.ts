// API keys for /api (Authorization: Bearer tdm_… or X-API-Key), checked against their hashes in the store, and a rate limit
// per key.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { jwtVerify } from "jose";
import type { Store } from "../../core/store/store.js";
import { problem, sendProblem } from "./problem.js";

declare module "express-serve-static-core" {
  interface Request {
    /** The id of the API key that made the request. */
    apiKeyId?: string;
  }
}

const KEY_SHAPE = /^tdm_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/;
/** A verified key is trusted this long before the store is asked again (so a revocation takes effect within it). */
const CACHE_MS = 30_000;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * A JWT Zendesk's proxy signs for the sidebar app (HS256 with the app's shared secret setting): an alternative to the
 * API key for apps installed with a JWT secret. Checked for signature, algorithm and expiry.
 */
export async function verifyAppJwt(token: string, secret: string): Promise<boolean> {
  try {
    await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], requiredClaims: ["exp"] });
    return true;
  } catch {
    return false;
  }
}

export function apiKeyAuth(store: Store, options: { appJwtSecret?: string | undefined } = {}): RequestHandler {
  const verified = new Map<string, { id: string; until: number }>();
  return (request: Request, response: Response, next: NextFunction) => {
    const header = request.get("authorization");
    const key = header?.startsWith("Bearer ") ? header.slice(7).trim() : request.get("x-api-key")?.trim();
    if (!key) {
      sendProblem(
        response,
        request,
        problem(401, "an API key is required: send Authorization: Bearer <key> (create one with tandem keys create)", [], {
          "WWW-Authenticate": 'Bearer realm="tandem"',
        }),
      );
      return;
    }
    if (options.appJwtSecret && JWT_SHAPE.test(key)) {
      verifyAppJwt(key, options.appJwtSecret).then(
        (valid) => {
          if (!valid) {
            sendProblem(
              response,
              request,
              problem(401, "the app's token is not valid or has expired", [], { "WWW-Authenticate": 'Bearer error="invalid_token"' }),
            );
            return;
          }
          request.apiKeyId = "zendesk-app";
          next();
        },
        (error: unknown) => next(error),
      );
      return;
    }
    const reject = () =>
      sendProblem(
        response,
        request,
        problem(401, "the API key is not valid or was revoked", [], { "WWW-Authenticate": 'Bearer error="invalid_token"' }),
      );
    if (!KEY_SHAPE.test(key)) {
      reject();
      return;
    }
    // keyed by the key itself, in memory only, so that a cached request costs no hashing
    const cached = verified.get(key);
    if (cached && cached.until > Date.now()) {
      request.apiKeyId = cached.id;
      next();
      return;
    }
    store.verifyApiKey(key).then(
      (row) => {
        if (!row) {
          verified.delete(key);
          reject();
          return;
        }
        if (verified.size > 10_000) verified.clear();
        verified.set(key, { id: row.id, until: Date.now() + CACHE_MS });
        request.apiKeyId = row.id;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * Requests per minute per API key, in this instance's memory: a fixed window per key that opens at the key's first request,
 * announced in the IETF draft-7 headers (RateLimit-Policy, RateLimit) that express-rate-limit wrote before. Synchronous:
 * express-rate-limit's awaits, validations and proxy-aware client address cost about 15 µs a request on the hottest path.
 */
export function perKeyRateLimit(perMinute: number, now: () => number = Date.now): RequestHandler {
  const windowMs = 60_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const policy = `${perMinute};w=${windowMs / 1000}`;
  return (request: Request, response: Response, next: NextFunction) => {
    const at = now();
    const key = request.apiKeyId ?? "anonymous";
    let window = windows.get(key);
    if (window === undefined || window.resetAt <= at) {
      if (windows.size >= 10_000) for (const [other, { resetAt }] of windows) if (resetAt <= at) windows.delete(other);
      window = { count: 0, resetAt: at + windowMs };
      windows.set(key, window);
    }
    window.count++;
    const reset = Math.max(0, Math.ceil((window.resetAt - at) / 1000));
    response.setHeader("RateLimit-Policy", policy);
    response.setHeader("RateLimit", `limit=${perMinute}, remaining=${Math.max(0, perMinute - window.count)}, reset=${reset}`);
    if (window.count <= perMinute) {
      next();
      return;
    }
    sendProblem(
      response,
      request,
      problem(429, `more than ${perMinute} requests in a minute for this API key; try again shortly`, [], { "Retry-After": String(reset) }),
    );
  };
}
