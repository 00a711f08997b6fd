// OpenAI (or any OpenAI-compatible server) as a writing provider. What leaves the machine is redacted first (emails,
// phone, card and IBAN numbers, and the customer's name become placeholders) and restored in the answer. The answer is a
// structured output checked with zod; a draft that cites no given passage, or names a fact that neither the passages
// nor the ticket contain, is refused, and the caller keeps the local suggestion.
import OpenAI from "openai";
import { z } from "zod";
import { redact, restore } from "../decide/redact.js";
import { checkGrounding } from "./grounding.js";
import {
  type ClassifyInput,
  type Draft,
  type DraftInput,
  ProviderError,
  type ProviderUsage,
  type ReplyProvider,
  type SummaryInput,
} from "./provider.js";

export interface OpenAIProviderOptions {
  apiKey: string;
  model: string;
  /** For OpenAI-compatible servers. */
  baseURL?: string | undefined;
  /** Prices per million tokens, for the cost recorded with each call. */
  pricePerMillion?: { input: number; output: number };
}

const draftSchema = z.strictObject({
  reply: z.string().min(1).max(4000),
  citations: z.array(z.string()).max(10),
});
const draftJsonSchema = z.toJSONSchema(draftSchema) as Record<string, unknown>;

const NAME_PLACEHOLDER = "[customer_name]";

export class OpenAIProvider implements ReplyProvider {
  readonly name = "openai";
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIProviderOptions) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  }

  async draft(input: DraftInput, signal: AbortSignal): Promise<{ draft: Draft; usage: ProviderUsage }> {
    const hide = (text: string) => {
      const named = input.customerName ? text.split(input.customerName).join(NAME_PLACEHOLDER) : text;
      return named;
    };
    const redacted = redact(hide(input.message));
    const passages = input.passages.map((passage) => ({ id: passage.id, title: passage.title, text: hide(passage.text) }));
    const completion = await this.client.chat.completions.create(
      {
        model: this.options.model,
        temperature: 0.2,
        messages: [
          {
            role: "system",
            content:
              "You write replies for a customer-support team. Use only facts from the passages given; never invent amounts, dates, numbers, links or policies. Keep the customer's placeholders (like [customer_name] or [email_1]) exactly as written. Cite the ids of the passages you used. End with this line on reaching a person: " +
              input.humanContact,
          },
          {
            role: "user",
            content: JSON.stringify({ customer_message: redacted.text, intent: input.decision.triage.intent, passages }),
          },
        ],
        response_format: { type: "json_schema", json_schema: { name: "draft_reply", strict: true, schema: draftJsonSchema } },
      },
      { signal },
    );
    const choice = completion.choices[0]?.message;
    if (choice?.refusal) throw new ProviderError("refusal", "the model refused");
    let parsed: z.infer<typeof draftSchema>;
    try {
      parsed = draftSchema.parse(JSON.parse(choice?.content ?? ""));
    } catch {
      throw new ProviderError("malformed", "the model's answer is not the structure asked for");
    }
    const known = new Set(input.passages.map((passage) => passage.id));
    const citations = parsed.citations.filter((id) => known.has(id));
    if (citations.length === 0) throw new ProviderError("no_citation", "the draft cites no passage it was given");
    const reply = restore(parsed.reply, redacted.found)
      .split(NAME_PLACEHOLDER)
      .join(input.customerName ?? "there");
    const sources = [
      ...input.passages.filter((passage) => citations.includes(passage.id)).map((passage) => passage.text),
      input.message,
      input.humanContact,
    ];
    const grounding = checkGrounding(reply, sources);
    if (!grounding.grounded)
      throw new ProviderError("ungrounded", `the draft names what no passage says: ${grounding.unsupported.join(", ")}`);
    const usage = completion.usage;
    const prices = this.options.pricePerMillion ?? { input: 0, output: 0 };
    return {
      draft: { text: reply, citations, provider: this.name },
      usage: {
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        cost: ((usage?.prompt_tokens ?? 0) * prices.input + (usage?.completion_tokens ?? 0) * prices.output) / 1_000_000,
      },
    };
  }

  private usage(usage: { prompt_tokens?: number; completion_tokens?: number } | undefined): ProviderUsage {
    const prices = this.options.pricePerMillion ?? { input: 0, output: 0 };
    const prompt = usage?.prompt_tokens ?? 0;
    const completion = usage?.completion_tokens ?? 0;
    return { promptTokens: prompt, completionTokens: completion, cost: (prompt * prices.input + completion * prices.output) / 1_000_000 };
  }

  /** One structured call: the system instruction, the (redacted) user content, the answer parsed with the schema. */
  private async structured<Schema extends z.ZodType>(
    name: string,
    schema: Schema,
    system: string,
    user: unknown,
    signal: AbortSignal,
  ): Promise<{ value: z.output<Schema>; usage: ProviderUsage }> {
    const completion = await this.client.chat.completions.create(
      {
        model: this.options.model,
        temperature: 0,
        messages: [
          { role: "system", content: system },
          { role: "user", content: JSON.stringify(user) },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name, strict: true, schema: z.toJSONSchema(schema) },
        },
      },
      { signal },
    );
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new ProviderError("refusal", "the model refused");
    try {
      return { value: schema.parse(JSON.parse(message?.content ?? "")), usage: this.usage(completion.usage) };
    } catch {
      throw new ProviderError("malformed", "the model's answer is not the structure asked for");
    }
  }

  async summarise(input: SummaryInput, signal: AbortSignal): Promise<{ summary: string; usage: ProviderUsage }> {
    const hide = (text: string) => (input.customerName ? text.split(input.customerName).join(NAME_PLACEHOLDER) : text);
    // one redaction over the whole transcript, so that a placeholder means the same value in every message
    const SEPARATOR = "\n\u241E\n";
    const redacted = redact(input.transcript.map((entry) => hide(entry.text)).join(SEPARATOR));
    const found = redacted.found;
    const texts = redacted.text.split(SEPARATOR);
    const transcript = input.transcript.map((entry, index) => ({ role: entry.role, text: texts[index] ?? "" }));
    const { value, usage } = await this.structured(
      "handoff_summary",
      z.strictObject({ summary: z.string().min(1).max(600) }),
      "Summarise this support conversation in at most three sentences for the colleague who takes over: what the customer wants, what was already answered, what is still open. Use only facts from the transcript; keep placeholders such as [customer_name] as written.",
      { intent: input.intent, signals: input.reasons, transcript },
      signal,
    );
    const summary = restore(value.summary, found)
      .split(NAME_PLACEHOLDER)
      .join(input.customerName ?? "the customer");
    const grounding = checkGrounding(
      summary,
      input.transcript.map((entry) => entry.text),
    );
    if (!grounding.grounded)
      throw new ProviderError("ungrounded", `the summary names what the conversation does not: ${grounding.unsupported.join(", ")}`);
    return { summary, usage };
  }

  async classify(input: ClassifyInput, signal: AbortSignal): Promise<{ intent: string; usage: ProviderUsage }> {
    const intents: [string, ...string[]] = ["unknown", ...input.intents];
    const { value, usage } = await this.structured(
      "intent",
      z.strictObject({ intent: z.enum(intents) }),
      "Classify the customer's message into exactly one of the intents given, or unknown when none fits.",
      { message: redact(input.message).text, intents },
      signal,
    );
    return { intent: value.intent, usage };
  }
}
