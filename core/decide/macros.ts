// Macros: canned answers with placeholders and intent tags. Loaded from YAML or JSON, checked with zod, filled from the ticket.
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TandemError } from "../errors.js";
import { parseWith, readDataFile } from "../data-file.js";
import type { Entities } from "./entities.js";
import { searchTerms } from "./knowledge-base.js";

/** What a placeholder may name, and how an agent reads it when it is missing. */
export const PLACEHOLDERS = {
  customer_name: "customer name",
  order_id: "order number",
  amount: "amount",
  date: "date",
  tracking_number: "tracking number",
  email: "email address",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** A greeting reads naturally without the name ("Hi there,"); every other placeholder is a fact and must be filled. */
const FALLBACKS: Partial<Record<Placeholder, string>> = { customer_name: "there" };
const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

export const macroSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
  title: z.string().min(1),
  intents: z.array(z.string().min(1)).min(1, "name at least one intent"),
  body: z
    .string()
    .min(1)
    .superRefine((body, context) => {
      for (const [, name] of body.matchAll(PLACEHOLDER))
        if (!(name in PLACEHOLDERS))
          context.addIssue({
            code: "custom",
            message: `unknown placeholder {{${name}}} (known: ${Object.keys(PLACEHOLDERS).join(", ")})`,
          });
    }),
  /** Knowledge-base article slugs every fact in the body comes from. */
  sources: z.array(z.string().min(1)).default([]),
});

export type Macro = z.infer<typeof macroSchema>;

export const starterMacrosPath = fileURLToPath(new URL("../data/macros.yaml", import.meta.url));

export interface FilledMacro {
  text: string;
  /** Placeholders that had no value: the text shows "[order number]" there, and a person must fill it in. */
  missing: Placeholder[];
}

interface IndexedMacro {
  macro: Macro;
  placeholders: Placeholder[];
  titleTerms: ReadonlySet<string>;
  bodyTerms: ReadonlySet<string>;
}

export interface MacroChoice {
  macro: Macro;
  filled: FilledMacro;
  /** Shared stemmed terms between the message and the macro (title counts double). */
  relevance: number;
}

export type PlaceholderValues = Partial<Record<Placeholder, string>>;

/** The values a ticket gives for each placeholder: what the connector knows about the customer first, then what the message says. */
export function placeholderValues(entities: Entities, customer: { name?: string | undefined; email?: string | undefined } = {}) {
  const values: PlaceholderValues = {};
  const name = customer.name ?? entities.name;
  if (name) values.customer_name = name.split(/\s+/)[0];
  if (entities.orderIds[0]) values.order_id = entities.orderIds[0];
  if (entities.amounts[0]) values.amount = entities.amounts[0];
  if (entities.dates[0]) values.date = entities.dates[0];
  if (entities.trackingNumbers[0]) values.tracking_number = entities.trackingNumbers[0];
  const email = customer.email ?? entities.emails[0];
  if (email) values.email = email;
  return values;
}

/** Fills a macro's placeholders; one with no value becomes "[order number]" and is listed in `missing`, never sent as {{order_id}}. */
export function fillMacro(body: string, values: PlaceholderValues): FilledMacro {
  const missing: Placeholder[] = [];
  const text = body.replace(PLACEHOLDER, (_, name: string) => {
    const key = name as Placeholder;
    const value = values[key] ?? FALLBACKS[key];
    if (value !== undefined) return value;
    if (!missing.includes(key)) missing.push(key);
    return `[${PLACEHOLDERS[key]}]`;
  });
  return { text, missing };
}

export class MacroLibrary {
  readonly macros: readonly Macro[];
  private readonly byIntent = new Map<string, IndexedMacro[]>();

  constructor(macros: readonly Macro[]) {
    this.macros = macros;
    for (const macro of macros) {
      const placeholders = [...new Set([...macro.body.matchAll(PLACEHOLDER)].map((match) => match[1] as Placeholder))];
      const indexed: IndexedMacro = {
        macro,
        placeholders,
        titleTerms: new Set(searchTerms(macro.title)),
        bodyTerms: new Set(searchTerms(macro.body.replace(PLACEHOLDER, " "))),
      };
      for (const intent of macro.intents) {
        let list = this.byIntent.get(intent);
        if (!list) this.byIntent.set(intent, (list = []));
        list.push(indexed);
      }
    }
  }

  forIntent(intent: string): readonly Macro[] {
    return (this.byIntent.get(intent) ?? []).map((indexed) => indexed.macro);
  }

  /**
   * The best macro for an intent: one that can be filled completely beats one that cannot; then the one sharing the most
   * terms with the message; then the one whose first intent is this one; then file order.
   */
  choose(intent: string, message: string | readonly string[], values: PlaceholderValues): MacroChoice | undefined {
    const candidates = this.byIntent.get(intent);
    if (!candidates) return undefined;
    const terms = typeof message === "string" ? searchTerms(message) : message;
    let best: { indexed: IndexedMacro; complete: boolean; relevance: number; primary: boolean } | undefined;
    for (const indexed of candidates) {
      let complete = true;
      for (const placeholder of indexed.placeholders)
        if (values[placeholder] === undefined && FALLBACKS[placeholder] === undefined) complete = false;
      let relevance = 0;
      for (const term of terms) relevance += (indexed.titleTerms.has(term) ? 2 : 0) + (indexed.bodyTerms.has(term) ? 1 : 0);
      const primary = indexed.macro.intents[0] === intent;
      if (
        !best ||
        (complete && !best.complete) ||
        (complete === best.complete && (relevance > best.relevance || (relevance === best.relevance && primary && !best.primary)))
      )
        best = { indexed, complete, relevance, primary };
    }
    if (!best) return undefined;
    return { macro: best.indexed.macro, filled: fillMacro(best.indexed.macro.body, values), relevance: best.relevance };
  }
}

/** Checks a parsed list of macros and names the exact path of the first mistake ("[3].body"). */
export function parseMacros(value: unknown, file = "macros"): Macro[] {
  const macros = parseWith(z.array(macroSchema), value, "invalid_macros", file);
  const seen = new Map<string, number>();
  macros.forEach((macro, index) => {
    const first = seen.get(macro.id);
    if (first !== undefined)
      throw new TandemError("invalid_macros", `duplicate id "${macro.id}" (first at [${first}])`, {
        where: { file, path: `[${index}].id` },
      });
    seen.set(macro.id, index);
  });
  return macros;
}

export function loadMacros(path: string = starterMacrosPath): MacroLibrary {
  return new MacroLibrary(parseMacros(readDataFile(path, "macros file", "invalid_macros") ?? [], path));
}

/** Every macro source must be an article of the knowledge base, so that a suggestion can link to it. */
export function checkMacroSources(library: MacroLibrary, articles: ReadonlySet<string>, file = "macros"): void {
  library.macros.forEach((macro, index) => {
    macro.sources.forEach((source, sourceIndex) => {
      if (!articles.has(source))
        throw new TandemError("invalid_macros", `source "${source}" is not an article of the knowledge base`, {
          where: { file, path: `[${index}].sources[${sourceIndex}]` },
        });
    });
  });
}
