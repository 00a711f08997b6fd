// The explicit list of `tandem` subcommands.
import type { Command } from "../command.js";
import { decideCommand } from "./decide.js";
import { evalCommand } from "./eval.js";
import { hubspotCommand } from "./hubspot.js";
import { kbCommand } from "./kb.js";
import { keysCommand } from "./keys.js";
import { serveCommand } from "./serve.js";
import { trainCommand } from "./train.js";
import { triageCommand } from "./triage.js";

export const commands: readonly Command[] = [
  serveCommand,
  decideCommand,
  triageCommand,
  trainCommand,
  evalCommand,
  kbCommand,
  keysCommand,
  hubspotCommand,
] as Command[];
