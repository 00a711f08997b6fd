// Graceful shutdown finishes the delivery in flight; request logs carry no message text, key or personal data.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";

afterEach(() => {
  nock.cleanAll();
});

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, logger: pino({ level: "debug" }, stream) };
}

describe("service lifecycle", () => {
  it("on shutdown, stops taking requests but finishes the delivery under way", async () => {
    const { logger } = capture();
    const dataDir = mkdtempSync(join(tmpdir(), "tandem-shutdown-"));
    const store = await Store.open({ dataDir });
    const running = await startService(loadConfig({ PORT: "0", TANDEM_OUTBOX_LEASE_MS: "60000" }), { logger, store });
    const remote = nock("https://hooks.example.com").post("/slow").delay(400).reply(200, { ok: true });
    await store.enqueue({ idempotencyKey: "slow-1", kind: "webhook", payload: { url: "https://hooks.example.com/slow", body: {} } });
    running.outbox?.wake();
    // wait until the delivery has started, then shut down
    for (let tries = 0; tries < 100 && (await store.countActions()).delivering === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await store.countActions()).delivering).toBe(1);
    const url = running.url;
    const closing = running.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await closing;
    expect(remote.isDone()).toBe(true);
    // the delivery was recorded before the database closed
    const reopened = await Store.open({ dataDir });
    expect(await reopened.countActions()).toEqual({ pending: 0, delivering: 0, delivered: 1, dead: 0 });
    await reopened.close();
  });

  it("logs each request as one structured line without bodies, query strings, keys or personal data", async () => {
    const { lines, logger } = capture();
    const running = await startService(loadConfig({ PORT: "0" }), { logger, store: await Store.open(), createFirstKey: true });
    try {
      const secretText = "My card 4111 1111 1111 1111 was charged twice, write to ada@example.com";
      await fetch(`${running.url}/api/decide`, {
        method: "POST",
        headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
        body: JSON.stringify({ message: secretText }),
      });
      await fetch(`${running.url}/api/kb/search?q=ada%40example.com`, { headers: { authorization: `Bearer ${running.firstKey ?? ""}` } });
      const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === "request");
      expect(requests.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
        ["POST", "/api/decide", 200],
        ["GET", "/api/kb/search", 200],
      ]);
      expect(typeof requests[0]?.key).toBe("string");
      const all = lines.join("\n");
      for (const secret of ["4111", "ada@example.com", "ada%40example.com", "charged twice", running.firstKey ?? "never"])
        expect(all, secret).not.toContain(secret);
    } finally {
      await running.close();
    }
  });
});
