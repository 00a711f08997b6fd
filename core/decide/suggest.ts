// suggestReply(): the best macro for the intent, filled from the ticket, or else a draft built from knowledge-base passages.
// The local path never writes a fact of its own: every sentence of substance is a macro's or an article's.
import type { TriageResult } from "../triage/triage.js";
import { UNKNOWN_INTENT } from "../triage/intent-model.js";
import type { Entities } from "./entities.js";
import { type KnowledgeBase, type Passage, searchTerms } from "./knowledge-base.js";
import { fillMacro, type MacroLibrary, PLACEHOLDERS, type PlaceholderValues } from "./macros.js";

export interface SuggestionSource {
  /** Article slug. */
  article: string;
  title: string;
  url: string | undefined;
  /** The passage used, for knowledge-base drafts. */
  passage?: string;
}

export interface Suggestion {
  /** model: rewritten by a language model from the local suggestion and passages, and checked (core/providers). */
  kind: "macro" | "knowledge_base" | "model";
  /** The macro's id, for macro suggestions. */
  macroId?: string;
  text: string;
  /** 0 to 1: how likely the suggestion answers the message as it stands. */
  confidence: number;
  sources: SuggestionSource[];
  /** Facts the ticket did not give ("order number"): the text shows them in brackets and a person must fill them in. */
  missing: string[];
  /** True when the suggestion's source is tagged with the message's intent. */
  onIntent: boolean;
}

export interface SuggestInput {
  text: string;
  triage: TriageResult;
  entities: Entities;
  values: PlaceholderValues;
  kb: KnowledgeBase;
  macros: MacroLibrary;
  /** Appended so that the customer always knows how to reach a person. */
  humanContact: string;
}

/** A knowledge-base passage scoring below this (MiniSearch BM25+ units) is too weak a match to draft from. */
export const MIN_PASSAGE_SCORE = 4;
/** A second passage is added when it comes from another article and scores at least this share of the first. */
const SECOND_PASSAGE_SHARE = 0.75;

export function suggestReply(input: SuggestInput): Suggestion | undefined {
  const { triage, kb, macros } = input;
  const terms = searchTerms(input.text);
  const intent = triage.intent === UNKNOWN_INTENT ? undefined : triage.intent;
  if (intent !== undefined) {
    const choice = macros.choose(intent, terms, input.values);
    if (choice) {
      const missing = choice.filled.missing.map((placeholder) => PLACEHOLDERS[placeholder]);
      // a macro that needs facts the ticket lacks still helps the agent, but is no answer to send alone
      const confidence = triage.confidence * (missing.length > 0 ? 0.5 : 1) * (choice.relevance > 0 ? 1 : 0.8);
      return {
        kind: "macro",
        macroId: choice.macro.id,
        text: withContact(choice.filled.text, input.humanContact),
        confidence: round(confidence),
        sources: choice.macro.sources.map((slug) => articleSource(kb, slug)),
        missing,
        onIntent: true,
      };
    }
  }
  return draftFromKnowledgeBase(input, intent);
}

function draftFromKnowledgeBase(input: SuggestInput, intent: string | undefined): Suggestion | undefined {
  const hits = input.kb.search(input.text, { limit: 5, intent });
  const best = hits[0];
  if (!best || best.score < MIN_PASSAGE_SCORE) return undefined;
  const used: Passage[] = [best.passage];
  const second = hits.find((hit) => hit.passage.article !== best.passage.article);
  if (second && second.score >= best.score * SECOND_PASSAGE_SHARE) used.push(second.passage);
  const onIntent = intent !== undefined && best.passage.intents.includes(intent);
  // how far the best passage stands out from the next one, and whether it is written for this intent
  const runnerUp = hits[1]?.score ?? 0;
  const margin = best.score / (best.score + runnerUp);
  const confidence = onIntent ? input.triage.confidence * (0.5 + 0.5 * margin) : 0.5 * margin;
  const greeting = fillMacro("Hi {{customer_name}},", input.values).text;
  const body = used.map((passage) => passage.text).join("\n\n");
  const links = used.map((passage) => `${passage.title}${passage.url ? `: ${passage.url}` : ""}`).join("\n");
  return {
    kind: "knowledge_base",
    text: withContact(`${greeting}\n\n${body}\n\nMore in our help centre:\n${links}`, input.humanContact),
    confidence: round(confidence),
    sources: used.map((passage) => ({ article: passage.article, title: passage.title, url: passage.url, passage: passage.id })),
    missing: [],
    onIntent,
  };
}

function articleSource(kb: KnowledgeBase, slug: string): SuggestionSource {
  const passage = kb.article(slug);
  return { article: slug, title: passage?.title ?? slug, url: passage?.url };
}

function withContact(text: string, humanContact: string): string {
  return `${text}\n\n${humanContact}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
