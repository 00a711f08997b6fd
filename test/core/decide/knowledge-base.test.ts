import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadKnowledgeBase, loadPassages, parseArticle } from "../../../core/decide/knowledge-base.js";
import { runCli } from "../../../apps/cli/main.js";
import { errorOf } from "../../fixtures/error-of.js";

describe("knowledge base", () => {
  const kb = loadKnowledgeBase();

  it("splits the starter articles into passages that keep their source", () => {
    expect(kb.passages.length).toBeGreaterThan(100);
    for (const passage of kb.passages) {
      expect(passage.url).toMatch(/^https:\/\/help\.northwind\.example\/articles\//);
      expect(passage.text.length).toBeGreaterThan(20);
    }
  });

  it("finds the right article for real questions, with stemming", () => {
    expect(kb.search("how long do refunds take")[0].passage.article).toBe("refund-timing");
    expect(kb.search("I was charged twice")[0].passage.article).toBe("duplicate-or-unexpected-charge");
    expect(kb.search("changing the delivery address")[0].passage.article).toBe("change-your-delivery-address");
    expect(kb.search("zzzz qqqq")).toEqual([]);
  });

  it("names the file of an article with bad front matter", () => {
    expect(errorOf(() => parseArticle("no front matter", "kb/a.md")).message).toBe(
      "kb/a.md, line 1: the article has no front matter (--- title: … ---)",
    );
    expect(errorOf(() => parseArticle("---\nintents: [x]\n---\ntext", "kb/b.md")).message).toContain("kb/b.md: front matter title:");
    const folder = mkdtempSync(join(tmpdir(), "tandem-kb-"));
    writeFileSync(
      join(folder, "ok.md"),
      "---\ntitle: Ok\nurl: https://example.com/ok\n---\nIntro text here.\n\n## Part\nSection text here.\n",
    );
    expect(loadPassages(folder).map((passage) => passage.heading)).toEqual(["Ok", "Part"]);
    expect(errorOf(() => loadPassages(join(folder, "missing"))).code).toBe("not_found");
  });

  it("answers tandem kb search and kb index", async () => {
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text) };
    expect(await runCli(["kb", "search", "return label", "--json", "--limit", "2"], io)).toBe(0);
    const hits = JSON.parse(out.join("\n")) as { passage: { article: string } }[];
    expect(hits).toHaveLength(2);
    expect(hits[0].passage.article).toBe("return-an-item");
    out.length = 0;
    expect(await runCli(["kb", "index"], io)).toBe(0);
    expect(out[0]).toMatch(/^Indexed \d+ articles \(\d+ passages\)/);
    expect(await runCli(["kb", "frobnicate"], io)).toBe(2);
  });
});
