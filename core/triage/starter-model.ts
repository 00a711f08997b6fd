// The starter model that ships with Tandem, loaded once on first use (a few milliseconds).
import { fileURLToPath } from "node:url";
import type { IntentModel } from "./intent-model.js";
import { loadModel } from "./model-file.js";

/** Where the shipped starter data and model live (copied beside the compiled code by the build). */
export const starterDataFolder = fileURLToPath(new URL("../data/", import.meta.url));
export const starterModelPath = fileURLToPath(new URL("../data/starter-model.tdm", import.meta.url));
export const starterIntentsPath = fileURLToPath(new URL("../data/starter-intents.csv", import.meta.url));

let cached: IntentModel | undefined;

export function starterModel(): IntentModel {
  cached ??= loadModel(starterModelPath);
  return cached;
}
