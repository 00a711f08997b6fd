// Writes what the code reads at run time: ELD's n-gram tables in their compact form (see core/triage/eld-tables.ts) into
// core/data/generated,
// then the shipped data (starter model, intents, knowledge base, policy, macros), the dashboard's static files and the
// decision threads' entry beside the compiled code.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const tables = "core/data/generated/eld-medium.bin";
const { encodeEldTables } = await import("../dist/core/triage/eld-tables.js");
const { ngramsData } = await import(new URL("../ngrams/medium.js", import.meta.resolve("eld/medium")).href);
const compact = encodeEldTables(ngramsData);
if (!existsSync(tables) || !readFileSync(tables).equals(compact)) {
  mkdirSync("core/data/generated", { recursive: true });
  rmSync("core/data/generated/eld-medium.json", { force: true });
  writeFileSync(tables, compact);
}

for (const [from, to] of [
  ["core/data", "dist/core/data"],
  ["apps/dashboard/public", "dist/apps/dashboard/public"],
  // the entry of a decision thread is plain JavaScript (see apps/server/decision-thread.mjs)
  ["apps/server/decision-thread.mjs", "dist/apps/server/decision-thread.mjs"],
])
  if (existsSync(from)) cpSync(from, to, { recursive: true });
