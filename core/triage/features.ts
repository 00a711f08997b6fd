// Turns a message into hashed, weighted sparse features (words, word pairs, character n-grams) without per-token allocation.
import { z } from "zod";

export const featureConfigSchema = z.object({
  /** Longest word n-gram (1 = words only, 2 = words and adjacent pairs). */
  wordNgrams: z.number().int().min(1).max(3),
  /** Shortest and longest character n-gram inside a word padded with boundary marks; 0 disables. */
  charMin: z.number().int().min(0).max(8),
  charMax: z.number().int().min(0).max(8),
});
export type FeatureConfig = z.infer<typeof featureConfigSchema>;

export const defaultFeatureConfig: FeatureConfig = { wordNgrams: 2, charMin: 2, charMax: 5 };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x3c6ef372;
const SEED_PAIR = 0xa54ff53a;
const SEED_TRIPLE = 0x510e527f;
const SEED_CHAR = 0x9b05688c;
const BOUNDARY_START = 1;
const BOUNDARY_END = 2;
const DIGIT = 48; // every digit hashes as "0": order numbers and amounts carry no intent

/** 1 for characters that belong to a word, 0 otherwise (ASCII only; above it, see isWordCode). */
const ASCII_WORD = new Uint8Array(128);
for (let code = 48; code <= 57; code++) ASCII_WORD[code] = 1;
for (let code = 97; code <= 122; code++) ASCII_WORD[code] = 1;
for (let code = 65; code <= 90; code++) ASCII_WORD[code] = 1;

function isWordCode(code: number): boolean {
  if (code < 128) return ASCII_WORD[code] === 1;
  // Latin-1 letters and every script above them, minus the punctuation and symbol blocks.
  if (code < 0xc0) return code === 0xaa || code === 0xb5 || code === 0xba;
  if (code === 0xd7 || code === 0xf7) return false;
  if (code >= 0x2000 && code <= 0x2bff) return false;
  if (code >= 0x3000 && code <= 0x303f) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false; // surrogates: emoji and the like
  if (code >= 0xfe30 && code <= 0xfe6f) return false;
  if (code >= 0xff00 && code <= 0xff20) return false;
  return true;
}

function finalize(hash: number): number {
  // murmur3 fmix32: spreads FNV's low-entropy high bits; 0 is reserved as the empty slot.
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h >>>= 0;
  return h === 0 ? 1 : h;
}

function combine(a: number, b: number, seed: number): number {
  let h = Math.imul(seed ^ a, FNV_PRIME);
  h = Math.imul(h ^ b, FNV_PRIME);
  return finalize(h);
}

/**
 * Extracts features into reusable buffers. After `extract`, `hashes[0..count)` and `values[0..count)`
 * hold unique feature hashes (in order of first appearance) and their L2-normalised weights. Not re-entrant by design.
 */
export class Featurizer {
  readonly config: FeatureConfig;
  hashes: Uint32Array = new Uint32Array(1024);
  values: Float32Array = new Float32Array(1024);
  count = 0;
  private raw: Uint32Array = new Uint32Array(1024);
  private codes = new Uint16Array(1024);
  private wordStart = new Int32Array(256);
  private wordEnd = new Int32Array(256);
  private wordHash = new Uint32Array(256);
  private slotKeys = new Uint32Array(2048);
  private slotIndex = new Int32Array(2048);
  private slotStamp = new Uint32Array(2048);
  private stamp = 0;

  constructor(config: FeatureConfig = defaultFeatureConfig) {
    this.config = featureConfigSchema.parse(config);
  }

