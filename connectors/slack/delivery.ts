// Slack through the outbox: an escalation is posted once to the channel the policy names, a new customer message goes
// into its thread, and the parent message is updated (never re-posted) when the escalation changes. Messages are built
// at delivery time from the store, so an update always shows the current state. A 429 waits for Slack's Retry-After;
// an outage is retried with back-off; a refusal (channel_not_found, invalid_blocks…) goes to the dead-letter queue.
import { ErrorCode, WebClient } from "@slack/web-api";
import type { Decision } from "../../core/decide/decide.js";
import type { Policy } from "../../core/decide/policy.js";
import type { HandledMessage } from "../../core/service/conversations.js";
import { type Deliverer, DeliveryError } from "../../core/store/outbox-worker.js";
import type { Store } from "../../core/store/store.js";
import { escalationMessage, threadMessage } from "./blocks.js";

export const SLACK_KINDS = {
  post: "slack.post",
  thread: "slack.thread",
  update: "slack.update",
  notice: "slack.notice",
  sla: "slack.sla",
  owner: "slack.owner",
} as const;

/** Slack errors that are worth another try; any other `ok: false` answer is final. */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** A Web API client that leaves retrying to the outbox, so that a retry survives a restart and honours Retry-After. */
export function slackClient(token: string, slackApiUrl?: string): WebClient {
  return new WebClient(token, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(slackApiUrl ? { slackApiUrl } : {}),
  });
}

/** Turns a Web API failure into what the outbox should do with it. */
export function toDeliveryError(error: unknown): DeliveryError {
  const failure = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (failure.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`Slack rate limit (retry after ${failure.retryAfter ?? "?"} s)`, {
        retryable: true,
        retryAfterMs: (failure.retryAfter ?? 30) * 1000,
        status: 429,
      });
    case ErrorCode.PlatformError: {
      const reason = failure.data?.error ?? "unknown_error";
      return new DeliveryError(`Slack refused: ${reason}`, { retryable: RETRYABLE_PLATFORM_ERRORS.has(reason) });
    }
    case ErrorCode.HTTPError:
      return new DeliveryError(`Slack answered HTTP ${failure.statusCode ?? "?"}`, {
        retryable: failure.statusCode === undefined || failure.statusCode >= 500 || failure.statusCode === 408,
        status: failure.statusCode,
      });
    default:
      return new DeliveryError(`cannot reach Slack: ${failure.message ?? String(error)}`, { retryable: true });
  }
}

interface EscalationPayload {
  escalationId: number;
}
interface SlaPayload extends EscalationPayload {
  /** Minutes before the breach; 0 for the breach itself. */
  minutesLeft: number;
  deadline: string;
}
interface ThreadPayload extends EscalationPayload {
  messageId: number;
}
interface OwnerPayload extends EscalationPayload {
  /** The owner's email in the CRM, looked up in Slack. */
  email: string;
  /** Why they are told (e.g. "owns the open deal Acme renewal"). */
  why: string;
}

export interface SlackDeliveryOptions {
  store: Store;
  /** A client, or a way to get one (OAuth installs: the installed workspace's token, looked up at delivery time). */
  client: WebClient | (() => Promise<WebClient | undefined>);
  /** Slack user group mentioned on urgent escalations. */
  onCallGroup?: string | undefined;
}

async function render(store: Store, escalationId: number, onCallGroup: string | undefined) {
  const escalation = await store.getEscalation(escalationId);
  if (!escalation) throw new DeliveryError(`no escalation ${escalationId}`, { retryable: false });
  const [conversation, decisionRow] = await Promise.all([
    store.getConversation(escalation.conversation_id),
    store.latestDecision(escalation.conversation_id),
  ]);
  if (!decisionRow) throw new DeliveryError(`no decision for escalation ${escalationId}`, { retryable: false });
  const decision = decisionRow.body as Decision;
  const message = escalationMessage({ escalation, decision, ticketUrl: conversation?.ticket_url ?? undefined, onCallGroup });
  return { escalation, message, decision, ticketUrl: conversation?.ticket_url ?? undefined };
}

