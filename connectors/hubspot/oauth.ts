// Installing Tandem in HubSpot accounts with OAuth (authorization code): /hubspot/install sends the admin to HubSpot with
// the scopes in connectors/hubspot/ids.ts (the same list the app's project files declare), /hubspot/oauth-callback
// exchanges the code, learns the account (hub id) and keeps the tokens in the store, sealed with AES-256-GCM under a key
// derived from the client secret. Access tokens last about 30 minutes: they are refreshed shortly before they expire, and
// once more when HubSpot refuses one.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Client } from "@hubspot/api-client";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { Sealer } from "../../core/store/sealer.js";
import type { Store } from "../../core/store/store.js";
import { HUBSPOT_API_URL, type TokenSource } from "./client.js";
import { PATHS, REQUIRED_SCOPES } from "./ids.js";

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The service's public origin; the redirect URL is its /hubspot/oauth-callback. */
  publicUrl: string;
  store: Store;
  basePath?: string | undefined;
  /** Where HubSpot's consent screen is (https://app.hubspot.com). */
  authorizeUrl?: string | undefined;
  now?: () => number;
}

const tokensSchema = z.object({ accessToken: z.string().min(1), refreshToken: z.string().min(1) });
const STATE_TTL_MS = 10 * 60_000;
/** Refresh this long before HubSpot's expiry. */
const EARLY_MS = 60_000;
const STATE_COOKIE = "tandem_hubspot_state";

export class HubSpotInstallations {
  private readonly sealer: Sealer;
  private readonly refreshing = new Map<string, Promise<string>>();
  readonly redirectUri: string;

