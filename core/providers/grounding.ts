// Grounded, or not sent: every fact a model's draft names (an amount, a number, a link, an email address, a time span)
// must appear in the passages it was given or in the ticket; a draft that cites no passage is not grounded either.

const FACTS = [
  /https?:\/\/[^\s)>\]]+/gi, // links
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // email addresses
  /[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:USD|EUR|GBP|dollars?|euros?|pounds?|%)/gi, // amounts and percentages
  /\b\d+(?:[.,:-]\d+)*\b/g, // any other number: days, hours, order numbers, dates
];

/** The facts a text names, each as it appears (trailing punctuation removed). */
export function factsIn(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of FACTS) for (const [match] of text.matchAll(pattern)) found.add(match.replace(/[.,;:!?]+$/, ""));
  return [...found];
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\s+/g, "").replace(/[,]/g, "");
}

export interface GroundingResult {
  grounded: boolean;
  /** Facts in the draft that no source and not the ticket contains. */
  unsupported: string[];
}

/** Checks a draft's facts against its sources; numbers inside a link or an email count with them. */
export function checkGrounding(draft: string, sources: readonly string[]): GroundingResult {
  const haystack = normalise(sources.join("\n"));
  const unsupported = factsIn(draft).filter((fact) => !haystack.includes(normalise(fact)));
  return { grounded: unsupported.length === 0, unsupported };
}
