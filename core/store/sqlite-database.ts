// The embedded database: SQLite through better-sqlite3, in WAL mode. SQLite keeps timestamps as ISO 8601 text and JSON as
// text; this wrapper hands Kysely the same values PostgreSQL does (Date objects, parsed JSON), so that one store and one
// set of queries serve both.
import Database from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Columns that hold a moment in time, in every table of the schema. */
const TIMESTAMP_COLUMNS = new Set([
  "at",
  "created_at",
  "updated_at",
  "claimed_at",
  "resolved_at",
  "snoozed_until",
  "lease_until",
  "received_at",
  "processed_at",
  "next_attempt_at",
  "delivered_at",
  "last_used_at",
  "revoked_at",
  "installed_at",
  "expires_at",
  "passed_on_at",
]);
/** Columns that hold JSON. */
const JSON_COLUMNS = new Set(["payload", "body", "result"]);

function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function fromRow(row: unknown): unknown {
  if (row === null || typeof row !== "object") return row;
  const record = row as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value !== "string") continue;
    if (TIMESTAMP_COLUMNS.has(key)) record[key] = new Date(value);
    else if (JSON_COLUMNS.has(key)) record[key] = JSON.parse(value) as unknown;
  }
  return record;
}

class Statement implements SqliteStatement {
  constructor(private readonly statement: Database.Statement) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.statement.all(...parameters.map(toParameter)).map(fromRow);
  }

  run(parameters: readonly unknown[]) {
    return this.statement.run(...parameters.map(toParameter));
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const row of this.statement.iterate(...parameters.map(toParameter))) yield fromRow(row);
  }
}

export class EmbeddedDatabase implements SqliteDatabase {
  readonly sqlite: Database.Database;

  /** `file` undefined: in memory. */
  constructor(file?: string) {
    this.sqlite = new Database(file ?? ":memory:");
    // WAL: readers never block the writer, and other processes (tandem keys) may use the file while the service runs;
    // synchronous=NORMAL keeps every committed transaction through a crash of the process
    this.sqlite.pragma("journal_mode = WAL");
    this.sqlite.pragma("synchronous = NORMAL");
    this.sqlite.pragma("foreign_keys = ON");
    this.sqlite.pragma("busy_timeout = 5000");
  }

  prepare(sql: string): SqliteStatement {
    return new Statement(this.sqlite.prepare(sql));
  }

  close(): void {
    this.sqlite.close();
  }
}
