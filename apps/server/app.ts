// The express application: security headers, request logs without personal data, health checks, /api behind API keys,
// /metrics for Prometheus, and the dashboard.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Decider } from "../../core/decide/decide.js";
import type { ConversationService, Improver } from "../../core/service/conversations.js";
import type { Store } from "../../core/store/store.js";
import { apiRouter } from "./api.js";
import { apiKeyAuth, perKeyRateLimit } from "./auth.js";
import type { ServiceConfig } from "./config.js";
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
  /** Routers mounted before the JSON body parser (Slack and webhooks verify signatures on the raw body). */
  rawRoutes?: { path: string; handler: RequestHandler }[];
}

export function createApp(deps: AppDependencies): Express {
  const { config, store, logger, metrics } = deps;
  const app = express();
  app.disable("x-powered-by");
  // API answers are fresh every time: hashing each body for an ETag costs more than the decision's own work
  app.set("etag", false);
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(
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
  app.use(metrics.middleware);
  // one line per request: method, path without the query, status, time, key id; never bodies or headers
  app.use((request, response, next) => {
    const started = performance.now();
    response.on("finish", () => {
      logger.info(
        {
          method: request.method,
          path: request.originalUrl.split("?")[0],
          status: response.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          key: request.apiKeyId,
        },
        "request",
      );
    });
    next();
  });

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

  app.use(
    "/api",
    apiKeyAuth(store, { appJwtSecret: config.ZENDESK_APP_JWT_SECRET }),
    perKeyRateLimit(config.TANDEM_RATE_LIMIT),
    express.json({ limit: config.TANDEM_BODY_LIMIT_KB * 1024, strict: true }),
    (request, _response, next) => {
      if (["POST", "PUT", "PATCH"].includes(request.method) && !request.is("application/json") && request.headers["content-length"] !== "0")
        throw problem(415, "send the body as JSON (Content-Type: application/json)");
      next();
    },
    apiRouter({
      store,
      decider: deps.decider,
      service: deps.service,
      wakeEvents: deps.wakeEvents,
      wakeOutbox: deps.wakeOutbox,
      onDecision: (route, intent) => metrics.decisions.inc({ route, intent }),
      improve: deps.improve,
    }),
  );

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
