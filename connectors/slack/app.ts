// The Slack app inside the Tandem service (Bolt, HTTP mode on /slack/events, Bolt's own signature check): /tandem, the
// message shortcut, the escalation buttons, the reply modal and App Home. Every handler acknowledges at once and changes
// Slack only through the outbox, so a retried or slow Slack never gets a double post.
import { App, ExpressReceiver, LogLevel, type BlockAction, type ButtonAction, type ConversationsSelectAction } from "@slack/bolt";
import { ErrorCode, type WebClient } from "@slack/web-api";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Decider, Decision } from "../../core/decide/decide.js";
import { TandemError } from "../../core/errors.js";
import { computeMetrics } from "../../core/service/metrics.js";
import type { Store } from "../../core/store/store.js";
import { escapeText, type Block, truncate } from "./blocks.js";
import { enqueueUpdate, SLACK_KINDS } from "./delivery.js";
import { ACTIONS, BOT_SCOPES, SHORTCUTS, SLASH_COMMAND, VIEWS } from "./ids.js";
import type { SlackInstallationStore } from "./installations.js";

export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installationStore: SlackInstallationStore;
}

export interface SlackAppOptions {
  signingSecret: string;
  /** A single workspace's bot token; or `oauth` for installs in any number of workspaces. */
  botToken?: string | undefined;
  oauth?: SlackOAuthOptions | undefined;

  store: Store;
  decider: Decider;
  logger: Logger;
  /** Runs the outbox now rather than at its next poll. */
  wakeOutbox: () => void;
  /** Slack's Web API base URL (tests and proxies). */
  slackApiUrl?: string | undefined;
  /** Who the bot is (from auth.test at start-up); without it Bolt asks Slack on every event. */
  identity?: { botId: string; botUserId: string } | undefined;
  /** An app-level token (xapp-…): Socket Mode, for development without a public address, instead of HTTP. */
  appToken?: string | undefined;
}

/** Asks Slack who the bot token belongs to: a refused token stops start-up with a clear message. */
export async function slackIdentity(
  client: WebClient,
  logger: Logger,
): Promise<{ botId: string; botUserId: string; team: string } | undefined> {
  try {
    const result = await client.auth.test();
    if (result.bot_id && result.user_id) return { botId: result.bot_id, botUserId: result.user_id, team: result.team ?? "" };
    throw new TandemError("invalid_input", "SLACK_BOT_TOKEN: the token is not a bot token (auth.test has no bot_id)");
  } catch (error) {
    if (error instanceof TandemError) throw error;
    const failure = error as { code?: string; data?: { error?: string }; message?: string };
    if (failure.code === ErrorCode.PlatformError)
      throw new TandemError("invalid_input", `SLACK_BOT_TOKEN: Slack refused the token (${failure.data?.error ?? "unknown error"})`);
    logger.warn({ err: failure.message }, "cannot reach Slack to check the bot token; Slack requests will check it as they come");
    return undefined;
  }
}

export interface SlackApp {
  app: App;
  /** Mount before express.json(): Bolt reads and verifies the raw body. Absent in Socket Mode. */
  router: RequestHandler | undefined;
  /** Socket Mode connects out to Slack: start it with the service and stop it with it (HTTP mode: nothing to do). */
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** What the code registered, for the test that keeps the manifest in step. */
  registered: { commands: string[]; shortcuts: string[]; actions: string[]; views: string[]; events: string[] };
}

const HELP = [
  "*Tandem* decides customer messages and brings the ones that need a person here.",
  `• \`${SLASH_COMMAND} triage <text>\`: the decision for any text (only you see it)`,
  `• \`${SLASH_COMMAND} queue\`: open escalations, most urgent first`,
  `• \`${SLASH_COMMAND} stats\`: today's automation and escalation figures`,
  "• On a message: *More actions → Triage with Tandem*",
].join("\n");

