// Detectors for what makes a message need a person: asking for one, frustration, threats, repeat contact. Patterns compiled once.
import type { SentimentResult } from "../triage/sentiment.js";
import { isShouting } from "../triage/priority.js";

export interface Detection {
  /** 0 (absent) to 1 (unmistakable). */
  strength: number;
  /** The words that triggered it (a short phrase, never the whole message). */
  evidence: string[];
}

const NONE: Detection = { strength: 0, evidence: [] };

// Asking for a person, in English: a verb of contact followed closely by a word for a person, matched word by word
// with one typo allowed ("talkk to an asisstant"), as customers type in a hurry.
const CONTACT_VERBS = [
  "speak",
  "speaking",
  "talk",
  "talking",
  "chat",
  "chatting",
  "contact",
  "contacting",
  "reach",
  "connect",
  "transfer",
  "call",
  "phone",
  "communicate",
  "escalate",
  "direct",
  "put",
];
const PERSON_WORDS = [
  "person",
  "people",
  "human",
  "humans",
  "agent",
  "agents",
  "assistant",
  "operator",
  "someone",
  "somebody",
  "representative",
  "rep",
  "manager",
  "supervisor",
  "staff",
  "employee",
  "advisor",
  "adviser",
  "specialist",
];
const VERB_SET = new Set(CONTACT_VERBS);
const PERSON_SET = new Set(PERSON_WORDS);
const WORD = /[\p{L}']+/gu;
// Phrases that ask for a person without that shape, and the other languages the product detects.
const ASKS_FOR_HUMAN = new RegExp(
  [
    String.raw`\b(?:human|agent|person|operator|representative)(?:\s+please|\s+now|\s*!)`,
    String.raw`\b(?:real|live|actual) (?:person|human|agent)\b`,
    String.raw`\bnot (?:a |an |another )?(?:bot|robot|machine|automated (?:reply|answer|response))\b`,
    String.raw`\bcall me(?: back)?\b`,
    String.raw`\bget me (?:a |an |the |your |to )?(?:real |live )?(?:human|person|agent|manager|supervisor|someone|somebody|representative|operator)\b`,
    String.raw`\b(?:don't|do not|no) (?:want|need|like) (?:a |the |your |to (?:talk|speak|chat) (?:to|with) (?:a |the |your )?)?(?:bot|robot|machine|chatbot)\b`,
    String.raw`^\s*(?:agent|human|operator|representative)\s*[.!?]*\s*$`,
    // es
    String.raw`\bhablar con (?:una persona|un humano|un agente|alguien|un asesor|un operador|un representante|un empleado)`,
    String.raw`\b(?:persona|agente) real\b`,
    // fr
    String.raw`\bparler (?:à|a|avec) (?:un humain|une personne|un agent|quelqu'un|un conseiller|un opérateur|un responsable)`,
    String.raw`\b(?:vraie personne|être humain)\b`,
    // de
    String.raw`\bmit (?:einem |einer )?(?:menschen|mitarbeiter(?:in)?|berater(?:in)?|person|echten menschen|kundenberater|agenten)\b.{0,20}\b(?:sprechen|reden|verbinden|telefonieren)`,
    String.raw`\b(?:echten|richtigen) menschen\b`,
    // pt
    String.raw`\bfalar com (?:uma pessoa|um humano|um atendente|algu[ée]m|um agente|um operador)`,
    // it
    String.raw`\bparlare con (?:un operatore|una persona|un umano|qualcuno|un agente|un consulente)`,
    // nl
    String.raw`\bmet een (?:mens|medewerker|persoon|echte persoon)\b.{0,20}\b(?:spreken|praten)`,
  ].join("|"),
  "u",
);
/** Words between the verb and the person ("talk with a real human agent"). */
const MAX_GAP = 6;

const DISAPPOINTMENT =
  /\b(disappoint(?:ed|ing|ment)|unacceptable|ridiculous|outrageous|absurd|fed up|sick (?:and tired )?of|tired of|worst|useless|hopeless|terrible|horrible|awful|pathetic|incompetent|joke|waste of (?:time|money)|frustrat(?:ed|ing|ion)|annoy(?:ed|ing)|angry|furious|livid|disgust(?:ed|ing)|appalling|shameful|scam|rip[- ]?off|nobody (?:answers|replies|helps|cares)|no one (?:answers|replies|helps|cares)|never again|how hard is it|are you kidding|seriously\?|ignored|lied|rude|unbelievable|inexcusable|garbage|trash|nightmare|enough is enough)\b/giu;
const PROFANITY =
  /\b(f+u+c+k+\w*|shit\w*|bullshit|crap\w*|damn\w*|hell|bastard\w*|ass(?:hole)?s?|wtf|bloody|piss(?:ed)?|screw (?:you|this)|merde|putain|mierda|joder|scheiße|scheisse|verdammt|cazzo|porra|kut)\b/giu;
const REPEATED_PUNCTUATION = /[!?]{2,}/g;

const CHURN =
  /\b(cancel (?:my|the) (?:account|membership|subscription) and|switch(?:ing)? to (?:a |another )?(?:competitor|provider|company)|(?:take|taking) my (?:business|money) elsewhere|never (?:buy|order|shop)(?:ing)? (?:from you |here )?again|(?:i'm|i am|we're|we are) (?:leaving|done with you)|close my account for good|last time i (?:buy|order|use))\b/iu;
const CHARGEBACK =
  /\b(charge ?back|dispute (?:the|this) (?:charge|payment|transaction) with my (?:bank|card)|(?:call|contact|tell) my (?:bank|credit card company)|reverse the (?:charge|payment)|stop the payment)\b/iu;
const LEGAL =
  /\b(lawyer|attorney|solicitor|sue|suing|lawsuit|legal action|court|small claims|consumer (?:protection|rights|agency)|ombudsman|trading standards|better business bureau|bbb|regulator|report you to|abogado|demanda|avocat|tribunal|anwalt|klage|gericht|avvocato)\b/iu;
const PUBLIC =
  /\b(twitter|tweet|x\.com|facebook|instagram|tiktok|linkedin|reddit|social media|trustpilot|yelp|google review|(?:bad|negative|1[- ]star|one[- ]star) review|tell everyone|go public|the press|journalist|news(?:paper)?|media)\b/iu;

const REPEAT =
  /\b((?:second|third|fourth|fifth|2nd|3rd|4th|5th|\d+(?:st|nd|rd|th)) time|(?:already|have) (?:contacted|written|wrote|called|emailed|messaged|asked|reported|explained|told)|(?:multiple|several|many|countless|numerous) times|(?:still|again) (?:waiting|no (?:answer|reply|response)|not (?:fixed|resolved|working))|once again|yet again|keep (?:asking|writing|calling|telling)|no one (?:has )?(?:got(?:ten)? back|replied|answered)|nobody (?:has )?(?:got(?:ten)? back|replied|answered)|for (?:days|weeks|a week|two weeks|a month) now|(?:last|previous) (?:ticket|email|message|chat))\b/iu;

export function detectAskForHuman(lower: string): Detection {
  const match = ASKS_FOR_HUMAN.exec(lower);
  if (match) return { strength: 1, evidence: [match[0].trim()] };
  const words = lower.match(WORD);
  if (!words) return NONE;
  let verbAt = -1;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (isKeyword(word, VERB_SET, CONTACT_VERBS)) verbAt = i;
    else if (verbAt >= 0 && i - verbAt <= MAX_GAP && isKeyword(word, PERSON_SET, PERSON_WORDS)) {
      return { strength: 1, evidence: [words.slice(verbAt, i + 1).join(" ")] };
    }
  }
  return NONE;
}

