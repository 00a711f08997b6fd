// Removes personal data (emails, phone numbers, Luhn-valid card numbers, IBANs) from text that leaves the machine or reaches a log.

export type RedactedKind = "email" | "phone" | "card" | "iban";

export interface Redaction {
  text: string;
  /** What was replaced, by kind, in order of appearance (the original values, for restoring). */
  found: { kind: RedactedKind; value: string; placeholder: string }[];
}

// Compiled once. Order matters: cards and IBANs before phones, whose digit runs they would otherwise match.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const PHONE = /(?<![\w#])(?:\+|00)?\d{1,3}?[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){2,4}(?![\w])/g;

export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function isIbanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, "");
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

export function redact(text: string): Redaction {
  const found: Redaction["found"] = [];
  const counters: Record<RedactedKind, number> = { email: 0, phone: 0, card: 0, iban: 0 };
  const replace = (kind: RedactedKind, value: string) => {
    counters[kind]++;
    const placeholder = `[${kind}_${counters[kind]}]`;
    found.push({ kind, value, placeholder });
    return placeholder;
  };
  let result = text.replace(EMAIL, (match) => replace("email", match));
  result = result.replace(IBAN, (match) => (isIbanValid(match) ? replace("iban", match) : match));
  result = result.replace(CARD, (match) => (isLuhnValid(match.replace(/[ -]/g, "")) ? replace("card", match) : match));
  result = result.replace(PHONE, (match) => (looksLikePhone(match) ? replace("phone", match) : match));
  return { text: result, found };
}

/** Puts the original values back in place of the placeholders (for an answer that quotes them). */
export function restore(text: string, found: Redaction["found"]): string {
  let result = text;
  for (const { placeholder, value } of found) result = result.split(placeholder).join(value);
  return result;
}

const DATE_SHAPE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;
const SEPARATOR = /[ .()-]/;

/** 7 to 15 digits, written as a phone number is: with a + or 00 prefix, or in groups; never a date. */
function looksLikePhone(match: string): boolean {
  const digits = countDigits(match);
  if (digits < 7 || digits > 15 || DATE_SHAPE.test(match)) return false;
  return match.startsWith("+") || match.startsWith("00") || SEPARATOR.test(match);
}

function countDigits(value: string): number {
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}