export function slackDeliverers(options: SlackDeliveryOptions): Map<string, Deliverer> {
  const { store, onCallGroup } = options;
  const call = async <T>(request: (client: WebClient) => Promise<T>): Promise<T> => {
    let client: WebClient;
    if (typeof options.client === "function") {
      const resolved = await options.client();
      // not installed yet: wait (the action stays in the outbox) rather than lose the message
      if (!resolved)
        throw new DeliveryError("Slack is not installed in a workspace yet (open /slack/install)", {
          retryable: true,
          retryAfterMs: 60_000,
        });
      client = resolved;
    } else client = options.client;
    try {
      return await request(client);
    } catch (error) {
      throw toDeliveryError(error);
    }
  };

  /** The escalation as it stands, and where its message is; a retry later when it is not posted yet. */
  const renderPosted = async (escalationId: number) => {
    const rendered = await render(store, escalationId, onCallGroup);
    const { slack_channel: channel, slack_ts: ts } = rendered.escalation;
    if (!channel || !ts) throw new DeliveryError("the escalation is not in Slack yet", { retryable: true, retryAfterMs: 2_000 });
    return { ...rendered, channel, ts };
  };

  const post: Deliverer = async (payload) => {
    const { escalationId } = payload as EscalationPayload;
    const { escalation, message } = await render(store, escalationId, onCallGroup);
    // posted already (a retry after the post succeeded but before it was recorded as delivered): never post twice
    if (escalation.slack_ts && escalation.slack_channel)
      return { channel: escalation.slack_channel, ts: escalation.slack_ts, repeated: true };
    const response = await call((client) =>
      client.chat.postMessage({
        channel: escalation.channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: "tandem_escalation", event_payload: { escalation_id: escalationId } },
      }),
    );
    if (!response.channel || !response.ts) throw new DeliveryError("Slack did not say where the message went", { retryable: false });
    await store.setEscalationSlackMessage(escalationId, response.channel, response.ts);
    return { channel: response.channel, ts: response.ts };
  };

  const thread: Deliverer = async (payload) => {
    const { escalationId, messageId } = payload as ThreadPayload;
    const { escalation, decision, ticketUrl, channel, ts } = await renderPosted(escalationId);
    const messages = await store.recentMessages(escalation.conversation_id, 50);
    const text = messages.find((message) => message.id === messageId)?.text;
    if (text === undefined) throw new DeliveryError(`no message ${messageId}`, { retryable: false });
    const reply = threadMessage(text, decision, ticketUrl);
    const response = await call((client) => client.chat.postMessage({ channel, thread_ts: ts, text: reply.text, blocks: reply.blocks }));
    return { channel: response.channel, ts: response.ts };
  };

  const update: Deliverer = async (payload) => {
    const { escalationId } = payload as EscalationPayload;
    const { message, channel, ts } = await renderPosted(escalationId);
    const response = await call((client) => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }));
    return { channel: response.channel, ts: response.ts };
  };

  /** Replaces a message with one line (an escalation moved to another channel). */
  const notice: Deliverer = async (payload) => {
    const { channel, ts, text } = payload as { channel: string; ts: string; text: string };
    const response = await call((client) =>
      client.chat.update({ channel, ts, text, blocks: [{ type: "context", elements: [{ type: "mrkdwn", text }] }] }),
    );
    return { channel: response.channel, ts: response.ts };
  };

  /** An SLA warning or breach in the escalation's thread, unless a person has claimed or resolved it meanwhile. */
  const sla: Deliverer = async (payload) => {
    const { escalationId, minutesLeft, deadline } = payload as SlaPayload;
    const escalation = await store.getEscalation(escalationId);
    if (!escalation) throw new DeliveryError(`no escalation ${escalationId}`, { retryable: false });
    if (escalation.state === "claimed" || escalation.state === "resolved") return { skipped: escalation.state };
    if (!escalation.slack_channel || !escalation.slack_ts)
      throw new DeliveryError("the escalation is not in Slack yet", { retryable: true, retryAfterMs: 5_000 });
    const due = `<!date^${Math.floor(Date.parse(deadline) / 1000)}^{time}|${deadline}>`;
    const text =
      minutesLeft > 0
        ? `:hourglass_flowing_sand: SLA: ${minutesLeft} min left to a first answer (due ${due}). Nobody has claimed this yet.`
        : `${onCallGroup ? `<!subteam^${onCallGroup}> ` : ""}:rotating_light: SLA breached at ${due}: nobody has claimed this escalation.`;
    const response = await call((client) =>
      client.chat.postMessage({
        channel: escalation.slack_channel ?? "",
        thread_ts: escalation.slack_ts ?? "",
        text,
        reply_broadcast: minutesLeft <= 0,
      }),
    );
    return { channel: response.channel, ts: response.ts };
  };

  /** A direct message to the customer's owner in the CRM (a deal owner), found in Slack by their email. */
  const owner: Deliverer = async (payload, context) => {
    const { escalationId, email, why } = payload as OwnerPayload;
    const { escalation, decision, ticketUrl } = await render(store, escalationId, onCallGroup);
    let userId: string | undefined;
    try {
      userId = (await call((client) => client.users.lookupByEmail({ email }))).user?.id;
    } catch (error) {
      // nobody in the workspace with that address: nothing to send, and nothing to retry
      if (error instanceof DeliveryError && /users_not_found/.test(error.message))
        return { skipped: "no Slack user with the owner's email" };
      throw error;
    }
    if (!userId) return { skipped: "no Slack user with the owner's email" };
    const opened = await call((client) => client.conversations.open({ users: userId }));
    const channel = opened.channel?.id;
    if (!channel) throw new DeliveryError("Slack did not open the direct message", { retryable: true });
    const key = `owner:${escalationId}`;
    if (context.attempt > 1) {
      const history = await call((client) => client.conversations.history({ channel, limit: 20, include_all_metadata: true }));
      const sent = (history.messages ?? []).some(
        (message) => (message.metadata?.event_payload as Record<string, unknown> | undefined)?.key === key,
      );
      if (sent) return { channel, repeated: true };
    }
    const where = escalation.slack_channel && escalation.slack_ts ? ` It is in <#${escalation.slack_channel}>.` : "";
    const link = ticketUrl ? ` <${ticketUrl}|Open the ticket>.` : "";
    const summary = decision.handoff?.summary ?? decision.routeReason;
    const text = `:briefcase: A customer you ${why} needs a person (${decision.route}, score ${decision.escalation.score}): ${summary}${where}${link}`;
    const response = await call((client) =>
      client.chat.postMessage({
        channel,
        text,
        unfurl_links: false,
        metadata: { event_type: "tandem_owner_notice", event_payload: { key } },
      }),
    );
    return { channel: response.channel, ts: response.ts };
  };

  return new Map([
    [SLACK_KINDS.owner, owner],
    [SLACK_KINDS.sla, sla],
    [SLACK_KINDS.notice, notice],
    [SLACK_KINDS.post, post],
    [SLACK_KINDS.thread, thread],
    [SLACK_KINDS.update, update],
  ]);
}

