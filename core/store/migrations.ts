// Schema migrations, written with Kysely's schema builder and run at start-up by Kysely's Migrator (in order, once each).
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

const migrations: Record<string, Migration> = {
  "2026-11-23-01-initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("customers")
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("name", "text")
        .addColumn("email", "text")
        .addColumn("tier", "text")
        .addColumn("revenue", "double precision")
        .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable("conversations")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("source", "text", (column) => column.notNull())
        .addColumn("external_id", "text", (column) => column.notNull())
        .addColumn("channel", "text")
        .addColumn("customer_id", "text", (column) => column.references("customers.id"))
        .addColumn("subject", "text")
        .addColumn("ticket_url", "text")
        .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint("conversations_source_external_id", ["source", "external_id"])
        .execute();

      await db.schema
        .createTable("messages")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("conversation_id", "integer", (column) => column.notNull().references("conversations.id").onDelete("cascade"))
        .addColumn("role", "text", (column) => column.notNull().check(sql`role in ('customer', 'agent', 'bot')`))
        .addColumn("text", "text", (column) => column.notNull())
        .addColumn("external_id", "text")
        .addColumn("at", "timestamptz", (column) => column.notNull())
        .addUniqueConstraint("messages_conversation_external_id", ["conversation_id", "external_id"])
        .execute();
      await db.schema.createIndex("messages_conversation_at").on("messages").columns(["conversation_id", "at"]).execute();

      await db.schema
        .createTable("decisions")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("conversation_id", "integer", (column) => column.references("conversations.id").onDelete("cascade"))
        .addColumn("message_id", "integer", (column) => column.references("messages.id").onDelete("set null"))
        .addColumn("intent", "text", (column) => column.notNull())
        .addColumn("confidence", "double precision", (column) => column.notNull())
        .addColumn("route", "text", (column) => column.notNull().check(sql`route in ('automate', 'assist', 'human', 'urgent')`))
        .addColumn("score", "integer", (column) => column.notNull())
        .addColumn("channel", "text")
        .addColumn("body", "jsonb", (column) => column.notNull())
        .addColumn("duration_ms", "double precision", (column) => column.notNull())
        .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex("decisions_created_at").on("decisions").column("created_at").execute();

      await db.schema
        .createTable("escalations")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("conversation_id", "integer", (column) => column.notNull().references("conversations.id").onDelete("cascade"))
        .addColumn("decision_id", "integer", (column) => column.notNull().references("decisions.id"))
        .addColumn("route", "text", (column) => column.notNull().check(sql`route in ('assist', 'human', 'urgent')`))
        .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('open', 'claimed', 'resolved', 'snoozed')`))
        .addColumn("team", "text", (column) => column.notNull())
        .addColumn("channel", "text", (column) => column.notNull())
        .addColumn("score", "integer", (column) => column.notNull())
        .addColumn("intent", "text", (column) => column.notNull())
        .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("claimed_by", "text")
        .addColumn("claimed_at", "timestamptz")
        .addColumn("resolved_by", "text")
        .addColumn("resolved_at", "timestamptz")
        .addColumn("snoozed_until", "timestamptz")
        .addColumn("slack_channel", "text")
        .addColumn("slack_ts", "text")
        .execute();
      // one unresolved escalation per conversation: a new message updates it rather than opening another
      await db.schema
        .createIndex("escalations_one_unresolved")
        .on("escalations")
        .column("conversation_id")
        .unique()
        .where(sql.ref("state"), "!=", "resolved")
        .execute();
      await db.schema.createIndex("escalations_state").on("escalations").columns(["state", "created_at"]).execute();

      await db.schema
        .createTable("events")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("source", "text", (column) => column.notNull())
        .addColumn("event_id", "text", (column) => column.notNull())
        .addColumn("type", "text", (column) => column.notNull())
        .addColumn("payload", "jsonb", (column) => column.notNull())
        .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('received', 'processing', 'processed', 'failed')`))
        .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
        .addColumn("lease_until", "timestamptz")
        .addColumn("last_error", "text")
        .addColumn("received_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("processed_at", "timestamptz")
        .addUniqueConstraint("events_source_event_id", ["source", "event_id"])
        .execute();
      await db.schema.createIndex("events_state").on("events").columns(["state", "id"]).execute();

      await db.schema
        .createTable("outbox")
        .addColumn("id", "integer", (column) => column.primaryKey().generatedAlwaysAsIdentity())
        .addColumn("idempotency_key", "text", (column) => column.notNull().unique())
        .addColumn("kind", "text", (column) => column.notNull())
        .addColumn("payload", "jsonb", (column) => column.notNull())
        .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('pending', 'delivering', 'delivered', 'dead')`))
        .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("lease_until", "timestamptz")
        .addColumn("last_error", "text")
        .addColumn("result", "jsonb")
        .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("delivered_at", "timestamptz")
        .execute();
      await db.schema.createIndex("outbox_due").on("outbox").columns(["state", "next_attempt_at"]).execute();

      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("hash", "text", (column) => column.notNull().unique())
        .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn("last_used_at", "timestamptz")
        .addColumn("revoked_at", "timestamptz")
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
