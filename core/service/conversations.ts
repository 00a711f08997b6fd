// The path every connector takes for a customer message: store it with its conversation, decide it with what the store
// knows (transcript, earlier contacts, waiting time, the customer's tier and value), keep the decision, and open or update
// the escalation when a person is needed. Listeners (Slack, Zendesk, HubSpot) turn the result into outbox actions.
import type { DecideContext, Decider, Decision } from "../decide/decide.js";
import type { CustomerInfo, TranscriptEntry } from "../decide/handoff.js";
import type { Conversation, DecisionRow, Escalation, Store } from "../store/store.js";

export interface CustomerMessage {
  /** zendesk, hubspot, slack, api, … */
  source: string;
  /** The ticket or conversation id in the source system. */
  conversationId: string;
  text: string;
  /** The message's id in the source system: a redelivered message is recognised by it. */
  messageId?: string | undefined;
  at?: Date | undefined;
  channel?: string | undefined;
  subject?: string | undefined;
  ticketUrl?: string | undefined;
  customer?: (CustomerInfo & { id: string }) | undefined;
}

export interface HandledMessage {
  conversation: Conversation;
  decision: Decision;
  decisionRow: DecisionRow;
  /** The live escalation when a person is involved, and whether this message opened it. */
  escalation: Escalation | undefined;
  escalationCreated: boolean;
}

export type MessageListener = (handled: HandledMessage) => Promise<void>;
export type Improver = (decision: Decision, message: string, customerName: string | undefined) => Promise<Decision>;
export type DecisionMaker = (message: string, context: DecideContext) => Promise<Decision>;

export class ConversationService {
  private readonly listeners: MessageListener[] = [];

  constructor(
    readonly store: Store,
    readonly decider: Decider,
  ) {}

  private improver: Improver | undefined;
  private decisionMaker: DecisionMaker | undefined;

  /** Makes the decisions elsewhere (the service's decision threads) rather than with `decider` on this thread. */
  useDecisionMaker(decisionMaker: DecisionMaker): void {
    this.decisionMaker = decisionMaker;
  }

  /** A step that may rewrite a decision's suggestion (a language model), awaited before the decision is stored. */
  useImprover(improver: Improver): void {
    this.improver = improver;
  }

  /** Called with every new decision (after it is stored), e.g. to enqueue a Slack post. */
  onDecision(listener: MessageListener): void {
    this.listeners.push(listener);
  }

  /**
   * Handles a customer message once: a message already stored (same source, conversation and message id) returns
   * undefined. If an earlier attempt stopped part-way (the process died after storing the message, or after deciding it),
   * the redelivery finishes the work rather than dropping it: see `finish`.
   */
  async handle(input: CustomerMessage): Promise<HandledMessage | undefined> {
    const { store } = this;
    const conversation = await store.upsertConversation({
      source: input.source,
      externalId: input.conversationId,
      channel: input.channel,
      subject: input.subject,
      ticketUrl: input.ticketUrl,
      customer: input.customer,
    });
    const at = input.at ?? new Date();
    const { message, fresh } = await store.addMessage(conversation.id, {
      role: "customer",
      text: input.text,
      externalId: input.messageId,
      at: at.toISOString(),
    });
    const decided = fresh ? undefined : await store.decisionForMessage(message.id);
    if (decided) {
      await this.finish(conversation, decided);
      return undefined;
    }
    // the messages before this one (a message stored by an attempt that stopped before deciding it is decided now)
    const history = await store.recentMessages(conversation.id, 10, message.id);
    const customer = input.customer ?? (conversation.customer_id ? await this.customerInfo(conversation.customer_id) : undefined);
    const earlierFromCustomer = history.filter((entry) => entry.role === "customer");
    const transcript: TranscriptEntry[] = history.map((entry) => ({ role: entry.role, text: entry.text, at: entry.at.toISOString() }));
    const context: DecideContext = {
      now: at,
      channel: input.channel ?? conversation.channel ?? undefined,
      ticketUrl: input.ticketUrl ?? conversation.ticket_url ?? undefined,
      previousContacts: earlierFromCustomer.length,
      waitingSince: earlierFromCustomer[0]?.at,
      transcript,
      customer: customer && {
        id: customer.id,
        name: customer.name ?? undefined,
        email: customer.email ?? undefined,
        tier: customer.tier ?? undefined,
        revenue: customer.revenue ?? undefined,
        // a stored customer has no CRM owner or deals; the connector's message brings them fresh
        ...("updated_at" in customer ? {} : { owner: customer.owner, deals: customer.deals }),
      },
    };
    const started = performance.now();
    let decision = this.decisionMaker ? await this.decisionMaker(input.text, context) : this.decider.decide(input.text, context);
    const durationMs = performance.now() - started;
    if (this.improver) decision = await this.improver(decision, input.text, customer?.name ?? undefined);
    const decisionRow = await store.saveDecision({
      decision,
      conversationId: conversation.id,
      messageId: message.id,
      channel: context.channel,
      durationMs,
    });
    return this.passOn(conversation, decisionRow, decision);
  }

