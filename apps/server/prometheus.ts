// /metrics in the Prometheus text format: process metrics, HTTP latency, decisions by route, and queue sizes read from the
// store when scraped.
import type { Request } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../../core/store/store.js";
import type { DecisionPool } from "./decision-pool.js";

export interface ServiceMetricsRegistry {
  registry: Registry;
  /** Counts a decision under its route and intent. */
  countDecision: (route: string, intent: string) => void;
  /** Records a finished request's duration under its route pattern, never the raw URL (ids would explode the label set). */
  observeRequest: (request: Request, status: number, seconds: number) => void;
}

export function createMetricsRegistry(store: Store): ServiceMetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tandem_" });
  const httpDuration = new Histogram({
    name: "tandem_http_request_duration_seconds",
    help: "HTTP request duration by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const decisions = new Counter({
    name: "tandem_decisions_total",
    help: "Decisions made, by route and intent",
    labelNames: ["route", "intent"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "tandem_outbox_actions",
    help: "Outbox actions by state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      for (const [state, count] of Object.entries(await store.countActions())) this.set({ state }, count);
    },
  });
  new Gauge({
    name: "tandem_inbound_events",
    help: "Inbound events by state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const counts = await store.countEvents();
      for (const state of ["received", "processing", "processed", "failed"]) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: "tandem_open_escalations",
    help: "Escalations open, claimed or snoozed",
    registers: [registry],
    async collect() {
      this.set((await store.listEscalations({ states: ["open", "claimed", "snoozed"], limit: 100_000 })).length);
    },
  });
  const requestDurations = labelledChildren((key) => {
    const [method, status, route] = key.split(" ", 3);
    return httpDuration.labels({ method, route, status });
  });
  const observeRequest = (request: Request, status: number, seconds: number) => {
    const path = (request.route as { path?: string } | undefined)?.path;
    requestDurations(`${request.method} ${status} ${path ? request.baseUrl + path : "unmatched"}`).observe(seconds);
  };
  const decisionCounts = labelledChildren((key) => {
    const [route, intent] = key.split(" ", 2);
    return decisions.labels({ route, intent });
  });
  const countDecision = (route: string, intent: string) => decisionCounts(`${route} ${intent}`).inc();
  return { registry, observeRequest, countDecision };
}

/**
 * prom-client's labelled children by a key of their label values, made once: finding a child again by its key costs less
 * than prom-client hashing the labels on every request.
 */
function labelledChildren<Child>(make: (key: string) => Child): (key: string) => Child {
  const children = new Map<string, Child>();
  return (key) => {
    let child = children.get(key);
    if (child === undefined) {
      child = make(key);
      children.set(key, child);
    }
    return child;
  };
}

/** The decision threads: how many, how many decisions wait for one, and how busy they have been. */
export function registerDecisionPoolMetrics(registry: Registry, pool: DecisionPool): void {
  new Gauge({ name: "tandem_decision_threads", help: "Threads that make decisions", registers: [registry] }).set(pool.threads);
  new Gauge({
    name: "tandem_decision_queue",
    help: "Decisions waiting for a decision thread",
    registers: [registry],
    collect() {
      this.set(pool.stats().queued);
    },
  });
  new Gauge({
    name: "tandem_decision_thread_utilization",
    help: "Share of time the decision threads have been busy since they started (0 to 1)",
    registers: [registry],
    collect() {
      this.set(pool.stats().utilization);
    },
  });
}
