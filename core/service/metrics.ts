// Service metrics computed from the store: automation, assisted and escalation rates, time to handoff, claim and resolution,
// first-contact resolution, and volume by intent, route, channel and day.
import { sql } from "kysely";
import type { Store } from "../store/store.js";

export interface Durations {
  count: number;
  /** Seconds. */
  median: number | null;
  p90: number | null;
}

export interface ServiceMetrics {
  from: string;
  to: string;
  decisions: number;
  automationRate: number | null;
  assistedRate: number | null;
  escalationRate: number | null;
  /** From the customer's message to the escalation being opened. */
  timeToHandoff: Durations;
  timeToClaim: Durations;
  timeToResolution: Durations;
  /** Conversations the customer wrote to once, that were answered by Tandem or resolved by a person. */
  firstContactResolution: number | null;
  byRoute: Record<string, number>;
  byIntent: { intent: string; count: number; automated: number }[];
  byChannel: { channel: string; count: number; automated: number }[];
  byDay: { day: string; decisions: number; automate: number; assist: number; human: number; urgent: number }[];
  openEscalations: number;
  /** Milliseconds per decision in the core. */
  decideMs: { median: number | null; p99: number | null };
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

export async function computeMetrics(store: Store, options: { from: Date; to: Date }): Promise<ServiceMetrics> {
  const { db } = store;
  const { from, to } = options;
  const inRange = db.selectFrom("decisions").where("created_at", ">=", from).where("created_at", "<", to);

  const routes = await inRange
    .select(["route", sql<number>`count(*)::int`.as("count")])
    .groupBy("route")
    .execute();
  const byRoute: Record<string, number> = { automate: 0, assist: 0, human: 0, urgent: 0 };
  for (const row of routes) byRoute[row.route] = row.count;
  const decisions = routes.reduce((sum, row) => sum + row.count, 0);

  const byIntent = await inRange
    .select([
      "intent",
      sql<number>`count(*)::int`.as("count"),
      sql<number>`(count(*) filter (where route = 'automate'))::int`.as("automated"),
    ])
    .groupBy("intent")
    .orderBy("count", "desc")
    .limit(50)
    .execute();
  const byChannel = await inRange
    .select([
      sql<string>`coalesce(channel, 'unknown')`.as("channel"),
      sql<number>`count(*)::int`.as("count"),
      sql<number>`(count(*) filter (where route = 'automate'))::int`.as("automated"),
    ])
    .groupBy(sql`coalesce(channel, 'unknown')`)
    .orderBy("count", "desc")
    .execute();
  const byDay = await inRange
    .select([
      sql<string>`to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD')`.as("day"),
      sql<number>`count(*)::int`.as("decisions"),
      sql<number>`(count(*) filter (where route = 'automate'))::int`.as("automate"),
      sql<number>`(count(*) filter (where route = 'assist'))::int`.as("assist"),
      sql<number>`(count(*) filter (where route = 'human'))::int`.as("human"),
      sql<number>`(count(*) filter (where route = 'urgent'))::int`.as("urgent"),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  const speed = await inRange
    .select([
      sql<number | null>`percentile_cont(0.5) within group (order by duration_ms)`.as("median"),
      sql<number | null>`percentile_cont(0.99) within group (order by duration_ms)`.as("p99"),
    ])
    .executeTakeFirstOrThrow();

  const durations = (seconds: ReturnType<typeof sql<number>>) =>
    db
      .selectFrom("escalations")
      .innerJoin("decisions", "decisions.id", "escalations.decision_id")
      .leftJoin("messages", "messages.id", "decisions.message_id")
      .where("escalations.created_at", ">=", from)
      .where("escalations.created_at", "<", to)
      .where(seconds, "is not", null)
      .select([
        sql<number>`count(*)::int`.as("count"),
        sql<number | null>`percentile_cont(0.5) within group (order by ${seconds})`.as("median"),
        sql<number | null>`percentile_cont(0.9) within group (order by ${seconds})`.as("p90"),
      ])
      .executeTakeFirstOrThrow();
  const seconds = (later: string, earlier: string) => sql<number>`extract(epoch from (${sql.ref(later)} - ${sql.ref(earlier)}))`;
  const [timeToHandoff, timeToClaim, timeToResolution] = await Promise.all([
    durations(seconds("escalations.created_at", "messages.at")),
    durations(seconds("escalations.claimed_at", "escalations.created_at")),
    durations(seconds("escalations.resolved_at", "escalations.created_at")),
  ]);

  // first-contact resolution, over conversations that started in the range
  const fcr = await db
    .selectFrom("conversations as c")
    .where("c.created_at", ">=", from)
    .where("c.created_at", "<", to)
    .where((eb) => eb.exists(eb.selectFrom("decisions as d").select("d.id").whereRef("d.conversation_id", "=", "c.id")))
    .select([
      sql<number>`count(*)::int`.as("conversations"),
      sql<number>`(count(*) filter (where
        (select count(*) from messages m where m.conversation_id = c.id and m.role = 'customer') = 1
        and (
          (select d.route from decisions d where d.conversation_id = c.id order by d.id desc limit 1) = 'automate'
          or exists (select 1 from escalations e where e.conversation_id = c.id and e.state = 'resolved')
        )
        and not exists (select 1 from escalations e where e.conversation_id = c.id and e.state != 'resolved')
      ))::int`.as("resolved"),
    ])
    .executeTakeFirstOrThrow();

  const open = await db
    .selectFrom("escalations")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("state", "in", ["open", "claimed", "snoozed"])
    .executeTakeFirstOrThrow();

  const toDurations = (row: { count: number; median: number | null; p90: number | null }): Durations => ({
    count: row.count,
    median: row.median === null ? null : Math.round(Number(row.median) * 10) / 10,
    p90: row.p90 === null ? null : Math.round(Number(row.p90) * 10) / 10,
  });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    decisions,
    automationRate: rate(byRoute.automate, decisions),
    assistedRate: rate(byRoute.assist, decisions),
    escalationRate: rate(byRoute.human + byRoute.urgent, decisions),
    timeToHandoff: toDurations(timeToHandoff),
    timeToClaim: toDurations(timeToClaim),
    timeToResolution: toDurations(timeToResolution),
    firstContactResolution: rate(fcr.resolved, fcr.conversations),
    byRoute,
    byIntent,
    byChannel,
    byDay,
    openEscalations: open.count,
    decideMs: {
      median: speed.median === null ? null : Math.round(Number(speed.median) * 1000) / 1000,
      p99: speed.p99 === null ? null : Math.round(Number(speed.p99) * 1000) / 1000,
    },
  };
}
