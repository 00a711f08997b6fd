// The knowledge base: Markdown articles split into self-contained passages, indexed locally (BM25+ ranked as MiniSearch ranks,
// see passage-index.ts) with an English stemmer.
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stemmer } from "stemmer";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { TandemError } from "../errors.js";
import { readTextFile } from "../read-text-file.js";
import { PassageIndex } from "./passage-index.js";

export const articleFrontMatterSchema = z.object({
  title: z.string().min(1),
  intents: z.array(z.string().min(1)).default([]),
  url: z.url().optional(),
});

export interface Passage {
  /** "<article slug>#<section number>" */
  id: string;
  article: string;
  title: string;
  heading: string;
  text: string;
  intents: string[];
  url: string | undefined;
}

export interface SearchHit {
  passage: Passage;
  score: number;
}

export const starterKnowledgeBasePath = fileURLToPath(new URL("../data/kb/", import.meta.url));

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const SECTION = /^## +(.+)$/m;
// English stop words (the Snowball list, shortened, plus greetings): frequent in every question, they only slow the search down.
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i i'd i'll i'm i've if in into is it
it's its itself just me more most my myself no nor not of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves please hi hello thanks thank`.split(/\s+/),
);

/** Splits one article into passages: the intro and each `##` section. */
export function parseArticle(content: string, file: string): Passage[] {
  const match = FRONT_MATTER.exec(content);
  if (!match) throw new TandemError("invalid_data", "the article has no front matter (--- title: … ---)", { where: { file, line: 1 } });
  let front: z.infer<typeof articleFrontMatterSchema>;
  try {
    const parsed = articleFrontMatterSchema.safeParse(parseYaml(match[1]));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TandemError("invalid_data", `front matter ${issue.path.join(".")}: ${issue.message}`, { where: { file } });
    }
    front = parsed.data;
  } catch (error) {
    if (error instanceof TandemError) throw error;
    throw new TandemError("invalid_data", `front matter is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
      where: { file },
    });
  }
  const slug = basename(file).replace(/\.md$/, "");
  const body = content.slice(match[0].length);
  const parts = body.split(/^(?=## )/m);
  const passages: Passage[] = [];
  parts.forEach((part) => {
    const heading = SECTION.exec(part)?.[1]?.trim() ?? front.title;
    const text = part.replace(SECTION, "").trim();
    if (text === "") return;
    passages.push({
      id: `${slug}#${passages.length}`,
      article: slug,
      title: front.title,
      heading,
      text,
      intents: front.intents,
      url: front.url,
    });
  });
  return passages;
}

export function loadPassages(folder: string = starterKnowledgeBasePath): Passage[] {
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((name) => name.endsWith(".md"))
      .sort();
  } catch {
    throw new TandemError("not_found", "knowledge-base folder not found", { where: { file: folder } });
  }
  return files.flatMap((name) => parseArticle(readTextFile(join(folder, name), "article"), join(folder, name)));
}

/** Stems of words seen, so that the Porter stemmer runs once per word rather than once per occurrence (bounded). */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 50_000;

export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  let stem = stems.get(lower);
  if (stem === undefined) {
    stem = stemmer(lower);
    if (stems.size < MAX_CACHED_STEMS) stems.set(lower, stem);
  }
  return stem;
}

const TERM = /[\p{L}\p{N}]+/gu;

/** The stemmed search terms of a text, without stop words: what the index matches on. */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.matchAll(TERM)) {
    const term = processTerm(word);
    if (term !== null) terms.push(term);
  }
  return terms;
}

const INTENT_BOOST = 1.5;

export class KnowledgeBase {
  readonly passages: readonly Passage[];
  private readonly index: PassageIndex<Passage>;
  private readonly byArticle = new Map<string, Passage>();

  constructor(passages: readonly Passage[]) {
    this.passages = passages;
    for (const passage of passages) if (!this.byArticle.has(passage.article)) this.byArticle.set(passage.article, passage);
    this.index = new PassageIndex(
      passages,
      [
        { read: (passage) => passage.title, boost: 1.5 },
        { read: (passage) => passage.heading, boost: 2 },
        { read: (passage) => passage.text, boost: 1 },
      ],
      processTerm,
    );
  }

  /** The first passage of an article (its title and address), by slug. */
  article(slug: string): Passage | undefined {
    return this.byArticle.get(slug);
  }

  /** The slugs of every article. */
  articles(): ReadonlySet<string> {
    return new Set(this.byArticle.keys());
  }

  /** Best passages first; `intent` boosts (×1.5) passages of articles tagged with it. */
  search(query: string, options: { limit?: number; intent?: string } = {}): SearchHit[] {
    const intent = options.intent;
    const passages = this.passages;
    // scores are kept to three decimals, and passages ranked by the score they show
    const rank = (document: number, score: number) =>
      Math.round(score * (intent !== undefined && passages[document].intents.includes(intent) ? INTENT_BOOST : 1) * 1000) / 1000;
    return this.index.top(query, options.limit ?? 5, rank).map((hit) => ({ passage: passages[hit.document], score: hit.score }));
  }
}

export function loadKnowledgeBase(folder?: string): KnowledgeBase {
  return new KnowledgeBase(loadPassages(folder));
}
