import MiniSearch from "minisearch";
import { describe, expect, it } from "vitest";
import { KnowledgeBase, loadPassages, type Passage, processTerm } from "../../../core/decide/knowledge-base.js";
import { PassageIndex } from "../../../core/decide/passage-index.js";

// The index promises MiniSearch's ranking without MiniSearch's per-search allocations: checked here against MiniSearch itself.
describe("passage index", () => {
  const passages = loadPassages();
  const miniSearch = new MiniSearch<Passage>({
    fields: ["title", "heading", "text"],
    storeFields: [],
    processTerm,
    searchOptions: { boost: { heading: 2, title: 1.5 }, prefix: false, fuzzy: false, combineWith: "OR" },
  });
  miniSearch.addAll(passages);
  const index = new PassageIndex(
    passages,
    [
      { read: (passage: Passage) => passage.title, boost: 1.5 },
      { read: (passage: Passage) => passage.heading, boost: 2 },
      { read: (passage: Passage) => passage.text, boost: 1 },
    ],
    processTerm,
  );

  /** MiniSearch's own score as the rank: top() then gives its whole ranking. */
  const fullRanking = (_document: number, score: number) => score;

  const queries = [
    "how long do refunds take",
    "I was charged twice, charged TWICE!!",
    "refund refund refund refund",
    "where is my order #12345 — it's late",
    "Wo ist meine Bestellung? Ich warte seit Tagen.",
    "$50 off coupon code doesn't work…",
    "password reset email never arrived",
    "zzzz qqqq",
    "",
    ...passages.map((passage) => passage.heading),
    ...passages.map((passage) => passage.text.slice(0, 120)),
  ];

  it("ranks every query as MiniSearch does: same passages, same order, same scores", () => {
    let compared = 0;
    for (const query of queries) {
      const expected = miniSearch.search(query).map((result) => ({ id: result.id as string, score: result.score }));
      const actual = index.top(query, Infinity, fullRanking).map((result) => ({ id: passages[result.document].id, score: result.score }));
      expect(
        actual.map((hit) => hit.id),
        query,
      ).toEqual(expected.map((hit) => hit.id));
      actual.forEach((hit, i) => expect(hit.score, `${query} #${i}`).toBeCloseTo(expected[i].score, 10));
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it("gives the knowledge base's best passages as a full MiniSearch ranking, boosted by intent and sorted again, would", () => {
    const kb = new KnowledgeBase(passages);
    const intents = [undefined, ...new Set(passages.flatMap((passage) => passage.intents))];
    let compared = 0;
    for (const query of queries)
      for (const intent of intents.slice(0, 8))
        for (const limit of [1, 5, 50]) {
          // what the knowledge base did with MiniSearch: every hit, boosted and rounded, sorted when boosted, then cut
          const expected = miniSearch.search(query).map((result) => {
            const passage = passages.find((candidate) => candidate.id === result.id) as Passage;
            const boost = intent !== undefined && passage.intents.includes(intent) ? 1.5 : 1;
            return { id: passage.id, score: Math.round(result.score * boost * 1000) / 1000 };
          });
          if (intent !== undefined) expected.sort((a, b) => b.score - a.score);
          const actual = kb.search(query, { limit, intent }).map((hit) => ({ id: hit.passage.id, score: hit.score }));
          expect(actual, `${query} / ${intent} / ${limit}`).toEqual(expected.slice(0, limit));
          compared += actual.length;
        }
    expect(compared).toBeGreaterThan(10_000);
  });

  it("answers nothing for a query without known terms, and leaves no state behind between searches", () => {
    expect(index.top("zzzz qqqq", Infinity, fullRanking)).toEqual([]);
    const first = index.top("refund timing", Infinity, fullRanking);
    index.top("shipping address change", Infinity, fullRanking);
    expect(index.top("refund timing", Infinity, fullRanking)).toEqual(first);
  });
});
