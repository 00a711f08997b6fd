// Language detection through ELD (efficient-language-detector), a maintained n-gram detector: fast and good on short messages.
//
// ELD ships its n-gram tables as one large JavaScript object literal; compiling it costs about 190 MB of resident memory
// for 60 MB of data. The build (scripts/copy-assets.mjs) writes the same tables as JSON beside the shipped data, and
// loading that with JSON.parse costs about 60 MB. Without the JSON (no build yet), ELD's own module is used.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface DetectedLanguage {
  /** ISO 639-1 code, or "und" when the text has too little to go on. */
  code: string;
  reliable: boolean;
}

interface Eld {
  detect(text: string): { language: string; isReliable(): boolean };
}

/** Where the build writes ELD's "medium" n-gram tables as JSON. */
export const eldTablesPath = fileURLToPath(new URL("../data/generated/eld-medium.json", import.meta.url));

async function loadEld(): Promise<Eld> {
  if (existsSync(eldTablesPath)) {
    // ELD's detector module, beside its entry points (the package exports only the preloaded entries)
    const detector = (await import(new URL("../languageDetector.js", import.meta.resolve("eld/medium")).href)) as {
      createEld: () => { instance: Eld; loadData: (data: unknown) => void };
    };
    const { instance, loadData } = detector.createEld();
    loadData(JSON.parse(readFileSync(eldTablesPath, "utf8")));
    return instance;
  }
  return (await import("eld/medium")).eld;
}

const eld = await loadEld();

const UNDETERMINED: DetectedLanguage = { code: "und", reliable: false };

export function detectLanguage(text: string): DetectedLanguage {
  const result = eld.detect(text);
  if (result.language === "") return UNDETERMINED;
  return { code: result.language, reliable: result.isReliable() };
}
