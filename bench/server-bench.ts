// The server block of `npm run bench`: POST /api/decide against an express hello-world on the same machine (both in their
// own process, measured by autocannon in the same run), p99 at a fixed 500 requests per second, ingestion of 20,000 message
// events with duplicates mixed in, and the idle memory of the service.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { EscalationRow } from "./escalation-bench.js";

const cli = fileURLToPath(new URL("../apps/cli/bin.js", import.meta.url));
const hello = fileURLToPath(new URL("./hello-server.js", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (child.exitCode !== null) throw new Error(`the process exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function residentMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ ...options });
}

/** Requests per second of POST /api/decide on a service that decides on its main thread (no decision threads). */
async function decideOnMainThread(
  env: NodeJS.ProcessEnv,
  requests: autocannon.Request[],
  seconds: number,
  log: (line: string) => void,
): Promise<number> {
  const port = await freePort();
  const service = spawn(process.execPath, ["--max-semi-space-size=4", cli, "serve", "--port", String(port)], {
    env: { ...env, TANDEM_DECISION_THREADS: "0", TANDEM_WORKERS: "off" },
    stdio: "ignore",
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${base}/readyz`, service);
    await run({ url: base, connections: 8, duration: 2, requests }); // warm up
    log(`server: POST /api/decide with decisions on the main thread, ${seconds} s…`);
    return (await run({ url: base, connections: 16, duration: seconds, requests })).requests.average;
  } finally {
    await stop(service);
  }
}

