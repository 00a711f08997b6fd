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
  /** Language-model drafts: calls, how many were used, fallbacks by reason, tokens and cost. */
  model: Awaited<ReturnType<Store["providerUsage"]>>;
  /** What people did on escalations (claim, reply, snooze, reassign, resolve), from Slack, the dashboard or the API. */
  actions: Record<string, number>;
  /** Milliseconds per decision in the core. */
  decideMs: { median: number | null; p99: number | null };
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

const COUNT = sql<number>`cast(count(*) as integer)`;
const countWhere = (condition: string) => sql<number>`cast(count(*) filter (where ${sql.raw(condition)}) as integer)`;

/** The value at quantile q of sorted numbers, interpolated (as percentile_cont). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function durations(seconds: number[]): Durations {
  const sorted = seconds.sort((a, b) => a - b);
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return { count: sorted.length, median: round(quantile(sorted, 0.5)), p90: round(quantile(sorted, 0.9)) };
}

/** Decision times kept for the percentile (the most recent ones in the range). */
const SPEED_SAMPLE = 50_000;

export async function computeMetrics(store: Store, options: { from: Date; to: Date }): Promise<ServiceMetrics> {
  const { db } = store;
  const { from, to } = options;
  const inRange = db.selectFrom("decisions").where("created_at", ">=", from).where("created_at", "<", to);

  const routes = await inRange
    .select(["route", COUNT.as("count")])
    .groupBy("route")
    .execute();
  const byRoute: Record<string, number> = { automate: 0, assist: 0, human: 0, urgent: 0 };
  for (const row of routes) byRoute[row.route] = row.count;
  const decisions = routes.reduce((sum, row) => sum + row.count, 0);

  const [byIntent, byChannel, byDay, speed] = await Promise.all([
    inRange
      .select(["intent", COUNT.as("count"), countWhere("route = 'automate'").as("automated")])
      .groupBy("intent")
      .orderBy("count", "desc")
      .limit(50)
      .execute(),
    inRange
      .select([
        sql<string>`coalesce(channel, 'unknown')`.as("channel"),
        COUNT.as("count"),
        countWhere("route = 'automate'").as("automated"),
      ])
      .groupBy(sql`coalesce(channel, 'unknown')`)
      .orderBy("count", "desc")
      .execute(),
    inRange
      .select([
        "day",
        COUNT.as("decisions"),
        countWhere("route = 'automate'").as("automate"),
        countWhere("route = 'assist'").as("assist"),
        countWhere("route = 'human'").as("human"),
        countWhere("route = 'urgent'").as("urgent"),
      ])
      .groupBy("day")
      .orderBy("day")
      .execute(),
    inRange.select("duration_ms").orderBy("id", "desc").limit(SPEED_SAMPLE).execute(),
  ]);
  const times = speed.map((row) => row.duration_ms).sort((a, b) => a - b);

  // escalations opened in the range, with the moment of the message that opened them
  const escalations = await db
    .selectFrom("escalations")
    .innerJoin("decisions", "decisions.id", "escalations.decision_id")
    .leftJoin("messages", "messages.id", "decisions.message_id")
    .where("escalations.created_at", ">=", from)
    .where("escalations.created_at", "<", to)
    // plain column names: the embedded database's wrapper turns these back into dates
    .select(["escalations.created_at", "escalations.claimed_at", "escalations.resolved_at", "messages.at"])
    .execute();
  const seconds = (later: Date | null, earlier: Date | null) =>
    later === null || earlier === null ? undefined : (later.getTime() - earlier.getTime()) / 1000;
  const collect = (pick: (row: (typeof escalations)[number]) => number | undefined) =>
    escalations.map(pick).filter((value): value is number => value !== undefined);

  // first-contact resolution, over conversations that started in the range
  const fcr = await db
    .selectFrom("conversations as c")
    .where("c.created_at", ">=", from)
    .where("c.created_at", "<", to)
    .where((eb) => eb.exists(eb.selectFrom("decisions as d").select("d.id").whereRef("d.conversation_id", "=", "c.id")))
    .select([
      COUNT.as("conversations"),
      sql<number>`cast(count(*) filter (where
        (select count(*) from messages m where m.conversation_id = c.id and m.role = 'customer') = 1
        and (
          (select d.route from decisions d where d.conversation_id = c.id order by d.id desc limit 1) = 'automate'
          or exists (select 1 from escalations e where e.conversation_id = c.id and e.state = 'resolved')
        )
        and not exists (select 1 from escalations e where e.conversation_id = c.id and e.state != 'resolved')
      ) as integer)`.as("resolved"),
    ])
    .executeTakeFirstOrThrow();

  const open = await db
    .selectFrom("escalations")
    .select(COUNT.as("count"))
    .where("state", "in", ["open", "claimed", "snoozed"])
    .executeTakeFirstOrThrow();

  const actions = await store.countEscalationActions(from, to);
  const model = await store.providerUsage(from, to);

  const round3 = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    decisions,
    automationRate: rate(byRoute.automate, decisions),
    assistedRate: rate(byRoute.assist, decisions),
    escalationRate: rate(byRoute.human + byRoute.urgent, decisions),
    timeToHandoff: durations(collect((row) => seconds(row.created_at, row.at))),
    timeToClaim: durations(collect((row) => seconds(row.claimed_at, row.created_at))),
    timeToResolution: durations(collect((row) => seconds(row.resolved_at, row.created_at))),
    firstContactResolution: rate(fcr.resolved, fcr.conversations),
    byRoute,
    byIntent,
    byChannel,
    byDay,
    openEscalations: open.count,
    actions,
    model,
    decideMs: { median: round3(quantile(times, 0.5)), p99: round3(quantile(times, 0.99)) },
  };
}
