// Service configuration: environment variables, optionally over a config file (TANDEM_CONFIG, YAML or JSON, same names).
// Checked with zod; a mistake stops start-up with a message that names the variable.
import { availableParallelism } from "node:os";
import { z } from "zod";
import { readDataFile } from "../../core/data-file.js";
import { TandemError } from "../../core/errors.js";

const whole = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

export const configSchema = z.object({
  PORT: whole(0, 65_535).default(3000),
  /** 127.0.0.1 by default; 0.0.0.0 to listen on every interface (containers). */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Where the embedded database lives when DATABASE_URL is not set. */
  TANDEM_DATA_DIR: z.string().min(1).default(".tandem"),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(?:ql)?:\/\/\S+$/, "must be a URL like postgres://user@host:5432/db")
      .optional(),
  ),
  TANDEM_POLICY: optionalText,
  TANDEM_KB: optionalText,
  TANDEM_MACROS: optionalText,
  TANDEM_MODEL: optionalText,
  /** The address users reach the service at (for links), e.g. https://tandem.example.com. */
  TANDEM_PUBLIC_URL: optionalText.pipe(z.url("must be a URL like https://tandem.example.com").optional()),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be fatal, error, warn, info, debug, trace or silent",
    })
    .default("info"),
  /** Largest request body accepted, in kilobytes. */
  TANDEM_BODY_LIMIT_KB: whole(1, 10_240).default(512),
  /** Requests per minute per API key. */
  TANDEM_RATE_LIMIT: whole(1, 1_000_000).default(600),
  /** How long a graceful shutdown may take before the process exits anyway. */
  TANDEM_SHUTDOWN_TIMEOUT_MS: whole(100, 600_000).default(10_000),
  /**
   * Threads that make the decisions of /api/decide, /api/suggest, /api/handoff and of the messages webhooks bring (see
   * decision-pool.ts); 0 makes them on the main thread. Empty: one less than the machine's cores, at most 4 (so 0 on a single core, where a thread would only
   * add the hand-over). Each thread holds its own model and tables (about 20 MB).
   */
  TANDEM_DECISION_THREADS: z
    .preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), whole(0, 64).optional())
    .transform((value) => value ?? Math.min(4, availableParallelism() - 1)),
  /** Decisions that may wait for a decision thread; past it the API answers 503 with Retry-After. */
  TANDEM_DECISION_QUEUE: whole(1, 1_000_000).default(4096),
  /** Off for a web-only instance: then no outbox or event worker runs here. */
  TANDEM_WORKERS: z
    .enum(["on", "off"], { error: "must be on or off" })
    .default("on")
    .transform((value) => value === "on"),
  /** How long an outbox action stays with one worker before another may take it over. */
  TANDEM_OUTBOX_LEASE_MS: whole(100, 3_600_000).default(60_000),
  /** Slack: the app's signing secret (Basic Information) and bot token (OAuth & Permissions); both turn the Slack app on. */
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xoxb-/, "must be a bot token (xoxb-…)")
      .optional(),
  ),
  /** Slack: an app-level token (xapp-…, scope connections:write) switches to Socket Mode, for a service without a public address. */
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xapp-/, "must be an app-level token (xapp-…)")
      .optional(),
  ),
  /** Slack OAuth, to install in any number of workspaces from /slack/install (instead of SLACK_BOT_TOKEN). */
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  /** A long random string that signs the OAuth state. */
  SLACK_STATE_SECRET: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** With several workspaces installed: the one escalations are posted to (its team id, T0123…); the latest install otherwise. */
  SLACK_TEAM_ID: optionalText,
  /** Zendesk: the account's subdomain (acme for acme.zendesk.com) and the webhook's signing secret. */
  ZENDESK_SUBDOMAIN: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, "must be the subdomain alone, e.g. acme for acme.zendesk.com")
      .optional(),
  ),
  ZENDESK_WEBHOOK_SECRET: optionalText,
  /** Zendesk API: an agent's email with an API token, or an OAuth token. */
  ZENDESK_EMAIL: optionalText.pipe(z.email("must be an email address").optional()),
  ZENDESK_API_TOKEN: optionalText,
  ZENDESK_OAUTH_TOKEN: optionalText,
  /** Ids of custom ticket fields to fill with the intent, score and route (optional). */
  ZENDESK_FIELD_INTENT: optionalText.pipe(z.string().regex(/^\d+$/, "must be a custom field's id (digits)").transform(Number).optional()),
  ZENDESK_FIELD_SCORE: optionalText.pipe(z.string().regex(/^\d+$/, "must be a custom field's id (digits)").transform(Number).optional()),
  ZENDESK_FIELD_ROUTE: optionalText.pipe(z.string().regex(/^\d+$/, "must be a custom field's id (digits)").transform(Number).optional()),
  /** The sidebar app's shared secret, when its requests carry a Zendesk-signed JWT instead of an API key (16+ characters). */
  ZENDESK_APP_JWT_SECRET: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** on: answer publicly on the automate route (signed as the automation, with the line on reaching a person). */
  ZENDESK_AUTO_REPLY: z
    .enum(["on", "off"], { error: "must be on or off" })
    .default("off")
    .transform((value) => value === "on"),
  /** HubSpot: the app's client secret (it signs webhooks and the card's requests); turns the HubSpot connector on. */
  HUBSPOT_CLIENT_SECRET: optionalText,
  /** HubSpot: a private app's access token (one account)… */
  HUBSPOT_ACCESS_TOKEN: optionalText,
  /** …or the app's client id, for OAuth installs in any number of accounts from /hubspot/install. */
  HUBSPOT_CLIENT_ID: optionalText,
  /** With HUBSPOT_ACCESS_TOKEN: the account (hub id) it belongs to; events from other accounts are refused. */
  HUBSPOT_PORTAL_ID: optionalText.pipe(z.string().regex(/^\d+$/, "must be the account's hub id (digits)").optional()),
  /** The inbox agent (actor id A-123…) that replies written in Slack are sent as. */
  HUBSPOT_SENDER_ACTOR_ID: optionalText.pipe(
    z
      .string()
      .regex(/^A-\d+$/, "must be an agent's actor id, e.g. A-1234567")
      .optional(),
  ),
  /** The company or contact property holding the customer's tier (matched against the policy's tiers); lifecycle stage otherwise. */
  HUBSPOT_TIER_PROPERTY: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z0-9_]+$/, "must be a property's internal name, e.g. tier")
      .optional(),
  ),
  /** on: an escalation from a customer with an open deal is sent to the deal owner in Slack (when Slack is configured). */
  HUBSPOT_NOTIFY_DEAL_OWNER: z
    .enum(["on", "off"], { error: "must be on or off" })
    .default("on")
    .transform((value) => value === "on"),
  /** HubSpot's API and app addresses (for a proxy, or an EU data-centre account: https://app-eu1.hubspot.com). */
  HUBSPOT_API_URL: optionalText.pipe(z.url("must be a URL like https://api.hubapi.com").optional()),
  HUBSPOT_APP_URL: optionalText.pipe(z.url("must be a URL like https://app.hubspot.com").optional()),
  /** OpenAI (or an OpenAI-compatible server): better drafts when a key is given; the local path otherwise and on any failure. */
  OPENAI_API_KEY: optionalText,
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_BASE_URL: optionalText.pipe(z.url("must be a URL like https://api.openai.com/v1").optional()),
  /** The time a draft may take before the local suggestion is used (milliseconds). */
  OPENAI_BUDGET_MS: whole(100, 60_000).default(4_000),
  /** Prices per million tokens, for the cost shown on the dashboard. */
  OPENAI_PRICE_INPUT: z.coerce.number({ error: "must be a number" }).min(0).default(0),
  OPENAI_PRICE_OUTPUT: z.coerce.number({ error: "must be a number" }).min(0).default(0),
  /** Slack's Web API address, for a proxy; https://slack.com/api/ when empty. */
  SLACK_API_URL: optionalText.pipe(z.url("must be a URL like https://slack.com/api/").optional()),
});

