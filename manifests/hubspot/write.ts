// `npm run hubspot:project -- [--url https://your-tandem]`: writes the HubSpot developer project's generated files into
// apps/hubspot-card from project.ts, with your service's public address in place of the placeholder, then checks them.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { findRepoRoot, PROJECT_DIR, PUBLIC_URL, renderProjectFiles } from "./project.js";
import { validateHubSpotProject } from "./validate-project.js";

const EXIT_PROBLEMS = 1;
const EXIT_USAGE = 2;
const USAGE = "Usage: npm run hubspot:project -- [--url https://your-tandem.example]";

const publicUrlSchema = z
  .string()
  .refine((value) => URL.canParse(value), "must be a URL like https://tandem.acme.com")
  .transform((value) => new URL(value))
  .refine((url) => url.protocol === "https:", "must start with https:// (HubSpot calls only https addresses)")
  .refine((url) => !url.search && !url.hash && !url.username && !url.password, "must have no query, fragment or credentials")
  .transform((url) => url.href.replace(/\/+$/, ""));

const flagsSchema = z.strictObject({ url: publicUrlSchema.default(PUBLIC_URL), help: z.boolean().default(false) });

export type WriteFlags = z.output<typeof flagsSchema>;

/** The flags, or the message that says what is wrong with them. */
export function parseWriteFlags(argv: string[]): { ok: true; flags: WriteFlags } | { ok: false; message: string } {
  let values: unknown;
  try {
    values = parseArgs({ args: argv, options: { url: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }).values;
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const parsed = flagsSchema.safeParse(values);
  if (parsed.success) return { ok: true, flags: parsed.data };
  return { ok: false, message: parsed.error.issues.map((issue) => `--${issue.path.join(".")} ${issue.message}`).join("; ") };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseWriteFlags(argv);
  if (!parsed.ok) {
    console.error(`hubspot:project: ${parsed.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.flags.help) {
    console.log(`${USAGE}\nWrites ${PROJECT_DIR}'s generated files for your Tandem service's public address (default ${PUBLIC_URL}).`);
    return 0;
  }
  const root = findRepoRoot();
  const project = join(root, PROJECT_DIR);
  for (const [path, text] of Object.entries(await renderProjectFiles(parsed.flags.url, root))) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
    console.log(`wrote ${PROJECT_DIR}/${path}`);
  }
  const problems = validateHubSpotProject(project);
  for (const problem of problems) console.error(`${PROJECT_DIR}/${problem.file} ${problem.path}: ${problem.message}`);
  if (problems.length > 0) return EXIT_PROBLEMS;
  console.log(`The project uses ${parsed.flags.url}. Next: cd ${PROJECT_DIR} && hs project upload`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
