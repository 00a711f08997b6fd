// Configuration-like files (policy, macros): YAML or JSON, parsed and checked with zod, mistakes reported with file, line and path.
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { TandemError, type TandemErrorCode } from "./errors.js";
import { readTextFile } from "./read-text-file.js";

/** "businessHours.days.mon[0]" from zod's ["businessHours", "days", "mon", 0]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let result = "";
  for (const part of path) result += typeof part === "number" ? `[${part}]` : result === "" ? String(part) : `.${String(part)}`;
  return result || "(top level)";
}

/** Parses with a zod schema; the first mistake becomes a TandemError naming its exact path. */
export function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, code: TandemErrorCode, file: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TandemError(code, issue.message, { where: { file, path: formatPath(issue.path) } });
}

/** Reads a YAML file (or JSON, by its extension); a syntax error names the line. */
export function readDataFile(path: string, what: string, code: TandemErrorCode): unknown {
  const content = readTextFile(path, what);
  const json = path.endsWith(".json");
  try {
    return json ? JSON.parse(content) : parseYaml(content, { prettyErrors: true });
  } catch (error) {
    const where = error as { linePos?: { line: number }[] };
    throw new TandemError(code, `not valid ${json ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`, {
      where: { file: path, line: where.linePos?.[0]?.line },
    });
  }
}