function isKeyword(word: string, set: ReadonlySet<string>, list: readonly string[]): boolean {
  if (set.has(word)) return true;
  if (word.length < 5) return false;
  for (const keyword of list) if (keyword.length >= 4 && withinOneEdit(word, keyword)) return true;
  return false;
}

/** Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap), without allocating. */
export function withinOneEdit(a: string, b: string): boolean {
  const lengthDifference = a.length - b.length;
  if (lengthDifference > 1 || lengthDifference < -1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length && i === b.length) return true;
  if (lengthDifference === 0) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && a.slice(i + 2) === b.slice(i + 2);
  }
  return lengthDifference > 0 ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export interface FrustrationDetection extends Detection {
  /** Unbounded score behind the strength (tone below zero counts against): for ranking and measuring. */
  raw: number;
}

export function detectFrustration(text: string, lower: string, sentiment: SentimentResult): FrustrationDetection {
  const evidence: string[] = [];
  // tone counts both ways, so a warm message ranks below a neutral one
  let raw = -sentiment.score;
  if (sentiment.score < 0) evidence.push(...sentiment.words.slice(0, 2));
  const words = lower.match(DISAPPOINTMENT);
  if (words) {
    raw += Math.min(0.6, 0.35 * words.length);
    evidence.push(...words.slice(0, 3));
  }
  if (PROFANITY.test(lower)) {
    raw += 0.35;
    evidence.push("profanity");
  }
  if (isShouting(text)) {
    raw += 0.3;
    evidence.push("shouting");
  }
  const punctuation = text.match(REPEATED_PUNCTUATION);
  if (punctuation) {
    raw += Math.min(0.3, 0.15 * punctuation.length);
    evidence.push(punctuation[0]);
  }
  const strength = Math.min(1, Math.max(0, raw));
  return { strength, evidence: strength > 0 ? [...new Set(evidence)] : [], raw };
}

export interface ThreatDetection extends Detection {
  kinds: ("churn" | "chargeback" | "legal" | "public")[];
}

export function detectThreat(lower: string): ThreatDetection {
  const kinds: ThreatDetection["kinds"] = [];
  const evidence: string[] = [];
  for (const [kind, pattern] of [
    ["churn", CHURN],
    ["chargeback", CHARGEBACK],
    ["legal", LEGAL],
    ["public", PUBLIC],
  ] as const) {
    const match = pattern.exec(lower);
    if (match) {
      kinds.push(kind);
      evidence.push(match[0]);
    }
  }
  return { strength: kinds.length === 0 ? 0 : Math.min(1, 0.7 + 0.15 * kinds.length), evidence, kinds };
}

/** Repeat contact, from what the connector knows (earlier contacts on this issue) or what the customer says. */
export function detectRepeatContact(lower: string, previousContacts: number): Detection {
  const match = REPEAT.exec(lower);
  const fromHistory = previousContacts > 0 ? Math.min(1, 0.5 + 0.25 * (previousContacts - 1)) : 0;
  const fromText = match ? 0.8 : 0;
  const strength = Math.max(fromHistory, fromText);
  if (strength === 0) return NONE;
  const evidence = [
    ...(match ? [match[0]] : []),
    ...(previousContacts > 0 ? [`${previousContacts} earlier contact${previousContacts === 1 ? "" : "s"}`] : []),
  ];
  return { strength, evidence };
}
