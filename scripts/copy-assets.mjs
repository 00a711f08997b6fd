// Writes what the code reads at run time: ELD's n-gram tables in their compact form (see core/triage/eld-tables.ts) into
// core/data/generated,
// then the shipped data (starter model, intents, knowledge base, policy, macros) and the dashboard's static files beside
// the compiled code.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const tables = "core/data/generated/eld-medium.json";
const { compactEldTables } = await import("../dist/core/triage/eld-tables.js");
const { ngramsData } = await import(new URL("../ngrams/medium.js", import.meta.resolve("eld/medium")).href);
const compact = JSON.stringify(compactEldTables(ngramsData));
if (!existsSync(tables) || readFileSync(tables, "utf8") !== compact) {
  mkdirSync("core/data/generated", { recursive: true });
  writeFileSync(tables, compact);
}

for (const [from, to] of [
  ["core/data", "dist/core/data"],
  ["apps/dashboard/public", "dist/apps/dashboard/public"],
])
  if (existsSync(from)) cpSync(from, to, { recursive: true });
