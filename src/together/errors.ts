/**
 * Errors of the Together API and of the storage it redirects uploads to, built in one place. Callers branch on
 * the class (not found, auth, conflict, protocol), never on status lists.
 */
import { excerpt, redact } from '../safe-text.js';
import { isValidFileId } from './wire.js';

export interface TogetherApiErrorFields {
  /** e.g. `POST /files`: the operation, never a full URL. */
  operation: string;
  status: number;
  /** What the server said (its envelope's message), or what was wrong with its answer. */
  detail: string;
  /** The envelope's `type` and `code`, when it has them. */
  type?: string;
  code?: string;
  requestId?: string;
  /** The pause the server asked for (`retry-after-ms` / `Retry-After`), capped. */
  retryAfterMs?: number;
  /** A file ID the failed answer named: a reservation to delete, or (409) the file that already holds the content. */
  fileId?: string;
}

/** A non-success answer of the Together API, with its error envelope parsed. */
export class TogetherApiError extends Error {
  override name = 'TogetherApiError';
  readonly operation: string;
  readonly status: number;
  readonly detail: string;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly fileId: string | undefined;

  constructor(fields: TogetherApiErrorFields) {
    super(
      `${fields.operation} failed with HTTP ${fields.status}${fields.code ? ` (${fields.code})` : ''}: ${fields.detail}${fields.requestId ? ` [request id ${fields.requestId}]` : ''}`,
    );
    this.operation = fields.operation;
    this.status = fields.status;
    this.detail = fields.detail;
    this.type = fields.type;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.retryAfterMs = fields.retryAfterMs;
    this.fileId = fields.fileId;
  }

  /**
   * The error for a failed answer: the right subclass, with the `{"error":{message,type,code}}` envelope read. What
   * the server said is kept without URLs, query strings or any of `secrets` (the API key), whatever it echoed.
   */
  static generate(
    operation: string,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    answer: string,
    secrets: readonly string[] = [],
    /** The body was larger than the client reads (see exchange.ts): `answer` is empty and says nothing. */
    tooLargeDetail?: string,
  ): TogetherApiError {
    const envelope = tooLargeDetail ? undefined : parseEnvelope(answer);
    const requestId = headerValue(headers['x-request-id']) ?? headerValue(headers['cf-ray']);
    // An ID the server names is used (deleted, or reused on a 409) only if it has Together's shape.
    const fileId = envelope?.fileId ?? headerValue(headers['x-together-file-id']);
    const fields: TogetherApiErrorFields = {
      operation,
      status,
      detail: tooLargeDetail ?? excerpt(redact(envelope?.message ?? describeBody(answer, status), secrets), 1000),
      type: envelope?.type && excerpt(redact(envelope.type, secrets), 100),
      code: envelope?.code && excerpt(redact(envelope.code, secrets), 100),
      // A header is server text like any other: it may echo what the request carried (the key).
      requestId: requestId && excerpt(redact(requestId, secrets), 100),
      retryAfterMs: retryAfterMs(headers, Date.now()),
      fileId: isValidFileId(fileId) ? fileId : undefined,
    };
    if (status === 401 || status === 403) return new AuthenticationError(fields);
    if (status === 404) return new NotFoundError(fields);
    if (status === 409) return new ConflictError(fields);
    return new TogetherApiError(fields);
  }
}

/** 401 or 403: the key is wrong, revoked or may not do this; a 401 may also mean used-up free-trial credits. */
export class AuthenticationError extends TogetherApiError {
  override name = 'AuthenticationError';

  constructor(fields: TogetherApiErrorFields) {
    super(fields);
    // Together gives two reasons for a 401, and its body names only the first (its SDKs map it to the second).
    if (fields.status === 401) {
      this.message =
        `${this.message.replace(/\.$/, '')}. ` +
        'Together answers 401 when the API key is wrong or revoked (check the api-key secret against Settings -> API Keys on api.together.ai), or when the free-trial credits are used up (see Settings -> Billing on api.together.ai).';
    }
  }
}

