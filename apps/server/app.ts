// The express application: security headers, request logs without personal data, health checks, /api behind API keys,
// /metrics for Prometheus, and the dashboard.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Decider } from "../../core/decide/decide.js";
import type { ConversationService, Improver } from "../../core/service/conversations.js";
import type { Store } from "../../core/store/store.js";
import { mountApi } from "./api.js";
import type { DecisionPool } from "./decision-pool.js";
import { apiKeyAuth, perKeyRateLimit } from "./auth.js";
import type { ServiceConfig } from "./config.js";
import { jsonBody } from "./json-body.js";
import { problem, problemHandler } from "./problem.js";
import type { ServiceMetricsRegistry } from "./prometheus.js";

export const dashboardFolder = fileURLToPath(new URL("../dashboard/public/", import.meta.url));
const chartJsFolder = dirname(createRequire(import.meta.url).resolve("chart.js"));

export interface AppDependencies {
  config: ServiceConfig;
  store: Store;
  decider: Decider;
  service: ConversationService;
  logger: Logger;
  metrics: ServiceMetricsRegistry;
  /** False while starting and once shutting down: /readyz answers 503 so that a load balancer stops sending work. */
  isReady: () => boolean;
  wakeEvents: () => void;
  wakeOutbox: () => void;
  improve?: Improver | undefined;
  /** Decision threads for the API's decisions; absent: decided on the main thread. */
  pool?: DecisionPool | undefined;
  /** Routers mounted before the JSON body parser (Slack and webhooks verify signatures on the raw body). */
  rawRoutes?: { path: string; handler: RequestHandler }[];
}

/** The headers a helmet middleware sets, read once by running it against a recording response. */
function helmetHeaders(middleware: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void) {
  const headers = new Map<string, string>();
  const recorder = {
    // lower-case names, as Node keys them: setting them then allocates no lower-cased copy per request
    setHeader: (name: string, value: string | number) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

export function createApp(deps: AppDependencies): Express {
  const { config, store, logger, metrics } = deps;
  const app = express();
  app.disable("x-powered-by");
  // API answers are fresh every time: hashing each body for an ETag costs more than the decision's own work
  app.set("etag", false);
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  // helmet's headers do not depend on the request: computed once by helmet itself, then set on every answer in one step
  const securityHeaders = helmetHeaders(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          // the service often runs on plain http inside a network; upgrading would break the dashboard there
          "upgrade-insecure-requests": null,
        },
      },
    }),
  );
  // one line per request (method, path without the query, status, time, key id; never bodies or headers) and its duration
  // under its route pattern in /metrics, from one listener. The line holds nothing to redact, so it skips the redaction
  // pass (about 2 µs a line with wildcard paths).
  const accessLog = logger.child({}, { redact: [] });
  app.use((request, response, next) => {
    response.setHeaders(securityHeaders);
    const started = performance.now();
    response.once("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(request, response.statusCode, seconds);
      const url = request.originalUrl;
      const query = url.indexOf("?");
      accessLog.info(
        {
          method: request.method,
          path: query === -1 ? url : url.slice(0, query),
          status: response.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          key: request.apiKeyId,
        },
        "request",
      );
    });
    next();
  });

  // /api first: the requests that carry the most traffic meet no other layer before their own routes
  mountApi(
    app,
    "/api",
    {
      store,
      decider: deps.decider,
      service: deps.service,
      wakeEvents: deps.wakeEvents,
      wakeOutbox: deps.wakeOutbox,
      onDecision: metrics.countDecision,
      improve: deps.improve,
      pool: deps.pool,
    },
    [
      apiKeyAuth(store, { appJwtSecret: config.ZENDESK_APP_JWT_SECRET }),
      perKeyRateLimit(config.TANDEM_RATE_LIMIT),
      jsonBody(config.TANDEM_BODY_LIMIT_KB * 1024),
    ],
  );

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  app.get("/readyz", async (_request, response) => {
    if (!deps.isReady()) {
      response.status(503).json({ status: "unavailable", detail: "starting or shutting down" });
      return;
    }
    try {
      await store.ping();
      response.json({ status: "ready", store: store.kind });
    } catch {
      response.status(503).json({ status: "unavailable", detail: "the database does not answer" });
    }
  });
  app.get("/metrics", async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  for (const route of deps.rawRoutes ?? []) app.use(route.path, route.handler);

  app.get("/", (_request, response) => {
    response.redirect("/dashboard/");
  });
  app.use("/dashboard/vendor/chart.js", express.static(join(chartJsFolder), { maxAge: "1d", index: false }));
  app.use("/dashboard", express.static(dashboardFolder, { maxAge: "5m" }));
  app.use((request) => {
    throw problem(404, `nothing at ${request.method} ${request.path}`);
  });
  app.use(problemHandler(logger));
  return app;
}