/**
 * Queues the Slack side of a decision: a new escalation is posted, with its SLA warnings and breach notice scheduled at
 * the policy's lead times (each checks at its time whether someone has claimed it); a new message on a posted one goes
 * to its thread and updates the parent.
 */
export async function enqueueForDecision(store: Store, handled: HandledMessage, policy?: Policy, now = new Date()): Promise<number> {
  const { escalation, escalationCreated, decisionRow, decision } = handled;
  if (!escalation) return 0;
  if (escalationCreated) {
    await store.enqueue({
      idempotencyKey: `slack:post:escalation:${escalation.id}`,
      kind: SLACK_KINDS.post,
      payload: { escalationId: escalation.id },
    });
    let queued = 1;
    if (policy) {
      const firstWrote = decision.handoff?.transcript.find((entry) => entry.role === "customer")?.at;
      const start = firstWrote ? Date.parse(firstWrote) : now.getTime();
      const deadline = start + policy.sla[decision.triage.priority] * 60_000;
      for (const minutesLeft of [...policy.slaWarnings, 0]) {
        const at = deadline - minutesLeft * 60_000;
        // a warning whose time has passed is not worth sending; the breach notice always is
        if (at <= now.getTime() && minutesLeft > 0) continue;
        await store.enqueue({
          idempotencyKey: `slack:sla:escalation:${escalation.id}:${minutesLeft}`,
          kind: SLACK_KINDS.sla,
          payload: { escalationId: escalation.id, minutesLeft, deadline: new Date(deadline).toISOString() },
          notBefore: new Date(Math.max(at, now.getTime())),
        });
        queued++;
      }
    }
    return queued;
  }
  if (decisionRow.message_id === null) return 0;
  await store.enqueue({
    idempotencyKey: `slack:thread:message:${decisionRow.message_id}`,
    kind: SLACK_KINDS.thread,
    payload: { escalationId: escalation.id, messageId: decisionRow.message_id },
  });
  await store.enqueue({
    idempotencyKey: `slack:update:escalation:${escalation.id}:decision:${decisionRow.id}`,
    kind: SLACK_KINDS.update,
    payload: { escalationId: escalation.id },
  });
  return 2;
}

/** Queues an update of the parent message after a state change (claim, snooze, reassign, resolve). */
export async function enqueueUpdate(store: Store, escalationId: number, change: string): Promise<void> {
  await store.enqueue({
    idempotencyKey: `slack:update:escalation:${escalationId}:${change}`,
    kind: SLACK_KINDS.update,
    payload: { escalationId },
  });
}

/** Queues a direct message to the customer's CRM owner about a new escalation (once per escalation). */
export async function enqueueOwnerNotice(store: Store, input: { escalationId: number; email: string; why: string }): Promise<boolean> {
  const queued = await store.enqueue({
    idempotencyKey: `slack:owner:escalation:${input.escalationId}`,
    kind: SLACK_KINDS.owner,
    payload: input,
  });
  return queued.fresh;
}
