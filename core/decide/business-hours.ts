// Business hours in the policy's time zone, with holidays: is the team in now, and when does it open next?
import type { Policy } from "./policy.js";

type Hours = Policy["businessHours"];
const DAY_KEYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

interface LocalTime {
  date: string;
  weekday: number;
  minutes: number;
}

/** The last answer per time zone, by minute: decisions arrive many to the minute, and Intl formatting costs microseconds. */
const lastByZone = new Map<string, { minute: number; local: LocalTime }>();

function localTime(instant: Date, timeZone: string): LocalTime {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastByZone.get(timeZone);
  if (last?.minute === minute) return last.local;
  const local = formatLocalTime(instant, timeZone);
  lastByZone.set(timeZone, { minute, local });
  return local;
}

function formatLocalTime(instant: Date, timeZone: string): LocalTime {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_INDEX[parts.weekday],
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function toMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export function isOpen(instant: Date, hours: Hours): boolean {
  const local = localTime(instant, hours.timezone);
  if (hours.holidays.includes(local.date)) return false;
  const day = hours.days[DAY_KEYS[local.weekday]];
  return day !== null && local.minutes >= toMinutes(day[0]) && local.minutes < toMinutes(day[1]);
}

/** The next moment the team is in (to the minute), searching up to two weeks ahead; undefined if never. */
/**
 * The last answer per policy: the team is closed from `from` until `opening`, so any moment in between opens at the same
 * time. Decisions after hours come in bursts; the walk below costs tens of time-zone conversions.
 */
const lastOpening = new WeakMap<Hours, { from: number; opening: Date | undefined; until: number }>();

export function nextOpening(instant: Date, hours: Hours): Date | undefined {
  if (isOpen(instant, hours)) return instant;
  const time = instant.getTime();
  const last = lastOpening.get(hours);
  if (last && time >= last.from && time < last.until) return last.opening;
  const opening = walkToOpening(instant, hours);
  lastOpening.set(hours, { from: time, opening, until: opening?.getTime() ?? time + 60_000 });
  return opening;
}

function walkToOpening(instant: Date, hours: Hours): Date | undefined {
  // Walk forward in 15-minute steps to the first open minute boundary, then back to the exact opening minute.
  const step = 15 * 60_000;
  let probe = new Date(Math.ceil(instant.getTime() / step) * step);
  const limit = instant.getTime() + 14 * 24 * 3_600_000;
  while (probe.getTime() <= limit) {
    if (isOpen(probe, hours)) {
      let exact = probe;
      for (
        let back = new Date(probe.getTime() - 60_000);
        back.getTime() > instant.getTime() && isOpen(back, hours);
        back = new Date(back.getTime() - 60_000)
      )
        exact = back;
      return exact;
    }
    probe = new Date(probe.getTime() + step);
  }
  return undefined;
}
