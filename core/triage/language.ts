// Language detection with ELD (efficient-language-detector): its "medium" n-gram tables, its text normalisation, byte
// dictionary and reliability scores, and its algorithm step for step, scored over compact tables (eld-tables.ts) rather
// than ELD's object of objects. ELD's detect() took a fifth of decide(); this takes a few µs, and a test checks that
// every answer is ELD's own (language and reliability).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CompactEldTables, compactEldTables, type EldNgramsData, expandEldTables } from "./eld-tables.js";

export interface DetectedLanguage {
  /** ISO 639-1 code, or "und" when the text has too little to go on. */
  code: string;
  reliable: boolean;
}

/** Where the build writes ELD's "medium" tables in the compact form. */
export const eldTablesPath = fileURLToPath(new URL("../data/generated/eld-medium.json", import.meta.url));

// ELD's own modules beside its entry point (the package exports only the preloaded entries)
const eldSource = (file: string) => new URL(`../${file}`, import.meta.resolve("eld/medium")).href;
const { separators } = (await import(eldSource("regexPatterns.js"))) as { separators: RegExp };
const { dictionary } = (await import(eldSource("dictionary.js"))) as { dictionary: string[] };
const { avgScore } = (await import(eldSource("avgScore.js"))) as { avgScore: Record<string, number> };

async function loadTables() {
  if (existsSync(eldTablesPath)) return expandEldTables(JSON.parse(readFileSync(eldTablesPath, "utf8")) as CompactEldTables);
  const { ngramsData } = (await import(eldSource("ngrams/medium.js"))) as { ngramsData: EldNgramsData };
  return expandEldTables(compactEldTables(ngramsData));
}

const tables = await loadTables();
const { rows, offsets, languageIds, scores } = tables;
const totals = new Float64Array(tables.languages.length);
/** Each language's score for a reliable detection, by id (ELD's avgScore, which it scales by 0.75). */
const reliableScores = Float64Array.from(tables.languages, (code) => (avgScore[code] ?? 0) * 0.75);

const UNDETERMINED: DetectedLanguage = { code: "und", reliable: false };
/** ELD cuts the text here, then the bytes at the first space after 350, or at 380 in any case. */
const MAX_CHARS = 1000;
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;
/** ELD's hand-picked scale for its 0-1 scores. */
const SCALE = 25;

/** ELD's words as strings of UTF-8 bytes, each byte one character of its dictionary (ELD's strToUtf8Bytes). */
function byteWords(text: string): string[] {
  let encoded = "";
  const words: string[] = [];
  let countBytes = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code === 32) {
        if (encoded !== "") {
          words.push(encoded);
          encoded = "";
        }
        if (countBytes > CUT_AFTER) break;
      } else encoded += text[i];
      countBytes++;
    } else if (code < 0x800) {
      encoded += dictionary[0xc0 | (code >> 6)] + dictionary[0x80 | (code & 0x3f)];
      countBytes += 2;
    } else if (code < 0xd800 || code >= 0xe000) {
      encoded += dictionary[0xe0 | (code >> 12)] + dictionary[0x80 | ((code >> 6) & 0x3f)] + dictionary[0x80 | (code & 0x3f)];
      countBytes += 3;
    } else {
      i++;
      code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(i) & 0x3ff));
      encoded +=
        dictionary[0xf0 | (code >> 18)] +
        dictionary[0x80 | ((code >> 12) & 0x3f)] +
        dictionary[0x80 | ((code >> 6) & 0x3f)] +
        dictionary[0x80 | (code & 0x3f)];
      countBytes += 4;
    }
    if (countBytes > ENFORCE_CUT_AFTER) break;
  }
  if (encoded !== "") words.push(encoded);
  return words;
}

export function detectLanguage(text: string): DetectedLanguage {
  const words = byteWords(text.slice(0, MAX_CHARS).replace(separators, " ").trim().toLowerCase());
  // ELD's n-grams: 4 bytes with a stride of 3, the first marked by a leading space and the last by a trailing one
  const ngrams = new Set<string>();
  for (const word of words) {
    const length = Math.min(word.length, 70);
    let j = 0;
    for (; j + 4 < length; j += 3) ngrams.add(j === 0 ? ` ${word.substring(0, 4)}` : word.substring(j, j + 4));
    ngrams.add(`${j === 0 ? " " : ""}${word.substring(length !== 3 ? length - 4 : 0)} `);
  }
  totals.fill(0);
  for (const ngram of ngrams) {
    const row = rows.get(ngram);
    if (row === undefined) continue;
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
  const count = ngrams.size;
  const perNgram = totals[best] / count;
  const bestScore = perNgram / (perNgram + SCALE);
  // ELD compares the best score with the runner-up's language id, not its score; kept so that the answers stay ELD's
  const next = second === -1 ? 0 : second;
  const reliable = count >= 3 && !(reliableScores[best] > bestScore || 0.01 > Math.abs(bestScore - next));
  return { code: tables.languages[best], reliable };
}
