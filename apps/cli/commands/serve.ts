// `tandem serve`: the Tandem service (API, dashboard, workers) on the embedded database or PostgreSQL.
import { relative } from "node:path";
import { z } from "zod";
import { loadConfig } from "../../server/config.js";
import { startService } from "../../server/service.js";
import { defineCommand, numberFlag } from "../command.js";

export const serveCommand = defineCommand({
  name: "serve",
  summary: "run the Tandem service: JSON API, dashboard, webhooks and workers",
  usage: "tandem serve [--port N] [--host HOST] [--data-dir DIR]   (settings: environment variables, see .env.example)",
  flags: [
    ["--port N", "port to listen on (default: PORT or 3000)"],
    ["--host HOST", "address to listen on (default: HOST or 127.0.0.1; 0.0.0.0 for every interface)"],
    ["--data-dir DIR", "folder of the embedded database (default: TANDEM_DATA_DIR or .tandem)"],
  ],
  options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } },
  schema: z.object({
    port: numberFlag("port", (n) => n.int().min(0).max(65_535)).optional(),
    host: z.string().min(1).optional(),
    "data-dir": z.string().min(1).optional(),
    positionals: z.array(z.string()).length(0, "takes no arguments"),
  }),
  async run(input, { out }) {
    const env = { ...process.env };
    if (input.port !== undefined) env.PORT = String(input.port);
    if (input.host) env.HOST = input.host;
    if (input["data-dir"]) env.TANDEM_DATA_DIR = input["data-dir"];
    const config = loadConfig(env);
    const running = await startService(config, { createFirstKey: true });
    const storage =
      running.store.kind === "postgres"
        ? "PostgreSQL (DATABASE_URL)"
        : `embedded database in ${relative(process.cwd(), config.TANDEM_DATA_DIR) || "."}/db`;
    out(`Tandem is running at ${running.url} on the ${storage}.`);
    if (running.firstKey) {
      out(`Dashboard: ${running.url}/dashboard/#key=${running.firstKey}`);
      out("That link holds the first API key, shown only now. Create more with `tandem keys create --name NAME`.");
    } else out(`Dashboard: ${running.url}/dashboard/ (sign in with an API key; create one with \`tandem keys create\`)`);
    out("Press Ctrl+C to stop.");
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        out(`\n${signal}: finishing the work in flight…`);
        const timer = setTimeout(() => {
          running.logger.error("shutdown took too long; exiting");
          process.exit(1);
        }, config.TANDEM_SHUTDOWN_TIMEOUT_MS);
        timer.unref();
        running.close().then(resolve, (error: unknown) => {
          running.logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        });
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    out("Stopped.");
  },
});
