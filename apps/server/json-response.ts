// JSON answers written as one string: Node then sends the headers and the body in one write. Express's res.json() turns a
// body of 1,000 characters or more into a Buffer, which Node writes apart from the headers (a decision is about 3.7 kB).
import type { Response } from "express";

export function sendJson(response: Response, value: unknown, status = 200): void {
  sendJsonText(response, JSON.stringify(value), status);
}

/** Sends JSON serialised already, as text or UTF-8 bytes (a decision thread's). */
export function sendJsonText(response: Response, json: string | Uint8Array, status = 200): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  // Node sets Content-Length from the string's UTF-8 length or the bytes' length
  response.end(json);
}
