// `npm run bench`: measures Tandem on real public datasets and prints the figures as tables.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { datasetSources, explainMissing, loadBanking77, loadBitext, missingFiles } from "./datasets.js";
import { benchDecideSpeed, benchRetrieval, benchRoutes, type RetrievalRow } from "./decision-bench.js";
import { benchAskForPerson, benchFrustration, type EscalationRow } from "./escalation-bench.js";
import { renderTable } from "./table.js";
import { benchServer } from "./server-bench.js";
import { benchTriage, type TriageRow } from "./triage-bench.js";

const SAMPLE_MESSAGES = [
  "where is my order 12345?",
  "I was charged twice for my card payment",
  "I want to talk to a human",
  "how do I reset my password",
  "my parcel is a week late and nobody answers",
  "can I return these shoes?",
];

const argsSchema = z.object({
  "data-dir": z.string().min(1).default("../shared/datasets"),
  only: z.enum(["triage", "escalation", "decide", "server"]).optional(),
});

async function main(): Promise<number> {
  let values: unknown;
  try {
    ({ values } = parseArgs({ options: { "data-dir": { type: "string" }, only: { type: "string" } }, strict: true }));
  } catch (error) {
    console.error(
      `bench: ${error instanceof Error ? error.message : String(error)}\nUsage: npm run bench -- [--data-dir DIR] [--only triage|escalation|decide|server]`,
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
    for (const key of Object.keys(datasetSources)) console.error(`- ${explainMissing(dataDir, key)}`);
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
  const retrievalRows: RetrievalRow[] = [];
  if (only === undefined || only === "decide") {
    if (missingFiles(dataDir, "bitext").length === 0) {
      log("decide(): routing every Bitext message and timing the whole path…");
      escalationRows.push(...benchRoutes(dataDir), ...benchDecideSpeed(dataDir));
    } else log(explainMissing(dataDir, "bitext"));
    if (missingFiles(dataDir, "stackfaq").length === 0) retrievalRows.push(...benchRetrieval(dataDir));
    else log(explainMissing(dataDir, "stackfaq"));
  }
  const serverRows: EscalationRow[] = [];
  if (only === undefined || only === "server") {
    // real messages when Bitext is there; the server measures do not need a dataset otherwise
    const messages =
      missingFiles(dataDir, "bitext").length === 0
        ? loadBitext(dataDir)
            .test.slice(0, 200)
            .map((example) => example.text)
        : SAMPLE_MESSAGES;
    serverRows.push(...(await benchServer(messages, log)));
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
  if (serverRows.length > 0) {
    console.log("\nService: HTTP throughput and latency (autocannon, same machine, same run), ingestion, memory\n");
    console.log(
      renderTable(
        ["measure", "dataset", "value", "target"],
        serverRows.map((row) => [row.measure, row.dataset, row.value, row.target]),
      ),
    );
  }
  if (retrievalRows.length > 0) {
    console.log(
      "\nKnowledge-base retrieval: StackFAQ block B rephrasings against all 719 answers (a hit is an answer of the query's thread)\n",
    );
    console.log(
      renderTable(
        ["system", "queries", "P@1", "recall@5", "MRR", "queries/s"],
        retrievalRows.map((row) => [
          row.system,
          String(row.queries),
          row.precisionAt1.toFixed(4),
          row.recallAt5.toFixed(4),
          row.mrr.toFixed(4),
          row.queriesPerSecond.toLocaleString("en-US"),
        ]),
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
