// `tandem kb index|search`: check and index a knowledge-base folder, or search it from the command line.
import { z } from "zod";
import { loadKnowledgeBase } from "../../../core/decide/knowledge-base.js";
import { defineCommand, numberFlag } from "../command.js";

export const kbCommand = defineCommand({
  name: "kb",
  summary: "index a knowledge base of Markdown articles, or search it",
  usage: 'tandem kb index [--kb FOLDER] | tandem kb search "QUERY" [--kb FOLDER] [--limit N] [--json]',
  flags: [
    ["--kb FOLDER", "folder of Markdown articles with front matter (default: the starter knowledge base)"],
    ["--limit N", "how many passages to show (default 5)"],
    ["--json", "print JSON"],
  ],
  options: { kb: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
  schema: z.object({
    kb: z.string().min(1).optional(),
    limit: numberFlag("limit", (n) => n.int().min(1).max(100)).optional(),
    json: z.boolean().optional(),
    positionals: z.union(
      [z.tuple([z.literal("index")]), z.tuple([z.literal("search"), z.string().trim().min(1, "the search text is empty")])],
      { error: 'say "index", or "search" and the text in quotes' },
    ),
  }),
  run(input, { out }) {
    const started = performance.now();
    const kb = loadKnowledgeBase(input.kb);
    const milliseconds = Math.round(performance.now() - started);
    if (input.positionals[0] === "index") {
      const articles = new Set(kb.passages.map((passage) => passage.article)).size;
      const summary = { articles, passages: kb.passages.length, milliseconds };
      out(
        input.json
          ? JSON.stringify(summary, null, 2)
          : `Indexed ${articles} articles (${kb.passages.length} passages) in ${milliseconds} ms: every article's front matter is valid.`,
      );
      return;
    }
    const hits = kb.search(input.positionals[1], { limit: input.limit ?? 5 });
    if (input.json) {
      out(JSON.stringify(hits, null, 2));
      return;
    }
    if (hits.length === 0) out("No passage matches.");
    for (const { passage, score } of hits) {
      out(`${score.toFixed(1).padStart(7)}  ${passage.title} › ${passage.heading}${passage.url ? `  <${passage.url}>` : ""}`);
      out(`         ${passage.text.length > 200 ? `${passage.text.slice(0, 200)}…` : passage.text}`);
    }
  },
});
