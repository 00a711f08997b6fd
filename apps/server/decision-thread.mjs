// The entry of a decision thread. Plain JavaScript, so that a thread can start from the built package (it loads the compiled
// decision-task.js beside it) and from the TypeScript sources when tests or tsx run them (it registers tsx in the thread).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("./decision-task.js", import.meta.url);
let task;
if (existsSync(fileURLToPath(compiled))) task = await import(compiled.href);
else {
  const { register } = await import("tsx/esm/api");
  register();
  task = await import(new URL("./decision-task.ts", import.meta.url).href);
}

export default task.default;
