// ELD's n-gram tables in a compact form: one map from n-gram to row, and each row's languages and scores in typed arrays.
//
// ELD ships the tables as one JavaScript object of 105,000 small objects ({ "ngram": { langId: score } }): about 60 MB
// resident once parsed, and scored with for…in over each object. The same numbers in typed arrays take a few MB and are
// summed in a tight loop. The build writes them (scripts/copy-assets.mjs); without that file they are made from ELD's module.

/** ELD's own format: languages by id, and for each n-gram the languages that have it with their score (minus ELD's base). */
export interface EldNgramsData {
  type: string;
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

/** The compact form, as written to JSON: rows in order of `keys`, typed arrays as base64. */
export interface CompactEldTables {
  type: string;
  languages: string[];
  keys: string[];
  /** Uint32: row r's entries are offsets[r] to offsets[r + 1]. */
  offsets: string;
  /** Uint8: the language id of each entry. */
  languageIds: string;
  /** Uint16: each entry's score with ELD's base score already added. */
  scores: string;
}

export interface EldTables {
  type: string;
  languages: string[];
  rows: Map<string, number>;
  offsets: Uint32Array;
  languageIds: Uint8Array;
  scores: Uint16Array;
}

/** ELD subtracts this from every score to keep its tables small, and adds it back when scoring. */
const BASE_NGRAM_SCORE = 53;

export function compactEldTables(data: EldNgramsData): CompactEldTables {
  const languageCount = Object.keys(data.languages).length;
  const languages = Array.from({ length: languageCount }, (_, id) => data.languages[id]);
  const keys = Object.keys(data.ngrams);
  let entries = 0;
  for (const key of keys) entries += Object.keys(data.ngrams[key]).length;
  const offsets = new Uint32Array(keys.length + 1);
  const languageIds = new Uint8Array(entries);
  const scores = new Uint16Array(entries);
  let at = 0;
  keys.forEach((key, row) => {
    offsets[row] = at;
    for (const [language, score] of Object.entries(data.ngrams[key])) {
      languageIds[at] = Number(language);
      scores[at] = score + BASE_NGRAM_SCORE;
      at++;
    }
  });
  offsets[keys.length] = at;
  const base64 = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
  return { type: data.type, languages, keys, offsets: base64(offsets), languageIds: base64(languageIds), scores: base64(scores) };
}

export function expandEldTables(compact: CompactEldTables): EldTables {
  // copied out of the decoded buffers so that each typed array is aligned and owns its memory
  const decode = (text: string) => Buffer.from(text, "base64");
  const offsetBytes = decode(compact.offsets);
  const scoreBytes = decode(compact.scores);
  const offsets = new Uint32Array(offsetBytes.byteLength / 4);
  new Uint8Array(offsets.buffer).set(offsetBytes);
  const scores = new Uint16Array(scoreBytes.byteLength / 2);
  new Uint8Array(scores.buffer).set(scoreBytes);
  const rows = new Map<string, number>();
  compact.keys.forEach((key, row) => rows.set(key, row));
  return {
    type: compact.type,
    languages: compact.languages,
    rows,
    offsets,
    languageIds: new Uint8Array(decode(compact.languageIds)),
    scores,
  };
}