export async function benchServer(messages: readonly string[], log: (line: string) => void): Promise<EscalationRow[]> {
  const rows: EscalationRow[] = [];
  const seconds = 10;

  // 1. the baseline, flat out and at the paced rate (its p99 there is the harness's own floor: autocannon paces in bursts)
  const helloPort = await freePort();
  const helloChild = spawn(process.execPath, [hello], { env: { ...process.env, PORT: String(helloPort) }, stdio: "ignore" });
  await waitUntilUp(`http://127.0.0.1:${helloPort}/`, helloChild);
  log(`server: express hello-world, ${seconds} s…`);
  const baseline = await run({ url: `http://127.0.0.1:${helloPort}/`, connections: 16, duration: seconds });
  log(`server: express hello-world at 500 requests per second, ${seconds} s…`);
  const baselinePaced = await run({ url: `http://127.0.0.1:${helloPort}/`, connections: 16, duration: seconds, overallRate: 500 });
  await stop(helloChild);

  // 2. the service, on a fresh embedded database, with a key made beforehand and its logs at the default level
  const dataDir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const env = { ...process.env, TANDEM_DATA_DIR: dataDir, TANDEM_RATE_LIMIT: "1000000", LOG_LEVEL: "info" };
  const { key } = JSON.parse(
    execFileSync(process.execPath, [cli, "keys", "create", "--name", "bench", "--json"], { env, encoding: "utf8" }),
  ) as {
    key: string;
  };
  const port = await freePort();
  // as the tandem executable runs it (its shebang sets the young generation's size)
  const service = spawn(process.execPath, ["--max-semi-space-size=4", cli, "serve", "--port", String(port)], { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${base}/readyz`, service);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleMegabytes = residentMegabytes(service.pid ?? 0);

    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const requests = messages.map((message) => ({
      method: "POST" as const,
      path: "/api/decide",
      headers,
      body: JSON.stringify({ message }),
    }));
    await run({ url: base, connections: 8, duration: 2, requests }); // warm up
    // the steady rate first: measured after the flat-out run, it would measure the heap's recovery from that burst instead
    log(`server: POST /api/decide at 500 requests per second, ${seconds} s…`);
    const paced = await run({ url: base, connections: 16, duration: seconds, overallRate: 500, requests });
    log(`server: POST /api/decide, ${seconds} s…`);
    const decide = await run({ url: base, connections: 16, duration: seconds, requests });
    const mainThread = await decideOnMainThread(env, requests, seconds, log);

    // 3. ingestion: 20,000 events, 2,000 of them sent twice, in a shuffled order
    const unique = 20_000;
    const order = [...Array.from({ length: unique }, (_, i) => i), ...Array.from({ length: 2_000 }, (_, i) => i * 10)];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const eventBody = (n: number) =>
      JSON.stringify({
        eventId: `bench-${n}`,
        source: "bench",
        conversationId: `c-${n % 5000}`,
        messageId: `m-${n}`,
        text: messages[n % messages.length],
        channel: n % 2 === 0 ? "chat" : "email",
      });
    // one shared cursor, so that the connections together send each planned post once
    let cursor = 0;
    const ingest = [
      {
        method: "POST" as const,
        path: "/api/messages",
        headers,
        setupRequest: (request: autocannon.Request) => ({ ...request, body: eventBody(order[cursor++ % order.length]) }),
      },
    ];
    log(`server: ingesting ${order.length.toLocaleString("en-US")} message events (${unique.toLocaleString("en-US")} unique)…`);
    const started = performance.now();
    let accepted = 0;
    let duplicates = 0;
    let failed = 0;
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon({ url: base, connections: 16, amount: order.length, requests: ingest }, (error) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
      instance.on("response", (_client: unknown, statusCode: number) => {
        if (statusCode === 202) accepted++;
        else if (statusCode === 200) duplicates++;
        else failed++;
      });
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    // wait for the event worker to decide every recorded event
    let processed = 0;
    for (let tries = 0; tries < 1200 && processed < unique; tries++) {
      const text = await (await fetch(`${base}/metrics`)).text();
      processed = Number(/^tandem_inbound_events\{state="processed"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      if (processed < unique) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const processSeconds = (performance.now() - started) / 1000;
    const metrics = (await (await fetch(`${base}/api/metrics?days=1`, { headers })).json()) as { decisions: number };

    const ratio = decide.requests.average / baseline.requests.average;
    rows.push(
      {
        measure: "express hello-world, requests/s (16 connections)",
        dataset: "GET /",
        value: Math.round(baseline.requests.average).toLocaleString("en-US"),
        target: "baseline",
      },
      {
        measure: "POST /api/decide, requests/s (16 connections)",
        dataset: `${messages.length} real messages`,
        value: Math.round(decide.requests.average).toLocaleString("en-US"),
        target: "",
      },
      { measure: "decide throughput / hello-world", dataset: "same run", value: ratio.toFixed(3), target: "≥ 0.5" },
      {
        measure: "the same, decisions on the main thread (TANDEM_DECISION_THREADS=0)",
        dataset: "same run",
        value: `${Math.round(mainThread).toLocaleString("en-US")} (${(mainThread / baseline.requests.average).toFixed(3)})`,
        target: "",
      },
      {
        measure: "POST /api/decide p99 at 500 req/s (ms)",
        dataset: `${paced.requests.total} requests`,
        value: String(paced.latency.p99),
        target: "< 25",
      },
      {
        measure: "express hello-world p99 at 500 req/s (ms)",
        dataset: "the harness's floor",
        value: String(baselinePaced.latency.p99),
        target: "",
      },
      {
        measure: "message events: accepted / duplicates / errors",
        dataset: `${order.length} posts, ${unique} unique`,
        value: `${accepted} / ${duplicates} / ${failed}`,
        target: `${unique} / 2000 / 0`,
      },
      {
        measure: "message events processed / decisions stored",
        dataset: `in ${processSeconds.toFixed(1)} s (posted in ${ingestSeconds.toFixed(1)} s)`,
        value: `${processed} / ${metrics.decisions}`,
        target: `${unique} / ${unique}`,
      },
      { measure: "service idle memory, resident (MB)", dataset: "starter model loaded", value: idleMegabytes.toFixed(1), target: "< 150" },
    );
  } finally {
    await stop(service);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