/** 404: the file (or endpoint) does not exist. */
export class NotFoundError extends TogetherApiError {
  override name = 'NotFoundError';
}

/** 409: the request conflicts with what Together holds (for an upload: the same content, named by `fileId`). */
export class ConflictError extends TogetherApiError {
  override name = 'ConflictError';
}

/** A success status whose answer is not what the protocol says (a 200 without a file object, a 302 without a URL). */
export class ProtocolError extends TogetherApiError {
  override name = 'ProtocolError';
}

/** A request's deadline passed before it got an answer. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor(readonly operation: string) {
    super(`${operation} got no answer before the deadline`);
  }
}

/** The step waited on Together's rate limit (429s) for longer, in all, than it may: no more requests are sent. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    readonly operation: string,
    readonly waitedSeconds: number,
  ) {
    super(
      `${operation} was not sent: Together kept answering 429 (rate limited), and the step has waited ${waitedSeconds} s in all for the account's rate limit, its budget (TOGETHER_RATE_LIMIT_WAIT_SECONDS). Run again later, upload fewer files at once (concurrency), or ask Together for a higher limit.`,
    );
  }
}

/** An upload whose bytes stopped moving for too long; retried like a broken connection. */
export class StallError extends Error {
  override name = 'StallError';
}

/** A non-success answer of the presigned storage URL (S3 rules). The URL itself is never kept. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly status: number,
    /** The S3 error code from the XML body, e.g. `AccessDenied`. */
    readonly code: string | undefined,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Storage upload failed with HTTP ${status}${code ? ` (${code})` : ''}: ${detail}`);
  }

  /** The presigned URL's lifetime ran out: a fresh URL is needed, not a retry of this one. */
  get expired(): boolean {
    return this.status === 403 && this.code === 'AccessDenied' && /expired/i.test(this.detail);
  }

  /**
   * Builds the error for a failed storage PUT from S3's XML error body, reduced to its code and message with URLs
   * and query strings removed: a storage error may echo the presigned URL, whose signature is a credential.
   */
  static fromResponse(
    status: number,
    answer: string,
    headers: Record<string, string | string[] | undefined> = {},
    tooLargeDetail?: string,
  ): StorageError {
    const code = /<Code>([^<]{0,200})<\/Code>/.exec(answer)?.[1];
    const message = /<Message>([^<]{0,2000})<\/Message>/.exec(answer)?.[1];
    return new StorageError(
      status,
      code && excerpt(redact(code), 100),
      tooLargeDetail ?? excerpt(redact(message ?? describeBody(answer, status)), 1000),
      retryAfterMs(headers, Date.now()),
    );
  }
}

function parseEnvelope(
  bodyText: string,
): { message: string; type?: string; code?: string; fileId?: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined; // not JSON: described by describeBody
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const body = parsed as { error?: unknown; message?: unknown; file_id?: unknown };
  const fileId = typeof body.file_id === 'string' ? body.file_id : undefined;
  const error = body.error;
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; type?: unknown; code?: unknown; file_id?: unknown };
    return {
      message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
      type: typeof e.type === 'string' ? e.type : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      fileId: fileId ?? (typeof e.file_id === 'string' ? e.file_id : undefined),
    };
  }
  if (typeof error === 'string') return { message: error, fileId };
  if (typeof body.message === 'string') return { message: body.message, fileId };
  return undefined;
}

/** A short, single-line description of a body that is not the JSON envelope (e.g. a gateway's HTML page). */
function describeBody(bodyText: string, status: number): string {
  const title = /<title>([^<]*)<\/title>/i.exec(bodyText)?.[1]?.trim();
  if (title) return title;
  const text = bodyText
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return `empty answer (HTTP ${status})`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The longest server-requested pause honoured. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** The server's requested pause from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), capped at 60 s. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();
  const ms = first(headers['retry-after-ms']);
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.min(Number(ms), MAX_RETRY_AFTER_MS);
  const after = first(headers['retry-after']);
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.min(Number(after) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
