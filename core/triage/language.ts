// Language detection with ELD (efficient-language-detector): its "medium" n-gram tables, its text normalisation, byte
// dictionary and reliability scores, and its algorithm step for step, over compact tables (eld-tables.ts) and byte codes
// rather than ELD's object of objects and strings. ELD's detect() took a fifth of decide(); this takes a few µs without
// allocating per n-gram, and a test checks that every answer is ELD's own (language and reliability).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeEldTables, type EldNgramsData, encodeEldTables, MAX_PACKED_LENGTH, packNgram, rowOf } from "./eld-tables.js";

export interface DetectedLanguage {
  /** ISO 639-1 code, or "und" when the text has too little to go on. */
  code: string;
  reliable: boolean;
}

/** Where the build writes ELD's "medium" tables in the compact form. */
export const eldTablesPath = fileURLToPath(new URL("../data/generated/eld-medium.bin", import.meta.url));

// ELD's own modules beside its entry point (the package exports only the preloaded entries)
const eldSource = (file: string) => new URL(`../${file}`, import.meta.resolve("eld/medium")).href;
const { separators } = (await import(eldSource("regexPatterns.js"))) as { separators: RegExp };
const { dictionary } = (await import(eldSource("dictionary.js"))) as { dictionary: string[] };
const { avgScore } = (await import(eldSource("avgScore.js"))) as { avgScore: Record<string, number> };

async function loadTables() {
  if (existsSync(eldTablesPath)) return decodeEldTables(readFileSync(eldTablesPath));
  const { ngramsData } = (await import(eldSource("ngrams/medium.js"))) as { ngramsData: EldNgramsData };
  return decodeEldTables(encodeEldTables(ngramsData));
}

const tables = await loadTables();
const { offsets, languageIds, scores } = tables;
const totals = new Float64Array(tables.languages.length);
/** Each language's score for a reliable detection, by id (ELD's avgScore, which it scales by 0.75). */
const reliableScores = Float64Array.from(tables.languages, (code) => (avgScore[code] ?? 0) * 0.75);
/** The character ELD writes for each UTF-8 byte: ASCII as itself, the rest through its dictionary. */
const BYTE_CODES = Uint8Array.from({ length: 256 }, (_, byte) => (byte < 0x80 ? byte : dictionary[byte].charCodeAt(0)));

const UNDETERMINED: DetectedLanguage = { code: "und", reliable: false };
/** ELD cuts the text here, then the bytes at the first space after 350, or at 380 in any case. */
const MAX_CHARS = 1000;
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;
/** ELD's hand-picked scale for its 0-1 scores. */
const SCALE = 25;
const SPACE = 32;

// scratch state for one detection at a time (detection is synchronous): the words' byte codes, and the distinct n-grams
const bytes = new Uint8Array(ENFORCE_CUT_AFTER + 8);
const wordStarts = new Int32Array(ENFORCE_CUT_AFTER + 8);
const wordEnds = new Int32Array(ENFORCE_CUT_AFTER + 8);
const ngram = new Uint8Array(MAX_PACKED_LENGTH + 1);
const SEEN_SLOTS = 1024;
const seenKeys = new Float64Array(SEEN_SLOTS);
const seenStamps = new Uint32Array(SEEN_SLOTS);
let stamp = 0;
const distinct = new Float64Array(SEEN_SLOTS);

/** Splits ELD's normalised text into words of UTF-8 byte codes (ELD's strToUtf8Bytes); returns the number of words. */
function encodeWords(text: string): number {
  let length = 0;
  let words = 0;
  let wordStart = 0;
  let countBytes = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code === SPACE) {
        if (length > wordStart) {
          wordStarts[words] = wordStart;
          wordEnds[words++] = length;
          wordStart = length;
        }
        if (countBytes > CUT_AFTER) break;
      } else bytes[length++] = BYTE_CODES[code];
      countBytes++;
    } else if (code < 0x800) {
      bytes[length++] = BYTE_CODES[0xc0 | (code >> 6)];
      bytes[length++] = BYTE_CODES[0x80 | (code & 0x3f)];
      countBytes += 2;
    } else if (code < 0xd800 || code >= 0xe000) {
      bytes[length++] = BYTE_CODES[0xe0 | (code >> 12)];
      bytes[length++] = BYTE_CODES[0x80 | ((code >> 6) & 0x3f)];
      bytes[length++] = BYTE_CODES[0x80 | (code & 0x3f)];
      countBytes += 3;
    } else {
      i++;
      code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(i) & 0x3ff));
      bytes[length++] = BYTE_CODES[0xf0 | (code >> 18)];
      bytes[length++] = BYTE_CODES[0x80 | ((code >> 12) & 0x3f)];
      bytes[length++] = BYTE_CODES[0x80 | ((code >> 6) & 0x3f)];
      bytes[length++] = BYTE_CODES[0x80 | (code & 0x3f)];
      countBytes += 4;
    }
    if (countBytes > ENFORCE_CUT_AFTER) break;
  }
  if (length > wordStart) {
    wordStarts[words] = wordStart;
    wordEnds[words++] = length;
  }
  return words;
}

