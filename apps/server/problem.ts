// Errors as RFC 9457 problem details (application/problem+json), with the path of each invalid field.
import type { ErrorRequestHandler, Request, Response } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import { formatPath } from "../../core/data-file.js";
import { isTandemError } from "../../core/errors.js";
import { DecisionsBusyError } from "./decision-pool.js";

export interface FieldError {
  path: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Invalid request",
  429: "Too many requests",
  500: "Internal error",
  503: "Service unavailable",
};

export function sendProblem(response: Response, request: Request, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
  response
    .status(problem.status)
    .type("application/problem+json")
    .json({
      type: "about:blank",
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: request.originalUrl.split("?")[0],
      ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
    });
}

/** Parses with zod; failure is a 422 naming every invalid field by its path ("context.customer.email"). */
export function parseBody<Schema extends z.ZodType>(schema: Schema, value: unknown, where = "body"): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const first = errors[0];
  throw new HttpProblem(422, TITLES[422], `the ${where} is invalid: ${first.path}: ${first.message}`, errors);
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpProblem) {
      sendProblem(response, request, error);
      return;
    }
    if (error instanceof DecisionsBusyError) {
      sendProblem(
        response,
        request,
        new HttpProblem(503, TITLES[503], "more decisions are waiting than this service queues; try again in a moment", [], {
          "Retry-After": "1",
        }),
      );
      return;
    }
    // body-parser's errors carry a status and a type
    const parserError = error as { status?: number; type?: string; message?: string };
    if (parserError.type === "entity.too.large") {
      sendProblem(response, request, bodyTooLarge());
      return;
    }
    if (parserError.type === "entity.parse.failed") {
      sendProblem(response, request, bodyNotJson());
      return;
    }
    if (isTandemError(error)) {
      const status = error.status >= 400 && error.status < 500 ? (error.status === 400 ? 422 : error.status) : 500;
      const path = error.where?.path;
      sendProblem(
        response,
        request,
        new HttpProblem(status, TITLES[status] ?? "Error", error.message, path ? [{ path, message: error.detail }] : []),
      );
      return;
    }
    logger.error({ err: error, path: request.path }, "request failed");
    sendProblem(response, request, new HttpProblem(500, TITLES[500], "something went wrong on our side; it has been logged"));
  };
}

export function problem(status: number, detail: string, errors: FieldError[] = [], headers: Record<string, string> = {}): HttpProblem {
  return new HttpProblem(status, TITLES[status] ?? "Error", detail, errors, headers);
}

/** A body past the size limit, whichever reader found it (the API's JSON reader, or body-parser on the webhook routes). */
export function bodyTooLarge(): HttpProblem {
  return problem(413, "the request body is larger than this service accepts");
}

export function bodyNotJson(): HttpProblem {
  return problem(400, "the request body is not valid JSON");
}
