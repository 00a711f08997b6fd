// The store: conversations, messages, decisions, escalations, customers, inbound events, the outbox and API keys.
// One class over Kysely, on the embedded SQLite by default or on PostgreSQL when a URL is given: the same schema and the
// same queries, written in the SQL both understand. Only row locking (FOR UPDATE SKIP LOCKED, which PostgreSQL needs for
// several instances and SQLite, one writer at a time, has no use for) is PostgreSQL's alone.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { Decision } from "../decide/decide.js";
import type { CustomerInfo, TranscriptEntry } from "../decide/handoff.js";
import { TandemError } from "../errors.js";
import { migrationProvider } from "./migrations.js";
import { EmbeddedDatabase } from "./sqlite-database.js";
import type {
  EscalationActionName,
  ApiKey,
  Conversation,
  Database,
  DecisionRow,
  Escalation,
  EscalationState,
  EventRow,
  Message,
  OutboxRow,
  OutboxState,
} from "./schema.js";

export type { ApiKey, Conversation, DecisionRow, Escalation, EscalationState, EventRow, Message, OutboxRow, OutboxState };

export interface StoreOptions {
  /** postgres://… to share state between instances; the embedded database otherwise. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database (tandem.sqlite); in memory when absent. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created if missing), e.g. to keep test runs apart. */
  schema?: string | undefined;
}

export interface ConversationInput {
  source: string;
  externalId: string;
  channel?: string | undefined;
  subject?: string | undefined;
  ticketUrl?: string | undefined;
  customer?: (CustomerInfo & { id: string }) | undefined;
}

export interface ActionInput {
  idempotencyKey: string;
  kind: string;
  payload: unknown;
  /** Not before this moment (e.g. an SLA warning). */
  notBefore?: Date | undefined;
}

const ACTIVE_ESCALATION_STATES: EscalationState[] = ["open", "claimed", "snoozed"];

export class Store {
  readonly db: Kysely<Database>;
  readonly kind: "embedded" | "postgres";

  private constructor(db: Kysely<Database>, kind: "embedded" | "postgres") {
    this.db = db;
    this.kind = kind;
  }

