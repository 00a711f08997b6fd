// The decision block of `npm run bench`: routes on Bitext (asks for a person, complaints), knowledge-base retrieval on StackFAQ
// beside a plain BM25, and the speed of the whole decide() path.
import { join } from "node:path";
import { starterDecider } from "../core/decide/decide.js";
import { KnowledgeBase, type Passage } from "../core/decide/knowledge-base.js";
import { readLabelledFile } from "../core/triage/labelled-data.js";
import { triage } from "../core/triage/triage.js";
import { Bm25 } from "./bm25.js";
import type { EscalationRow } from "./escalation-bench.js";
import { readJsonLines } from "./jsonl.js";

/** A Monday at 11:00 in Berlin: the starter policy's team is in, so no route comes from after-hours alone. */
const OPEN_HOURS = new Date("2026-11-23T10:00:00Z");

function bitextMessages(dataDir: string) {
  return readLabelledFile(join(dataDir, "bitext_customer_service/bitext_customer_service.csv"), { text: "utterance", label: "intent" });
}

function share(part: number, whole: number): string {
  return (part / Math.max(1, whole)).toFixed(4);
}

/** Routes from the whole decide() path with the starter model, policy and knowledge base, on every Bitext message. */
export function benchRoutes(dataDir: string): EscalationRow[] {
  const decider = starterDecider();
  const counts = { asked: 0, askedToPerson: 0, others: 0, othersForAsking: 0, complaints: 0, complaintsToPerson: 0, othersToPerson: 0 };
  for (const { text, label } of bitextMessages(dataDir)) {
    const decision = decider.decide(text, { now: OPEN_HOURS });
    const toPerson = decision.route === "human" || decision.route === "urgent";
    if (label === "contact_human_agent") {
      counts.asked++;
      if (toPerson && decision.escalation.asksForHuman) counts.askedToPerson++;
      continue;
    }
    counts.others++;
    if (toPerson && decision.escalation.asksForHuman) counts.othersForAsking++;
    if (label === "complaint") {
      counts.complaints++;
      if (toPerson) counts.complaintsToPerson++;
    } else if (toPerson) counts.othersToPerson++;
  }
  const dataset = (n: number) => `Bitext (${n})`;
  return [
    {
      measure: "decide(): contact_human_agent routed to a person",
      dataset: dataset(counts.asked),
      value: share(counts.askedToPerson, counts.asked),
      target: "≥ 0.98",
    },
    {
      measure: "decide(): other messages routed to a person as asking for one",
      dataset: dataset(counts.others),
      value: share(counts.othersForAsking, counts.others),
      target: "≤ 0.02",
    },
    {
      measure: "decide(): complaints routed to a person (recall)",
      dataset: dataset(counts.complaints),
      value: share(counts.complaintsToPerson, counts.complaints),
      target: "high",
    },
    {
      measure: "decide(): other messages routed to a person",
      dataset: dataset(counts.others - counts.complaints),
      value: share(counts.othersToPerson, counts.others - counts.complaints),
      target: "for context",
    },
  ];
}

/** Decisions per second on one core over Bitext's test messages, beside triage alone. */
export function benchDecideSpeed(dataDir: string): EscalationRow[] {
  const texts = readLabelledFile(join(dataDir, "bitext_customer_service/bitext_customer_service.csv"), {
    text: "utterance",
    label: "intent",
    filter: { column: "split", value: "test" },
  }).map((example) => example.text);
  const decider = starterDecider();
  const context = { now: OPEN_HOURS };
  const rate = (run: (text: string) => unknown) => {
    for (const text of texts) run(text); // warm up
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      for (const text of texts) run(text);
      best = Math.max(best, texts.length / ((performance.now() - started) / 1000));
    }
    return Math.round(best);
  };
  const decideRate = rate((text) => decider.decide(text, context));
  const triageRate = rate((text) => triage(text));
  return [
    {
      measure: "decide() per second, whole path (best of 3)",
      dataset: `Bitext test (${texts.length})`,
      value: decideRate.toLocaleString("en-US"),
      target: "≥ 10,000",
    },
    {
      measure: "triage() per second, for comparison",
      dataset: `Bitext test (${texts.length})`,
      value: triageRate.toLocaleString("en-US"),
      target: "",
    },
  ];
}

interface FaqQuestion {
  id: string;
  text: string;
  thread_id: string;
  half: string;
}
interface FaqAnswer {
  id: string;
  text: string;
  faq_question: string;
  thread_id: string;
}

export interface RetrievalRow {
  system: string;
  queries: number;
  precisionAt1: number;
  recallAt5: number;
  mrr: number;
  queriesPerSecond: number;
}

/**
 * StackFAQ: every answer is a passage titled with its thread's FAQ question; a query's relevant passages are its thread's
 * answers. Reported on block B of the rephrasings (block A is for tuning), as the dataset's README asks.
 */
export function benchRetrieval(dataDir: string): RetrievalRow[] {
  const folder = join(dataDir, "stackfaq");
  const answers = readJsonLines<FaqAnswer>(join(folder, "answers.jsonl"));
  const queries = readJsonLines<FaqQuestion>(join(folder, "questions.jsonl")).filter((question) => question.half === "B");
  const passages: Passage[] = answers.map((answer) => ({
    id: answer.id,
    article: answer.thread_id,
    title: answer.faq_question,
    heading: "",
    text: answer.text,
    intents: [],
    url: undefined,
  }));
  const relevantCount = new Map<string, number>();
  for (const answer of answers) relevantCount.set(answer.thread_id, (relevantCount.get(answer.thread_id) ?? 0) + 1);
  const kb = new KnowledgeBase(passages);
  const bm25 = new Bm25(answers.map((answer) => `${answer.faq_question} ${answer.text}`));
  const measure = (system: string, rank: (query: string) => string[]): RetrievalRow => {
    let atOne = 0;
    let recall = 0;
    let reciprocal = 0;
    const started = performance.now();
    for (const query of queries) {
      const threads = rank(query.text);
      if (threads[0] === query.thread_id) atOne++;
      const relevant = relevantCount.get(query.thread_id) ?? 1;
      recall += threads.slice(0, 5).filter((thread) => thread === query.thread_id).length / relevant;
      const first = threads.indexOf(query.thread_id);
      if (first >= 0) reciprocal += 1 / (first + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    const n = queries.length;
    return {
      system,
      queries: n,
      precisionAt1: atOne / n,
      recallAt5: recall / n,
      mrr: reciprocal / n,
      queriesPerSecond: Math.round(n / seconds),
    };
  };
  return [
    measure("Tandem knowledge base (BM25+ ranked as MiniSearch, stemmed, fields boosted)", (query) =>
      kb.search(query, { limit: 1000 }).map((hit) => hit.passage.article),
    ),
    measure("plain BM25 (k1 1.2, b 0.75, no stemming)", (query) => bm25.search(query).map((index) => answers[index].thread_id)),
  ];
}
