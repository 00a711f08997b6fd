// Multi-workspace install through Slack OAuth: /slack/install → Slack → /slack/oauth_redirect, the installation kept
// encrypted in the store, then requests and escalations in that workspace use its token. Slack's side is faked with nock.
import { createHmac } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { BOT_SCOPES } from "../../../connectors/slack/ids.js";
import { Sealer } from "../../../connectors/slack/installations.js";
import { Store } from "../../../core/store/store.js";
import { errorOf } from "../../fixtures/error-of.js";

const SIGNING = "b7c2e1f0a9d8c7b6a5f4e3d2c1b0a9f8";
const settings = {
  PORT: "0",
  SLACK_SIGNING_SECRET: SIGNING,
  SLACK_CLIENT_ID: "1234567890.0987654321",
  SLACK_CLIENT_SECRET: "client-secret-for-tests",
  SLACK_STATE_SECRET: "a-state-secret-of-some-length",
};

describe("Slack OAuth install", () => {
  let running: RunningService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    running = await startService(loadConfig(settings), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
      createFirstKey: true,
    });
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("installs from /slack/install, keeps the token sealed, and uses it for that workspace", async () => {
    const install = await fetch(`${running.url}/slack/install`, { redirect: "manual" });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("https://slack.com/oauth/v2/authorize");
    expect(location.searchParams.get("client_id")).toBe(settings.SLACK_CLIENT_ID);
    expect(location.searchParams.get("scope")).toBe(BOT_SCOPES.join(","));
    const state = location.searchParams.get("state") ?? "";
    const cookie = (install.headers.get("set-cookie") ?? "").split(";")[0];
    expect(cookie).toMatch(/^slack-app-oauth-state=/);

    const slack = nock("https://slack.com/api")
      .post("/oauth.v2.access", (body: string) => new URLSearchParams(body).get("code") === "c0de")
      .reply(200, {
        ok: true,
        app_id: "A0APP",
        authed_user: { id: "U0ADMIN" },
        scope: BOT_SCOPES.join(","),
        token_type: "bot",
        access_token: "xoxb-installed-token",
        bot_user_id: "U0BOT",
        team: { id: "T0NEW", name: "New Team" },
        enterprise: null,
        is_enterprise_install: false,
      })
      .post("/auth.test")
      .reply(200, { ok: true, team_id: "T0NEW", user_id: "U0BOT", bot_id: "B0BOT", team: "New Team", user: "tandem" });
    const callback = await fetch(`${running.url}/slack/oauth_redirect?code=c0de&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
    });
    expect(callback.status).toBe(200);
    expect(slack.isDone()).toBe(true);

    const row = await running.store.getSlackInstallation("T0NEW");
    expect(row?.sealed).toMatch(/^v1\./);
    expect(row?.sealed).not.toContain("xoxb-installed-token");
    expect(JSON.parse(new Sealer(settings.SLACK_CLIENT_SECRET).open(row?.sealed ?? "")) as { bot: { token: string } }).toMatchObject({
      bot: { token: "xoxb-installed-token" },
    });
    // another secret cannot open it
    expect(() => new Sealer("someone-else").open(row?.sealed ?? "")).toThrow();

    // a signed /tandem from that workspace is answered
    const body = new URLSearchParams({
      team_id: "T0NEW",
      user_id: "U0AGENT",
      command: "/tandem",
      text: "help",
      api_app_id: "A0APP",
      channel_id: "C1",
      response_url: "https://hooks.slack.com/x",
      trigger_id: "1",
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac("sha256", SIGNING).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const answer = await fetch(`${running.url}/slack/events`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signature,
      },
    });
    expect(((await answer.json()) as { text: string }).text).toContain("`/tandem queue`");

    // escalations go out with the installed workspace's token
    const post = nock("https://slack.com/api", { reqheaders: { authorization: "Bearer xoxb-installed-token" } })
      .post("/chat.postMessage")
      .reply(200, { ok: true, channel: "C0SUPPORT", ts: "1700000009.000100" });
    await fetch(`${running.url}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
      body: JSON.stringify({ eventId: "oauth-1", conversationId: "c-oauth", text: "I want a human please" }),
    });
    for (let tries = 0; tries < 150 && !post.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(post.isDone()).toBe(true);
  });

  it("refuses an OAuth callback without the state it issued", async () => {
    const callback = await fetch(`${running.url}/slack/oauth_redirect?code=c0de&state=forged`);
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(await running.store.getSlackInstallation("T0EVIL")).toBeUndefined();
  });

  it("names what is missing or in conflict in the Slack OAuth settings", () => {
    expect(errorOf(() => loadConfig({ ...settings, SLACK_STATE_SECRET: "" })).message).toMatch(
      /^SLACK_STATE_SECRET: is needed for Slack OAuth installs/,
    );
    expect(errorOf(() => loadConfig({ ...settings, SLACK_STATE_SECRET: "short" })).message).toBe(
      "SLACK_STATE_SECRET: must be at least 16 characters",
    );
    expect(errorOf(() => loadConfig({ ...settings, SLACK_BOT_TOKEN: "xoxb-1" })).message).toMatch(
      /^SLACK_BOT_TOKEN: leave it empty with Slack OAuth installs/,
    );
  });
});
