// Minimal ambient types for the untyped NLP.js packages used by the benchmark peers.
declare module "@nlpjs/core" {
  /** Opaque NLP.js dependency-injection container (normalizer, tokenizer, stemmer, ...). */
  export interface NlpjsContainer {
    get(name: string): unknown;
  }
  export function containerBootstrap(): NlpjsContainer;
}

declare module "@nlpjs/nlu" {
  import type { NlpjsContainer } from "@nlpjs/core";

  export interface NluSettings {
    locale?: string;
    log?: boolean;
    [key: string]: unknown;
  }
  export interface NluCorpusItem {
    utterance: string;
    intent: string;
  }
  export interface NluClassification {
    intent: string;
    score: number;
  }

  export class NluNeural {
    constructor(settings?: NluSettings, container?: NlpjsContainer);
    train(corpus: NluCorpusItem[], settings?: NluSettings): Promise<unknown>;
    process(utterance: string, settings?: NluSettings): Promise<{ classifications: NluClassification[] }>;
    toJSON(): Record<string, unknown>;
  }
}
