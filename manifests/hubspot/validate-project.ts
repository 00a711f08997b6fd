// Checks a HubSpot developer project folder offline: each file against HubSpot's documented shape (shapes.ts), then what
// only the whole project shows: one app, unique uids, each hsmeta file in its feature's folder, card entrypoints that
// exist, scopes equal to the ones Tandem's code uses, and webhooks, OAuth redirect and card all on the service's origin.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { z } from "zod";
import { REQUIRED_SCOPES } from "../../connectors/hubspot/ids.js";
import { type AppMeta, type CardMeta, COMPONENTS, hsProjectSchema, type WebhooksMeta } from "./shapes.js";

export interface ProjectProblem {
  /** The file, relative to the project folder. */
  file: string;
  /** Where in the file, as a JSON path (`config.auth.requiredScopes[2]`); `(file)` for the file as a whole. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** The scopes the app must ask for, exactly: by default the ones Tandem's code uses. */
  requiredScopes?: readonly string[];
}

/** The scope HubSpot wants before it sends events about, or shows a card on, each kind of record. */
const READ_SCOPES: Record<string, string> = {
  ticket: "tickets",
  tickets: "tickets",
  contact: "crm.objects.contacts.read",
  contacts: "crm.objects.contacts.read",
  company: "crm.objects.companies.read",
  companies: "crm.objects.companies.read",
  deal: "crm.objects.deals.read",
  deals: "crm.objects.deals.read",
  conversation: "conversations.read",
};

function jsonPath(path: readonly PropertyKey[]): string {
  const text = path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("");
  return text.startsWith(".") ? text.slice(1) : text || "(file)";
}

function zodProblems(file: string, error: z.ZodError): ProjectProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ file, path: jsonPath([...issue.path, key]), message: "is not a key HubSpot documents here" }))
      : [{ file, path: jsonPath(issue.path), message: issue.message }],
  );
}

function origin(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined;
}

/** Every *-hsmeta.json under the folder (node_modules left out), as paths relative to it. */
function findMetaFiles(folder: string, base = folder): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return findMetaFiles(path, base);
    return name.endsWith("-hsmeta.json") ? [relative(base, path).split(sep).join("/")] : [];
  });
}

