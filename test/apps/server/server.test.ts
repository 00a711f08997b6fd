import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema, loadConfig, type ServiceConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { runCli } from "../../../apps/cli/main.js";
import { storeBackends } from "../../fixtures/stores.js";
import { errorOf } from "../../fixtures/error-of.js";

const quiet = pino({ level: "silent" });

describe("configuration", () => {
  it("has defaults that start the service with nothing set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: "127.0.0.1",
      TANDEM_DATA_DIR: ".tandem",
      TANDEM_WORKERS: true,
      TANDEM_RATE_LIMIT: 600,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("documents every setting in .env.example, and nothing else", () => {
    const documented = new Set([...readFileSync(".env.example", "utf8").matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    expect([...documented].sort()).toEqual([...Object.keys(configSchema.shape), "TANDEM_CONFIG"].sort());
    // the file as shipped (empty values included) is a valid configuration
    const values = Object.fromEntries(
      [...readFileSync(".env.example", "utf8").matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(loadConfig(values)).toEqual(loadConfig({}));
  });

  it("names the variable that is wrong, and the file it came from", () => {
    expect(errorOf(() => loadConfig({ PORT: "eighty" })).message).toBe("PORT: must be a number");
    expect(errorOf(() => loadConfig({ DATABASE_URL: "localhost:5432" })).message).toBe(
      "DATABASE_URL: must be a URL like postgres://user@host:5432/db",
    );
    expect(errorOf(() => loadConfig({ TANDEM_WORKERS: "yes" })).message).toBe("TANDEM_WORKERS: must be on or off");
    const folder = mkdtempSync(join(tmpdir(), "tandem-config-"));
    const file = join(folder, "tandem.yaml");
    writeFileSync(file, "PORT: 8080\nTANDEM_RATE_LIMIT: -5\n");
    expect(errorOf(() => loadConfig({ TANDEM_CONFIG: file })).message).toBe(`TANDEM_RATE_LIMIT (in ${file}): must be at least 1`);
    expect(loadConfig({ TANDEM_CONFIG: file, TANDEM_RATE_LIMIT: "50" })).toMatchObject({ PORT: 8080, TANDEM_RATE_LIMIT: 50 });
    writeFileSync(file, "PROT: 8080\n");
    expect(errorOf(() => loadConfig({ TANDEM_CONFIG: file })).message).toMatch(/tandem\.yaml: unknown setting PROT \(known: PORT, HOST/);
  });
});

describe.each(storeBackends())("the service on the $name store", (backend) => {
  let running: RunningService;
  let key: string;
  let config: ServiceConfig;
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${running.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });

  beforeAll(async () => {
    config = loadConfig({ PORT: "0", TANDEM_RATE_LIMIT: "40", TANDEM_BODY_LIMIT_KB: "8" });
    const store = await backend.open();
    running = await startService(config, { logger: quiet, store, createFirstKey: true });
    key = running.firstKey ?? "";
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    await backend.cleanup();
  });

  it("answers health and readiness checks without a key", async () => {
    expect(await (await fetch(`${running.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${running.url}/readyz`)).json()).toEqual({ status: "ready", store: backend.name });
  });

  it("refuses /api without a valid key, as problem+json", async () => {
    const missing = await fetch(`${running.url}/api/decide`, { method: "POST" });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="tandem"');
    const wrong = await fetch(`${running.url}/api/decide`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.slice(0, -1)}${key.endsWith("x") ? "y" : "x"}` },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { detail: string }).detail).toBe("the API key is not valid or was revoked");
  });

  it("decides a message, and says exactly which field of a bad body is wrong", async () => {
    const ok = await call("/api/decide", {
      method: "POST",
      json: { message: "where is my order 12345?", context: { now: "2026-11-23T10:00:00Z" } },
    });
    expect(ok.status).toBe(200);
    const decision = (await ok.json()) as { route: string; suggestion: { text: string } };
    expect(decision.route).toBe("automate");
    expect(decision.suggestion.text).toContain("order 12345");

    const bad = await call("/api/decide", {
      method: "POST",
      json: { message: "hi", context: { customer: { email: "nope" }, previousContacts: -2 } },
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { detail: string; errors: { path: string }[]; instance: string };
    expect(problem.errors.map((error) => error.path)).toEqual(["context.customer.email", "context.previousContacts"]);
    expect(problem.detail).toBe("the body is invalid: context.customer.email: Invalid email address");
    expect(problem.instance).toBe("/api/decide");

    const notJson = await call("/api/decide", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect([notJson.status, ((await notJson.json()) as { detail: string }).detail]).toEqual([400, "the request body is not valid JSON"]);
    const tooBig = await call("/api/decide", { method: "POST", json: { message: "x".repeat(9 * 1024) } });
    expect(tooBig.status).toBe(413);
    const plain = await call("/api/decide", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(plain.status).toBe(415);
    const unknown = await call("/api/nothing-here");
    expect(unknown.status).toBe(404);
  });

  it("serves triage, suggestion, handoff and knowledge-base search", async () => {
    const triaged = (await (await call("/api/triage", { method: "POST", json: { message: "I forgot my password" } })).json()) as {
      intent: string;
    };
    expect(triaged.intent).toBe("account_access");
    const suggested = (await (await call("/api/suggest", { method: "POST", json: { message: "I forgot my password" } })).json()) as {
      suggestion: { sources: { article: string }[] };
    };
    expect(suggested.suggestion.sources[0]?.article).toBe("reset-your-password");
    const markdown = await call("/api/handoff", { method: "POST", json: { message: "I want to speak to a manager", format: "markdown" } });
    expect(markdown.headers.get("content-type")).toContain("text/markdown");
    expect(await markdown.text()).toMatch(/^### Tandem handoff: (human|urgent)/);
    const search = (await (await call("/api/kb/search?q=refund%20takes%20how%20long&limit=2")).json()) as { hits: unknown[] };
    expect(search.hits).toHaveLength(2);
    const badSearch = await call("/api/kb/search?limit=2");
    expect(((await badSearch.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("q");
  });

  it("records a message event once, decides it in the background, and lets a person claim and resolve the escalation", async () => {
    const event = {
      eventId: "chat-1",
      source: "webchat",
      conversationId: "visitor-9",
      text: "Let me talk to a real person please",
      channel: "chat",
    };
    const first = await call("/api/messages", { method: "POST", json: event });
    const again = await call("/api/messages", { method: "POST", json: event });
    expect([first.status, await first.json()]).toEqual([202, { status: "accepted", eventId: "chat-1" }]);
    expect([again.status, await again.json()]).toEqual([200, { status: "duplicate", eventId: "chat-1" }]);
    let escalations: { id: number; conversation_id: number; state: string; route: string }[] = [];
    for (let tries = 0; tries < 50 && escalations.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ({ escalations } = (await (await call("/api/escalations")).json()) as { escalations: typeof escalations });
    }
    expect(escalations).toHaveLength(1);
    const [escalation] = escalations;
    const conversation = (await (await call(`/api/conversations/${escalation.conversation_id}`)).json()) as {
      conversation: { source: string; external_id: string; channel: string };
      messages: { text: string }[];
      decision: { route: string };
    };
    expect(conversation.conversation).toMatchObject({ source: "webchat", external_id: "visitor-9", channel: "chat" });
    expect(conversation.messages.map((message) => message.text)).toEqual([event.text]);
    expect(["human", "urgent"]).toContain(conversation.decision.route);
    const claimed = await call(`/api/escalations/${escalation.id}/claim`, { method: "POST", json: { by: "agent-ada" } });
    expect(((await claimed.json()) as { claimed_by: string }).claimed_by).toBe("agent-ada");
    const clash = await call(`/api/escalations/${escalation.id}/claim`, { method: "POST", json: { by: "agent-bob" } });
    expect([clash.status, ((await clash.json()) as { detail: string }).detail]).toEqual([409, "already claimed by agent-ada"]);
    await call(`/api/escalations/${escalation.id}/resolve`, { method: "POST", json: { by: "agent-ada" } });
    const metrics = (await (await call("/api/metrics?days=1")).json()) as { decisions: number; timeToClaim: { count: number } };
    expect(metrics.decisions).toBe(1);
    expect(metrics.timeToClaim.count).toBe(1);
    const missing = await call("/api/escalations/99999/claim", { method: "POST", json: { by: "x" } });
    expect(missing.status).toBe(404);
  });

  it("shows the dead-letter queue and retries from it", async () => {
    const { id } = await running.store.enqueue({
      idempotencyKey: "dead-1",
      kind: "webhook",
      payload: { url: "https://example.invalid/x", body: {} },
    });
    await running.store.markDead(id, "HTTP 400: bad");
    const outbox = (await (await call("/api/outbox?state=dead")).json()) as {
      counts: { dead: number };
      actions: { id: number; last_error: string }[];
    };
    expect(outbox.counts.dead).toBe(1);
    expect(outbox.actions[0]).toMatchObject({ id, last_error: "HTTP 400: bad" });
    expect((await call(`/api/outbox/${id}/retry`, { method: "POST", json: {} })).status).toBe(200);
    const twice = await call(`/api/outbox/${id}/retry`, { method: "POST", json: {} });
    expect([twice.status, ((await twice.json()) as { detail: string }).detail]).toEqual([
      409,
      `action ${id} is not in the dead-letter queue`,
    ]);
    await running.store.markDead(id, "stop retrying in this test");
  });

  it("lists the model's intents and keeps feedback, refusing a correction to an intent the model lacks", async () => {
    const { intents } = (await (await call("/api/intents")).json()) as { intents: string[] };
    expect(intents).toContain("order_status");
    expect(intents).not.toContain("out_of_scope");
    const missing = await call("/api/feedback", {
      method: "POST",
      json: { kind: "wrong_intent", message: "hi", predictedIntent: "order_status" },
    });
    expect(((await missing.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([
      { path: "correctIntent", message: "name the right intent" },
    ]);
    const unknown = await call("/api/feedback", {
      method: "POST",
      json: { kind: "wrong_intent", message: "hi", predictedIntent: "order_status", correctIntent: "astrology" },
    });
    expect(unknown.status).toBe(422);
    const saved = await call("/api/feedback", {
      method: "POST",
      json: { kind: "wrong_intent", message: "where's my stuff", predictedIntent: "unknown", correctIntent: "order_status" },
    });
    expect(saved.status).toBe(201);
    expect(await running.store.correctedExamples()).toEqual([{ text: "where's my stuff", label: "order_status" }]);
  });

  it("sets helmet's security headers on API answers, errors and the dashboard alike", async () => {
    for (const response of [
      await call("/api/intents"),
      await fetch(`${running.url}/api/intents`),
      await fetch(`${running.url}/dashboard/`),
      await fetch(`${running.url}/nowhere`),
    ]) {
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(response.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(response.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("exposes Prometheus metrics", async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).toMatch(/^tandem_decisions_total\{route="automate",intent="order_status"\} 1$/m);
    expect(text).toMatch(/^tandem_http_request_duration_seconds_count\{method="POST",route="\/api\/decide",status="200"\} 1$/m);
    expect(text).toMatch(/^tandem_open_escalations 0$/m);
    expect(text).toContain("tandem_process_resident_memory_bytes");
  });

  it("limits requests per key with problem+json and Retry-After", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const response = await call("/api/kb/search?q=refund");
      if (response.status === 429) limited = response;
    }
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    expect(limited?.headers.get("ratelimit-policy")).toBe("40;w=60");
    expect(limited?.headers.get("ratelimit")).toMatch(/^limit=40, remaining=0, reset=(59|60)$/);
    expect(((await limited?.json()) as { detail: string }).detail).toBe(
      "more than 40 requests in a minute for this API key; try again shortly",
    );
  });
});

describe("tandem keys", () => {
  it("creates, lists and revokes keys in the embedded database, showing a key only once", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tandem-keys-"));
    const previous = process.env.TANDEM_DATA_DIR;
    process.env.TANDEM_DATA_DIR = folder;
    try {
      const out: string[] = [];
      const output = { out: (text: string) => out.push(text), err: (text: string) => out.push(text) };
      expect(await runCli(["keys", "create", "--name", "zendesk sidebar", "--json"], output)).toBe(0);
      const created = JSON.parse(out.pop() ?? "") as { id: string; key: string };
      expect(created.key).toMatch(/^tdm_[0-9a-f]{12}_/);
      expect(await runCli(["keys", "list"], output)).toBe(0);
      expect(out.pop()).toMatch(new RegExp(`^${created.id}  zendesk sidebar .* never used$`));
      expect(out.join("\n")).not.toContain(created.key);
      expect(await runCli(["keys", "revoke", created.id], output)).toBe(0);
      expect(out.pop()).toBe(`Revoked key ${created.id}.`);
      expect(await runCli(["keys", "revoke", "nothex"], output)).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.TANDEM_DATA_DIR;
      else process.env.TANDEM_DATA_DIR = previous;
    }
  }, 30_000);
});
