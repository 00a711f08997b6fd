// Where the benchmark finds the public datasets, and what it tells a user who does not have them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readLabelledFile } from "../core/triage/labelled-data.js";
import type { LabelledMessage } from "../core/triage/train-intent-model.js";

export interface SplitDataset {
  name: string;
  train: LabelledMessage[];
  test: LabelledMessage[];
}

export const datasetSources: Record<string, { files: string[]; source: string }> = {
  banking77: {
    files: ["banking77/train.csv", "banking77/test.csv"],
    source:
      "Banking77 (PolyAI, CC BY 4.0): https://github.com/PolyAI-LDN/task-specific-datasets (banking_data/train.csv, test.csv; header text,category)",
  },
  bitext: {
    files: ["bitext_customer_service/bitext_customer_service.csv"],
    source:
      "Bitext customer-service intents (CDLA-Sharing-1.0): https://huggingface.co/datasets/bitext/Bitext-customer-support-llm-chatbot-training-dataset, merged into one CSV with columns split,utterance,intent",
  },
  stackfaq: {
    files: ["stackfaq/questions.jsonl", "stackfaq/answers.jsonl"],
    source:
      "StackFAQ (Karan and Šnajder 2018; Stack Exchange texts, CC BY-SA 3.0): http://takelab.fer.hr/data/StackFAQ/, as JSON Lines questions.jsonl {id,text,answer_ids,thread_id,half} and answers.jsonl {id,text,faq_question,thread_id}",
  },
  goemotions: {
    files: ["goemotions/goemotions.csv"],
    source:
      "GoEmotions (Google, Apache-2.0): https://github.com/google-research/google-research/tree/master/goemotions (train/dev/test TSV merged into one CSV: split,id,text,label_ids,labels)",
  },
};

/** Lists the missing files of a dataset, or an empty list when it is all there. */
export function missingFiles(dataDir: string, key: string): string[] {
  return datasetSources[key].files.map((file) => join(dataDir, file)).filter((path) => !existsSync(path));
}

export function explainMissing(dataDir: string, key: string): string {
  return `skipped ${key}: missing ${missingFiles(dataDir, key).join(", ")}\n  get it from ${datasetSources[key].source}\n  and put it under ${dataDir} (or pass --data-dir DIR)`;
}

export function loadBanking77(dataDir: string): SplitDataset {
  return {
    name: "Banking77",
    train: readLabelledFile(join(dataDir, "banking77/train.csv"), { text: "text", label: "category" }),
    test: readLabelledFile(join(dataDir, "banking77/test.csv"), { text: "text", label: "category" }),
  };
}

export function loadBitext(dataDir: string): SplitDataset {
  const file = join(dataDir, "bitext_customer_service/bitext_customer_service.csv");
  const columns = { text: "utterance", label: "intent" };
  return {
    name: "Bitext customer service",
    train: readLabelledFile(file, { ...columns, filter: { column: "split", value: "train" } }),
    test: readLabelledFile(file, { ...columns, filter: { column: "split", value: "test" } }),
  };
}
