// Starts the Tandem service: store (embedded or PostgreSQL) with migrations, the decider, the HTTP server, the event and
// outbox workers, and a graceful shutdown that finishes the work in flight.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { RequestHandler } from "express";
import { pino, type Logger } from "pino";
import { checkDecideInput } from "../../core/decide/decide.js";
import { ConversationService, type Improver } from "../../core/service/conversations.js";
import { EventWorker, type EventHandler } from "../../core/store/event-worker.js";
import { type Deliverer, OutboxWorker, webhookDeliverer } from "../../core/store/outbox-worker.js";
import { Store } from "../../core/store/store.js";
import type { WebClient } from "@slack/web-api";
import type { SlackApp } from "../../connectors/slack/app.js";
import { type MessageEvent, messageEventSchema } from "./api.js";
import { createApp } from "./app.js";
import { createDecisionPool } from "./decision-pool.js";
import { loadDecider } from "./load-decider.js";
import type { ServiceConfig } from "./config.js";
import { createMetricsRegistry, registerDecisionPoolMetrics } from "./prometheus.js";

export interface RunningService {
  url: string;
  store: Store;
  server: Server;
  logger: Logger;
  /** The key created at first start (when the store had none), shown once. */
  firstKey: string | undefined;
  outbox: OutboxWorker | undefined;
  /** The Slack app, when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set. */
  slack: SlackApp | undefined;
  close: () => Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  /** Extra outbox deliverers by kind (connectors add theirs). */
  deliverers?: Map<string, Deliverer>;
  /** Create an API key when the store has none, and report it (true for `tandem serve`). */
  createFirstKey?: boolean;
  /** A store already open (tests); closed with the service. */
  store?: Store;
}

export function openConfiguredStore(config: ServiceConfig): Promise<Store> {
  return Store.open(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: resolve(config.TANDEM_DATA_DIR, "db") });
}

