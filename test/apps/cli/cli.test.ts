import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../../apps/cli/commands/index.js";
import { runCli } from "../../../apps/cli/main.js";
import { Store } from "../../../core/store/store.js";
import { tinyExamples } from "../../fixtures/tiny-intents.js";

const folder = mkdtempSync(join(tmpdir(), "tandem-cli-"));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function csv(rows: { text: string; label: string }[]): string {
  return ["text,label", ...rows.map((row) => `"${row.text.replace(/"/g, '""')}",${row.label}`)].join("\n");
}

describe("tandem command line", () => {
  it("lists its commands and has --help on every one", async () => {
    const overview = await cli("--help");
    expect(overview.code).toBe(0);
    for (const command of commands) {
      expect(overview.stdout).toContain(command.name);
      const help = await cli(command.name, "--help");
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: ${command.usage}`);
      expect(help.stdout).toContain("--help");
    }
  });

  it("trains, evaluates and triages with a model of its own", async () => {
    const data = join(folder, "tickets.csv");
    const model = join(folder, "tickets.tdm");
    writeFileSync(data, csv(tinyExamples));
    const train = await cli("train", "--data", data, "--out", model, "--json");
    expect(train.stderr).toBe("");
    expect(train.code).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ model, intents: 3, examples: 30 });

    const evaluation = await cli("eval", "--data", data, "--model", model, "--json");
    expect(evaluation.code).toBe(0);
    const report = JSON.parse(evaluation.stdout) as { accuracy: number; worst: unknown[]; messagesPerSecond: number };
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(report.worst).toHaveLength(3);
    expect(report.messagesPerSecond).toBeGreaterThan(0);

    const triage = await cli("triage", "please refund my order", "--model", model, "--json");
    expect(triage.code).toBe(0);
    expect(JSON.parse(triage.stdout)).toMatchObject({ intent: "refund" });
  });

  it("trains with the intent corrections agents gave through the service", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tandem-feedback-"));
    const store = await Store.open({ dataDir: join(dataDir, "db") });
    await store.saveFeedback({
      kind: "wrong_intent",
      message: "the login screen spins forever",
      predictedIntent: "order_status",
      correctIntent: "login",
    });
    await store.saveFeedback({ kind: "good_suggestion", message: "refund please", predictedIntent: "refund" });
    await store.close();
    const data = join(folder, "with-feedback.csv");
    writeFileSync(data, csv(tinyExamples));
    const previous = process.env.TANDEM_DATA_DIR;
    process.env.TANDEM_DATA_DIR = dataDir;
    try {
      const train = await cli("train", "--data", data, "--out", join(folder, "with-feedback.tdm"), "--with-feedback");
      expect(train.code).toBe(0);
      expect(train.stdout).toMatch(/^Added 1 intent correction from agents' feedback\.\nTrained 3 intents on 31 examples/);
    } finally {
      if (previous === undefined) delete process.env.TANDEM_DATA_DIR;
      else process.env.TANDEM_DATA_DIR = previous;
    }
  }, 30_000);

  it("triages with the starter model and prints every field", async () => {
    const result = await cli("triage", "I was charged twice for my card payment");
    expect(result.code).toBe(0);
    for (const field of ["intent", "confidence", "next best", "language", "sentiment", "priority"]) expect(result.stdout).toContain(field);
    expect(result.stdout).toMatch(/intent\s+billing_dispute/);
  });

  it("explains usage mistakes with exit code 2", async () => {
    const missing = await cli("train", "--out", "x.tdm");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("tandem train: --data: give --data FILE or --from zendesk|hubspot (one of them)");

    const unknownFlag = await cli("eval", "--data", "x.csv", "--modle", "m.tdm");
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("Unknown option '--modle'");

    const badNumber = await cli("train", "--data", "x.csv", "--out", "m.tdm", "--seed", "abc");
    expect(badNumber.stderr).toContain("--seed: seed must be a number");

    const noMessage = await cli("triage");
    expect(noMessage.code).toBe(2);
    expect(noMessage.stderr).toContain("give one message in quotes");

    expect((await cli("frobnicate")).code).toBe(2);
  });

  it("reports bad data with the file and line, exit code 1, and no stack trace", async () => {
    const data = join(folder, "lonely.csv");
    writeFileSync(data, csv([...tinyExamples, { text: "just one of these", label: "lonely" }]));
    const result = await cli("train", "--data", data, "--out", join(folder, "never.tdm"));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `tandem train: ${data}, line 32, column label: intent "lonely" has only one example; give it at least two (or remove it)`,
    );
    expect(result.stderr).not.toContain("    at ");

    const missingModel = await cli("triage", "hello", "--model", join(folder, "nope.tdm"));
    expect(missingModel.code).toBe(1);
    expect(missingModel.stderr).toContain("nope.tdm: model file not found");
  });
});
