// Schema migrations, written with Kysely's schema builder and run at start-up by Kysely's Migrator (in order, once each).
// One schema for both databases; only the names of three column types differ (SQLite has no timestamptz, jsonb or
// identity columns), so timestamps are ISO 8601 text there, JSON is text, and ids are SQLite's integer primary keys.
import { type ColumnDataType, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

export type StoreKind = "embedded" | "postgres";

function columnTypes(kind: StoreKind) {
  const postgres = kind === "postgres";
  return {
    timestamp: (postgres ? "timestamptz" : "text") as ColumnDataType,
    json: (postgres ? "jsonb" : "text") as ColumnDataType,
    /** The current time, in the format the column keeps. */
    now: postgres ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
    id: (column: ColumnDefinitionBuilder) =>
      postgres ? column.primaryKey().generatedAlwaysAsIdentity() : column.primaryKey().autoIncrement(),
  };
}

function migrations(kind: StoreKind): Record<string, Migration> {
  const t = columnTypes(kind);
  return {
    "2026-11-23-01-initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("customers")
          .addColumn("id", "text", (column) => column.primaryKey())
          .addColumn("name", "text")
          .addColumn("email", "text")
          .addColumn("tier", "text")
          .addColumn("revenue", "double precision")
          .addColumn("updated_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .execute();

        await db.schema
          .createTable("conversations")
          .addColumn("id", "integer", t.id)
          .addColumn("source", "text", (column) => column.notNull())
          .addColumn("external_id", "text", (column) => column.notNull())
          .addColumn("channel", "text")
          .addColumn("customer_id", "text", (column) => column.references("customers.id"))
          .addColumn("subject", "text")
          .addColumn("ticket_url", "text")
          .addColumn("created_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("updated_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addUniqueConstraint("conversations_source_external_id", ["source", "external_id"])
          .execute();

        await db.schema
          .createTable("messages")
          .addColumn("id", "integer", t.id)
          .addColumn("conversation_id", "integer", (column) => column.notNull().references("conversations.id").onDelete("cascade"))
          .addColumn("role", "text", (column) => column.notNull().check(sql`role in ('customer', 'agent', 'bot')`))
          .addColumn("text", "text", (column) => column.notNull())
          .addColumn("external_id", "text")
          .addColumn("at", t.timestamp, (column) => column.notNull())
          .addUniqueConstraint("messages_conversation_external_id", ["conversation_id", "external_id"])
          .execute();
        await db.schema.createIndex("messages_conversation_at").on("messages").columns(["conversation_id", "at"]).execute();

        await db.schema
          .createTable("decisions")
          .addColumn("id", "integer", t.id)
          .addColumn("conversation_id", "integer", (column) => column.references("conversations.id").onDelete("cascade"))
          .addColumn("message_id", "integer", (column) => column.references("messages.id").onDelete("set null"))
          .addColumn("intent", "text", (column) => column.notNull())
          .addColumn("confidence", "double precision", (column) => column.notNull())
          .addColumn("route", "text", (column) => column.notNull().check(sql`route in ('automate', 'assist', 'human', 'urgent')`))
          .addColumn("score", "integer", (column) => column.notNull())
          .addColumn("channel", "text")
          .addColumn("body", t.json, (column) => column.notNull())
          .addColumn("duration_ms", "double precision", (column) => column.notNull())
          // the UTC day of created_at, for per-day counts in SQL both databases read alike
          .addColumn("day", "text", (column) => column.notNull())
          .addColumn("created_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .execute();
        await db.schema.createIndex("decisions_created_at").on("decisions").column("created_at").execute();

        await db.schema
          .createTable("escalations")
          .addColumn("id", "integer", t.id)
          .addColumn("conversation_id", "integer", (column) => column.notNull().references("conversations.id").onDelete("cascade"))
          .addColumn("decision_id", "integer", (column) => column.notNull().references("decisions.id"))
          .addColumn("route", "text", (column) => column.notNull().check(sql`route in ('assist', 'human', 'urgent')`))
          .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('open', 'claimed', 'resolved', 'snoozed')`))
          .addColumn("team", "text", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("score", "integer", (column) => column.notNull())
          .addColumn("intent", "text", (column) => column.notNull())
          .addColumn("created_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("updated_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("claimed_by", "text")
          .addColumn("claimed_at", t.timestamp)
          .addColumn("resolved_by", "text")
          .addColumn("resolved_at", t.timestamp)
          .addColumn("snoozed_until", t.timestamp)
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
          .addColumn("id", "integer", t.id)
          .addColumn("source", "text", (column) => column.notNull())
          .addColumn("event_id", "text", (column) => column.notNull())
          .addColumn("type", "text", (column) => column.notNull())
          .addColumn("payload", t.json, (column) => column.notNull())
          .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('received', 'processing', 'processed', 'failed')`))
          .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
          .addColumn("lease_until", t.timestamp)
          .addColumn("last_error", "text")
          .addColumn("received_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("processed_at", t.timestamp)
          .addUniqueConstraint("events_source_event_id", ["source", "event_id"])
          .execute();
        await db.schema.createIndex("events_state").on("events").columns(["state", "id"]).execute();

        await db.schema
          .createTable("outbox")
          .addColumn("id", "integer", t.id)
          .addColumn("idempotency_key", "text", (column) => column.notNull().unique())
          .addColumn("kind", "text", (column) => column.notNull())
          .addColumn("payload", t.json, (column) => column.notNull())
          .addColumn("state", "text", (column) => column.notNull().check(sql`state in ('pending', 'delivering', 'delivered', 'dead')`))
          .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
          .addColumn("next_attempt_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("lease_until", t.timestamp)
          .addColumn("last_error", "text")
          .addColumn("result", t.json)
          .addColumn("created_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("delivered_at", t.timestamp)
          .execute();
        await db.schema.createIndex("outbox_due").on("outbox").columns(["state", "next_attempt_at"]).execute();

        await db.schema
          .createTable("api_keys")
          .addColumn("id", "text", (column) => column.primaryKey())
          .addColumn("name", "text", (column) => column.notNull())
          .addColumn("hash", "text", (column) => column.notNull().unique())
          .addColumn("created_at", t.timestamp, (column) => column.notNull().defaultTo(t.now))
          .addColumn("last_used_at", t.timestamp)
          .addColumn("revoked_at", t.timestamp)
          .execute();
      },
    },
    "2026-11-23-02-escalation-actions": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("escalation_actions")
          .addColumn("id", "integer", t.id)
          .addColumn("escalation_id", "integer", (column) => column.notNull().references("escalations.id").onDelete("cascade"))
          .addColumn("action", "text", (column) =>
            column.notNull().check(sql`action in ('claim', 'reply', 'snooze', 'reassign', 'resolve')`),
          )
          .addColumn("by", "text")
          .addColumn("detail", "text")
          .addColumn("at", t.timestamp, (column) => column.notNull())
          .execute();
        await db.schema.createIndex("escalation_actions_at").on("escalation_actions").columns(["at", "action"]).execute();
      },
    },
    "2026-11-23-03-slack-installations": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("slack_installations")
          // the enterprise id for an org-wide install, the team id otherwise
          .addColumn("id", "text", (column) => column.primaryKey())
          .addColumn("team_id", "text")
          .addColumn("enterprise_id", "text")
          // the installation as Slack's OAuth library gives it, encrypted (it holds the bot token)
          .addColumn("sealed", "text", (column) => column.notNull())
          .addColumn("installed_at", t.timestamp, (column) => column.notNull())
          .addColumn("updated_at", t.timestamp, (column) => column.notNull())
          .execute();
      },
    },
    "2026-11-23-04-feedback": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("feedback")
          .addColumn("id", "integer", t.id)
          .addColumn("kind", "text", (column) => column.notNull().check(sql`kind in ('good_suggestion', 'wrong_intent')`))
          .addColumn("message", "text", (column) => column.notNull())
          .addColumn("predicted_intent", "text", (column) => column.notNull())
          .addColumn("correct_intent", "text")
          .addColumn("source", "text")
          .addColumn("conversation_external_id", "text")
          .addColumn("by", "text")
          .addColumn("at", t.timestamp, (column) => column.notNull())
          .execute();
      },
    },
    "2026-11-23-05-provider-calls": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("provider_calls")
          .addColumn("id", "integer", t.id)
          .addColumn("provider", "text", (column) => column.notNull())
          .addColumn("operation", "text", (column) => column.notNull())
          // ok, or why the local draft was used instead (timeout, rate_limited, ungrounded, …)
          .addColumn("outcome", "text", (column) => column.notNull())
          .addColumn("prompt_tokens", "integer", (column) => column.notNull())
          .addColumn("completion_tokens", "integer", (column) => column.notNull())
          .addColumn("cost", "double precision", (column) => column.notNull())
          .addColumn("ms", "double precision", (column) => column.notNull())
          .addColumn("at", t.timestamp, (column) => column.notNull())
          .execute();
      },
    },
    "2026-11-23-06-hubspot-installations": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("hubspot_installations")
          // the HubSpot account (portal, "hub id") the app was installed in
          .addColumn("portal_id", "text", (column) => column.primaryKey())
          // access and refresh tokens, encrypted by the connector
          .addColumn("sealed", "text", (column) => column.notNull())
          .addColumn("expires_at", t.timestamp, (column) => column.notNull())
          .addColumn("installed_at", t.timestamp, (column) => column.notNull())
          .addColumn("updated_at", t.timestamp, (column) => column.notNull())
          .execute();
      },
    },
    "2026-11-29-07-decisions-passed-on": {
      async up(db: Kysely<unknown>) {
        // when the decision's listeners (escalation posts, write-backs) had all queued their actions: a redelivered message
        // whose decision lacks it is finished rather than dropped (ConversationService.finish)
        await db.schema.alterTable("decisions").addColumn("passed_on_at", t.timestamp).execute();
        // decisions made before this column were passed on as they were made
        await sql`update decisions set passed_on_at = created_at`.execute(db);
      },
    },
  };
}

export function migrationProvider(kind: StoreKind): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(kind)) };
}
