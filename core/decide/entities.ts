// Pulls the facts a reply needs out of a message: order numbers, amounts, dates, emails, tracking numbers, the customer's name.

export interface Entities {
  orderIds: string[];
  amounts: string[];
  dates: string[];
  emails: string[];
  trackingNumbers: string[];
  /** A name the customer gave ("my name is …"); connectors usually know it better. */
  name?: string;
}

// All compiled once; each is run once per message.
const ORDER =
  /(?:\b(?:order|purchase|pedido|commande|bestellung|ordine|bestelling|encomenda)(?:\s+(?:number|no\.?|nr\.?|num(?:ber|éro|ero)?|id|n[°º]))?\s*[:#]?\s*|#)([A-Z]{0,4}-?\d[\dA-Z-]{3,24})\b/giu;
const AMOUNT =
  /(?:[$€£¥]\s?\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\b\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?\s?(?:USD|EUR|GBP|CAD|AUD|CHF|dollars?|euros?|pounds?|€|\$|£)(?![A-Za-z]))/gu;
const DATE =
  /\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?|yesterday|today|last (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/giu;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const TRACKING = /\b(?:1Z[0-9A-Z]{16}|(?:tracking|trace|sendungs)(?:\s+(?:number|no\.?|code|id|nummer))?\s*[:#]?\s*([A-Z0-9]{8,30}))\b/giu;
const NAME =
  /\b(?:[Mm]y name is|[Tt]his is|[Jj]e m'appelle|[Mm]e llamo|[Ii]ch heiße|[Mm]i chiamo)\s+([A-ZÀ-Ý][a-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][a-zà-ÿ'-]+)?)/u;
const MONTH_ONLY = /^(?:may|march|mar|june?|july?|aug|sept?|oct|nov|dec|jan|feb|apr)$/i;

export function extractEntities(text: string): Entities {
  const orderIds = unique(matchGroup(ORDER, text, 1).filter((id) => /\d/.test(id)));
  const amounts = unique(matchAll(AMOUNT, text).map((amount) => amount.trim()));
  // a bare month word ("may") is too often a verb to count as a date
  const dates = unique(matchAll(DATE, text).filter((date) => !MONTH_ONLY.test(date)));
  const emails = unique(matchAll(EMAIL, text));
  const trackingNumbers = unique(
    [...text.matchAll(TRACKING)].map((match) => match[1] ?? match[0]).filter((value) => /\d/.test(value) && !orderIds.includes(value)),
  );
  const name = NAME.exec(text)?.[1];
  return name ? { orderIds, amounts, dates, emails, trackingNumbers, name } : { orderIds, amounts, dates, emails, trackingNumbers };
}

function matchAll(pattern: RegExp, text: string): string[] {
  return [...text.matchAll(pattern)].map((match) => match[0]);
}

function matchGroup(pattern: RegExp, text: string, group: number): string[] {
  return [...text.matchAll(pattern)].map((match) => match[group]).filter((value): value is string => value !== undefined);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
