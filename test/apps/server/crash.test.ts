// Kills the service (a child process, SIGKILL) while it delivers outbox actions, starts it again, and checks that every
// action took effect exactly once at the receiving end: delivery is at least once, and the idempotency key every request
// carries lets the receiver apply a repeat once.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { Store, type StoreOptions } from "../../../core/store/store.js";
import { testDatabaseUrl } from "../../fixtures/stores.js";

const ACTIONS = 24;
const REMOTE_DELAY_MS = 250;

/** The receiving end: answers slowly, records every request, applies each idempotency key once. */
function startReceiver(): Promise<{ server: Server; url: string; requests: string[]; applied: Map<string, number> }> {
  const requests: string[] = [];
  const applied = new Map<string, number>();
  const server = createServer((request, response) => {
    const key = String(request.headers["idempotency-key"]);
    request.resume();
    request.on("end", () => {
      requests.push(key);
      setTimeout(() => {
        if (!applied.has(key)) applied.set(key, 1);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      }, REMOTE_DELAY_MS);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, applied }),
    ),
  );
}

function startService(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "apps/cli/bin.ts", "serve", "--port", "0"], {
    env: { ...process.env, LOG_LEVEL: "silent", TANDEM_OUTBOX_LEASE_MS: "1500", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe.each<{ name: string; storeOptions: () => StoreOptions }>([
  { name: "embedded", storeOptions: () => ({ dataDir: join(mkdtempSync(join(tmpdir(), "tandem-crash-")), "db") }) },
  { name: "postgres", storeOptions: () => ({ databaseUrl: testDatabaseUrl, schema: `tandem_crash_${Date.now().toString(36)}` }) },
])("a service killed mid-delivery on the $name store", ({ name, storeOptions }) => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  it("delivers every action exactly once after a restart", async () => {
    const receiver = await startReceiver();
    const options = storeOptions();
    const store = await Store.open(options);
    for (let i = 0; i < ACTIONS; i++)
      await store.enqueue({ idempotencyKey: `crash-${i}`, kind: "webhook", payload: { url: `${receiver.url}/deliver`, body: { i } } });
    const env: Record<string, string> =
      name === "embedded"
        ? { TANDEM_DATA_DIR: join(options.dataDir ?? "", "..") }
        : { DATABASE_URL: `${testDatabaseUrl}?options=${encodeURIComponent(`-c search_path=${options.schema ?? ""}`)}` };

    const first = startService(env);
    children.push(first);
    await waitFor(() => receiver.requests.length >= 5, 30_000, "the first deliveries");
    first.kill("SIGKILL");
    await exited(first);
    const beforeRestart = receiver.requests.length;
    expect(beforeRestart).toBeLessThan(ACTIONS);

    const second = startService(env);
    children.push(second);
    // done when the store has every action delivered (the ones cut off by the kill wait for their lease to run out)
    await waitFor(async () => (await store.countActions()).delivered === ACTIONS, 60_000, "every action to be delivered");
    second.kill("SIGTERM");
    await exited(second);

    const counts = await store.countActions();
    if (options.schema) await sql`drop schema ${sql.id(options.schema)} cascade`.execute(store.db);
    await store.close();
    receiver.server.close();

    expect(counts).toEqual({ pending: 0, delivering: 0, delivered: ACTIONS, dead: 0 });
    // every action applied once at the receiver; the ones cut off by the kill were sent again with the same key
    expect([...receiver.applied.keys()].sort()).toEqual(Array.from({ length: ACTIONS }, (_, i) => `crash-${i}`).sort());
    expect([...receiver.applied.values()].every((times) => times === 1)).toBe(true);
    // the kill cut deliveries off: some actions were sent twice, and still took effect once
    expect(receiver.requests.length).toBeGreaterThan(ACTIONS);
    expect(new Set(receiver.requests).size).toBe(ACTIONS);
  }, 120_000);
});