/** Adds a packed n-gram to this detection's distinct set; returns the number of distinct n-grams so far. */
function addDistinct(key: number, count: number): number {
  let slot = (key % 1021) & (SEEN_SLOTS - 1);
  for (;;) {
    if (seenStamps[slot] !== stamp) {
      seenStamps[slot] = stamp;
      seenKeys[slot] = key;
      distinct[count] = key;
      return count + 1;
    }
    if (seenKeys[slot] === key) return count;
    slot = (slot + 1) & (SEEN_SLOTS - 1);
  }
}

export function detectLanguage(text: string): DetectedLanguage {
  const words = encodeWords(text.slice(0, MAX_CHARS).replace(separators, " ").trim().toLowerCase());
  if (stamp === 0xffffffff) {
    seenStamps.fill(0);
    stamp = 0;
  }
  stamp++;
  // ELD's n-grams: 4 bytes with a stride of 3, the first marked by a leading space and the last by a trailing one. An end
  // n-gram of a word past 70 bytes can be longer than any in the tables: it counts, but is never found.
  let count = 0;
  let long: Set<string> | undefined;
  for (let w = 0; w < words; w++) {
    const start = wordStarts[w];
    const length = wordEnds[w] - start;
    const capped = Math.min(length, 70);
    let j = 0;
    for (; j + 4 < capped; j += 3) {
      if (j === 0) {
        ngram[0] = SPACE;
        for (let k = 0; k < 4; k++) ngram[k + 1] = bytes[start + k];
        count = addDistinct(packNgram(ngram, 0, 5), count);
      } else count = addDistinct(packNgram(bytes, start + j, start + j + 4), count);
    }
    const from = Math.max(0, capped !== 3 ? capped - 4 : 0);
    const size = (j === 0 ? 1 : 0) + (length - from) + 1;
    if (size > MAX_PACKED_LENGTH) {
      long ??= new Set();
      long.add(`${j === 0 ? " " : ""}${String.fromCharCode(...bytes.subarray(start + from, start + length))} `);
      continue;
    }
    let at = 0;
    if (j === 0) ngram[at++] = SPACE;
    for (let k = start + from; k < start + length; k++) ngram[at++] = bytes[k];
    ngram[at++] = SPACE;
    count = addDistinct(packNgram(ngram, 0, at), count);
  }
  totals.fill(0);
  for (let i = 0; i < count; i++) {
    const row = rowOf(tables, distinct[i]);
    if (row < 0) continue;
    for (let at = offsets[row], end = offsets[row + 1]; at < end; at++) totals[languageIds[at]] += scores[at];
  }
  // the best language (the first on a tie) and the runner-up, as ELD orders them
  let best = -1;
  let second = -1;
  for (let id = 0; id < totals.length; id++) {
    const total = totals[id];
    if (total <= 0) continue;
    if (best === -1 || total > totals[best]) {
      second = best;
      best = id;
    } else if (second === -1 || total > totals[second]) second = id;
  }
  if (best === -1) return UNDETERMINED;
  const ngrams = count + (long?.size ?? 0);
  const perNgram = totals[best] / ngrams;
  const bestScore = perNgram / (perNgram + SCALE);
  // ELD compares the best score with the runner-up's language id, not its score; kept so that the answers stay ELD's
  const next = second === -1 ? 0 : second;
  const reliable = ngrams >= 3 && !(reliableScores[best] > bestScore || 0.01 > Math.abs(bestScore - next));
  return { code: tables.languages[best], reliable };
}
