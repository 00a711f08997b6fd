// The store's tables as Kysely types: one schema for the embedded database (SQLite) and PostgreSQL.
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A timestamp with a default: optional on insert. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface CustomersTable {
  id: string;
  name: string | null;
  email: string | null;
  tier: string | null;
  revenue: number | null;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: Generated<number>;
  /** Where it lives: zendesk, hubspot, slack, api. */
  source: string;
  /** The ticket or conversation id in that system. */
  external_id: string;
  channel: string | null;
  customer_id: string | null;
  subject: string | null;
  ticket_url: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  role: "customer" | "agent" | "bot";
  text: string;
  /** The message id in the source system, so that a redelivered message is stored once. */
  external_id: string | null;
  at: Timestamp;
}

export interface DecisionsTable {
  id: Generated<number>;
  conversation_id: number | null;
  message_id: number | null;
  intent: string;
  confidence: number;
  route: "automate" | "assist" | "human" | "urgent";
  score: number;
  channel: string | null;
  /** The whole decision as returned by decide(). */
  body: Json<unknown>;
  /** When every listener had queued its actions for this decision; null while that is not done. */
  passed_on_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  duration_ms: number;
  /** UTC day of created_at, "2026-11-23". */
  day: string;
  created_at: CreatedAt;
}

export type EscalationState = "open" | "claimed" | "resolved" | "snoozed";

export interface EscalationsTable {
  id: Generated<number>;
  conversation_id: number;
  decision_id: number;
  route: "assist" | "human" | "urgent";
  state: EscalationState;
  team: string;
  channel: string;
  score: number;
  intent: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  snoozed_until: Timestamp | null;
  /** Where the escalation's message lives in Slack (channel id and ts), once posted. */
  slack_channel: string | null;
  slack_ts: string | null;
}

export type EscalationActionName = "claim" | "reply" | "snooze" | "reassign" | "resolve";

export interface EscalationActionsTable {
  id: Generated<number>;
  escalation_id: number;
  action: EscalationActionName;
  /** Who did it (a Slack user id, an agent's name from the API). */
  by: string | null;
  detail: string | null;
  at: Timestamp;
}

export type EventState = "received" | "processing" | "processed" | "failed";

export interface EventsTable {
  id: Generated<number>;
  source: string;
  /** The sender's own id for the delivery (webhook id, Slack event id, …): a retry carries the same one. */
  event_id: string;
  type: string;
  payload: Json<unknown>;
  state: EventState;
  attempts: ColumnType<number, number | undefined, number>;
  lease_until: Timestamp | null;
  last_error: string | null;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
}

export type OutboxState = "pending" | "delivering" | "delivered" | "dead";

export interface OutboxTable {
  id: Generated<number>;
  /** Unique per action: enqueuing the same key twice stores one action. */
  idempotency_key: string;
  /** Which deliverer sends it: slack.post, zendesk.note, hubspot.update, webhook, … */
  kind: string;
  payload: Json<unknown>;
  state: OutboxState;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultedTimestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  result: Json<unknown> | null;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
}

export interface ApiKeysTable {
  /** The public part of the key ("tdm_<id>_…"), shown in lists. */
  id: string;
  name: string;
  /** SHA-256 of the secret part; the key itself is never stored. */
  hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface HubSpotInstallationsTable {
  portal_id: string;
  /** Encrypted by the HubSpot connector; the store never sees the tokens. */
  sealed: string;
  expires_at: Timestamp;
  installed_at: Timestamp;
  updated_at: Timestamp;
}

export interface SlackInstallationsTable {
  id: string;
  team_id: string | null;
  enterprise_id: string | null;
  /** Encrypted by the Slack connector; the store never sees the token. */
  sealed: string;
  installed_at: Timestamp;
  updated_at: Timestamp;
}

export interface FeedbackTable {
  id: Generated<number>;
  kind: "good_suggestion" | "wrong_intent";
  message: string;
  predicted_intent: string;
  /** For wrong_intent: the intent an agent chose; a labelled example for the next training. */
  correct_intent: string | null;
  source: string | null;
  conversation_external_id: string | null;
  by: string | null;
  at: Timestamp;
}

export interface ProviderCallsTable {
  id: Generated<number>;
  provider: string;
  operation: string;
  outcome: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  ms: number;
  at: Timestamp;
}

export interface Database {
  customers: CustomersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  decisions: DecisionsTable;
  escalations: EscalationsTable;
  escalation_actions: EscalationActionsTable;
  events: EventsTable;
  outbox: OutboxTable;
  api_keys: ApiKeysTable;
  slack_installations: SlackInstallationsTable;
  hubspot_installations: HubSpotInstallationsTable;
  feedback: FeedbackTable;
  provider_calls: ProviderCallsTable;
}

export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type DecisionRow = Selectable<DecisionsTable>;
export type Escalation = Selectable<EscalationsTable>;
export type EventRow = Selectable<EventsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type ApiKey = Selectable<ApiKeysTable>;