export type ServiceConfig = z.output<typeof configSchema>;

const NAMES = Object.keys(configSchema.shape);

/** Reads the configuration from `env` (process.env by default), over the file named by TANDEM_CONFIG if any. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  let fromFile: Record<string, unknown> = {};
  const file = env.TANDEM_CONFIG;
  if (file) {
    const parsed = readDataFile(file, "config file", "invalid_input");
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new TandemError("invalid_input", "must map variable names to values, e.g. PORT: 3000", { where: { file } });
    const unknown = Object.keys(parsed).filter((name) => !NAMES.includes(name));
    if (unknown.length > 0)
      throw new TandemError("invalid_input", `unknown setting ${unknown[0]} (known: ${NAMES.join(", ")})`, { where: { file } });
    fromFile = Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, value === null ? undefined : String(value)]));
  }
  const values: Record<string, unknown> = {};
  for (const name of NAMES) values[name] = env[name] ?? fromFile[name];
  const result = configSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0]);
    const origin = env[name] === undefined && file ? ` (in ${file})` : "";
    throw new TandemError("invalid_input", `${name}${origin}: ${issue.message}`);
  }
  const config = result.data;
  if (config.ZENDESK_SUBDOMAIN || config.ZENDESK_WEBHOOK_SECRET) {
    if (!config.ZENDESK_SUBDOMAIN) throw new TandemError("invalid_input", "ZENDESK_SUBDOMAIN: is needed with ZENDESK_WEBHOOK_SECRET");
    if (!config.ZENDESK_WEBHOOK_SECRET)
      throw new TandemError("invalid_input", "ZENDESK_WEBHOOK_SECRET: is needed with ZENDESK_SUBDOMAIN (the webhook's signing secret)");
    if (!config.ZENDESK_OAUTH_TOKEN && !(config.ZENDESK_EMAIL && config.ZENDESK_API_TOKEN))
      throw new TandemError(
        "invalid_input",
        `${config.ZENDESK_EMAIL ? "ZENDESK_API_TOKEN" : "ZENDESK_EMAIL"}: is needed to write to Zendesk (or set ZENDESK_OAUTH_TOKEN)`,
      );
  }
  if (config.HUBSPOT_CLIENT_SECRET || config.HUBSPOT_ACCESS_TOKEN || config.HUBSPOT_CLIENT_ID) {
    if (!config.HUBSPOT_CLIENT_SECRET)
      throw new TandemError("invalid_input", "HUBSPOT_CLIENT_SECRET: is needed to check HubSpot's signatures (the app's client secret)");
    if (!config.HUBSPOT_ACCESS_TOKEN && !config.HUBSPOT_CLIENT_ID)
      throw new TandemError(
        "invalid_input",
        "HUBSPOT_ACCESS_TOKEN: is needed with HUBSPOT_CLIENT_SECRET (a private app's token), or set HUBSPOT_CLIENT_ID for OAuth installs",
      );
    if (!config.TANDEM_PUBLIC_URL)
      throw new TandemError("invalid_input", "TANDEM_PUBLIC_URL: is needed with HubSpot (HubSpot signs the full address it calls)");
  }
  const oauth = [config.SLACK_CLIENT_ID, config.SLACK_CLIENT_SECRET, config.SLACK_STATE_SECRET];
  if (oauth.some(Boolean)) {
    for (const [name, value] of [
      ["SLACK_CLIENT_ID", config.SLACK_CLIENT_ID],
      ["SLACK_CLIENT_SECRET", config.SLACK_CLIENT_SECRET],
      ["SLACK_STATE_SECRET", config.SLACK_STATE_SECRET],
      ["SLACK_SIGNING_SECRET", config.SLACK_SIGNING_SECRET],
    ] as const)
      if (!value)
        throw new TandemError(
          "invalid_input",
          `${name}: is needed for Slack OAuth installs (with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)`,
        );
    if (config.SLACK_BOT_TOKEN || config.SLACK_APP_TOKEN)
      throw new TandemError(
        "invalid_input",
        "SLACK_BOT_TOKEN: leave it empty with Slack OAuth installs (each workspace's token comes from its install)",
      );
    return config;
  }
  if ((config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN) && !config.SLACK_BOT_TOKEN)
    throw new TandemError(
      "invalid_input",
      `SLACK_BOT_TOKEN: is needed with ${config.SLACK_SIGNING_SECRET ? "SLACK_SIGNING_SECRET" : "SLACK_APP_TOKEN"}`,
    );
  if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN)
    throw new TandemError("invalid_input", "SLACK_SIGNING_SECRET: is needed with SLACK_BOT_TOKEN (or SLACK_APP_TOKEN for Socket Mode)");
  return config;
}
