// Copies what the compiled code reads at run time beside it: the shipped data (starter model, intents, knowledge base,
// policy, macros) and the dashboard's static files.
import { cpSync, existsSync } from "node:fs";

for (const [from, to] of [
  ["core/data", "dist/core/data"],
  ["apps/dashboard/public", "dist/apps/dashboard/public"],
])
  if (existsSync(from)) cpSync(from, to, { recursive: true });