  extract(text: string): number {
    const length = text.length;
    if (this.codes.length < length) this.codes = new Uint16Array(length * 2);
    const codes = this.codes;
    let words = 0;
    let inWord = false;
    for (let i = 0; i < length; i++) {
      let code = text.charCodeAt(i);
      if (isWordCode(code)) {
        if (code >= 65 && code <= 90) code += 32;
        else if (code >= 48 && code <= 57) code = DIGIT;
        else if (code >= 0xc0) code = lowerCode(code);
        codes[i] = code;
        if (!inWord) {
          if (words === this.wordStart.length) this.growWords();
          this.wordStart[words] = i;
          inWord = true;
        }
      } else if (inWord) {
        // an apostrophe inside a word ("don't", "l'adresse") keeps the word whole
        if ((code === 39 || code === 0x2019) && i + 1 < length && isWordCode(text.charCodeAt(i + 1))) {
          codes[i] = 39;
          continue;
        }
        this.wordEnd[words++] = i;
        inWord = false;
      }
    }
    if (inWord) this.wordEnd[words++] = length;

    const { wordNgrams, charMin, charMax } = this.config;
    let raw = this.raw;
    let rawCount = 0;
    for (let w = 0; w < words; w++) {
      const start = this.wordStart[w];
      const end = this.wordEnd[w];
      const needed = rawCount + wordNgrams + (charMax > 0 ? (end - start + 2) * (charMax - charMin + 1) : 0);
      if (needed > raw.length) raw = this.growRaw(Math.max(needed, raw.length * 2));
      let h = SEED_WORD ^ FNV_OFFSET;
      for (let i = start; i < end; i++) h = Math.imul(h ^ codes[i], FNV_PRIME);
      const word = finalize(h);
      this.wordHash[w] = word;
      raw[rawCount++] = word;
      if (wordNgrams >= 2 && w > 0) raw[rawCount++] = combine(this.wordHash[w - 1], word, SEED_PAIR);
      if (wordNgrams >= 3 && w > 1)
        raw[rawCount++] = combine(combine(this.wordHash[w - 2], this.wordHash[w - 1], SEED_TRIPLE), word, SEED_TRIPLE);
      if (charMin > 0 && charMax >= charMin) {
        // n-grams of "<word>", the marks standing for the word's edges
        for (let i = start - 1; i <= end; i++) {
          let g = SEED_CHAR ^ FNV_OFFSET;
          const last = Math.min(i + charMax - 1, end);
          for (let j = i; j <= last; j++) {
            const code = j < start ? BOUNDARY_START : j === end ? BOUNDARY_END : codes[j];
            g = Math.imul(g ^ code, FNV_PRIME);
            const n = j - i + 1;
            if (n >= charMin) raw[rawCount++] = finalize(g ^ Math.imul(n, 0x9e3779b1));
          }
        }
      }
    }
    return this.collapse(rawCount);
  }

  /** Counts repeats with a scratch hash set (no sort), applies sublinear term frequency and L2-normalises. */
  private collapse(rawCount: number): number {
    if (this.hashes.length < rawCount) {
      this.hashes = new Uint32Array(rawCount * 2);
      this.values = new Float32Array(rawCount * 2);
    }
    if (this.slotKeys.length < rawCount * 2) {
      let capacity = this.slotKeys.length;
      while (capacity < rawCount * 2) capacity *= 2;
      this.slotKeys = new Uint32Array(capacity);
      this.slotIndex = new Int32Array(capacity);
      this.slotStamp = new Uint32Array(capacity);
    }
    // a new stamp empties the set without clearing it
    if (this.stamp === 0xffffffff) {
      this.slotStamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    const mask = this.slotKeys.length - 1;
    const { slotKeys, slotIndex, slotStamp, raw, hashes, values } = this;
    let count = 0;
    for (let i = 0; i < rawCount; i++) {
      const h = raw[i];
      let slot = h & mask;
      for (;;) {
        if (slotStamp[slot] !== stamp) {
          slotStamp[slot] = stamp;
          slotKeys[slot] = h;
          slotIndex[slot] = count;
          hashes[count] = h;
          values[count] = 1;
          count++;
          break;
        }
        if (slotKeys[slot] === h) {
          values[slotIndex[slot]] += 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    let norm = 0;
    for (let k = 0; k < count; k++) {
      const repeats = values[k];
      const value = repeats === 1 ? 1 : 1 + Math.log(repeats);
      values[k] = value;
      norm += value * value;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < count; k++) values[k] *= scale;
    this.count = count;
    return count;
  }

  private growWords(): void {
    const size = this.wordStart.length * 2;
    const start = new Int32Array(size);
    start.set(this.wordStart);
    const end = new Int32Array(size);
    end.set(this.wordEnd);
    this.wordStart = start;
    this.wordEnd = end;
    this.wordHash = new Uint32Array(size);
  }

  private growRaw(size: number): Uint32Array {
    const raw = new Uint32Array(size);
    raw.set(this.raw);
    this.raw = raw;
    return raw;
  }
}

/** Lower-cases one non-ASCII UTF-16 code unit without allocating a string for common scripts. */
function lowerCode(code: number): number {
  // Latin-1 capitals À-Þ (except ×) and Greek/Cyrillic capitals map by fixed offsets.
  if (code >= 0xc0 && code <= 0xde && code !== 0xd7) return code + 32;
  if (code >= 0x391 && code <= 0x3a9) return code + 32;
  if (code >= 0x410 && code <= 0x42f) return code + 32;
  if (code >= 0x400 && code <= 0x40f) return code + 80;
  if (code >= 0x100 && code <= 0x17f && code % 2 === 0 && code !== 0x130 && code !== 0x138) return code + 1;
  return code;
}
