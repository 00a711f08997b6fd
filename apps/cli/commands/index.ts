// The explicit list of `tandem` subcommands.
import type { Command } from "../command.js";
import { decideCommand } from "./decide.js";
import { evalCommand } from "./eval.js";
import { kbCommand } from "./kb.js";
import { trainCommand } from "./train.js";
import { triageCommand } from "./triage.js";

export const commands: readonly Command[] = [triageCommand, decideCommand, trainCommand, evalCommand, kbCommand] as Command[];
