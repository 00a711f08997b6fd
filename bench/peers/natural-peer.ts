// Benchmark peer: natural's BayesClassifier (default PorterStemmer tokenisation and smoothing).
import type { Peer } from "./peer.js";

/** The slice of natural's API used here. Its bundled typings include .ts sources that fail this project's
 *  `verbatimModuleSyntax` check even with skipLibCheck, so the import specifier is kept opaque to tsc. */
interface BayesClassifier {
  addDocument(text: string, classification: string): void;
  train(): void;
  classify(observation: string): string;
}
interface NaturalModule {
  BayesClassifier: new () => BayesClassifier;
}
const NATURAL: string = "natural";

/** natural loads dotenv, which prints a banner per import site unless DOTENV_CONFIG_QUIET is set. */
async function loadNatural(): Promise<NaturalModule> {
  const previous = process.env.DOTENV_CONFIG_QUIET;
  process.env.DOTENV_CONFIG_QUIET ??= "true";
  try {
    return ((await import(NATURAL)) as { default: NaturalModule }).default;
  } finally {
    if (previous === undefined) delete process.env.DOTENV_CONFIG_QUIET;
  }
}

export function createNaturalPeer(): Peer {
  let classifier: BayesClassifier | undefined;
  const trained = (): BayesClassifier => {
    if (!classifier) throw new Error("natural peer used before train()");
    return classifier;
  };

  return {
    // Not LogisticRegressionClassifier: 141 s to train on 500 Banking77 examples, unfinished after 15 min on 2,000.
    name: "natural (BayesClassifier)",

    async train(examples) {
      const { BayesClassifier } = await loadNatural();
      const model = new BayesClassifier();
      for (const e of examples) model.addDocument(e.text, e.label);
      model.train();
      classifier = model;
    },

    predict(text) {
      return trained().classify(text);
    },

    // natural's own save() writes JSON.stringify(classifier) (this includes its stemmed training docs).
    modelBytes() {
      return Buffer.byteLength(JSON.stringify(trained()), "utf8");
    },
  };
}
