// Benchmark peer: NLP.js's standard NLU classifier (@nlpjs/nlu NluNeural, locale "en", library defaults).
import { containerBootstrap } from "@nlpjs/core";
import { NluNeural } from "@nlpjs/nlu";
import type { Peer } from "./peer.js";

export function createNlpjsPeer(): Peer {
  let nlu: NluNeural | undefined;
  const trained = (): NluNeural => {
    if (!nlu) throw new Error("NLP.js peer used before train()");
    return nlu;
  };

  return {
    name: "NLP.js (@nlpjs/nlu NluNeural)",

    async train(examples) {
      // Fresh in-memory container per model: nothing is written to disk. `log: false` silences epoch logs.
      const model = new NluNeural({ locale: "en", log: false }, containerBootstrap());
      await model.train(examples.map((e) => ({ utterance: e.text, intent: e.label })));
      nlu = model;
    },

    // NluNeural's tokenizer and stemmer stages are async, so its public classify path is too.
    async predict(text) {
      const { classifications } = await trained().process(text);
      return classifications[0]?.intent ?? "None";
    },

    modelBytes() {
      return Buffer.byteLength(JSON.stringify(trained().toJSON()), "utf8");
    },
  };
}
