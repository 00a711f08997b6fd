// `npm run hubspot:validate [-- folder]`: checks a HubSpot developer project (apps/hubspot-card by default) against
// HubSpot's documented shapes and Tandem's own names, offline; prints each problem with its file and JSON path.
import { join, resolve } from "node:path";
import { findRepoRoot, PROJECT_DIR } from "./project.js";
import { validateHubSpotProject } from "./validate-project.js";

const [folder] = process.argv.slice(2);
const project = folder ? resolve(folder) : join(findRepoRoot(), PROJECT_DIR);
const problems = validateHubSpotProject(project);
for (const problem of problems) console.error(`${problem.file} ${problem.path}: ${problem.message}`);
if (problems.length > 0) {
  console.error(`${problems.length} problem${problems.length === 1 ? "" : "s"} in ${project}`);
  process.exitCode = 1;
} else console.log(`${project}: the HubSpot project files match HubSpot's documented shapes`);