export function validateHubSpotProject(dir: string, options: ValidateOptions = {}): ProjectProblem[] {
  const problems: ProjectProblem[] = [];
  const readJson = (file: string): unknown => {
    const path = join(dir, file);
    if (!existsSync(path)) {
      problems.push({ file, path: "(file)", message: "is missing" });
      return undefined;
    }
    try {
      return JSON.parse(readFileSync(path, "utf8")) as unknown;
    } catch (error) {
      problems.push({ file, path: "(file)", message: `is not valid JSON: ${(error as Error).message}` });
      return undefined;
    }
  };

  const projectRaw = readJson("hsproject.json");
  if (projectRaw === undefined) return problems;
  const project = hsProjectSchema.safeParse(projectRaw);
  if (!project.success) problems.push(...zodProblems("hsproject.json", project.error));
  const rawSrcDir = (projectRaw as { srcDir?: unknown }).srcDir;
  const srcDir = typeof rawSrcDir === "string" && rawSrcDir ? rawSrcDir : "src";
  const appFolder = `${srcDir}/app`;
  if (!existsSync(join(dir, appFolder))) {
    problems.push({ file: "hsproject.json", path: "srcDir", message: `${appFolder} does not exist` });
    return problems;
  }

  const apps: { file: string; meta: AppMeta }[] = [];
  const webhooks: { file: string; meta: WebhooksMeta }[] = [];
  const cards: { file: string; meta: CardMeta }[] = [];
  const uids = new Map<string, string>();
  for (const relativeFile of findMetaFiles(join(dir, appFolder))) {
    const file = `${appFolder}/${relativeFile}`;
    const raw = readJson(file);
    if (raw === undefined) continue;
    const type = (raw as { type?: unknown }).type;
    const component = typeof type === "string" && Object.hasOwn(COMPONENTS, type) ? COMPONENTS[type as keyof typeof COMPONENTS] : undefined;
    if (!component) {
      problems.push({ file, path: "type", message: `must be one of ${Object.keys(COMPONENTS).join(", ")} (got ${JSON.stringify(type)})` });
      continue;
    }
    const folder = relativeFile.includes("/") ? relativeFile.slice(0, relativeFile.lastIndexOf("/")) : "";
    if (folder !== component.folder)
      problems.push({ file, path: "(file)", message: `a ${String(type)} component belongs in ${appFolder}/${component.folder}` });
    const parsed = component.schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    const uid = parsed.data.uid;
    if (uids.has(uid)) problems.push({ file, path: "uid", message: `"${uid}" is already the uid of ${uids.get(uid)}` });
    uids.set(uid, file);
    if (parsed.data.type === "app") apps.push({ file, meta: parsed.data });
    else if (parsed.data.type === "webhooks") webhooks.push({ file, meta: parsed.data });
    else cards.push({ file, meta: parsed.data });
  }

  if (apps.length !== 1) {
    const message = apps.length ? `there are ${apps.length} app components; a project has one` : "no app component (app-hsmeta.json)";
    problems.push({ file: `${appFolder}/app-hsmeta.json`, path: "(file)", message });
  }
  const app = apps[0];
  const auth = app?.meta.config.auth;
  const granted = new Set([...(auth?.requiredScopes ?? []), ...(auth?.optionalScopes ?? []), ...(auth?.conditionallyRequiredScopes ?? [])]);
  const fetchOrigins = new Set((app?.meta.config.permittedUrls?.fetch ?? []).map(origin));
  const fetchList = [...fetchOrigins].join(", ") || "nothing";

  if (app && auth) {
    const expected = options.requiredScopes ?? REQUIRED_SCOPES;
    auth.requiredScopes.forEach((name, index) => {
      if (!expected.includes(name))
        problems.push({ file: app.file, path: `config.auth.requiredScopes[${index}]`, message: `"${name}" is not a scope Tandem uses` });
    });
    for (const name of expected)
      if (!auth.requiredScopes.includes(name))
        problems.push({ file: app.file, path: "config.auth.requiredScopes", message: `misses "${name}", which Tandem needs` });
    auth.redirectUrls?.forEach((url, index) => {
      if (new URL(url).hostname !== "localhost" && !fetchOrigins.has(origin(url)))
        problems.push({
          file: app.file,
          path: `config.auth.redirectUrls[${index}]`,
          message: `is not on the Tandem service the card fetches from (permittedUrls.fetch: ${fetchList})`,
        });
    });
  }

  const needScope = (file: string, path: string, kind: string) => {
    const needed = READ_SCOPES[kind];
    if (app && needed && !granted.has(needed))
      problems.push({ file, path, message: `needs the scope "${needed}", which the app does not ask for` });
  };

  for (const { file, meta } of webhooks) {
    if (app && !fetchOrigins.has(origin(meta.config.settings.targetUrl)))
      problems.push({
        file,
        path: "config.settings.targetUrl",
        message: `is not on the Tandem service the app's permittedUrls.fetch allows (${fetchList})`,
      });
    meta.config.subscriptions.crmObjects?.forEach((subscription, index) =>
      needScope(file, `config.subscriptions.crmObjects[${index}]`, subscription.objectType),
    );
    meta.config.subscriptions.hubEvents?.forEach((subscription, index) =>
      needScope(file, `config.subscriptions.hubEvents[${index}]`, subscription.subscriptionType.split(".")[0] ?? ""),
    );
  }

  for (const { file, meta } of cards) {
    const { entrypoint } = meta.config;
    const target = entrypoint.startsWith("/") ? join(dir, srcDir, entrypoint) : join(dir, dirname(file), entrypoint);
    if (!existsSync(target)) problems.push({ file, path: "config.entrypoint", message: `${entrypoint} does not exist` });
    meta.config.objectTypes.forEach((type, index) => needScope(file, `config.objectTypes[${index}]`, type));
  }

  if (cards.length > 0) {
    const packageFile = `${appFolder}/cards/package.json`;
    const manifest = readJson(packageFile) as { dependencies?: Record<string, string> } | undefined;
    for (const name of ["@hubspot/ui-extensions", "react"])
      if (manifest && !manifest.dependencies?.[name])
        problems.push({ file: packageFile, path: `dependencies`, message: `misses "${name}", which every card needs` });
    const serviceFile = `${appFolder}/cards/tandem-service.ts`;
    const serviceUrl = existsSync(join(dir, serviceFile))
      ? /\burl:\s*"([^"]*)"/.exec(readFileSync(join(dir, serviceFile), "utf8"))?.[1]
      : undefined;
    if (app && serviceUrl !== undefined && !fetchOrigins.has(origin(serviceUrl)))
      problems.push({
        file: serviceFile,
        path: "TANDEM_SERVICE.url",
        message: `${serviceUrl} is not in the app's permittedUrls.fetch (${fetchList})`,
      });
  }
  return problems;
}
