// `npm run bench`: measures Tandem on real public datasets and prints the figures as tables.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { explainMissing, loadBanking77, loadBitext, missingFiles } from "./datasets.js";
import { benchAskForPerson, benchFrustration, type EscalationRow } from "./escalation-bench.js";
import { renderTable } from "./table.js";
import { benchTriage, type TriageRow } from "./triage-bench.js";

const argsSchema = z.object({
  "data-dir": z.string().min(1).default("../shared/datasets"),
  only: z.enum(["triage", "escalation"]).optional(),
});

async function main(): Promise<number> {
  let values: unknown;
  try {
    ({ values } = parseArgs({ options: { "data-dir": { type: "string" }, only: { type: "string" } }, strict: true }));
  } catch (error) {
    console.error(
      `bench: ${error instanceof Error ? error.message : String(error)}\nUsage: npm run bench -- [--data-dir DIR] [--only triage|escalation]`,
    );
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`bench: --${String(issue.path[0])}: ${issue.message}`);
    return 2;
  }
  const dataDir = resolve(parsed.data["data-dir"]);
  if (!existsSync(dataDir)) {
    console.error(`bench: no datasets folder at ${dataDir}.\nThe benchmark reads public datasets that are not shipped with Tandem:`);
    for (const key of ["banking77", "bitext", "goemotions"]) console.error(`- ${explainMissing(dataDir, key)}`);
    return 1;
  }
  const log = (line: string) => console.error(line);
  const only = parsed.data.only;
  const triageRows: TriageRow[] = [];
  if (only === undefined || only === "triage")
    for (const [key, load] of [
      ["banking77", loadBanking77],
      ["bitext", loadBitext],
    ] as const) {
      if (missingFiles(dataDir, key).length > 0) {
        log(explainMissing(dataDir, key));
        continue;
      }
      triageRows.push(...(await benchTriage(load(dataDir), log)));
    }
  const escalationRows: EscalationRow[] = [];
  if (only === undefined || only === "escalation") {
    if (missingFiles(dataDir, "bitext").length === 0) escalationRows.push(...benchAskForPerson(dataDir));
    if (missingFiles(dataDir, "goemotions").length === 0) escalationRows.push(...benchFrustration(dataDir));
    else log(explainMissing(dataDir, "goemotions"));
  }
  if (escalationRows.length > 0) {
    console.log("\nEscalation signals\n");
    console.log(
      renderTable(
        ["measure", "dataset", "value", "target"],
        escalationRows.map((row) => [row.measure, row.dataset, row.value, row.target]),
      ),
    );
  }
  if (triageRows.length === 0) return 0;
  console.log("\nTriage: intent accuracy and speed (one core, same train/test split for every system)\n");
  console.log(
    renderTable(
      ["dataset", "system", "accuracy", "macro-F1", "train s", "msg/s", "model MB"],
      triageRows.map((row) => [
        row.dataset,
        row.system,
        row.accuracy.toFixed(4),
        row.macroF1.toFixed(4),
        row.trainingSeconds.toFixed(1),
        row.messagesPerSecond.toLocaleString("en-US"),
        (row.modelBytes / 1e6).toFixed(2),
      ]),
    ),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