export async function startService(config: ServiceConfig, options: ServiceOptions = {}): Promise<RunningService> {
  // asynchronous writes: lines logged while a write is under way go out together, rather than a system call per request;
  // pino flushes what is left when the process exits
  const logger =
    options.logger ??
    pino(
      { level: config.LOG_LEVEL, redact: ["*.authorization", "*.apiKey", "*.token", "*.key"] },
      pino.destination({ dest: 1, sync: false }),
    );
  const decider = loadDecider(config);
  const store = options.store ?? (await openConfiguredStore(config));
  let firstKey: string | undefined;
  if (options.createFirstKey && (await store.listApiKeys()).length === 0) firstKey = (await store.createApiKey("first start")).key;

  const service = new ConversationService(store, decider);
  const eventHandlers = new Map<string, EventHandler>();
  const handleMessageEvent: EventHandler = async (event) => {
    const input: MessageEvent = messageEventSchema.parse(event.payload);
    await service.handle({
      source: input.source,
      conversationId: input.conversationId,
      text: input.text,
      messageId: input.messageId ?? input.eventId,
      at: input.at ? new Date(input.at) : event.received_at,
      channel: input.channel,
      subject: input.subject,
      ticketUrl: input.ticketUrl,
      customer: input.customer,
    });
  };
  // messages posted to /api/messages carry their own source name; connectors register handlers for their webhooks
  const events = new EventWorker(store, eventHandlers, {
    leaseMs: config.TANDEM_OUTBOX_LEASE_MS,
    fallback: handleMessageEvent,
    onError: (event, error) =>
      logger.warn({ event: event?.id, source: event?.source, err: error instanceof Error ? error.message : String(error) }, "event failed"),
  });
  const deliverers = new Map<string, Deliverer>([["webhook", webhookDeliverer()], ...(options.deliverers ?? new Map<string, Deliverer>())]);
  const outbox = new OutboxWorker(store, deliverers, {
    leaseMs: config.TANDEM_OUTBOX_LEASE_MS,
    log: {
      delivered: (action) => logger.debug({ action: action.id, kind: action.kind }, "delivered"),
      retry: (action, error, delayMs) => logger.warn({ action: action.id, kind: action.kind, error, delayMs }, "delivery will be retried"),
      dead: (action, error) =>
        logger.error({ action: action.id, kind: action.kind, error }, "delivery failed for good: in the dead-letter queue"),
      error: (error) => logger.error({ err: error }, "outbox worker error"),
    },
  });

  let slack: SlackApp | undefined;
  const onCallGroup = decider.resources.policy.routing.onCallGroup;
  const slackOAuth =
    config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET && config.SLACK_STATE_SECRET && config.SLACK_SIGNING_SECRET
      ? { clientId: config.SLACK_CLIENT_ID, clientSecret: config.SLACK_CLIENT_SECRET, stateSecret: config.SLACK_STATE_SECRET }
      : undefined;
  // connectors and providers load only when configured: an instance without them stays small
  const slackModules = async () => {
    const [app, delivery, installations] = await Promise.all([
      import("../../connectors/slack/app.js"),
      import("../../connectors/slack/delivery.js"),
      import("../../connectors/slack/installations.js"),
    ]);
    return { ...app, ...delivery, ...installations };
  };
  let enqueueForDecision: Awaited<ReturnType<typeof slackModules>>["enqueueForDecision"] | undefined;
  if (slackOAuth) {
    const {
      SlackInstallationStore,
      Sealer,
      createSlackApp,
      slackClient,
      slackDeliverers,
      enqueueForDecision: enqueue,
    } = await slackModules();
    enqueueForDecision = enqueue;
    const installationStore = new SlackInstallationStore(store, new Sealer(slackOAuth.clientSecret));
    slack = createSlackApp({
      signingSecret: config.SLACK_SIGNING_SECRET ?? "",
      oauth: { ...slackOAuth, installationStore },
      slackApiUrl: config.SLACK_API_URL,
      store,
      decider,
      logger,
      wakeOutbox: () => outbox.wake(),
    });
    const clients = new Map<string, WebClient>();
    const client = async () => {
      const token = await installationStore.botToken(config.SLACK_TEAM_ID);
      if (!token) return undefined;
      let cached = clients.get(token);
      if (!cached) clients.set(token, (cached = slackClient(token, config.SLACK_API_URL)));
      return cached;
    };
    for (const [kind, deliverer] of slackDeliverers({ store, client, onCallGroup })) deliverers.set(kind, deliverer);
  } else if (config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)) {
    const { slackIdentity, createSlackApp, slackClient, slackDeliverers, enqueueForDecision: enqueue } = await slackModules();
    enqueueForDecision = enqueue;
    const identity = await slackIdentity(slackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL), logger);
    slack = createSlackApp({
      identity,
      appToken: config.SLACK_APP_TOKEN,
      signingSecret: config.SLACK_SIGNING_SECRET ?? "",
      botToken: config.SLACK_BOT_TOKEN,
      slackApiUrl: config.SLACK_API_URL,
      store,
      decider,
      logger,
      wakeOutbox: () => outbox.wake(),
    });
    for (const [kind, deliverer] of slackDeliverers({
      store,
      client: slackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL),
      onCallGroup,
    }))
      deliverers.set(kind, deliverer);
  }
  // Zendesk: the trigger webhook, its events decided by the worker, and every decision written back to the ticket
  let zendeskRouter: RequestHandler | undefined;
  if (config.ZENDESK_SUBDOMAIN && config.ZENDESK_WEBHOOK_SECRET) {
    const [
      { toCustomerMessage, ZENDESK_SOURCE, zendeskEventSchema, zendeskWebhookRouter },
      { enqueueZendeskWriteback, zendeskDeliverers },
    ] = await Promise.all([import("../../connectors/zendesk/webhook.js"), import("../../connectors/zendesk/writeback.js")]);
    const subdomain = config.ZENDESK_SUBDOMAIN;
    zendeskRouter = zendeskWebhookRouter({ secret: config.ZENDESK_WEBHOOK_SECRET, store, wakeEvents: () => events.wake() });
    eventHandlers.set(ZENDESK_SOURCE, async (event) => {
      await service.handle(toCustomerMessage(zendeskEventSchema.parse(event.payload), subdomain));
    });
    for (const [kind, deliverer] of zendeskDeliverers(store, {
      subdomain,
      email: config.ZENDESK_EMAIL,
      apiToken: config.ZENDESK_API_TOKEN,
      oauthToken: config.ZENDESK_OAUTH_TOKEN,
      fields: { intent: config.ZENDESK_FIELD_INTENT, score: config.ZENDESK_FIELD_SCORE, route: config.ZENDESK_FIELD_ROUTE },
      autoReply: config.ZENDESK_AUTO_REPLY,
    }))
      deliverers.set(kind, deliverer);
    service.onDecision(async (handled) => {
      if (await enqueueZendeskWriteback(store, handled)) outbox.wake();
    });
  }
  // HubSpot: webhooks (tickets, inbox messages) decided with the CRM's view of the customer, written back to the ticket
  let hubspotRouter: RequestHandler | undefined;
  let hubspotNotifyOwner: ((input: { escalationId: number; email: string; why: string }) => Promise<void>) | undefined;
  if (slack && config.HUBSPOT_NOTIFY_DEAL_OWNER) {
    const { enqueueOwnerNotice } = await import("../../connectors/slack/delivery.js");
    hubspotNotifyOwner = async (input) => {
      await enqueueOwnerNotice(store, input);
    };
  }
  if (config.HUBSPOT_CLIENT_SECRET && config.TANDEM_PUBLIC_URL) {
    const [{ hubspotAccess }, { HubSpotInbound }, webhook, { hubspotDeliverers, HUBSPOT_WRITEBACK }, { hubspotCardRouter }, express] =
      await Promise.all([
        import("../../connectors/hubspot/connect.js"),
        import("../../connectors/hubspot/inbound.js"),
        import("../../connectors/hubspot/webhook.js"),
        import("../../connectors/hubspot/writeback.js"),
        import("../../connectors/hubspot/card.js"),
        import("express"),
      ]);
    const publicUrl = config.TANDEM_PUBLIC_URL;
    const access = hubspotAccess(
      {
        clientSecret: config.HUBSPOT_CLIENT_SECRET,
        accessToken: config.HUBSPOT_ACCESS_TOKEN,
        clientId: config.HUBSPOT_CLIENT_ID,
        portalId: config.HUBSPOT_PORTAL_ID,
        publicUrl,
        apiUrl: config.HUBSPOT_API_URL,
      },
      store,
    );
    const inbound = new HubSpotInbound(access.api, { tierProperty: config.HUBSPOT_TIER_PROPERTY, appUrl: config.HUBSPOT_APP_URL });
    const router = express.Router();
    router.use(
      webhook.hubspotWebhookRouter({
        clientSecret: config.HUBSPOT_CLIENT_SECRET,
        publicUrl,
        store,
        wakeEvents: () => events.wake(),
        acceptsPortal: access.acceptsPortal,
        log: (fields, message) => logger.warn(fields, message),
      }),
    );
    router.use(hubspotCardRouter({ clientSecret: config.HUBSPOT_CLIENT_SECRET, publicUrl, store, acceptsPortal: access.acceptsPortal }));
    if (access.installations) router.use(access.installations.router((fields, message) => logger.info(fields, message)));
    hubspotRouter = router;
    eventHandlers.set(webhook.HUBSPOT_SOURCE, async (event) => {
      const incoming = await inbound.fromEvent(webhook.hubspotEventSchema.parse(event.payload));
      if (!incoming) return;
      const handled = await service.handle(incoming.message);
      // a redelivered message was decided before: make sure its write-back is queued (the key makes it once)
      const conversation = handled?.conversation ?? (await store.findConversation(webhook.HUBSPOT_SOURCE, incoming.message.conversationId));
      const decisionId = handled?.decisionRow.id ?? (conversation ? (await store.latestDecision(conversation.id))?.id : undefined);
      if (!conversation || decisionId === undefined) return;
      await store.enqueue({
        idempotencyKey: `hubspot:writeback:decision:${decisionId}`,
        kind: HUBSPOT_WRITEBACK,
        payload: {
          conversation: conversation.external_id,
          decisionId,
          contactId: incoming.contactId,
          // never take a ticket from the person who has it
          ownerId: incoming.ticketOwnerId ? undefined : incoming.owner?.id,
        },
      });
      if (handled?.escalationCreated && handled.escalation && incoming.dealOwner && incoming.owner?.email && hubspotNotifyOwner) {
        const deal = handled.decision.handoff?.customer.deals?.[0];
        await hubspotNotifyOwner({
          escalationId: handled.escalation.id,
          email: incoming.owner.email,
          why: deal ? `own the open deal ${deal.name} with` : "own the deal with",
        });
      }
      outbox.wake();
    });
    for (const [kind, deliverer] of hubspotDeliverers({ store, api: access.api, senderActorId: config.HUBSPOT_SENDER_ACTOR_ID }))
      deliverers.set(kind, deliverer);
  }

  const enqueueSlack = enqueueForDecision;
  if (slack && enqueueSlack)
    service.onDecision(async (handled) => {
      if ((await enqueueSlack(store, handled, decider.resources.policy)) > 0) outbox.wake();
    });

  // OpenAI, when a key is given: drafts rewritten by the model, checked, and used only when grounded
  let improve: Improver | undefined;
  if (config.OPENAI_API_KEY) {
    const [{ AssistedDrafter }, { improveDecision }, { OpenAIProvider }] = await Promise.all([
      import("../../core/providers/assisted.js"),
      import("../../core/providers/improve.js"),
      import("../../core/providers/openai-provider.js"),
    ]);
    const drafter = new AssistedDrafter(
      new OpenAIProvider({
        apiKey: config.OPENAI_API_KEY,
        model: config.OPENAI_MODEL,
        baseURL: config.OPENAI_BASE_URL,
        pricePerMillion: { input: config.OPENAI_PRICE_INPUT, output: config.OPENAI_PRICE_OUTPUT },
      }),
      {
        budgetMs: config.OPENAI_BUDGET_MS,
        onOutcome: (outcome) => {
          // tokens, cost and outcome only: never the text
          if (outcome.fallback)
            logger.warn({ provider: outcome.provider, fallback: outcome.fallback, ms: Math.round(outcome.ms) }, "model draft not used");
          store
            .recordProviderCall({
              provider: outcome.provider,
              operation: outcome.operation,
              outcome: outcome.fallback ?? "ok",
              promptTokens: outcome.usage?.promptTokens ?? 0,
              completionTokens: outcome.usage?.completionTokens ?? 0,
              cost: outcome.usage?.cost ?? 0,
              ms: outcome.ms,
            })
            .catch((error: unknown) => logger.error({ err: error }, "cannot record a model call"));
        },
      },
    );
    improve = (decision, message, customerName) =>
      improveDecision(decision, message, {
        kb: decider.resources.kb,
        drafter,
        humanContact: decider.resources.policy.humanContact,
        customerName,
        intents: decider.resources.model.labels,
        minConfidence: decider.resources.policy.automation.minConfidence,
      });
    service.useImprover(improve);
  }

  let ready = false;
  const metrics = createMetricsRegistry(store);
  const pool =
    config.TANDEM_DECISION_THREADS > 0
      ? createDecisionPool(config, config.TANDEM_DECISION_THREADS, { maxQueue: config.TANDEM_DECISION_QUEUE })
      : undefined;
  if (pool) {
    registerDecisionPoolMetrics(metrics.registry, pool);
    // the messages webhooks bring are decided on the threads too, so that a burst of them leaves the API answering
    service.useDecisionMaker((message, context) => {
      const checked = checkDecideInput(message, context);
      return pool.decide(checked.text, checked.context);
    });
  }
  const app = createApp({
    config,
    store,
    decider,
    service,
    logger,
    metrics,
    isReady: () => ready,
    wakeEvents: () => events.wake(),
    wakeOutbox: () => outbox.wake(),
    improve,
    pool,
    rawRoutes: [
      ...(slack?.router ? [{ path: "/", handler: slack.router }] : []),
      ...(zendeskRouter ? [{ path: "/", handler: zendeskRouter }] : []),
      ...(hubspotRouter ? [{ path: "/", handler: hubspotRouter }] : []),
    ],
  });
  const server = await new Promise<Server>((resolveServer, reject) => {
    const listening = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolveServer(listening)));
  }).catch(async (error: unknown) => {
    await pool?.close();
    throw error;
  });
  server.keepAliveTimeout = 65_000;
  if (config.TANDEM_WORKERS) {
    events.start();
    outbox.start();
  }
  await slack?.start();
  ready = true;
  const address = server.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  const url = config.TANDEM_PUBLIC_URL ?? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      await new Promise<void>((resolveClose) => {
        // close() closes the idle keep-alive connections once; a connection whose request is under way goes idle when its
        // answer is sent, and would hold the server open until its keep-alive timeout: swept until the server is closed
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        server.close(() => {
          clearInterval(sweep);
          resolveClose();
        });
      });
      await slack?.stop();
      await Promise.all([events.stop(), outbox.stop(), pool?.close()]);
      await store.close();
    })();
    return closing;
  };
  return { url, store, server, logger, firstKey, outbox, slack, close };
}
