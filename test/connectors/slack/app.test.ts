// Signed Slack requests into the running service (Bolt verifies them); Slack's Web API and response URLs faked with nock.
import { createHmac } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { ACTIONS, SHORTCUTS, SLASH_COMMAND, VIEWS } from "../../../connectors/slack/ids.js";
import { Store } from "../../../core/store/store.js";
import { manifestIds } from "../../../manifests/slack/manifest.js";
import { errorOf } from "../../fixtures/error-of.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

function signed(
  body: string,
  contentType: string,
  options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", options.secret ?? SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest("hex")}`;
  return {
    method: "POST",
    body,
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
      ...options.headers,
    },
  };
}

const command = (text: string) =>
  new URLSearchParams({
    token: "legacy",
    team_id: "T0TEAM",
    channel_id: "C0CHAN",
    user_id: "U0AGENT",
    command: SLASH_COMMAND,
    text,
    response_url: "https://hooks.slack.com/commands/T0TEAM/1/abc",
    trigger_id: "1.2.3",
    api_app_id: "A0APP",
  }).toString();

const interaction = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const FORM = "application/x-www-form-urlencoded";

describe("Slack app in the service", () => {
  let running: RunningService;
  let events: string;
  let authTest: nock.Scope;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    // the service asks Slack once, at start-up, who the bot is
    authTest = nock("https://slack.com/api").post("/auth.test").reply(200, {
      ok: true,
      url: "https://acme.slack.com/",
      team: "Acme",
      user: "tandem",
      team_id: "T0TEAM",
      user_id: "U0BOT",
      bot_id: "B0BOT",
    });
    running = await startService(loadConfig({ PORT: "0", SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test-token" }), {
      logger: pino({ level: process.env.DEBUG_SLACK ? "debug" : "silent" }),
      store: await Store.open(),
      createFirstKey: true,
    });
    events = `${running.url}/slack/events`;
    expect(authTest.isDone()).toBe(true);
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it("registers exactly the command, shortcut, actions and events the manifest declares", () => {
    const registered = running.slack?.registered;
    const manifest = manifestIds();
    expect(registered?.commands).toEqual(manifest.commands);
    expect(registered?.shortcuts).toEqual(manifest.shortcuts);
    expect([...(registered?.actions ?? [])].sort()).toEqual([...manifest.actions].sort());
    expect(registered?.events).toEqual(manifest.events);
    expect(registered?.views).toEqual([VIEWS.reply]);
  });

  it("refuses unsigned, stale, tampered and wrongly signed requests", async () => {
    const body = command("help");
    const unsigned = await fetch(events, { method: "POST", body, headers: { "content-type": FORM } });
    expect(unsigned.status).toBe(401);
    const stale = await fetch(events, signed(body, FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }));
    expect(stale.status).toBe(401);
    const tampered = signed(body, FORM);
    const response = await fetch(events, { ...tampered, body: body.replace("help", "stats") });
    expect(response.status).toBe(401);
    const wrongSecret = await fetch(events, signed(body, FORM, { secret: "not-the-secret" }));
    expect(wrongSecret.status).toBe(401);
  });

  it("answers /tandem help, triage, queue and stats privately", async () => {
    const help = await fetch(events, signed(command("help"), FORM));
    if (process.env.DEBUG_SLACK) console.log("HELP", help.status, help.headers.get("content-type"), await help.clone().text());
    expect(help.status).toBe(200);
    const helpBody = (await help.json()) as { response_type: string; text: string };
    expect(helpBody.response_type).toBe("ephemeral");
    expect(helpBody.text).toContain("`/tandem triage <text>`");
    const triage = (await (await fetch(events, signed(command("triage where is my order 12345?"), FORM))).json()) as {
      text: string;
      blocks: { text: { text: string } }[];
    };
    expect(triage.text).toBe("Route: automate · intent order_status");
    expect(triage.blocks[0]?.text.text).toMatch(/^\*Route:\* automate/);
    expect(triage.blocks[1]?.text.text).toContain("order 12345");
    const queue = (await (await fetch(events, signed(command("queue"), FORM))).json()) as { text: string };
    expect(queue.text).toBe("No open escalations.");
    const stats = (await (await fetch(events, signed(command("stats"), FORM))).json()) as { text: string };
    expect(stats.text).toMatch(/^\*Today \(UTC\)\*: 0 decisions/);
    const unknown = (await (await fetch(events, signed(command("dance"), FORM))).json()) as { text: string };
    expect(unknown.text).toMatch(/^Unknown: `dance`/);
  });

  it("posts an escalation from a customer message, then a Claim click updates it for everyone", async () => {
    const posted: Record<string, string>[] = [];
    const slack = nock("https://slack.com/api")
      .post("/chat.postMessage")
      .reply(200, (_uri, body) => {
        posted.push(Object.fromEntries(new URLSearchParams(body as string)));
        return { ok: true, channel: "C0SUPPORT", ts: "1700000001.000100" };
      });
    const accepted = await fetch(`${running.url}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
      body: JSON.stringify({
        eventId: "web-1",
        source: "webchat",
        conversationId: "v-1",
        text: "I want to talk to a human about my refund",
      }),
    });
    expect(accepted.status).toBe(202);
    for (let tries = 0; tries < 100 && !slack.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 30));
    expect(slack.isDone()).toBe(true);
    expect(posted[0]?.channel).toBe("#support-escalations");
    // the post is recorded right after Slack answers
    let [escalation] = await running.store.listEscalations();
    for (let tries = 0; tries < 100 && !escalation?.slack_ts; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      [escalation] = await running.store.listEscalations();
    }
    expect(escalation?.slack_ts).toBe("1700000001.000100");

    let updated: Record<string, string> | undefined;
    const update = nock("https://slack.com/api")
      .post("/chat.update")
      .reply(200, (_uri, body) => {
        updated = Object.fromEntries(new URLSearchParams(body as string));
        return { ok: true, channel: "C0SUPPORT", ts: "1700000001.000100" };
      });
    const click = interaction({
      type: "block_actions",
      team: { id: "T0TEAM" },
      user: { id: "U0AGENT" },
      api_app_id: "A0APP",
      trigger_id: "1.2.3",
      response_url: "https://hooks.slack.com/actions/T0TEAM/1/xyz",
      channel: { id: "C0SUPPORT" },
      container: { type: "message", channel_id: "C0SUPPORT", message_ts: "1700000001.000100" },
      actions: [
        {
          type: "button",
          action_id: ACTIONS.claim,
          block_id: `tandem_escalation_${escalation?.id}`,
          value: String(escalation?.id),
          action_ts: "1",
        },
      ],
    });
    const ack = await fetch(events, signed(click, FORM));
    expect(ack.status).toBe(200);
    for (let tries = 0; tries < 100 && !update.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 30));
    expect(update.isDone()).toBe(true);
    expect(updated?.ts).toBe("1700000001.000100");
    expect(updated?.blocks).toContain("Claimed by <@U0AGENT>");
    expect((await running.store.getEscalation(escalation?.id ?? 0))?.claimed_by).toBe("U0AGENT");

    // a second agent's click says who has it, privately, and changes nothing
    let told: { text?: string } | undefined;
    const respond = nock("https://hooks.slack.com")
      .post("/actions/T0TEAM/1/xyz")
      .reply(200, (_uri, body) => {
        told = body as { text?: string };
        return "ok";
      });
    const other = interaction({
      type: "block_actions",
      team: { id: "T0TEAM" },
      user: { id: "U0OTHER" },
      api_app_id: "A0APP",
      trigger_id: "1.2.4",
      response_url: "https://hooks.slack.com/actions/T0TEAM/1/xyz",
      actions: [{ type: "button", action_id: ACTIONS.claim, block_id: "b", value: String(escalation?.id), action_ts: "2" }],
    });
    await fetch(events, signed(other, FORM));
    for (let tries = 0; tries < 100 && !respond.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 30));
    expect(told?.text).toBe("already claimed by U0AGENT");
    expect((await running.store.getEscalation(escalation?.id ?? 0))?.claimed_by).toBe("U0AGENT");
  });

  it("publishes App Home once for an event Slack delivers twice", async () => {
    const views = nock("https://slack.com/api").post("/views.publish").reply(200, { ok: true });
    const event = JSON.stringify({
      token: "legacy",
      team_id: "T0TEAM",
      api_app_id: "A0APP",
      type: "event_callback",
      event_id: "Ev0HOME1",
      event_time: 1700000000,
      event: { type: "app_home_opened", user: "U0AGENT", channel: "D0DM", tab: "home", event_ts: "1700000000.1" },
    });
    expect((await fetch(events, signed(event, "application/json"))).status).toBe(200);
    expect(
      (
        await fetch(
          events,
          signed(event, "application/json", { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }),
        )
      ).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(views.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("answers the message shortcut through its response URL", async () => {
    let answer: { text?: string; response_type?: string } | undefined;
    const respond = nock("https://hooks.slack.com")
      .post("/app/T0TEAM/2/short")
      .reply(200, (_uri, body) => {
        answer = body as typeof answer;
        return "ok";
      });
    const shortcut = interaction({
      type: "message_action",
      callback_id: SHORTCUTS.triageMessage,
      team: { id: "T0TEAM" },
      user: { id: "U0AGENT" },
      channel: { id: "C0SHARED" },
      message: { type: "message", text: "hey team, my invoice for October is missing", ts: "1700000000.5" },
      response_url: "https://hooks.slack.com/app/T0TEAM/2/short",
      trigger_id: "1.2.5",
      action_ts: "1700000000.6",
    });
    expect((await fetch(events, signed(shortcut, FORM))).status).toBe(200);
    for (let tries = 0; tries < 100 && !respond.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answer?.response_type).toBe("ephemeral");
    expect(answer?.text).toMatch(/^Route: \w+ · intent invoice_request$/);
  });

  it("needs both Slack settings, and names the missing one", () => {
    expect(errorOf(() => loadConfig({ SLACK_SIGNING_SECRET: SECRET })).message).toBe(
      "SLACK_BOT_TOKEN: is needed with SLACK_SIGNING_SECRET",
    );
    expect(errorOf(() => loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxp-user" })).message).toBe(
      "SLACK_BOT_TOKEN: must be a bot token (xoxb-…)",
    );
  });

  /** A customer message through the API, its escalation posted to Slack (faked), returned once posted. */
  async function postedEscalation(conversationId: string, text: string, ts: string) {
    nock("https://slack.com/api").post("/chat.postMessage").reply(200, { ok: true, channel: "C0SUPPORT", ts });
    await fetch(`${running.url}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
      body: JSON.stringify({ eventId: `evt-${conversationId}`, source: "webchat", conversationId, text }),
    });
    for (let tries = 0; tries < 200; tries++) {
      const found = (await running.store.listEscalations({ states: ["open", "claimed", "snoozed", "resolved"], limit: 500 })).find(
        (escalation) => escalation.slack_ts === ts,
      );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("the escalation was not posted");
  }

  const clickPayload = (action: Record<string, unknown>, user = "U0AGENT") => ({
    type: "block_actions",
    team: { id: "T0TEAM" },
    user: { id: user },
    api_app_id: "A0APP",
    trigger_id: "12345.98765.abcd",
    response_url: "https://hooks.slack.com/actions/T0TEAM/9/reply",
    actions: [{ action_ts: "1", ...action }],
  });

  it("opens the reply modal with the suggestion, refuses unfilled details, and queues the reply through the ticket's connector", async () => {
    const escalation = await postedEscalation("v-reply", "I need a person to help with my order 7781 please", "1700000002.000100");
    let opened: { trigger_id?: string; view?: string } | undefined;
    const open = nock("https://slack.com/api")
      .post("/views.open")
      .reply(200, (_uri, body) => {
        opened = Object.fromEntries(new URLSearchParams(body as string));
        return { ok: true, view: { id: "V0MODAL" } };
      });
    await fetch(
      events,
      signed(
        interaction(clickPayload({ type: "button", action_id: ACTIONS.sendReply, block_id: "b", value: String(escalation.id) })),
        FORM,
      ),
    );
    for (let tries = 0; tries < 100 && !open.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened?.trigger_id).toBe("12345.98765.abcd");
    const view = JSON.parse(opened?.view ?? "{}") as {
      callback_id: string;
      private_metadata: string;
      blocks: { element: { initial_value: string } }[];
    };
    expect(view.callback_id).toBe(VIEWS.reply);
    expect(view.private_metadata).toBe(String(escalation.id));
    expect(view.blocks[0]?.element.initial_value).toMatch(/^Hi there,/);

    const submit = (value: string) =>
      interaction({
        type: "view_submission",
        team: { id: "T0TEAM" },
        user: { id: "U0AGENT" },
        api_app_id: "A0APP",
        trigger_id: "1.2.9",
        view: {
          id: "V0MODAL",
          type: "modal",
          callback_id: VIEWS.reply,
          private_metadata: String(escalation.id),
          state: { values: { reply: { text: { type: "plain_text_input", value } } } },
        },
      });
    const refused = await fetch(events, signed(submit("Hi, your order [order number] ships today."), FORM));
    expect(await refused.json()).toEqual({ response_action: "errors", errors: { reply: "Fill in the bracketed details before sending." } });

    nock("https://slack.com/api").post("/chat.update").reply(200, { ok: true, channel: "C0SUPPORT", ts: "1700000002.000100" });
    const sent = await fetch(events, signed(submit("Hi, order 7781 ships today. Sorry for the wait!"), FORM));
    expect(sent.status).toBe(200);
    let reply: { kind: string; payload: unknown } | undefined;
    for (let tries = 0; tries < 100 && !reply; tries++) {
      reply = (await running.store.listActions()).find((action) => action.kind === "reply.webchat");
      if (!reply) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(reply?.payload).toMatchObject({ externalId: "v-reply", text: "Hi, order 7781 ships today. Sorry for the wait!", by: "U0AGENT" });
    const messages = await running.store.recentMessages(escalation.conversation_id, 10);
    expect(messages.map((message) => message.role)).toEqual(["customer", "agent"]);
    expect((await running.store.getEscalation(escalation.id))?.claimed_by).toBe("U0AGENT");
  });

  it("reassigns an escalation to another channel: the old message says where it went, and it is posted there", async () => {
    const escalation = await postedEscalation("v-move", "Let me speak with a real person", "1700000003.000100");
    const calls: { method: string; body: Record<string, string> }[] = [];
    const slack = nock("https://slack.com/api")
      .post("/chat.update")
      .reply(200, (_uri, body) => {
        calls.push({ method: "update", body: Object.fromEntries(new URLSearchParams(body as string)) });
        return { ok: true, channel: "C0SUPPORT", ts: "1700000003.000100" };
      })
      .post("/chat.postMessage")
      .reply(200, (_uri, body) => {
        calls.push({ method: "post", body: Object.fromEntries(new URLSearchParams(body as string)) });
        return { ok: true, channel: "C0BILLING", ts: "1700000003.000200" };
      });
    const select = {
      type: "conversations_select",
      action_id: ACTIONS.reassign,
      block_id: `tandem_escalation_${escalation.id}`,
      selected_conversation: "C0BILLING",
    };
    await fetch(events, signed(interaction(clickPayload(select, "U0LEAD")), FORM));
    for (let tries = 0; tries < 200 && !slack.isDone(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(slack.isDone()).toBe(true);
    expect(calls.find((call) => call.method === "update")?.body).toMatchObject({ channel: "C0SUPPORT", ts: "1700000003.000100" });
    expect(calls.find((call) => call.method === "update")?.body.text).toBe(
      ":arrow_right: <@U0LEAD> moved this escalation to <#C0BILLING>.",
    );
    expect(calls.find((call) => call.method === "post")?.body.channel).toBe("C0BILLING");
    for (let tries = 0; tries < 100; tries++) {
      if ((await running.store.getEscalation(escalation.id))?.slack_ts === "1700000003.000200") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await running.store.getEscalation(escalation.id)).toMatchObject({
      channel: "C0BILLING",
      slack_channel: "C0BILLING",
      slack_ts: "1700000003.000200",
    });
  });
});