/** A compact, private view of a decision for /tandem triage and the message shortcut. */
export function decisionBlocks(decision: Decision): Block[] {
  const { triage, escalation, suggestion } = decision;
  const reasons =
    escalation.reasons.map((reason) => `• +${reason.contribution} ${escapeText(reason.label)}`).join("\n") ||
    "• nothing calls for a person";
  const blocks: Block[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `*Route:* ${decision.route} (${escapeText(decision.routeReason)})\n*Intent:* ${triage.intent} (${triage.confidence.toFixed(2)}) · *Score:* ${escalation.score}/100 · *Priority:* ${triage.priority}\n${reasons}`,
          3000,
        ),
      },
    },
  ];
  if (suggestion)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `*Suggested reply*\n${escapeText(suggestion.text)
            .split("\n")
            .map((line) => `>${line}`)
            .join("\n")}`,
          3000,
        ),
      },
    });
  return blocks;
}

function escalationId(value: string | undefined): number {
  const id = Number(value?.split(":")[0]);
  if (!Number.isInteger(id) || id <= 0) throw new TandemError("invalid_input", "the button does not name an escalation");
  return id;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { store, decider, logger } = options;
  const clientOptions = {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  };
  const common = { logLevel: LogLevel.ERROR, clientOptions };
  const single = {
    token: options.botToken,
    ...(options.identity ? { botId: options.identity.botId, botUserId: options.identity.botUserId } : {}),
    tokenVerificationEnabled: false,
  };
  let receiver: ExpressReceiver | undefined;
  let app: App;
  if (options.appToken) app = new App({ ...common, ...single, socketMode: true, appToken: options.appToken });
  else if (options.oauth) {
    // installs from /slack/install, Slack's answer on /slack/oauth_redirect, installations in the store
    receiver = new ExpressReceiver({
      signingSecret: options.signingSecret,
      endpoints: "/slack/events",
      processBeforeResponse: false,
      logLevel: LogLevel.ERROR,
      clientId: options.oauth.clientId,
      clientSecret: options.oauth.clientSecret,
      stateSecret: options.oauth.stateSecret,
      scopes: [...BOT_SCOPES],
      installationStore: options.oauth.installationStore,
      installerOptions: { installPath: "/slack/install", redirectUriPath: "/slack/oauth_redirect", directInstall: true },
    });
    app = new App({ ...common, receiver });
  } else {
    receiver = new ExpressReceiver({
      signingSecret: options.signingSecret,
      endpoints: "/slack/events",
      processBeforeResponse: false,
      logLevel: LogLevel.ERROR,
    });
    app = new App({ ...common, ...single, receiver });
  }
  const registered: SlackApp["registered"] = { commands: [], shortcuts: [], actions: [], views: [], events: [] };
  app.error((error) => {
    logger.error({ err: error.message }, "Slack handler failed");
    return Promise.resolve();
  });

  // ── /tandem ──────────────────────────────────────────────────────────────────────────────────
  registered.commands.push(SLASH_COMMAND);
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const [sub = "help", ...rest] = command.text.trim().split(/\s+/);
    const text = command.text.trim().slice(sub.length).trim();
    if (sub === "triage") {
      if (!text)
        return ack({ response_type: "ephemeral", text: `Give the text to triage: \`${SLASH_COMMAND} triage where is my order 12345?\`` });
      const decision = decider.decide(text);
      return ack({
        response_type: "ephemeral",
        text: `Route: ${decision.route} · intent ${decision.triage.intent}`,
        blocks: decisionBlocks(decision),
      });
    }
    if (sub === "queue") {
      const open = await store.listEscalations({ states: ["open", "claimed", "snoozed"], limit: 10 });
      const lines = open.map(
        (escalation) =>
          `• #${escalation.id} *${escalation.route}* ${escalation.intent} · score ${escalation.score} · ${escalation.state}${escalation.claimed_by ? ` by <@${escalation.claimed_by}>` : ""}${escalation.slack_channel && escalation.slack_ts ? ` · <https://slack.com/app_redirect?channel=${escalation.slack_channel}&message_ts=${escalation.slack_ts}|view>` : ""}`,
      );
      return ack({
        response_type: "ephemeral",
        text: lines.length > 0 ? `*Open escalations*\n${lines.join("\n")}` : "No open escalations.",
      });
    }
    if (sub === "stats") {
      const start = new Date();
      start.setUTCHours(0, 0, 0, 0);
      const metrics = await computeMetrics(store, { from: start, to: new Date() });
      const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
      return ack({
        response_type: "ephemeral",
        text: `*Today (UTC)*: ${metrics.decisions} decisions · automated ${percent(metrics.automationRate)} · assisted ${percent(metrics.assistedRate)} · escalated ${percent(metrics.escalationRate)} · ${metrics.openEscalations} open escalations`,
      });
    }
    return ack({
      response_type: "ephemeral",
      text: sub === "help" && rest.length === 0 ? HELP : `Unknown: \`${escapeText(sub)}\`.\n${HELP}`,
    });
  });

  // ── message shortcut ─────────────────────────────────────────────────────────────────────────
  registered.shortcuts.push(SHORTCUTS.triageMessage);
  app.shortcut({ callback_id: SHORTCUTS.triageMessage, type: "message_action" }, async ({ shortcut, ack, respond }) => {
    await ack();
    const text = shortcut.message.text?.trim();
    if (!text) {
      await respond({ response_type: "ephemeral", text: "That message has no text to triage." });
      return;
    }
    const decision = decider.decide(text);
    await respond({
      response_type: "ephemeral",
      text: `Route: ${decision.route} · intent ${decision.triage.intent}`,
      blocks: decisionBlocks(decision),
    });
  });

  // ── escalation buttons ───────────────────────────────────────────────────────────────────────
  const onEscalation = (
    actionId: string,
    change: (id: number, userId: string, action: BlockAction["actions"][number]) => Promise<string>,
  ) => {
    registered.actions.push(actionId);
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const value = action.type === "button" ? action.value : body.actions[0]?.block_id?.replace(/^tandem_escalation_/, "");
      try {
        const id = escalationId(value);
        const label = await change(id, body.user.id, action);
        await enqueueUpdate(store, id, `${label}:${Date.now()}`);
        options.wakeOutbox();
      } catch (error) {
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text: error instanceof Error ? error.message : String(error),
        });
      }
    });
  };
  onEscalation(ACTIONS.claim, async (id, user) => {
    await store.claimEscalation(id, user);
    return "claimed";
  });
  onEscalation(ACTIONS.resolve, async (id, user) => {
    await store.resolveEscalation(id, user);
    return "resolved";
  });
  onEscalation(ACTIONS.snooze, async (id, user, action) => {
    const minutes = Number((action as ButtonAction).value?.split(":")[1] ?? 60);
    await store.snoozeEscalation(id, new Date(Date.now() + minutes * 60_000), user);
    return "snoozed";
  });
  onEscalation(ACTIONS.reassign, async (id, user, action) => {
    const channel = (action as ConversationsSelectAction).selected_conversation;
    const before = await store.getEscalation(id);
    await store.reassignEscalation(id, channel, { by: user });
    // the old message says where it went; the escalation is posted afresh in the new channel
    if (before?.slack_channel && before.slack_ts)
      await store.enqueue({
        idempotencyKey: `slack:moved:escalation:${id}:${before.slack_ts}`,
        kind: SLACK_KINDS.notice,
        payload: {
          channel: before.slack_channel,
          ts: before.slack_ts,
          text: `:arrow_right: <@${user}> moved this escalation to <#${channel}>.`,
        },
      });
    await store.enqueue({
      idempotencyKey: `slack:post:escalation:${id}:to:${channel}:${Date.now()}`,
      kind: SLACK_KINDS.post,
      payload: { escalationId: id },
    });
    return "reassigned";
  });

  // ── send reply: a modal with the suggestion to edit ──────────────────────────────────────────
  registered.actions.push(ACTIONS.sendReply);
  // Bolt's client in each handler carries the token of the workspace the request came from
  app.action<BlockAction>(ACTIONS.sendReply, async ({ ack, body, action, respond, client }) => {
    await ack();
    try {
      const id = escalationId((action as ButtonAction).value);
      const escalation = await store.getEscalation(id);
      const decision = escalation ? ((await store.latestDecision(escalation.conversation_id))?.body as Decision | undefined) : undefined;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: "modal",
          callback_id: VIEWS.reply,
          private_metadata: String(id),
          title: { type: "plain_text", text: "Send reply" },
          submit: { type: "plain_text", text: "Send" },
          close: { type: "plain_text", text: "Cancel" },
          blocks: [
            {
              type: "input",
              block_id: "reply",
              label: { type: "plain_text", text: "Reply to the customer" },
              element: {
                type: "plain_text_input",
                action_id: "text",
                multiline: true,
                max_length: 3000,
                initial_value: truncate(decision?.suggestion?.text ?? "", 3000),
              },
            },
          ],
        },
      });
    } catch (error) {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: `Cannot open the reply: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
  registered.views.push(VIEWS.reply);
  app.view(VIEWS.reply, async ({ ack, view, body }) => {
    const text = view.state.values.reply?.text?.value?.trim() ?? "";
    if (text === "") return ack({ response_action: "errors", errors: { reply: "Write the reply first." } });
    if (text.includes("[") && /\[(customer name|order number|amount|date|tracking number|email address)\]/.test(text))
      return ack({ response_action: "errors", errors: { reply: "Fill in the bracketed details before sending." } });
    await ack();
    const id = Number(view.private_metadata);
    const escalation = await store.getEscalation(id);
    if (!escalation) return;
    const conversation = await store.getConversation(escalation.conversation_id);
    const { message } = await store.addMessage(escalation.conversation_id, {
      role: "agent",
      text,
      externalId: `slack:${body.user.id}:${view.id}`,
    });
    // the reply leaves through the connector the ticket came from (Zendesk, HubSpot, …)
    await store.enqueue({
      idempotencyKey: `reply:${conversation?.source ?? "unknown"}:${message.id}`,
      kind: `reply.${conversation?.source ?? "unknown"}`,
      payload: {
        conversationId: escalation.conversation_id,
        externalId: conversation?.external_id,
        messageId: message.id,
        text,
        by: body.user.id,
      },
    });
    await store.recordEscalationAction(id, "reply", body.user.id, `message ${message.id}`);
    if (escalation.state === "open") await store.claimEscalation(id, body.user.id);
    await enqueueUpdate(store, id, `replied:${message.id}`);
    options.wakeOutbox();
  });

  // ── App Home: the open queue and what the viewer has claimed ────────────────────────────────
  registered.events.push("app_home_opened");
  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    // a redelivered event is recognised by its id and not handled twice
    const eventId = (body as { event_id?: string }).event_id ?? `${event.user}:${event.event_ts}`;
    if (!(await store.recordEvent("slack", eventId, "app_home_opened", { user: event.user }, { handledNow: true })).fresh) return;
    const [open, mine] = await Promise.all([
      store.listEscalations({ states: ["open", "snoozed"], limit: 20 }),
      store.listEscalations({ states: ["claimed"], claimedBy: event.user, limit: 20 }),
    ]);
    const list = (items: typeof open) =>
      items.length === 0
        ? "_none_"
        : items.map((item) => `• #${item.id} *${item.route}* ${item.intent} · score ${item.score} · ${item.team}`).join("\n");
    await client.views.publish({
      user_id: event.user,
      view: {
        type: "home",
        blocks: [
          { type: "header", text: { type: "plain_text", text: "Tandem" } },
          { type: "section", text: { type: "mrkdwn", text: truncate(`*Claimed by you*\n${list(mine)}`, 3000) } },
          { type: "section", text: { type: "mrkdwn", text: truncate(`*Open queue*\n${list(open)}`, 3000) } },
        ],
      },
    });
  });

  return {
    app,
    router: receiver?.router,
    registered,
    start: async () => {
      if (options.appToken) await app.start();
    },
    stop: async () => {
      if (options.appToken) await app.stop();
    },
  };
}
