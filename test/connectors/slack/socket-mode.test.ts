// Socket Mode: the service connects out to Slack (faked here by a local WebSocket server speaking Slack's Socket Mode
// protocol: hello, envelopes, acknowledgements) and answers /tandem over it.
import type { AddressInfo } from "node:net";
import nock from "nock";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";

describe("Slack in Socket Mode", () => {
  let running: RunningService | undefined;
  let server: WebSocketServer | undefined;
  afterAll(async () => {
    await running?.close();
    server?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("connects with the app token, acknowledges a /tandem envelope with the answer, and needs no public address", async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => server?.once("listening", resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=abc`;
    const acks: unknown[] = [];
    let socket: WebSocket | undefined;
    const connected = new Promise<void>((resolve) =>
      server?.on("connection", (connection) => {
        socket = connection;
        connection.on("message", (data: Buffer) => acks.push(JSON.parse(data.toString("utf8"))));
        connection.send(
          JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" }, debug_info: { host: "test" } }),
        );
        resolve();
      }),
    );
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    const slack = nock("https://slack.com/api")
      .post("/auth.test")
      .reply(200, { ok: true, team_id: "T0TEAM", user_id: "U0BOT", bot_id: "B0BOT", team: "Acme", user: "tandem" })
      .post("/apps.connections.open")
      .matchHeader("authorization", "Bearer xapp-1-A0APP-1-secret")
      .reply(200, { ok: true, url });
    running = await startService(loadConfig({ PORT: "0", SLACK_APP_TOKEN: "xapp-1-A0APP-1-secret", SLACK_BOT_TOKEN: "xoxb-test-token" }), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
    });
    await connected;
    expect(slack.isDone()).toBe(true);
    // no HTTP endpoint for Slack in Socket Mode
    expect((await fetch(`${running.url}/slack/events`, { method: "POST" })).status).toBe(404);

    socket?.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "slash_commands",
        accepts_response_payload: true,
        payload: {
          token: "legacy",
          team_id: "T0TEAM",
          channel_id: "C0CHAN",
          user_id: "U0AGENT",
          command: "/tandem",
          text: "triage where is my order 12345?",
          api_app_id: "A0APP",
          response_url: "https://hooks.slack.com/commands/T0TEAM/1/abc",
          trigger_id: "1.2.3",
        },
      }),
    );
    for (let tries = 0; tries < 100 && acks.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(acks[0]).toMatchObject({
      envelope_id: "env-1",
      payload: { response_type: "ephemeral", text: "Route: automate · intent order_status" },
    });
  }, 30_000);
});
