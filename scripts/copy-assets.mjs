// Copies the shipped data (starter model, intents, knowledge base) beside the compiled code.
import { cpSync, existsSync } from "node:fs";

if (existsSync("core/data")) cpSync("core/data", "dist/core/data", { recursive: true });
