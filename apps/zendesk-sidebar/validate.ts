// Checks a Zendesk app folder the way Zendesk's own validator (zendesk_apps_support) does before an upload, since
// `zcli apps:validate` only validates on Zendesk's servers: the manifest's required fields, parameter types, secure
// parameters and their scopes, defaults where Zendesk warns, location URLs, translations and logo sizes.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export interface AppProblems {
  errors: string[];
  warnings: string[];
}

const PARAMETER_TYPES = ["text", "checkbox", "url", "number", "multiline", "hidden", "oauth"] as const;
const SECURE_SCOPES = ["header", "body", "url", "jwt_secret_key", "jwt_claim", "basic_auth_username", "basic_auth_password"] as const;
const TOKEN_LIKE = /(token|secret|password|key)$/i;
const LOGOS = [
  ["logo.png", 320],
  ["logo-small.png", 128],
] as const;

const parameterSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/i, "must be letters, digits and underscores"),
  type: z.string(),
  required: z.boolean().optional(),
  secure: z.boolean().optional(),
  scopes: z.array(z.string()).optional(),
  default: z.unknown().optional(),
});

const manifestSchema = z.object({
  name: z.string().min(1),
  author: z.object({ name: z.string().min(1), email: z.email(), url: z.url().optional() }),
  defaultLocale: z.string().min(2),
  private: z.boolean().optional(),
  location: z.record(
    z.string(),
    z.record(z.string(), z.union([z.string(), z.object({ url: z.string(), flexible: z.boolean().optional() }).loose()])),
  ),
  version: z.string().min(1),
  frameworkVersion: z.literal("2.0", { error: 'must be "2.0"' }),
  domainWhitelist: z.array(z.string()).optional(),
  parameters: z.array(parameterSchema).optional(),
});

/** Width and height from a PNG's IHDR chunk, or undefined when the file is not a PNG. */
export function pngSize(file: Buffer): { width: number; height: number } | undefined {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (file.length < 24 || signature.some((byte, index) => file[index] !== byte) || file.toString("ascii", 12, 16) !== "IHDR")
    return undefined;
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20) };
}

function readJson(path: string, problems: AppProblems, what: string): unknown {
  if (!existsSync(path)) {
    problems.errors.push(`${what} is missing`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    problems.errors.push(`${what} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
}

function lookup(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) current = current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

export function validateZendeskApp(folder: string): AppProblems {
  const problems: AppProblems = { errors: [], warnings: [] };
  const raw = readJson(join(folder, "manifest.json"), problems, "manifest.json");
  if (raw === undefined) return problems;
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.errors.push(`manifest.json ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    return problems;
  }
  const manifest = parsed.data;

  for (const parameter of manifest.parameters ?? []) {
    const where = `manifest.json parameter "${parameter.name}"`;
    if (!(PARAMETER_TYPES as readonly string[]).includes(parameter.type))
      problems.errors.push(`${where}: type "${parameter.type}" is not one Zendesk accepts (${PARAMETER_TYPES.join(", ")})`);
    if (parameter.secure) {
      if (!parameter.scopes || parameter.scopes.length === 0)
        problems.errors.push(`${where}: a secure parameter needs scopes (${SECURE_SCOPES.join(", ")})`);
      for (const scope of parameter.scopes ?? [])
        if (!(SECURE_SCOPES as readonly string[]).includes(scope))
          problems.errors.push(`${where}: scope "${scope}" is not one Zendesk accepts`);
      if (parameter.default !== undefined) problems.warnings.push(`${where}: a secure parameter should have no default`);
    } else if (TOKEN_LIKE.test(parameter.name)) problems.warnings.push(`${where}: looks like a secret but is not secure`);
    if (parameter.type === "hidden" && parameter.default !== undefined)
      problems.warnings.push(`${where}: a hidden parameter should have no default`);
  }

  for (const [product, locations] of Object.entries(manifest.location))
    for (const [location, value] of Object.entries(locations)) {
      const url = typeof value === "string" ? value : value.url;
      if (/^https?:\/\//.test(url)) continue;
      if (!url.startsWith("assets/"))
        problems.errors.push(`manifest.json location ${product}.${location}: a relative URL must start with assets/ (got "${url}")`);
      else if (!existsSync(join(folder, url))) problems.errors.push(`manifest.json location ${product}.${location}: ${url} does not exist`);
    }

  const translations = readJson(
    join(folder, "translations", `${manifest.defaultLocale}.json`),
    problems,
    `translations/${manifest.defaultLocale}.json`,
  );
  if (translations !== undefined) {
    const file = `translations/${manifest.defaultLocale}.json`;
    if (typeof lookup(translations, ["app", "name"]) !== "string") problems.errors.push(`${file}: app.name is missing`);
    if (manifest.private === false)
      for (const key of ["short_description", "long_description", "installation_instructions"])
        if (typeof lookup(translations, ["app", key]) !== "string")
          problems.errors.push(`${file}: app.${key} is missing (a public app needs it)`);
    for (const parameter of manifest.parameters ?? [])
      if (typeof lookup(translations, ["app", "parameters", parameter.name, "label"]) !== "string")
        problems.errors.push(`${file}: app.parameters.${parameter.name}.label is missing`);
  }

  for (const [name, size] of LOGOS) {
    const path = join(folder, "assets", name);
    if (!existsSync(path)) {
      problems.errors.push(`assets/${name} is missing`);
      continue;
    }
    const dimensions = pngSize(readFileSync(path));
    if (!dimensions) problems.errors.push(`assets/${name} is not a PNG`);
    else if (dimensions.width !== size || dimensions.height !== size)
      problems.errors.push(`assets/${name} is ${dimensions.width}x${dimensions.height}; Zendesk wants ${size}x${size}`);
  }
  return problems;
}
