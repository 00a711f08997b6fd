// One error type for expected failures: a stable code, an HTTP-ish status, a human detail and where it happened.

export type TandemErrorCode =
  "invalid_input" | "invalid_data" | "invalid_model" | "invalid_policy" | "invalid_macros" | "not_found" | "io_error";

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: string | number;
  path?: string;
}

export class TandemError extends Error {
  readonly code: TandemErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly where: ErrorLocation | undefined;

  constructor(code: TandemErrorCode, detail: string, options: { status?: number; where?: ErrorLocation; cause?: unknown } = {}) {
    super(formatMessage(detail, options.where), { cause: options.cause });
    this.name = "TandemError";
    this.code = code;
    this.status = options.status ?? 400;
    this.detail = detail;
    this.where = options.where;
  }
}

export function isTandemError(value: unknown): value is TandemError {
  return value instanceof TandemError;
}

function formatMessage(detail: string, where: ErrorLocation | undefined): string {
  if (!where) return detail;
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.column !== undefined) parts.push(`column ${String(where.column)}`);
  if (where.path !== undefined) parts.push(`at ${where.path}`);
  return parts.length > 0 ? `${parts.join(", ")}: ${detail}` : detail;
}
