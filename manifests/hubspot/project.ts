// The HubSpot developer project (apps/hubspot-card), built from the names the code uses (connectors/hubspot/ids.ts) and
// the service's public URL: hsproject.json, the app, its webhooks, the two cards, and the card's own copy of the URL.
// `npm run hubspot:project` writes them (manifests/hubspot/write.ts); a test checks the committed files equal this.
// Shapes: https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration,
// .../add-features/configure-webhooks and .../add-features/ui-extensibility/app-cards/reference.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { OBJECT_TYPE_IDS, PATHS, REQUIRED_SCOPES, WEBHOOK_SUBSCRIPTIONS } from "../../connectors/hubspot/ids.js";
import type { AppMeta, CardMeta, HsProject, WebhooksMeta } from "./shapes.js";

/** Replaced by your service's public address with `npm run hubspot:project -- --url https://…`. */
export const PUBLIC_URL = "https://tandem.example.com";

/** Where the project lives, relative to the repository. */
export const PROJECT_DIR = "apps/hubspot-card";

export const CARD_ENTRYPOINT = "/app/cards/TandemCard.tsx";

/** The generated module the card reads the service's address from (HubSpot builds the card folder on its own). */
export const SERVICE_MODULE = "src/app/cards/tandem-service.ts";

export function hsProject(): HsProject {
  return { name: "tandem", srcDir: "src", platformVersion: "2026.03" };
}

export function appMeta(publicUrl: string): AppMeta {
  return {
    uid: "tandem_app",
    type: "app",
    config: {
      name: "Tandem",
      description:
        "Triage, escalation and handoff for HubSpot tickets and inbox messages: Tandem decides each one, writes the decision to the ticket and shows it on the record.",
      distribution: "marketplace",
      auth: {
        type: "oauth",
        redirectUrls: [`${publicUrl}${PATHS.oauthCallback}`],
        requiredScopes: [...REQUIRED_SCOPES],
        optionalScopes: [],
        conditionallyRequiredScopes: [],
      },
      permittedUrls: { fetch: [publicUrl], iframe: [], img: [] },
    },
  };
}

export function webhooksMeta(publicUrl: string): WebhooksMeta {
  return {
    uid: "tandem_webhooks",
    type: "webhooks",
    config: {
      settings: { targetUrl: `${publicUrl}${PATHS.webhook}`, maxConcurrentRequests: 10 },
      subscriptions: {
        crmObjects: WEBHOOK_SUBSCRIPTIONS.crmObjects.map((subscription) => ({ ...subscription })),
        hubEvents: WEBHOOK_SUBSCRIPTIONS.hubEvents.map((subscription) => ({ ...subscription })),
      },
    },
  };
}

/** The card on ticket and contact records (right sidebar), and the same card in the help desk's ticket sidebar. */
export function cardMetas(): Record<string, CardMeta> {
  return {
    "src/app/cards/tandem-card-hsmeta.json": {
      uid: "tandem_card",
      type: "card",
      config: {
        name: "Tandem",
        description: "Tandem's decision on this record: intent, route, escalation score with its reasons, and the suggested reply.",
        location: "crm.record.sidebar",
        entrypoint: CARD_ENTRYPOINT,
        objectTypes: ["tickets", "contacts"],
      },
    },
    "src/app/cards/tandem-helpdesk-card-hsmeta.json": {
      uid: "tandem_helpdesk_card",
      type: "card",
      config: {
        name: "Tandem",
        description: "Tandem's decision on this ticket, in the help desk.",
        location: "helpdesk.sidebar",
        entrypoint: CARD_ENTRYPOINT,
        objectTypes: ["tickets"],
      },
    },
  };
}

/** The card's copy of the service's address and the object types the endpoint knows by name. */
export function serviceModule(publicUrl: string): string {
  const objectTypes = { [OBJECT_TYPE_IDS.contact]: "contact", [OBJECT_TYPE_IDS.ticket]: "ticket" };
  const entries = Object.entries(objectTypes).map(([id, name]) => `${JSON.stringify(id)}: ${JSON.stringify(name)}`);
  return [
    "// Generated from manifests/hubspot/project.ts by `npm run hubspot:project`; edit that file, not this one.",
    "// The Tandem service the card asks for decisions (HubSpot builds this folder on its own, so the address is copied here).",
    "export interface TandemService {",
    "  url: string;",
    "  cardPath: string;",
    "  /** HubSpot's object type ids, by the names Tandem's card endpoint takes. */",
    "  objectTypes: Record<string, string>;",
    "}",
    "",
    "export const TANDEM_SERVICE: TandemService = {",
    `  url: ${JSON.stringify(publicUrl)},`,
    `  cardPath: ${JSON.stringify(PATHS.card)},`,
    `  objectTypes: { ${entries.join(", ")} },`,
    "};",
    "",
  ].join("\n");
}

/** Every generated file, by path relative to the project folder: JSON documents as values, the module as text. */
export function projectFiles(publicUrl: string = PUBLIC_URL): Record<string, unknown> {
  return {
    "hsproject.json": hsProject(),
    "src/app/app-hsmeta.json": appMeta(publicUrl),
    "src/app/webhooks/webhooks-hsmeta.json": webhooksMeta(publicUrl),
    ...cardMetas(),
    [SERVICE_MODULE]: serviceModule(publicUrl),
  };
}

/** The files as they are written: formatted with the repository's prettier settings, so `prettier --check` passes. */
export async function renderProjectFiles(publicUrl: string = PUBLIC_URL, repoRoot = findRepoRoot()): Promise<Record<string, string>> {
  const rendered: Record<string, string> = {};
  for (const [path, content] of Object.entries(projectFiles(publicUrl))) {
    const filepath = join(repoRoot, PROJECT_DIR, path);
    const text = typeof content === "string" ? content : JSON.stringify(content, null, 2);
    rendered[path] = await format(text, { ...(await resolveConfig(filepath)), filepath });
  }
  return rendered;
}

/** The repository's root: the first folder up from this file that holds the HubSpot project (works from dist/ too). */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json")) && existsSync(join(folder, PROJECT_DIR))) return folder;
    if (dirname(folder) === folder) throw new Error(`no ${PROJECT_DIR} above ${from}`);
  }
}
