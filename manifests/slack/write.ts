// `npm run slack:manifest`: writes manifests/slack/manifest.yml from the typed manifest.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { manifestYaml } from "./manifest.js";

const target = fileURLToPath(new URL("../../../manifests/slack/manifest.yml", import.meta.url));
writeFileSync(target, manifestYaml());
console.log(`wrote ${target}`);
