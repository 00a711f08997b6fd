// The `tandem` command line: dispatches to one subcommand and turns errors into messages and exit codes.
import { isTandemError } from "../../core/errors.js";
import { type Command, type Output, UsageError, parseCommandArgs, renderHelp } from "./command.js";
import { commands } from "./commands/index.js";

export const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

export async function runCli(argv: string[], output: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    output.out(renderOverview(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version" || name === "-v") {
    output.out(process.env.npm_package_version ?? "0.1.0");
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    output.err(`tandem: unknown command "${name}". Run \`tandem --help\` for the list.`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    output.out(renderHelp(command));
    return 0;
  }
  try {
    const input = parseCommandArgs(command, rest);
    await command.run(input, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`tandem ${command.name}: ${error.message}\nUsage: ${command.usage}\nRun \`tandem ${command.name} --help\` for details.`);
      return EXIT_USAGE;
    }
    if (isTandemError(error)) {
      output.err(`tandem ${command.name}: ${error.message}`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

function renderOverview(list: readonly Command[]): string {
  const width = Math.max(...list.map((command) => command.name.length));
  return [
    "tandem: triage, escalation and handoff for helpdesks, on a local core.",
    "",
    "Usage: tandem <command> [options]",
    "",
    "Commands:",
    ...list.map((command) => `  ${command.name.padEnd(width + 2)}${command.summary}`),
    "",
    "Run `tandem <command> --help` for a command's options.",
  ].join("\n");
}