  /** Opens the database and runs the migrations it has not run yet. */
  static async open(options: StoreOptions = {}): Promise<Store> {
    let db: Kysely<Database>;
    let kind: Store["kind"];
    if (options.databaseUrl) {
      const schema = options.schema;
      if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
        throw new TandemError("invalid_input", "must be lower-case letters, digits and underscores", { where: { path: "schema" } });
      const pool = new pg.Pool({
        connectionString: options.databaseUrl,
        max: 10,
        ...(schema ? { options: `-c search_path=${schema}` } : {}),
      });
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      kind = "postgres";
      if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    } else {
      if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
      const database = new EmbeddedDatabase(options.dataDir ? join(options.dataDir, "tandem.sqlite") : undefined);
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
      kind = "embedded";
    }
    // Kysely looks for its migration tables across schemas unless told which: name the one in use, so that several
    // Tandem schemas can share a database
    const migrationTableSchema =
      kind === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
    const migrator = new Migrator({ db, provider: migrationProvider(kind), ...(migrationTableSchema ? { migrationTableSchema } : {}) });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      throw new TandemError("io_error", `the database migration failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
    }
    return new Store(db, kind);
  }

  /** PostgreSQL locks the rows a transaction reads for change; SQLite's one writer at a time needs no lock. */
  private lock<Query extends { forUpdate(): Query }>(query: Query): Query {
    return this.kind === "postgres" ? query.forUpdate() : query;
  }

  /** Rows another instance holds are skipped rather than waited for (PostgreSQL; SQLite has one writer). */
  private lockSkippingLocked<Query extends { forUpdate(): Query; skipLocked(): Query }>(query: Query): Query {
    return this.kind === "postgres" ? query.forUpdate().skipLocked() : query;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  // ── inbound events ────────────────────────────────────────────────────────────────────────────

  /** Records an inbound event before it is acknowledged; a redelivery (same source and id) is recognised and not stored again. */
  async recordEvent(
    source: string,
    eventId: string,
    type: string,
    payload: unknown,
    options: { handledNow?: boolean } = {},
  ): Promise<{ fresh: boolean; id: number | undefined }> {
    // handledNow: the caller handles it at once (no worker); the record only makes a redelivery recognisable
    const state = options.handledNow ? "processed" : "received";
    const row = await this.db
      .insertInto("events")
      .values({ source, event_id: eventId, type, payload: JSON.stringify(payload), state })
      .onConflict((conflict) => conflict.columns(["source", "event_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    return { fresh: row !== undefined, id: row?.id };
  }

  /** Takes up to `limit` events to process, leased for `leaseMs` (an instance that dies lets the lease run out). */
  async claimEvents(limit: number, leaseMs: number): Promise<EventRow[]> {
    const now = new Date();
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom("events")
        .select("id")
        .where((where) =>
          where.or([where("state", "=", "received"), where.and([where("state", "=", "processing"), where("lease_until", "<", now)])]),
        )
        .orderBy("id")
        .limit(limit)
        .$call((query) => this.lockSkippingLocked(query))
        .execute();
      if (due.length === 0) return [];
      return trx
        .updateTable("events")
        .set({ state: "processing", ...leaseFields(now, leaseMs) })
        .where("id", "in", ids(due))
        .returningAll()
        .execute();
    });
  }

  async finishEvent(id: number, error?: string): Promise<void> {
    await this.db
      .updateTable("events")
      .set(
        error === undefined
          ? { state: "processed", processed_at: new Date(), lease_until: null }
          : { state: "failed", last_error: error, lease_until: null },
      )
      .where("id", "=", id)
      .execute();
  }

  /** Puts an event aside until `until` (a remote asked to wait, or was down); it is taken again then, as after a lease. */
  async deferEvent(id: number, until: Date, error: string): Promise<void> {
    await this.db.updateTable("events").set({ state: "processing", lease_until: until, last_error: error }).where("id", "=", id).execute();
  }

  async countEvents(source?: string): Promise<Record<string, number>> {
    let query = this.db
      .selectFrom("events")
      .select(["state", sql<number>`cast(count(*) as integer)`.as("count")])
      .groupBy("state");
    if (source) query = query.where("source", "=", source);
    const rows = await query.execute();
    return Object.fromEntries(rows.map((row) => [row.state, row.count]));
  }

  // ── outbox ────────────────────────────────────────────────────────────────────────────────────

  /** Adds an outbound action; the same idempotency key twice stores one action. Pass a transaction to enqueue atomically. */
  async enqueue(action: ActionInput, trx: Kysely<Database> | Transaction<Database> = this.db): Promise<{ id: number; fresh: boolean }> {
    const inserted = await trx
      .insertInto("outbox")
      .values({
        idempotency_key: action.idempotencyKey,
        kind: action.kind,
        payload: JSON.stringify(action.payload),
        state: "pending",
        // the same clock (and precision) as the claim's comparison: this process's, in milliseconds
        next_attempt_at: action.notBefore ?? new Date(),
      })
      .onConflict((conflict) => conflict.column("idempotency_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, fresh: true };
    const existing = await trx
      .selectFrom("outbox")
      .select("id")
      .where("idempotency_key", "=", action.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { id: existing.id, fresh: false };
  }

  /**
   * Takes due actions, each leased to this worker for `leaseMs`. Row locks with SKIP LOCKED keep two instances from taking the
   * same action; the lease keeps a crashed worker's action from being stuck for ever.
   */
  async claimActions(limit: number, leaseMs: number, kinds?: readonly string[]): Promise<OutboxRow[]> {
    const now = new Date();
    return this.db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom("outbox")
        .select("id")
        .where((where) =>
          where.or([
            where.and([where("state", "=", "pending"), where("next_attempt_at", "<=", now)]),
            where.and([where("state", "=", "delivering"), where("lease_until", "<", now)]),
          ]),
        );
      if (kinds) query = query.where("kind", "in", kinds);
      const due = await query
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(limit)
        .$call((locked) => this.lockSkippingLocked(locked))
        .execute();
      if (due.length === 0) return [];
      return trx
        .updateTable("outbox")
        .set({ state: "delivering", ...leaseFields(now, leaseMs) })
        .where("id", "in", ids(due))
        .returningAll()
        .execute();
    });
  }

  async markDelivered(id: number, result: unknown): Promise<void> {
    await this.db
      .updateTable("outbox")
      .set({ state: "delivered", delivered_at: new Date(), lease_until: null, last_error: null, result: JSON.stringify(result ?? null) })
      .where("id", "=", id)
      .execute();
  }

  async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db
      .updateTable("outbox")
      .set({ state: "pending", next_attempt_at: nextAttemptAt, lease_until: null, last_error: error })
      .where("id", "=", id)
      .execute();
  }

  async markDead(id: number, error: string): Promise<void> {
    await this.db.updateTable("outbox").set({ state: "dead", lease_until: null, last_error: error }).where("id", "=", id).execute();
  }

  /** Puts a dead action back in the queue, to be tried at once. */
  async retryDead(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable("outbox")
      .set({ state: "pending", next_attempt_at: new Date(), attempts: 0 })
      .where("id", "=", id)
      .where("state", "=", "dead")
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async listActions(state?: OutboxState, limit = 100): Promise<OutboxRow[]> {
    let query = this.db.selectFrom("outbox").selectAll().orderBy("id", "desc").limit(limit);
    if (state) query = query.where("state", "=", state);
    return query.execute();
  }

  async countActions(): Promise<Record<OutboxState, number>> {
    const rows = await this.db
      .selectFrom("outbox")
      .select(["state", sql<number>`cast(count(*) as integer)`.as("count")])
      .groupBy("state")
      .execute();
    const counts: Record<OutboxState, number> = { pending: 0, delivering: 0, delivered: 0, dead: 0 };
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  // ── conversations, customers, messages ───────────────────────────────────────────────────────

  async upsertConversation(input: ConversationInput): Promise<Conversation> {
    return this.db.transaction().execute(async (trx) => {
      if (input.customer) {
        const { id, name, email, tier, revenue } = input.customer;
        const values = { name: name ?? null, email: email ?? null, tier: tier ?? null, revenue: revenue ?? null, updated_at: new Date() };
        await trx
          .insertInto("customers")
          .values({ id, ...values })
          .onConflict((conflict) =>
            conflict.column("id").doUpdateSet({
              name: sql`coalesce(excluded.name, customers.name)`,
              email: sql`coalesce(excluded.email, customers.email)`,
              tier: sql`coalesce(excluded.tier, customers.tier)`,
              revenue: sql`coalesce(excluded.revenue, customers.revenue)`,
              updated_at: values.updated_at,
            }),
          )
          .execute();
      }
      return trx
        .insertInto("conversations")
        .values({
          source: input.source,
          external_id: input.externalId,
          channel: input.channel ?? null,
          subject: input.subject ?? null,
          ticket_url: input.ticketUrl ?? null,
          customer_id: input.customer?.id ?? null,
          updated_at: new Date(),
        })
        .onConflict((conflict) =>
          conflict.columns(["source", "external_id"]).doUpdateSet({
            channel: sql`coalesce(excluded.channel, conversations.channel)`,
            subject: sql`coalesce(excluded.subject, conversations.subject)`,
            ticket_url: sql`coalesce(excluded.ticket_url, conversations.ticket_url)`,
            customer_id: sql`coalesce(excluded.customer_id, conversations.customer_id)`,
            updated_at: new Date(),
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async getConversation(id: number): Promise<Conversation | undefined> {
    return this.db.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findConversation(source: string, externalId: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom("conversations")
      .selectAll()
      .where("source", "=", source)
      .where("external_id", "=", externalId)
      .executeTakeFirst();
  }

  async getCustomer(id: string) {
    return this.db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Adds a message; one with an external id already stored is recognised and returned as not fresh. */
  async addMessage(
    conversationId: number,
    message: TranscriptEntry & { externalId?: string | undefined },
  ): Promise<{ message: Message; fresh: boolean }> {
    const inserted = await this.db
      .insertInto("messages")
      .values({
        conversation_id: conversationId,
        role: message.role,
        text: message.text,
        external_id: message.externalId ?? null,
        at: message.at ? new Date(message.at) : new Date(),
      })
      .onConflict((conflict) => conflict.columns(["conversation_id", "external_id"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { message: inserted, fresh: true };
    const existing = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("external_id", "=", message.externalId ?? "")
      .executeTakeFirstOrThrow();
    return { message: existing, fresh: false };
  }

  /** The last `limit` messages before `beforeId` (oldest first), for the transcript of a decision. */
  async recentMessages(conversationId: number, limit = 10, beforeId?: number): Promise<Message[]> {
    let query = this.db.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId);
    if (beforeId !== undefined) query = query.where("id", "<", beforeId);
    const rows = await query.orderBy("at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.reverse();
  }

  async countCustomerMessages(conversationId: number): Promise<number> {
    const row = await this.db
      .selectFrom("messages")
      .select(sql<number>`cast(count(*) as integer)`.as("count"))
      .where("conversation_id", "=", conversationId)
      .where("role", "=", "customer")
      .executeTakeFirstOrThrow();
    return row.count;
  }

  /** The customer's most recently active conversation from this source. */
  async latestConversationOf(source: string, customerId: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom("conversations")
      .selectAll()
      .where("source", "=", source)
      .where("customer_id", "=", customerId)
      .orderBy("updated_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  async listConversations(limit = 50): Promise<Conversation[]> {
    return this.db.selectFrom("conversations").selectAll().orderBy("updated_at", "desc").limit(limit).execute();
  }

  // ── decisions and escalations ───────────────────────────────────────────────────────────────

  async saveDecision(input: {
    decision: Decision;
    conversationId?: number | undefined;
    messageId?: number | undefined;
    channel?: string | undefined;
    durationMs: number;
  }): Promise<DecisionRow> {
    const { decision } = input;
    const createdAt = new Date();
    return this.db
      .insertInto("decisions")
      .values({
        conversation_id: input.conversationId ?? null,
        message_id: input.messageId ?? null,
        intent: decision.triage.intent,
        confidence: decision.triage.confidence,
        route: decision.route,
        score: decision.escalation.score,
        channel: input.channel ?? null,
        body: JSON.stringify(decision),
        duration_ms: input.durationMs,
        created_at: createdAt,
        day: createdAt.toISOString().slice(0, 10),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async getDecision(id: number): Promise<DecisionRow | undefined> {
    return this.db.selectFrom("decisions").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The decision made for a stored message, if any. */
  async decisionForMessage(messageId: number): Promise<DecisionRow | undefined> {
    return this.lastDecisionWhere("message_id", messageId);
  }

  /** Records that every listener has queued its actions for this decision. */
  async markPassedOn(decisionId: number): Promise<void> {
    await this.db.updateTable("decisions").set({ passed_on_at: new Date() }).where("id", "=", decisionId).execute();
  }

  /** The escalation (in any state) whose latest decision is this one. */
  async escalationForDecision(decisionId: number): Promise<Escalation | undefined> {
    return this.db.selectFrom("escalations").selectAll().where("decision_id", "=", decisionId).executeTakeFirst();
  }

  async latestDecision(conversationId: number): Promise<DecisionRow | undefined> {
    return this.lastDecisionWhere("conversation_id", conversationId);
  }

  private lastDecisionWhere(column: "message_id" | "conversation_id", value: number): Promise<DecisionRow | undefined> {
    return this.db.selectFrom("decisions").selectAll().where(column, "=", value).orderBy("id", "desc").limit(1).executeTakeFirst();
  }

  /**
   * Opens an escalation for a conversation, or updates the one still unresolved (a new message on the same ticket), so
   * that a conversation has one live escalation at a time.
   */
  async openEscalation(input: {
    conversationId: number;
    decisionId: number;
    route: "assist" | "human" | "urgent";
    team: string;
    channel: string;
    score: number;
    intent: string;
  }): Promise<{ escalation: Escalation; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom("escalations")
        .selectAll()
        .where("conversation_id", "=", input.conversationId)
        .where("state", "in", ACTIVE_ESCALATION_STATES)
        .$call((query) => this.lock(query))
        .executeTakeFirst();
      if (current) {
        const escalation = await trx
          .updateTable("escalations")
          .set({
            decision_id: input.decisionId,
            // the route and score only rise while a person is on it
            route: rank(input.route) > rank(current.route) ? input.route : current.route,
            score: Math.max(current.score, input.score),
            state: current.state === "snoozed" ? "open" : current.state,
            snoozed_until: null,
            updated_at: new Date(),
          })
          .where("id", "=", current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { escalation, created: false };
      }
      const escalation = await trx
        .insertInto("escalations")
        .values({
          conversation_id: input.conversationId,
          decision_id: input.decisionId,
          route: input.route,
          state: "open",
          team: input.team,
          channel: input.channel,
          score: input.score,
          intent: input.intent,
          updated_at: new Date(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { escalation, created: true };
    });
  }

  async getEscalation(id: number): Promise<Escalation | undefined> {
    return this.db.selectFrom("escalations").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The conversation's latest escalation, whatever its state. */
  async latestEscalation(conversationId: number): Promise<Escalation | undefined> {
    return this.db
      .selectFrom("escalations")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  async activeEscalation(conversationId: number): Promise<Escalation | undefined> {
    return this.db
      .selectFrom("escalations")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("state", "in", ACTIVE_ESCALATION_STATES)
      .executeTakeFirst();
  }

  async listEscalations(options: { states?: EscalationState[]; claimedBy?: string; limit?: number } = {}): Promise<Escalation[]> {
    let query = this.db.selectFrom("escalations").selectAll();
    if (options.states) query = query.where("state", "in", options.states);
    if (options.claimedBy) query = query.where("claimed_by", "=", options.claimedBy);
    return query
      .orderBy(sql`case route when 'urgent' then 0 when 'human' then 1 else 2 end`)
      .orderBy("created_at")
      .limit(options.limit ?? 100)
      .execute();
  }

  /** Claims an open escalation for a person; claiming one already claimed by someone else fails and says by whom. */
  async claimEscalation(id: number, by: string): Promise<Escalation> {
    return this.transition(
      id,
      ["open", "snoozed", "claimed"],
      (current) => {
        if (current.state === "claimed" && current.claimed_by !== by)
          throw new TandemError("invalid_input", `already claimed by ${current.claimed_by ?? "someone"}`, { status: 409 });
        return { state: "claimed", claimed_by: by, claimed_at: current.claimed_at ?? new Date(), snoozed_until: null };
      },
      { action: "claim", by },
    );
  }

  async resolveEscalation(id: number, by: string): Promise<Escalation> {
    return this.transition(id, ACTIVE_ESCALATION_STATES, () => ({ state: "resolved", resolved_by: by, resolved_at: new Date() }), {
      action: "resolve",
      by,
    });
  }

  async snoozeEscalation(id: number, until: Date, by?: string): Promise<Escalation> {
    return this.transition(id, ["open", "claimed", "snoozed"], () => ({ state: "snoozed", snoozed_until: until }), {
      action: "snooze",
      by,
      detail: until.toISOString(),
    });
  }

  async reassignEscalation(id: number, channel: string, options: { team?: string; by?: string } = {}): Promise<Escalation> {
    return this.transition(
      id,
      ACTIVE_ESCALATION_STATES,
      (current) => ({
        channel,
        team: options.team ?? current.team,
        state: "open",
        claimed_by: null,
        claimed_at: null,
        slack_channel: null,
        slack_ts: null,
      }),
      { action: "reassign", by: options.by, detail: channel },
    );
  }

  /** Records something a person did on an escalation that changes no state (a reply sent from Slack). */
  async recordEscalationAction(id: number, action: EscalationActionName, by: string, detail?: string): Promise<void> {
    await this.db
      .insertInto("escalation_actions")
      .values({ escalation_id: id, action, by, detail: detail ?? null, at: new Date() })
      .execute();
  }

  /** What people did on escalations in a time range, by action. */
  async countEscalationActions(from: Date, to: Date): Promise<Record<EscalationActionName, number>> {
    const rows = await this.db
      .selectFrom("escalation_actions")
      .select(["action", sql<number>`cast(count(*) as integer)`.as("count")])
      .where("at", ">=", from)
      .where("at", "<", to)
      .groupBy("action")
      .execute();
    const counts: Record<EscalationActionName, number> = { claim: 0, reply: 0, snooze: 0, reassign: 0, resolve: 0 };
    for (const row of rows) counts[row.action] = row.count;
    return counts;
  }

  async setEscalationSlackMessage(id: number, channel: string, ts: string): Promise<void> {
    await this.db.updateTable("escalations").set({ slack_channel: channel, slack_ts: ts }).where("id", "=", id).execute();
  }

  private async transition(
    id: number,
    from: EscalationState[],
    change: (current: Escalation) => Partial<Omit<Escalation, "id" | "created_at">>,
    action: { action: EscalationActionName; by: string | undefined; detail?: string | undefined },
  ): Promise<Escalation> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom("escalations")
        .selectAll()
        .where("id", "=", id)
        .$call((query) => this.lock(query))
        .executeTakeFirst();
      if (!current) throw new TandemError("not_found", `no escalation ${id}`, { status: 404 });
      if (!from.includes(current.state)) throw new TandemError("invalid_input", `the escalation is ${current.state}`, { status: 409 });
      const updated = await trx
        .updateTable("escalations")
        .set({ ...change(current), updated_at: new Date() })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      // every change is kept with who made it, for the metrics and the record
      await trx
        .insertInto("escalation_actions")
        .values({ escalation_id: id, action: action.action, by: action.by ?? null, detail: action.detail ?? null, at: new Date() })
        .execute();
      return updated;
    });
  }

  // ── Slack installations (sealed by the connector) ─────────────────────────────────────────────

  async saveSlackInstallation(row: {
    id: string;
    teamId: string | undefined;
    enterpriseId: string | undefined;
    sealed: string;
  }): Promise<void> {
    const now = new Date();
    await this.db
      .insertInto("slack_installations")
      .values({
        id: row.id,
        team_id: row.teamId ?? null,
        enterprise_id: row.enterpriseId ?? null,
        sealed: row.sealed,
        installed_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict
          .column("id")
          .doUpdateSet({ team_id: row.teamId ?? null, enterprise_id: row.enterpriseId ?? null, sealed: row.sealed, updated_at: now }),
      )
      .execute();
  }

  async getSlackInstallation(id: string): Promise<{ id: string; sealed: string } | undefined> {
    return this.db.selectFrom("slack_installations").select(["id", "sealed"]).where("id", "=", id).executeTakeFirst();
  }

  /** The most recently installed or updated workspace. */
  async latestSlackInstallation(): Promise<{ id: string; sealed: string } | undefined> {
    return this.db.selectFrom("slack_installations").select(["id", "sealed"]).orderBy("updated_at", "desc").limit(1).executeTakeFirst();
  }

  async deleteSlackInstallation(id: string): Promise<void> {
    await this.db.deleteFrom("slack_installations").where("id", "=", id).execute();
  }

  // ── HubSpot installations (sealed by the connector) ───────────────────────────────────────────

  async saveHubSpotInstallation(row: { portalId: string; sealed: string; expiresAt: Date }): Promise<void> {
    const now = new Date();
    await this.db
      .insertInto("hubspot_installations")
      .values({ portal_id: row.portalId, sealed: row.sealed, expires_at: row.expiresAt, installed_at: now, updated_at: now })
      .onConflict((conflict) =>
        conflict.column("portal_id").doUpdateSet({ sealed: row.sealed, expires_at: row.expiresAt, updated_at: now }),
      )
      .execute();
  }

  async getHubSpotInstallation(portalId: string): Promise<{ portal_id: string; sealed: string; expires_at: Date } | undefined> {
    return this.db
      .selectFrom("hubspot_installations")
      .select(["portal_id", "sealed", "expires_at"])
      .where("portal_id", "=", portalId)
      .executeTakeFirst();
  }

  async listHubSpotInstallations(): Promise<{ portal_id: string; installed_at: Date; updated_at: Date }[]> {
    return this.db
      .selectFrom("hubspot_installations")
      .select(["portal_id", "installed_at", "updated_at"])
      .orderBy("updated_at", "desc")
      .execute();
  }

  async deleteHubSpotInstallation(portalId: string): Promise<void> {
    await this.db.deleteFrom("hubspot_installations").where("portal_id", "=", portalId).execute();
  }

  // ── feedback from agents ─────────────────────────────────────────────────────────────────────

  async saveFeedback(input: {
    kind: "good_suggestion" | "wrong_intent";
    message: string;
    predictedIntent: string;
    correctIntent?: string | undefined;
    source?: string | undefined;
    conversationExternalId?: string | undefined;
    by?: string | undefined;
  }): Promise<number> {
    const row = await this.db
      .insertInto("feedback")
      .values({
        kind: input.kind,
        message: input.message,
        predicted_intent: input.predictedIntent,
        correct_intent: input.correctIntent ?? null,
        source: input.source ?? null,
        conversation_external_id: input.conversationExternalId ?? null,
        by: input.by ?? null,
        at: new Date(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Agents' corrections as labelled messages (text, intent), for training. */
  async correctedExamples(): Promise<{ text: string; label: string }[]> {
    const rows = await this.db
      .selectFrom("feedback")
      .select(["message", "correct_intent"])
      .where("kind", "=", "wrong_intent")
      .where("correct_intent", "is not", null)
      .orderBy("id")
      .execute();
    return rows.map((row) => ({ text: row.message, label: row.correct_intent ?? "" }));
  }

  async countFeedback(): Promise<Record<"good_suggestion" | "wrong_intent", number>> {
    const rows = await this.db
      .selectFrom("feedback")
      .select(["kind", sql<number>`cast(count(*) as integer)`.as("count")])
      .groupBy("kind")
      .execute();
    const counts = { good_suggestion: 0, wrong_intent: 0 };
    for (const row of rows) counts[row.kind] = row.count;
    return counts;
  }

  // ── language-model calls (no content: tokens, cost, outcome) ──────────────────────────────────

  async recordProviderCall(call: {
    provider: string;
    operation: string;
    outcome: string;
    promptTokens: number;
    completionTokens: number;
    cost: number;
    ms: number;
  }): Promise<void> {
    await this.db
      .insertInto("provider_calls")
      .values({
        provider: call.provider,
        operation: call.operation,
        outcome: call.outcome,
        prompt_tokens: call.promptTokens,
        completion_tokens: call.completionTokens,
        cost: call.cost,
        ms: call.ms,
        at: new Date(),
      })
      .execute();
  }

  async providerUsage(from: Date, to: Date) {
    const rows = await this.db
      .selectFrom("provider_calls")
      .select([
        "outcome",
        sql<number>`cast(count(*) as integer)`.as("calls"),
        sql<number>`cast(coalesce(sum(prompt_tokens), 0) as integer)`.as("promptTokens"),
        sql<number>`cast(coalesce(sum(completion_tokens), 0) as integer)`.as("completionTokens"),
        sql<number>`coalesce(sum(cost), 0)`.as("cost"),
      ])
      .where("at", ">=", from)
      .where("at", "<", to)
      .groupBy("outcome")
      .execute();
    const total = { calls: 0, used: 0, fallbacks: {} as Record<string, number>, promptTokens: 0, completionTokens: 0, cost: 0 };
    for (const row of rows) {
      total.calls += row.calls;
      total.promptTokens += row.promptTokens;
      total.completionTokens += row.completionTokens;
      total.cost += Number(row.cost);
      if (row.outcome === "ok") total.used += row.calls;
      else total.fallbacks[row.outcome] = row.calls;
    }
    total.cost = Math.round(total.cost * 1_000_000) / 1_000_000;
    return total;
  }

  // ── API keys ─────────────────────────────────────────────────────────────────────────────────

  /** Creates an API key and returns it once; only its SHA-256 is stored. */
  async createApiKey(name: string): Promise<{ id: string; key: string }> {
    const id = randomBytes(6).toString("hex");
    const secret = randomBytes(24).toString("base64url");
    const key = `tdm_${id}_${secret}`;
    await this.db
      .insertInto("api_keys")
      .values({ id, name, hash: hashKey(key) })
      .execute();
    return { id, key };
  }

  /** The key's record when it is known and not revoked. */
  async verifyApiKey(key: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("hash", "=", hashKey(key))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (row) await this.db.updateTable("api_keys").set({ last_used_at: new Date() }).where("id", "=", row.id).execute();
    return row;
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return this.db.selectFrom("api_keys").selectAll().orderBy("created_at").execute();
  }

  async revokeApiKey(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable("api_keys")
      .set({ revoked_at: new Date() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

/** What taking a row under a lease sets: when the lease ends, and one more attempt. */
function leaseFields(now: Date, leaseMs: number) {
  return { lease_until: new Date(now.getTime() + leaseMs), attempts: sql<number>`attempts + 1` };
}

function ids(rows: readonly { id: number }[]): number[] {
  return rows.map((row) => row.id);
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function rank(route: "assist" | "human" | "urgent"): number {
  return route === "urgent" ? 2 : route === "human" ? 1 : 0;
}
