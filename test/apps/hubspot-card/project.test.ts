// The HubSpot developer project in apps/hubspot-card: the committed files are the ones project.ts generates from the
// connector's ids, they match HubSpot's documented shapes, and each planted mistake is reported with its file and path.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_SCOPES } from "../../../connectors/hubspot/ids.js";
import { PROJECT_DIR, PUBLIC_URL, projectFiles, renderProjectFiles } from "../../../manifests/hubspot/project.js";
import type { AppMeta, CardMeta, HsProject, WebhooksMeta } from "../../../manifests/hubspot/shapes.js";
import { type ProjectProblem, validateHubSpotProject } from "../../../manifests/hubspot/validate-project.js";
import { parseWriteFlags } from "../../../manifests/hubspot/write.js";

const APP = "src/app/app-hsmeta.json";
const WEBHOOKS = "src/app/webhooks/webhooks-hsmeta.json";
const CARD = "src/app/cards/tandem-card-hsmeta.json";
const HELPDESK_CARD = "src/app/cards/tandem-helpdesk-card-hsmeta.json";

/** A copy of the project without the card's node_modules or build output. */
function projectCopy(): string {
  const folder = mkdtempSync(join(tmpdir(), "tandem-hubspot-project-"));
  cpSync(PROJECT_DIR, folder, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
  return folder;
}

function edit<T>(folder: string, file: string, change: (json: T) => void) {
  const path = join(folder, file);
  const json = JSON.parse(readFileSync(path, "utf8")) as T;
  change(json);
  writeFileSync(path, JSON.stringify(json, null, 2));
}

function problemAt(problems: ProjectProblem[], file: string, path: string): ProjectProblem | undefined {
  return problems.find((problem) => problem.file === file && problem.path === path);
}

describe("the HubSpot project files", () => {
  it("match HubSpot's documented shapes and Tandem's names as committed", () => {
    expect(validateHubSpotProject(PROJECT_DIR)).toEqual([]);
  });

  it("are exactly what manifests/hubspot/project.ts generates (run `npm run hubspot:project` after changing ids.ts)", async () => {
    for (const [path, text] of Object.entries(await renderProjectFiles(PUBLIC_URL)))
      expect(readFileSync(join(PROJECT_DIR, path), "utf8"), path).toBe(text);
  });

  it("ask for exactly the scopes and webhooks the connector uses, on the service's paths", () => {
    const files = projectFiles("https://tandem.acme.com");
    const app = files[APP] as AppMeta;
    expect(app.config.auth.requiredScopes).toEqual([...REQUIRED_SCOPES]);
    expect(app.config.auth.redirectUrls).toEqual(["https://tandem.acme.com/hubspot/oauth-callback"]);
    expect(app.config.permittedUrls?.fetch).toEqual(["https://tandem.acme.com"]);
    expect((files[WEBHOOKS] as WebhooksMeta).config.settings.targetUrl).toBe("https://tandem.acme.com/hubspot/webhook");
    expect(files["src/app/cards/tandem-service.ts"]).toContain('url: "https://tandem.acme.com"');
  });

  it("written for another address keep nothing of the placeholder and still validate", async () => {
    const folder = projectCopy();
    for (const [path, text] of Object.entries(await renderProjectFiles("https://tandem.acme.com"))) writeFileSync(join(folder, path), text);
    expect(validateHubSpotProject(folder)).toEqual([]);
    const texts = readdirSync(folder, { recursive: true, encoding: "utf8" })
      .filter((path) => /(\.json|tandem-service\.ts)$/.test(path))
      .map((path) => readFileSync(join(folder, path), "utf8"));
    expect(texts.join("\n")).not.toContain("tandem.example.com");
  });
});

describe("a planted mistake is reported with its file and JSON path", () => {
  it.each<[string, (folder: string) => void, string, string, RegExp]>([
    [
      "a key HubSpot does not know",
      (folder) => edit<AppMeta>(folder, APP, (json) => void Object.assign(json.config, { permitedUrls: { fetch: [] } })),
      APP,
      "config.permitedUrls",
      /not a key HubSpot documents/,
    ],
    [
      "a card location that does not exist",
      (folder) => edit<CardMeta>(folder, CARD, (json) => void Object.assign(json.config, { location: "crm.record.sidebarr" })),
      CARD,
      "config.location",
      /crm\.record\.sidebar/,
    ],
    [
      "an entrypoint to a missing file",
      (folder) => edit<CardMeta>(folder, CARD, (json) => void (json.config.entrypoint = "/app/cards/Missing.tsx")),
      CARD,
      "config.entrypoint",
      /\/app\/cards\/Missing\.tsx does not exist/,
    ],
    [
      "a misspelled scope",
      (folder) => edit<AppMeta>(folder, APP, (json) => void (json.config.auth.requiredScopes[2] = "crm.objects.contact.read")),
      APP,
      "config.auth.requiredScopes[2]",
      /"crm\.objects\.contact\.read" is not a scope Tandem uses/,
    ],
    [
      "a scope the code needs left out",
      (folder) =>
        edit<AppMeta>(
          folder,
          APP,
          (json) => void (json.config.auth.requiredScopes = json.config.auth.requiredScopes.filter((scope) => scope !== "tickets")),
        ),
      WEBHOOKS,
      "config.subscriptions.crmObjects[0]",
      /needs the scope "tickets"/,
    ],
    [
      "http instead of https",
      (folder) =>
        edit<WebhooksMeta>(folder, WEBHOOKS, (json) => void (json.config.settings.targetUrl = "http://tandem.example.com/hubspot/webhook")),
      WEBHOOKS,
      "config.settings.targetUrl",
      /must be an https:\/\/ URL/,
    ],
    [
      "webhooks sent to another service than the card fetches from",
      (folder) =>
        edit<WebhooksMeta>(folder, WEBHOOKS, (json) => void (json.config.settings.targetUrl = "https://other.example.com/hubspot/webhook")),
      WEBHOOKS,
      "config.settings.targetUrl",
      /permittedUrls\.fetch allows \(https:\/\/tandem\.example\.com\)/,
    ],
    [
      "a platform version without this layout",
      (folder) => edit<HsProject>(folder, "hsproject.json", (json) => void Object.assign(json, { platformVersion: "2025.1" })),
      "hsproject.json",
      "platformVersion",
      /must be one of 2025\.2, 2026\.03/,
    ],
    [
      "a help desk card on contacts",
      (folder) => edit<CardMeta>(folder, HELPDESK_CARD, (json) => void json.config.objectTypes.push("contacts")),
      HELPDESK_CARD,
      "config.objectTypes",
      /helpdesk\.sidebar card can only be on tickets/,
    ],
    [
      "two components with one uid",
      (folder) => edit<CardMeta>(folder, HELPDESK_CARD, (json) => void (json.uid = "tandem_card")),
      HELPDESK_CARD,
      "uid",
      /already the uid of src\/app\/cards\/tandem-card-hsmeta\.json/,
    ],
    [
      "a property change without its property",
      (folder) => edit<WebhooksMeta>(folder, WEBHOOKS, (json) => void delete json.config.subscriptions.crmObjects?.[1]?.propertyName),
      WEBHOOKS,
      "config.subscriptions.crmObjects[1].propertyName",
      /goes with object\.propertyChange/,
    ],
    [
      "a card built for another address than the app permits",
      (folder) => {
        const path = join(folder, "src/app/cards/tandem-service.ts");
        writeFileSync(path, readFileSync(path, "utf8").replace("https://tandem.example.com", "https://old.example.com"));
      },
      "src/app/cards/tandem-service.ts",
      "TANDEM_SERVICE.url",
      /https:\/\/old\.example\.com is not in the app's permittedUrls\.fetch/,
    ],
    ["a file that is not JSON", (folder) => writeFileSync(join(folder, CARD), "{ uid: tandem_card }"), CARD, "(file)", /is not valid JSON/],
  ])("%s", (_name, plant, file, path, message) => {
    const folder = projectCopy();
    plant(folder);
    const problems = validateHubSpotProject(folder);
    expect(problemAt(problems, file, path)?.message, JSON.stringify(problems, null, 2)).toMatch(message);
  });

  it("makes `npm run hubspot:validate` exit 1 and print where", () => {
    const folder = projectCopy();
    edit<CardMeta>(folder, CARD, (json) => void Object.assign(json.config, { location: "crm.sidebar" }));
    const run = spawnSync(process.execPath, ["--import", "tsx", "manifests/hubspot/validate.ts", folder], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${CARD} config.location:`);
  });
});

describe("npm run hubspot:project's flags", () => {
  it("take an https address and drop its trailing slash", () => {
    expect(parseWriteFlags(["--url", "https://tandem.acme.com/"])).toEqual({
      ok: true,
      flags: { url: "https://tandem.acme.com", help: false },
    });
    expect(parseWriteFlags([])).toMatchObject({ ok: true, flags: { url: PUBLIC_URL } });
  });

  it.each([
    [["--url", "http://tandem.acme.com"], /must start with https:\/\//],
    [["--url", "tandem.acme.com"], /must be a URL/],
    [["--url", "https://tandem.acme.com/?x=1"], /no query/],
    [["--ulr", "https://tandem.acme.com"], /Unknown option '--ulr'/],
  ])("refuse %j with a message that says why", (argv, message) => {
    const result = parseWriteFlags(argv);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(message);
  });

  it("exit 2 on a bad flag, before writing anything", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "manifests/hubspot/write.ts", "--url", "http://tandem.acme.com"], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--url must start with https://");
    expect(run.stdout).not.toContain("wrote");
  });
});
