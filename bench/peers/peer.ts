// Contract for benchmark peers: third-party intent classifiers run beside Tandem's on the same split.
export interface LabelledText {
  text: string;
  label: string;
}

export interface Peer {
  /** Human-readable library + classifier name, shown in benchmark tables. */
  name: string;
  /** Trains from scratch (replacing any previous model). */
  train(examples: readonly LabelledText[]): Promise<void>;
  /** Top label. Async for libraries whose only public classify path is async (NLP.js). */
  predict(text: string): string | Promise<string>;
  /** Size in bytes of JSON.stringify of the library's own serialised model. */
  modelBytes(): number;
}
