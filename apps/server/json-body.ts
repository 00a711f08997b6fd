// The JSON body of /api requests, read within a size limit: a 413 past the limit (announced or streamed), a 415 for a body
// that is not UTF-8 JSON or comes compressed, a 400 for text that is not a JSON object or array. It does what express.json()
// did for /api (body-parser's strict mode) with a tenth of the steps: body-parser's type, charset and decoder machinery
// cost about 20 µs of each /api/decide request.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { HttpProblem } from "./problem.js";
import { bodyNotJson, bodyTooLarge, problem } from "./problem.js";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;
/** The whitespace JSON allows: space, tab, line feed, carriage return. */
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Why a Content-Type header is not one this API reads, or undefined when it is JSON in UTF-8. */
function refusedType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return "send the body as JSON (Content-Type: application/json)";
  const semicolon = contentType.indexOf(";");
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType !== "application/json") return "send the body as JSON (Content-Type: application/json)";
  if (semicolon === -1) return undefined;
  const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase();
  return charset === undefined || charset === "utf-8" || charset === "utf8" ? undefined : `the body must be UTF-8, not ${charset}`;
}

export function jsonBody(limitBytes: number): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const { headers } = request;
    const declared = headers["content-length"];
    if (headers["transfer-encoding"] === undefined && (declared === undefined || declared === "0")) {
      next();
      return;
    }
    // a refused body is still read to its end (and dropped), so that the client gets the answer rather than a reset
    const refuse = (refusal: HttpProblem) => {
      request.unpipe();
      request.resume();
      if (request.readableEnded) next(refusal);
      else request.once("end", () => next(refusal));
    };
    const typeProblem = refusedType(headers["content-type"]);
    if (typeProblem !== undefined) {
      if (BODY_METHODS.has(request.method)) refuse(problem(415, typeProblem));
      else next();
      return;
    }
    const encoding = headers["content-encoding"]?.toLowerCase();
    if (encoding !== undefined && encoding !== "identity") {
      refuse(problem(415, `send the body uncompressed (Content-Encoding ${encoding} is not accepted)`));
      return;
    }
    if (declared !== undefined && Number(declared) > limitBytes) {
      refuse(bodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.off("data", onData);
        request.off("end", onEnd);
        refuse(bodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      request.off("error", onError);
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString("utf8");
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // strict, as body-parser's: the body is an object or an array, whitespace allowed around it
      let at = 0;
      while (at < text.length && JSON_WHITESPACE.has(text.charCodeAt(at))) at++;
      const first = text[at];
      let body: unknown;
      try {
        if (first !== "{" && first !== "[") throw new SyntaxError("not an object or array");
        body = JSON.parse(text);
      } catch {
        next(bodyNotJson());
        return;
      }
      request.body = body;
      next();
    };
    const onError = (error: Error & { code?: string }) => {
      request.off("data", onData);
      request.off("end", onEnd);
      next(error.code === "ECONNRESET" ? problem(400, "the request was aborted before its body arrived") : error);
    };
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", onError);
  };
}
