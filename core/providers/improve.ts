// Lets a provider rewrite the local suggestion: the model gets the local suggestion and the best passages as its only
// sources, and its draft replaces the suggestion only when it passed every check (else the local one stays).
import type { Decision } from "../decide/decide.js";
import type { KnowledgeBase, Passage } from "../decide/knowledge-base.js";
import type { AssistedDrafter, DraftOutcome } from "./assisted.js";

export interface ImproveOptions {
  kb: KnowledgeBase;
  drafter: AssistedDrafter;
  humanContact: string;
  customerName?: string | undefined;
  /** For the second opinion on triage: the model's intents, and the confidence under which to ask. */
  intents?: readonly string[];
  minConfidence?: number;
}

/**
 * All a provider may add to a decision, asked at once so that the budget is spent once: a better draft, a summary for
 * the handoff when a person is involved, and a second opinion on the intent when the local model is unsure. Each part
 * falls back on its own: the decision never loses what the local path gave it.
 */
export async function improveDecision(decision: Decision, message: string, options: ImproveOptions): Promise<Decision> {
  const unsure = decision.triage.intent === "unknown" || decision.triage.confidence < (options.minConfidence ?? 0.6);
  const [drafted, summary, opinion] = await Promise.all([
    improveSuggestion(decision, message, options),
    decision.handoff
      ? options.drafter.summarise({
          transcript: decision.handoff.transcript,
          intent: decision.triage.intent,
          reasons: decision.escalation.reasons.map((reason) => reason.label),
          customerName: options.customerName,
        })
      : Promise.resolve(undefined),
    unsure && options.intents ? options.drafter.secondOpinion({ message, intents: options.intents }) : Promise.resolve(undefined),
  ]);
  let improved = drafted.decision;
  if (summary && improved.handoff) improved = { ...improved, handoff: { ...improved.handoff, summary } };
  if (opinion && opinion !== "unknown") improved = { ...improved, secondOpinion: { intent: opinion, provider: "openai" } };
  return improved;
}

export async function improveSuggestion(
  decision: Decision,
  message: string,
  options: ImproveOptions,
): Promise<{ decision: Decision; outcome: DraftOutcome | undefined }> {
  const suggestion = decision.suggestion;
  if (!suggestion) return { decision, outcome: undefined };
  const intent = decision.triage.intent === "unknown" ? undefined : decision.triage.intent;
  const local: Passage = {
    id: "local-suggestion",
    article: "local-suggestion",
    title: "Tandem's suggestion from the team's macros and articles",
    heading: "",
    text: suggestion.text,
    intents: [],
    url: undefined,
  };
  const passages = [local, ...options.kb.search(message, { limit: 4, intent }).map((hit) => hit.passage)];
  const outcome = await options.drafter.draft({
    message,
    decision,
    passages,
    customerName: options.customerName,
    humanContact: options.humanContact,
  });
  if (outcome.provider === "local" || !outcome.draft) return { decision, outcome };
  const cited = passages.filter((passage) => outcome.draft?.citations.includes(passage.id));
  const sources = [
    ...(cited.some((passage) => passage.id === "local-suggestion") ? suggestion.sources : []),
    ...cited
      .filter((passage) => passage.id !== "local-suggestion")
      .map((passage) => ({ article: passage.article, title: passage.title, url: passage.url, passage: passage.id })),
  ];
  return { decision: { ...decision, suggestion: { ...suggestion, kind: "model", text: outcome.draft.text, sources } }, outcome };
}
