// Writes what the code reads at run time: ELD's n-gram tables as JSON (see core/triage/language.ts) into core/data/generated,
// then the shipped data (starter model, intents, knowledge base, policy, macros) and the dashboard's static files beside
// the compiled code.
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";

const tables = "core/data/generated/eld-medium.json";
if (!existsSync(tables)) {
  const { ngramsData } = await import(new URL("../ngrams/medium.js", import.meta.resolve("eld/medium")).href);
  mkdirSync("core/data/generated", { recursive: true });
  writeFileSync(tables, JSON.stringify(ngramsData));
}

for (const [from, to] of [
  ["core/data", "dist/core/data"],
  ["apps/dashboard/public", "dist/apps/dashboard/public"],
])
  if (existsSync(from)) cpSync(from, to, { recursive: true });
