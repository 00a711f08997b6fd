// Calls to HubSpot through @hubspot/api-client, for one account (portal): the access token comes from a private app or
// from the account's OAuth install (refreshed when it expires, and once more when HubSpot refuses it); every failure
// becomes a DeliveryError that says whether the outbox should retry and when (a 429 waits for HubSpot's rate-limit
// window; a 5xx or a lost connection is retried with back-off; a refused token or a bad request goes to the dead letters
// with HubSpot's own message).
import { Client } from "@hubspot/api-client";
import { DeliveryError, parseRetryAfter } from "../../core/store/outbox-worker.js";

export const HUBSPOT_API_URL = "https://api.hubapi.com";

/** Where an account's access token comes from. */
export interface TokenSource {
  /** A token believed valid now (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /** Called when HubSpot refused `stale`: returns a fresh token, or undefined when there is no way to get one. */
  refresh(stale: string): Promise<string | undefined>;
}

/** A private app's token: nothing to refresh. */
export function staticToken(token: string): TokenSource {
  return { token: () => Promise.resolve(token), refresh: () => Promise.resolve(undefined) };
}

interface HttpError {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

/** A failed raw request, shaped like the SDK's own ApiException. */
class HttpFailure extends Error implements HttpError {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }
}

function isHttpError(error: unknown): error is HttpError {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number" && "headers" in error;
}

/** HubSpot's own explanation from an error body ({ message, category, … }), kept short. */
function hubspotMessage(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 300);
  if (body && typeof body === "object") {
    const { message, category } = body as { message?: unknown; category?: unknown };
    if (typeof message === "string") return `${typeof category === "string" ? `${category}: ` : ""}${message}`.slice(0, 300);
  }
  return "";
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/**
 * How long a 429 should wait: Retry-After when HubSpot sends it, else the rest of the rate-limit window it names
 * (X-HubSpot-RateLimit-Interval-Milliseconds with X-HubSpot-RateLimit-Remaining at 0, or the secondly window), else ten seconds.
 */
export function rateLimitDelay(headers: Record<string, string> | undefined): number {
  const retryAfter = parseRetryAfter(header(headers, "retry-after"));
  if (retryAfter !== undefined) return retryAfter;
  const interval = Number(header(headers, "x-hubspot-ratelimit-interval-milliseconds"));
  if (Number.isFinite(interval) && interval > 0) return interval;
  if (header(headers, "x-hubspot-ratelimit-secondly-remaining") === "0") return 1000;
  return 10_000;
}

/** Turns whatever a call threw into a DeliveryError. */
export function toDeliveryError(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (isHttpError(error)) {
    const { code } = error;
    const detail = hubspotMessage(error.body);
    const suffix = detail ? `: ${detail}` : "";
    if (code === 429)
      return new DeliveryError(`HubSpot rate limit on ${what}${suffix}`, {
        retryable: true,
        status: 429,
        retryAfterMs: rateLimitDelay(error.headers),
      });
    if (code >= 500) return new DeliveryError(`HubSpot answered ${code} on ${what}${suffix}`, { retryable: true, status: code });
    if (code === 401)
      return new DeliveryError(
        `HubSpot refused the token on ${what}${suffix}: reinstall the app (/hubspot/install) or check HUBSPOT_ACCESS_TOKEN, then retry from the dashboard`,
        { retryable: false, status: code },
      );
    if (code === 403)
      return new DeliveryError(
        `HubSpot refused ${what} (403)${suffix}: the app lacks a scope; reinstall it with the scopes in manifests/hubspot`,
        { retryable: false, status: code },
      );
    return new DeliveryError(`HubSpot refused ${what} (${code})${suffix}`, { retryable: false, status: code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`cannot reach HubSpot for ${what}: ${message}`, { retryable: true });
}

export interface HubSpotApiOptions {
  tokens: TokenSource;
  /** https://api.hubapi.com unless a proxy (or a test) says otherwise. */
  basePath?: string | undefined;
}

export class HubSpotApi {
  private readonly clients = new Map<string, Client>();
  readonly basePath: string;

  constructor(private readonly options: HubSpotApiOptions) {
    this.basePath = (options.basePath ?? HUBSPOT_API_URL).replace(/\/+$/, "");
  }

  private client(token: string): Client {
    let client = this.clients.get(token);
    if (!client) {
      // the outbox retries, with HubSpot's rate-limit headers; the SDK's own retry loop would hide them
      client = new Client({ accessToken: token, basePath: this.basePath, numberOfApiCallRetries: 0 });
      if (this.clients.size > 8) this.clients.clear();
      this.clients.set(token, client);
    }
    return client;
  }

  /** Runs one call; a refused token is refreshed once and the call tried again. Failures are DeliveryErrors. */
  async call<T>(what: string, run: (client: Client) => Promise<T>): Promise<T> {
    let token: string;
    try {
      token = await this.options.tokens.token();
    } catch (error) {
      throw toDeliveryError(error, `the access token for ${what}`);
    }
    try {
      return await run(this.client(token));
    } catch (error) {
      if (!(isHttpError(error) && error.code === 401)) throw toDeliveryError(error, what);
      let fresh: string | undefined;
      try {
        fresh = await this.options.tokens.refresh(token);
      } catch (refreshError) {
        throw toDeliveryError(refreshError, `refreshing the access token for ${what}`);
      }
      if (!fresh || fresh === token) throw toDeliveryError(error, what);
      try {
        return await run(this.client(fresh));
      } catch (retryError) {
        throw toDeliveryError(retryError, what);
      }
    }
  }

  /** A request the SDK has no typed API for (the conversations inbox); JSON in, JSON out, same error handling. */
  async request<T>(what: string, method: string, path: string, body?: unknown): Promise<T> {
    return this.call(what, async (client) => {
      const response = await client.apiRequest({ method, path, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = text;
      }
      if (!response.ok) {
        const headers: Record<string, string> = {};
        response.headers.forEach((value, key) => (headers[key] = value));
        throw new HttpFailure(response.status, json, headers);
      }
      return json as T;
    });
  }
}
