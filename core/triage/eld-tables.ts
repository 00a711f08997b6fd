// ELD's n-gram tables in a compact binary form: each n-gram packed into one number, found through an open-addressing table
// of typed arrays, with its languages and scores in typed arrays beside it.
//
// ELD ships the tables as one JavaScript object of 105,000 small objects ({ "ngram": { langId: score } }): about 60 MB
// resident once parsed, and scored with for…in over each object. An n-gram is at most 6 characters of ELD's byte alphabet
// (codes 32 to 255), so base 256 packs it exactly into a double: the tables become 4 MB of typed arrays, hold no strings,
// and a lookup allocates nothing. The build writes them (scripts/copy-assets.mjs); without that file they are made from
// ELD's module at start.

/** ELD's own format: languages by id, and for each n-gram the languages that have it with their score (minus ELD's base). */
export interface EldNgramsData {
  type: string;
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

export interface EldTables {
  type: string;
  languages: string[];
  /** Packed n-grams by slot (0: empty), and each slot's row; `mask` + 1 slots. */
  slotKeys: Float64Array;
  slotRows: Int32Array;
  mask: number;
  /** Row r's entries are offsets[r] to offsets[r + 1]. */
  offsets: Uint32Array;
  languageIds: Uint8Array;
  /** Each entry's score with ELD's base score already added. */
  scores: Uint16Array;
}

/** ELD subtracts this from every score to keep its tables small, and adds it back when scoring. */
const BASE_NGRAM_SCORE = 53;
/** Longest n-gram in ELD's tables: a space, four bytes and a space. */
export const MAX_PACKED_LENGTH = 6;
const MAGIC = "TDMELD1\n";

/** An n-gram of ELD's byte alphabet (each code 1 to 255, at most 6 of them) as one exact number. */
export function packNgram(codes: ArrayLike<number>, start: number, end: number): number {
  let key = 0;
  let scale = 1;
  for (let i = start; i < end; i++) {
    key += codes[i] * scale;
    scale *= 256;
  }
  return key;
}

/** Slot of a packed key: its two halves mixed (murmur3's finaliser) and masked. */
export function slotOf(key: number, mask: number): number {
  let h = Math.imul((key % 0x1000000) ^ Math.imul(Math.floor(key / 0x1000000), 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

/** The binary file: magic, a JSON header (type, languages, counts), then keys, offsets, language ids and scores. */
export function encodeEldTables(data: EldNgramsData): Buffer {
  const languages = Array.from({ length: Object.keys(data.languages).length }, (_, id) => data.languages[id]);
  const ngrams = Object.keys(data.ngrams);
  let entries = 0;
  for (const ngram of ngrams) entries += Object.keys(data.ngrams[ngram]).length;
  const keys = new Float64Array(ngrams.length);
  const offsets = new Uint32Array(ngrams.length + 1);
  const languageIds = new Uint8Array(entries);
  const scores = new Uint16Array(entries);
  let at = 0;
  ngrams.forEach((ngram, row) => {
    const codes = Array.from(ngram, (character) => character.charCodeAt(0));
    if (codes.length > MAX_PACKED_LENGTH || codes.some((code) => code < 1 || code > 255))
      throw new Error(`ELD n-gram ${JSON.stringify(ngram)} does not pack into a number`);
    keys[row] = packNgram(codes, 0, codes.length);
    offsets[row] = at;
    for (const [language, score] of Object.entries(data.ngrams[ngram])) {
      languageIds[at] = Number(language);
      scores[at] = score + BASE_NGRAM_SCORE;
      at++;
    }
  });
  offsets[ngrams.length] = at;
  const header = Buffer.from(JSON.stringify({ type: data.type, languages, rows: ngrams.length, entries }));
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(header.length);
  // 8-byte alignment for the keys that follow
  const padding = Buffer.alloc((8 - ((MAGIC.length + 4 + header.length) % 8)) % 8);
  const bytes = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  return Buffer.concat([Buffer.from(MAGIC), headerLength, header, padding, bytes(keys), bytes(offsets), bytes(languageIds), bytes(scores)]);
}

export function decodeEldTables(file: Buffer): EldTables {
  if (file.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new Error("not a Tandem ELD table file");
  const headerLength = file.readUInt32LE(MAGIC.length);
  let at = MAGIC.length + 4;
  const header = JSON.parse(file.toString("utf8", at, at + headerLength)) as {
    type: string;
    languages: string[];
    rows: number;
    entries: number;
  };
  at += headerLength;
  at += (8 - (at % 8)) % 8;
  // copied out, so that each array is aligned and owns its memory
  const take = <T>(make: (length: number) => T & { buffer: ArrayBufferLike }, length: number, bytesPer: number): T => {
    const array = make(length);
    new Uint8Array(array.buffer).set(file.subarray(at, at + length * bytesPer));
    at += length * bytesPer;
    return array;
  };
  const keys = take((n) => new Float64Array(n), header.rows, 8);
  const offsets = take((n) => new Uint32Array(n), header.rows + 1, 4);
  const languageIds = take((n) => new Uint8Array(n), header.entries, 1);
  const scores = take((n) => new Uint16Array(n), header.entries, 2);
  let capacity = 16;
  while (capacity < header.rows * 2) capacity *= 2;
  const mask = capacity - 1;
  const slotKeys = new Float64Array(capacity);
  const slotRows = new Int32Array(capacity);
  for (let row = 0; row < header.rows; row++) {
    let slot = slotOf(keys[row], mask);
    while (slotKeys[slot] !== 0) slot = (slot + 1) & mask;
    slotKeys[slot] = keys[row];
    slotRows[slot] = row;
  }
  return { type: header.type, languages: header.languages, slotKeys, slotRows, mask, offsets, languageIds, scores };
}

/** The row of a packed n-gram, or -1 when ELD's tables do not have it. */
export function rowOf(tables: EldTables, key: number): number {
  const { slotKeys, slotRows, mask } = tables;
  let slot = slotOf(key, mask);
  for (;;) {
    const found = slotKeys[slot];
    if (found === key) return slotRows[slot];
    if (found === 0) return -1;
    slot = (slot + 1) & mask;
  }
}