  constructor(private readonly options: OAuthOptions) {
    this.sealer = new Sealer(options.clientSecret, "tandem hubspot installations");
    this.redirectUri = `${new URL(options.publicUrl).origin}${PATHS.oauthCallback}`;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private oauthClient(): Client {
    return new Client({ basePath: this.options.basePath ?? HUBSPOT_API_URL, numberOfApiCallRetries: 0 });
  }

  /** HubSpot's consent page for this app, with the manifest's scopes. */
  authorizeUrl(state: string): string {
    const url = new URL("/oauth/authorize", this.options.authorizeUrl ?? "https://app.hubspot.com");
    url.searchParams.set("client_id", this.options.clientId);
    url.searchParams.set("redirect_uri", this.redirectUri);
    url.searchParams.set("scope", REQUIRED_SCOPES.join(" "));
    url.searchParams.set("state", state);
    return url.toString();
  }

  /** A state that says when it was made, signed with the client secret. */
  newState(): string {
    const body = `${this.now()}.${randomBytes(12).toString("base64url")}`;
    return `${body}.${createHmac("sha256", this.options.clientSecret).update(body).digest("base64url")}`;
  }

  checkState(state: string | undefined, cookie: string | undefined): boolean {
    if (!state || !cookie || state !== cookie) return false;
    const cut = state.lastIndexOf(".");
    const body = state.slice(0, cut);
    const expected = Buffer.from(createHmac("sha256", this.options.clientSecret).update(body).digest("base64url"));
    const given = Buffer.from(state.slice(cut + 1));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    const at = Number(body.split(".")[0]);
    return Number.isFinite(at) && this.now() - at >= 0 && this.now() - at < STATE_TTL_MS;
  }

  /** Exchanges the code, finds the account, keeps the sealed tokens. Returns the account's id. */
  async complete(code: string): Promise<string> {
    const client = this.oauthClient();
    const tokens = await client.oauth.tokensApi.create(
      "authorization_code",
      code,
      this.redirectUri,
      this.options.clientId,
      this.options.clientSecret,
    );
    const info = await client.oauth.accessTokensApi.get(tokens.accessToken);
    const portalId = String(info.hubId);
    await this.save(portalId, tokens.accessToken, tokens.refreshToken, tokens.expiresIn);
    return portalId;
  }

  private async save(portalId: string, accessToken: string, refreshToken: string, expiresIn: number): Promise<void> {
    await this.options.store.saveHubSpotInstallation({
      portalId,
      sealed: this.sealer.seal(JSON.stringify({ accessToken, refreshToken })),
      expiresAt: new Date(this.now() + expiresIn * 1000),
    });
  }

  async isInstalled(portalId: string): Promise<boolean> {
    return (await this.options.store.getHubSpotInstallation(portalId)) !== undefined;
  }

  private async load(portalId: string): Promise<{ accessToken: string; refreshToken: string; expiresAt: Date }> {
    const row = await this.options.store.getHubSpotInstallation(portalId);
    if (!row) throw new Error(`Tandem is not installed in HubSpot account ${portalId}: install it from ${PATHS.install}`);
    return { ...tokensSchema.parse(JSON.parse(this.sealer.open(row.sealed))), expiresAt: row.expires_at };
  }

  /** One refresh at a time per account; HubSpot keeps the refresh token, so a second instance refreshing too is harmless. */
  private refreshNow(portalId: string): Promise<string> {
    let pending = this.refreshing.get(portalId);
    if (!pending) {
      pending = (async () => {
        const { refreshToken } = await this.load(portalId);
        const tokens = await this.oauthClient().oauth.tokensApi.create(
          "refresh_token",
          undefined,
          undefined,
          this.options.clientId,
          this.options.clientSecret,
          refreshToken,
        );
        await this.save(portalId, tokens.accessToken, tokens.refreshToken || refreshToken, tokens.expiresIn);
        return tokens.accessToken;
      })().finally(() => this.refreshing.delete(portalId));
      this.refreshing.set(portalId, pending);
    }
    return pending;
  }

  tokens(portalId: string): TokenSource {
    return {
      token: async () => {
        const stored = await this.load(portalId);
        return stored.expiresAt.getTime() - EARLY_MS > this.now() ? stored.accessToken : this.refreshNow(portalId);
      },
      refresh: async (stale) => {
        const stored = await this.load(portalId);
        // another call may have refreshed it already
        if (stored.accessToken !== stale && stored.expiresAt.getTime() - EARLY_MS > this.now()) return stored.accessToken;
        return this.refreshNow(portalId);
      },
    };
  }

  router(log?: (fields: Record<string, unknown>, message: string) => void): Router {
    const router = Router();
    router.get(PATHS.install, (_request: Request, response: Response) => {
      const state = this.newState();
      response.cookie(STATE_COOKIE, state, { httpOnly: true, secure: true, sameSite: "lax", maxAge: STATE_TTL_MS, path: "/hubspot" });
      response.redirect(302, this.authorizeUrl(state));
    });
    router.get(PATHS.oauthCallback, async (request: Request, response: Response) => {
      const query = z
        .object({
          code: z.string().min(1).max(2000).optional(),
          state: z.string().max(500).optional(),
          error: z.string().max(200).optional(),
        })
        .safeParse(request.query);
      const cookie = /(?:^|;\s*)tandem_hubspot_state=([^;]+)/.exec(request.get("cookie") ?? "")?.[1];
      const page = (status: number, title: string, detail: string) =>
        response
          .status(status)
          .type("html")
          .send(`<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${detail}</p>`);
      if (!query.success || query.data.error)
        return page(400, "HubSpot install cancelled", "HubSpot did not grant access; nothing was installed.");
      if (!this.checkState(query.data.state, cookie ? decodeURIComponent(cookie) : undefined))
        return page(
          400,
          "HubSpot install expired",
          `The install link is stale or was opened in another browser: start again from ${PATHS.install}.`,
        );
      if (!query.data.code) return page(400, "HubSpot install failed", "HubSpot sent no authorization code.");
      try {
        const portalId = await this.complete(query.data.code);
        response.clearCookie(STATE_COOKIE, { path: "/hubspot" });
        log?.({ portalId }, "HubSpot account installed");
        return page(200, "Tandem is installed", `HubSpot account ${portalId} now sends its tickets and conversations to Tandem.`);
      } catch (error) {
        log?.({ err: error instanceof Error ? error.message : String(error) }, "HubSpot install failed");
        return page(502, "HubSpot install failed", "HubSpot refused the authorization code; start again from the install link.");
      }
    });
    return router;
  }
}
