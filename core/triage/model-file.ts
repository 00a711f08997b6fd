// The intent model's on-disk form: one versioned, checksummed binary file that loads in milliseconds.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { TandemError } from "../errors.js";
import { featureConfigSchema } from "./features.js";
import { IntentModel } from "./intent-model.js";

const MAGIC = "TANDEMIM";
export const MODEL_FORMAT_VERSION = 1;
const DIGEST_BYTES = 32;

const headerSchema = z.object({
  format: z.literal("tandem-intent-model"),
  labels: z.array(z.string().min(1)).min(2),
  rows: z.number().int().min(0),
  features: featureConfigSchema,
  metadata: z.object({
    temperature: z.number().positive(),
    threshold: z.number().min(0).max(1),
    seed: z.number().int(),
    trainedExamples: z.number().int().min(0),
    heldOut: z.object({
      examples: z.number().int().min(0),
      accuracy: z.number(),
      macroF1: z.number(),
      coverage: z.number(),
      acceptedAccuracy: z.number(),
    }),
    source: z.string(),
  }),
});

export function encodeModel(model: IntentModel): Uint8Array {
  const { keys, scales, weights, bias, labels, features, metadata } = model.parts;
  const header = Buffer.from(JSON.stringify({ format: "tandem-intent-model", labels, rows: keys.length, features, metadata }), "utf8");
  const headerEnd = align4(8 + 4 + 4 + header.length);
  const total = headerEnd + keys.byteLength + scales.byteLength + bias.byteLength + align4(weights.byteLength) + DIGEST_BYTES;
  const bytes = Buffer.alloc(total);
  bytes.write(MAGIC, 0, "latin1");
  bytes.writeUInt32LE(MODEL_FORMAT_VERSION, 8);
  bytes.writeUInt32LE(header.length, 12);
  header.copy(bytes, 16);
  let offset = headerEnd;
  for (const section of [keys, scales, bias, weights]) {
    Buffer.from(section.buffer, section.byteOffset, section.byteLength).copy(bytes, offset);
    offset += align4(section.byteLength);
  }
  createHash("sha256").update(bytes.subarray(0, offset)).digest().copy(bytes, offset);
  return bytes;
}

export function decodeModel(bytes: Uint8Array, file = "model"): IntentModel {
  const fail = (detail: string): never => {
    throw new TandemError("invalid_model", detail, { where: { file } });
  };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 16 + DIGEST_BYTES || buffer.toString("latin1", 0, 8) !== MAGIC)
    fail("not a Tandem intent model file (bad signature)");
  const version = buffer.readUInt32LE(8);
  if (version !== MODEL_FORMAT_VERSION) {
    fail(
      `model format version ${version} is not supported (this Tandem reads version ${MODEL_FORMAT_VERSION}); retrain it with \`tandem train\``,
    );
  }
  const body = buffer.subarray(0, buffer.length - DIGEST_BYTES);
  const digest = createHash("sha256").update(body).digest();
  if (!digest.equals(buffer.subarray(buffer.length - DIGEST_BYTES)))
    fail("the model file is corrupt (checksum mismatch); copy or retrain it");
  const headerLength = buffer.readUInt32LE(12);
  let json: unknown;
  try {
    json = JSON.parse(buffer.toString("utf8", 16, 16 + headerLength));
  } catch {
    return fail("the model header is not valid JSON");
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`the model header is invalid at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const header = parsed.data;
  const rows = header.rows;
  const labels = header.labels.length;
  let offset = align4(16 + headerLength);
  // copy each section into its own aligned array: the file buffer's offset need not be aligned
  const take = (length: number) => {
    const slice = new Uint8Array(length);
    slice.set(buffer.subarray(offset, offset + length));
    offset += align4(length);
    return slice.buffer;
  };
  if (align4(16 + headerLength) + rows * 8 + labels * 4 + align4(rows * labels) !== body.length)
    fail("the model file is truncated or its sections do not match its header");
  const keys = new Uint32Array(take(rows * 4));
  const scales = new Float32Array(take(rows * 4));
  const bias = new Float32Array(take(labels * 4));
  const weights = new Int8Array(take(rows * labels));
  return new IntentModel({ labels: header.labels, features: header.features, metadata: header.metadata, keys, scales, weights, bias });
}

export function saveModel(model: IntentModel, path: string): void {
  try {
    writeFileSync(path, encodeModel(model));
  } catch (error) {
    throw new TandemError("io_error", `cannot write the model: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      where: { file: path },
      cause: error,
    });
  }
}

export function loadModel(path: string): IntentModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TandemError(
      code === "ENOENT" ? "not_found" : "io_error",
      code === "ENOENT" ? "model file not found" : `cannot read the model: ${code ?? String(error)}`,
      {
        where: { file: path },
        cause: error,
      },
    );
  }
  return decodeModel(bytes, path);
}

function align4(value: number): number {
  return (value + 3) & ~3;
}