  /**
   * Finishes a message decided before whose listeners did not all run (the decision has no `passed_on_at`): opens its
   * escalation if the attempt stopped before that, and tells the listeners again. Their outbox actions carry idempotency
   * keys (the decision's, the escalation's, the message's), so what was queued already is not queued twice. Only the
   * conversation's latest decision is finished: a later message's handling carried the escalation and the write-back on.
   */
  private async finish(conversation: Conversation, decisionRow: DecisionRow): Promise<void> {
    const { store } = this;
    if (decisionRow.passed_on_at !== null) return;
    const latest = await store.latestDecision(conversation.id);
    if (latest?.id !== decisionRow.id) return;
    const own = await store.escalationForDecision(decisionRow.id);
    // opened by this decision, rather than carried on from an earlier one
    const created = own !== undefined && own.created_at.getTime() >= decisionRow.created_at.getTime();
    await this.passOn(conversation, decisionRow, decisionRow.body as Decision, own && { escalation: own, created });
  }

  /**
   * Opens the decision's escalation when a person is involved (unless `known` has it), tells the listeners, and records
   * that they were told.
   */
  private async passOn(
    conversation: Conversation,
    decisionRow: DecisionRow,
    decision: Decision,
    known?: { escalation: Escalation; created: boolean },
  ): Promise<HandledMessage> {
    const { store } = this;
    let escalation = known?.escalation;
    let escalationCreated = known?.created ?? false;
    if (!escalation && decision.route !== "automate") {
      const opened = await store.openEscalation({
        conversationId: conversation.id,
        decisionId: decisionRow.id,
        route: decision.route,
        team: decision.assignment.team,
        channel: decision.assignment.channel,
        score: decision.escalation.score,
        intent: decision.triage.intent,
      });
      escalation = opened.escalation;
      escalationCreated = opened.created;
    } else escalation ??= await store.activeEscalation(conversation.id);
    const handled = { conversation, decision, decisionRow, escalation, escalationCreated };
    for (const listener of this.listeners) await listener(handled);
    await store.markPassedOn(decisionRow.id);
    return handled;
  }

  /**
   * An agent asks for a person on this conversation (the sidebar's "Escalate to Slack"): the message is handled as
   * usual, and if that did not already open an escalation, one is opened on the latest decision, routed as the
   * decision says, and the listeners (Slack) are told.
   */
  async escalate(input: CustomerMessage): Promise<{ escalation: Escalation; created: boolean }> {
    // the sidebar sends the customer's last message; when the webhook stored it already, it is not stored again
    const known = await this.store.findConversation(input.source, input.conversationId);
    const last = known
      ? (await this.store.recentMessages(known.id, 10)).filter((message) => message.role === "customer").at(-1)
      : undefined;
    const handled = last && last.text.trim() === input.text.trim() ? undefined : await this.handle(input);
    if (handled?.escalation) return { escalation: handled.escalation, created: handled.escalationCreated };
    const conversation = handled?.conversation ?? (await this.store.findConversation(input.source, input.conversationId));
    if (!conversation) throw new Error("the conversation was not stored");
    const active = await this.store.activeEscalation(conversation.id);
    if (active) return { escalation: active, created: false };
    const decisionRow = handled?.decisionRow ?? (await this.store.latestDecision(conversation.id));
    if (!decisionRow) throw new Error("the conversation has no decision");
    const decision = decisionRow.body as Decision;
    const opened = await this.store.openEscalation({
      conversationId: conversation.id,
      decisionId: decisionRow.id,
      route: "human",
      team: decision.assignment.team,
      channel: decision.assignment.channel,
      score: decision.escalation.score,
      intent: decision.triage.intent,
    });
    const result = { conversation, decision, decisionRow, escalation: opened.escalation, escalationCreated: opened.created };
    for (const listener of this.listeners) await listener(result);
    return { escalation: opened.escalation, created: opened.created };
  }

  private async customerInfo(id: string) {
    return this.store.getCustomer(id);
  }
}
