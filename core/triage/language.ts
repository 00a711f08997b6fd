// Language detection through ELD (efficient-language-detector), a maintained n-gram detector: fast and good on short messages.
import { eld } from "eld/medium";

export interface DetectedLanguage {
  /** ISO 639-1 code, or "und" when the text has too little to go on. */
  code: string;
  reliable: boolean;
}

const UNDETERMINED: DetectedLanguage = { code: "und", reliable: false };

export function detectLanguage(text: string): DetectedLanguage {
  const result = eld.detect(text);
  if (result.language === "") return UNDETERMINED;
  return { code: result.language, reliable: result.isReliable() };
}
