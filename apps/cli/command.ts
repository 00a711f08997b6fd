// The shape of one `tandem` subcommand: its flags (parsed by node:util, checked by zod), help text and action.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { TandemError } from "../../core/errors.js";

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface Command<Schema extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  usage: string;
  /** One line per flag, shown by --help. */
  flags: [flag: string, meaning: string][];
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Positional arguments land in `positionals`. */
  schema: Schema;
  run: (input: z.infer<Schema>, output: Output) => Promise<void> | void;
}

export function defineCommand<Schema extends z.ZodType>(command: Command<Schema>): Command<Schema> {
  return command;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseCommandArgs<Schema extends z.ZodType>(command: Command<Schema>, argv: string[]): z.infer<Schema> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, "") : String(error));
  }
  const result = command.schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (!result.success) {
    const issue = result.error.issues[0];
    const flag =
      issue.path.length > 0 && issue.path[0] !== "positionals"
        ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: `
        : "";
    throw new UsageError(`${flag}${issue.message}`);
  }
  return result.data;
}

export function renderHelp(command: Command): string {
  const width = Math.max(...command.flags.map(([flag]) => flag.length), 6);
  const lines = [`${command.summary}`, "", `Usage: ${command.usage}`, "", "Options:"];
  for (const [flag, meaning] of [...command.flags, ["-h, --help", "show this help"] as [string, string]])
    lines.push(`  ${flag.padEnd(width + 2)}${meaning}`);
  return lines.join("\n");
}

/** A number flag given as text: "12" → 12, with a message naming what was wrong. */
export const numberFlag = (name: string, check: (schema: z.ZodNumber) => z.ZodNumber = (s) => s) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, `${name} must be a number`)
    .transform(Number)
    .pipe(check(z.number()));

export { TandemError };
