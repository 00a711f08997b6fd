import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonBody } from "../../../apps/server/json-body.js";
import { problemHandler } from "../../../apps/server/problem.js";

/** Sends a request by hand (chunked when no length is given) and reads the answer. */
function send(
  port: number,
  { method = "POST", headers = {}, chunks = [] }: { method?: string; headers?: Record<string, string>; chunks?: (string | Buffer)[] },
): Promise<{ status: number; body: { body?: unknown; detail?: string; title?: string } }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port, path: "/echo", method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (text += part));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { body?: unknown } }));
    });
    outgoing.on("error", reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

describe("JSON bodies for /api", () => {
  let port = 0;
  let close: () => void = () => undefined;
  beforeAll(async () => {
    const app = express();
    app.use(jsonBody(64));
    app.all("/echo", (request, response) => {
      const body = request.body as unknown;
      response.json({ body: body === undefined ? "absent" : body });
    });
    app.use(problemHandler(pino({ level: "silent" })));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    close = () => server.close();
  });
  afterAll(() => close());

  const json = (text: string, extra: Record<string, string> = {}) => ({
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...extra },
    chunks: [text],
  });

  it("reads a JSON object or array, in one piece or in chunks, with a charset, spaces or a byte-order mark before it", async () => {
    expect(await send(port, json('{"message":"où est ma commande ?"}'))).toEqual({
      status: 200,
      body: { body: { message: "où est ma commande ?" } },
    });
    expect((await send(port, json("  \n[1,2]", { "content-type": "application/json; charset=UTF-8" }))).body.body).toEqual([1, 2]);
    expect((await send(port, json('\uFEFF{"a":1}'))).body.body).toEqual({ a: 1 });
    const split = Buffer.from('{"text":"é"}');
    const chunked = await send(port, {
      headers: { "content-type": "application/json" },
      chunks: [split.subarray(0, 10), split.subarray(10)],
    });
    expect(chunked.body.body).toEqual({ text: "é" });
  });

  it("leaves the body absent when there is none", async () => {
    expect((await send(port, { method: "GET" })).body.body).toBe("absent");
    expect((await send(port, { method: "POST", headers: { "content-length": "0" } })).body.body).toBe("absent");
  });

  it("answers 400 for text that is not a JSON object or array", async () => {
    for (const text of ["{nope", "42", '"a string"', "null", "  "]) {
      const answer = await send(port, json(text));
      expect([answer.status, answer.body.detail], text).toEqual([400, "the request body is not valid JSON"]);
    }
    // chunked, and empty
    const empty = await send(port, { headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, chunks: [] });
    expect([empty.status, empty.body.detail]).toEqual([400, "the request body is not valid JSON"]);
  });

  it("answers 413 past the limit, whether the length is announced or the body streams past it", async () => {
    const big = JSON.stringify({ message: "x".repeat(100) });
    expect((await send(port, json(big))).status).toBe(413);
    const streamed = await send(port, { headers: { "content-type": "application/json" }, chunks: [big.slice(0, 40), big.slice(40)] });
    expect([streamed.status, streamed.body.detail]).toEqual([413, "the request body is larger than this service accepts"]);
  });

  it("answers 415 for a body that is not JSON, not UTF-8 or compressed", async () => {
    const plain = await send(port, { headers: { "content-type": "text/plain", "content-length": "5" }, chunks: ["hello"] });
    expect([plain.status, plain.body.detail]).toEqual([415, "send the body as JSON (Content-Type: application/json)"]);
    const latin = await send(port, json('{"a":1}', { "content-type": "application/json; charset=latin1" }));
    expect([latin.status, latin.body.detail]).toEqual([415, "the body must be UTF-8, not latin1"]);
    const gzip = await send(port, json('{"a":1}', { "content-encoding": "gzip" }));
    expect([gzip.status, gzip.body.detail]).toEqual([415, "send the body uncompressed (Content-Encoding gzip is not accepted)"]);
    const untyped = await send(port, { headers: { "content-length": "7" }, chunks: ['{"a":1}'] });
    expect(untyped.status).toBe(415);
  });
});
