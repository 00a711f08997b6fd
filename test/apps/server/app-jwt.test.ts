// The Zendesk sidebar may sign its requests with a JWT (Zendesk's proxy signs it with the app's shared secret) instead
// of sending an API key: the service accepts a valid, unexpired HS256 token and refuses the rest.
import { SignJWT } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";
import { errorOf } from "../../fixtures/error-of.js";

const SECRET = "a-shared-secret-for-the-app";
const sign = (secret: string, expires: string | number) =>
  new SignJWT({ iss: "acme.zendesk.com" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));

describe("Zendesk app JWT", () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService(loadConfig({ PORT: "0", ZENDESK_APP_JWT_SECRET: SECRET }), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
    });
  });
  afterAll(async () => {
    await running?.close();
  });

  const decide = (token: string) =>
    fetch(`${running.url}/api/decide`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "where is my order 12345?" }),
    });

  it("accepts a token signed with the app's shared secret", async () => {
    const response = await decide(await sign(SECRET, "1h"));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { route: string }).route).toBe("automate");
  });

  it("refuses an expired token, one signed with another secret, and an unsigned one", async () => {
    for (const token of [
      await sign(SECRET, Math.floor(Date.now() / 1000) - 60),
      await sign("someone-elses-secret-value", "1h"),
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(`{"exp":${Math.floor(Date.now() / 1000) + 3600}}`).toString("base64url")}.x`,
    ]) {
      const response = await decide(token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail: string }).detail).toBe("the app's token is not valid or has expired");
    }
  });

  it("wants a secret of some length", () => {
    expect(errorOf(() => loadConfig({ ZENDESK_APP_JWT_SECRET: "short" })).message).toBe(
      "ZENDESK_APP_JWT_SECRET: must be at least 16 characters",
    );
  });
});
