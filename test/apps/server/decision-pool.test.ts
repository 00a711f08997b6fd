import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { problemHandler } from "../../../apps/server/problem.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckedContext, starterDecider } from "../../../core/decide/decide.js";
import { defaultPolicyPath } from "../../../core/decide/policy.js";
import { isTandemError } from "../../../core/errors.js";
import { loadConfig } from "../../../apps/server/config.js";
import { createDecisionPool, type DecisionPool, DecisionsBusyError } from "../../../apps/server/decision-pool.js";
import { startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";

const monday = new Date("2026-11-23T10:00:00Z");
const cases: [string, CheckedContext][] = [
  ["where is my order 12345?", { now: monday }],
  ["This is the third time I write, I want a human NOW", { now: monday, previousContacts: 2 }],
  ["I was charged twice for my card payment", { now: new Date("2026-11-29T21:00:00Z"), customer: { name: "Ada", tier: "enterprise" } }],
  [
    "still nothing, my parcel is lost",
    { now: monday, channel: "email", transcript: [{ role: "customer", text: "where is my parcel?", at: "2026-11-20T09:00:00Z" }] },
  ],
];

describe("decision threads", () => {
  let pool: DecisionPool;
  beforeAll(() => {
    pool = createDecisionPool({}, 1);
  });
  afterAll(() => pool.close());

  it("decide on a thread exactly as on the main thread, as JSON or as the decision", async () => {
    for (const [message, context] of cases) {
      const expected = JSON.parse(JSON.stringify(starterDecider().decideChecked(message, context))) as { route: string };
      const answer = await pool.decideJson(message, context);
      expect(JSON.parse(Buffer.from(answer.json).toString("utf8")), message).toEqual(expected);
      expect(answer.route).toBe(expected.route);
      expect(JSON.parse(JSON.stringify(await pool.decide(message, context)))).toEqual(expected);
    }
  });

  it("answer many at once, each with its own decision", async () => {
    const messages = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? `where is my order ${10_000 + i}?` : `how do I reset my password ${i}`,
    );
    const answers = await Promise.all(messages.map((message) => pool.decide(message, { now: monday })));
    answers.forEach((decision, i) => {
      expect(decision.triage.intent).toBe(i % 2 === 0 ? "order_status" : "account_access");
      if (i % 2 === 0) expect(decision.entities.orderIds).toEqual([String(10_000 + i)]);
    });
  });

  it("throw the TandemError a decision on the main thread throws", async () => {
    let expected: unknown;
    try {
      starterDecider().decideChecked("   ", {});
    } catch (caught) {
      expected = caught;
    }
    const error = await pool.decideJson("   ", {}).catch((caught: unknown) => caught);
    expect(isTandemError(error) && isTandemError(expected)).toBe(true);
    expect(error).toMatchObject({ code: "invalid_input", status: 400, where: { path: "message" } });
    expect((error as Error).message).toBe((expected as Error).message);
  });

  it("refuse a decision as busy when as many wait as the pool queues, and take the next once they are done", async () => {
    const small = createDecisionPool({}, 1, { maxQueue: 2, perThread: 1 });
    try {
      const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => small.decide(`where is my order ${30_000 + i}?`, {})));
      const refused = settled.filter((result) => result.status === "rejected").map((result) => result.reason as unknown);
      expect(refused.length).toBeGreaterThan(0);
      expect(settled.length - refused.length).toBeGreaterThanOrEqual(3);
      for (const error of refused) expect(error).toBeInstanceOf(DecisionsBusyError);
      expect((await small.decide("where is my order 12345?", {})).triage.intent).toBe("order_status");
      expect(small.stats().queued).toBe(0);
    } finally {
      await small.close();
    }
  });

  it("load the policy the configuration names", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tandem-pool-"));
    const file = join(folder, "policy.yaml");
    writeFileSync(
      file,
      readFileSync(defaultPolicyPath, "utf8").replace("human: [human_agent, complaint,", "human: [order_status, human_agent, complaint,"),
    );
    const custom = createDecisionPool({ TANDEM_POLICY: file }, 1);
    try {
      const decision = await custom.decide("where is my order 12345?", { now: monday });
      expect([decision.route, decision.routeReason]).toEqual(["human", "The policy sends order_status to a person."]);
    } finally {
      await custom.close();
    }
  });
});

describe("a busy pool over HTTP", () => {
  it("is a 503 problem with Retry-After", async () => {
    const app = express();
    app.post("/api/decide", () => {
      throw new DecisionsBusyError(4096);
    });
    app.use(problemHandler(pino({ level: "silent" })));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decide`, { method: "POST" });
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("1");
      expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(((await answer.json()) as { detail: string }).detail).toBe(
        "more decisions are waiting than this service queues; try again in a moment",
      );
    } finally {
      server.close();
    }
  });
});

describe("the service with and without decision threads", () => {
  it("answers the decisions under way when it shuts down, and closes without waiting out keep-alive connections", async () => {
    const running = await startService(loadConfig({ PORT: "0", TANDEM_DECISION_THREADS: "1" }), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
      createFirstKey: true,
    });
    const answers = Array.from({ length: 40 }, (_, i) =>
      fetch(`${running.url}/api/decide`, {
        method: "POST",
        headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
        body: JSON.stringify({ message: `where is my order ${20_000 + i}?` }),
      }).then(async (answer) => [answer.status, ((await answer.json()) as { entities: { orderIds: string[] } }).entities.orderIds]),
    );
    // the requests are on their way when the shutdown starts
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const closing = running.close();
    const settled = await Promise.allSettled(answers);
    await closing;
    // the connections that carried answers are closed once idle, rather than after their 65-second keep-alive
    expect(performance.now() - started).toBeLessThan(5_000);
    const answered = settled.filter((result) => result.status === "fulfilled").map((result) => result.value);
    // every request that reached the service got its decision; none was cut off half-way
    expect(answered.length).toBeGreaterThan(0);
    for (const [status, orderIds] of answered) expect(status === 200 && (orderIds as string[]).length === 1).toBe(true);
    for (const result of settled) if (result.status === "rejected") expect(String(result.reason)).toMatch(/fetch failed/);
  });

  it("answers /api/decide the same way", async () => {
    const bodies: unknown[] = [];
    for (const threads of ["0", "1"]) {
      const running = await startService(loadConfig({ PORT: "0", TANDEM_DECISION_THREADS: threads }), {
        logger: pino({ level: "silent" }),
        store: await Store.open(),
        createFirstKey: true,
      });
      try {
        const answer = await fetch(`${running.url}/api/decide`, {
          method: "POST",
          headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
          body: JSON.stringify({ message: "I was charged twice, I want a refund", context: { now: "2026-11-23T10:00:00Z" } }),
        });
        expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
        bodies.push(await answer.json());
        const metrics = await (await fetch(`${running.url}/metrics`)).text();
        if (threads === "1") {
          expect(metrics).toMatch(/^tandem_decision_threads 1$/m);
          expect(metrics).toMatch(/^tandem_decision_queue 0$/m);
          expect(metrics).toMatch(/^tandem_decision_thread_utilization (0|0\.\d+|1)$/m);
        } else expect(metrics).not.toContain("tandem_decision_threads");
      } finally {
        await running.close();
      }
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]).toEqual(
      JSON.parse(JSON.stringify(starterDecider().decide("I was charged twice, I want a refund", { now: "2026-11-23T10:00:00Z" }))),
    );
  });
});
