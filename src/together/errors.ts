/** Errors of the Together API and of the storage it redirects uploads to, built in one place. */
import { retryAfterMs } from '../retry.js';

/** A non-success answer of the Together API, with its error envelope parsed. */
export class TogetherApiError extends Error {
  override name = 'TogetherApiError';
  constructor(
    /** e.g. `POST /files`: the operation, never a full URL. */
    readonly operation: string,
    readonly status: number,
    readonly detail: string,
    readonly type: string | undefined,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
    /** The pause the server asked for (`retry-after-ms` / `Retry-After`), capped. */
    readonly retryAfterMs?: number,
    /** A file ID the failed answer still named (`X-Together-File-Id`): reserved, and to be deleted. */
    readonly fileId?: string,
  ) {
    super(
      `${operation} failed with HTTP ${status}${code ? ` (${code})` : ''}: ${detail}${requestId ? ` [request id ${requestId}]` : ''}`,
    );
  }
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
}

/** Builds the error for a failed API answer from the `{"error":{message,type,code}}` envelope, or any other body. */
export function apiErrorFromResponse(
  operation: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
): TogetherApiError {
  const requestId = headerValue(headers['x-request-id']) ?? headerValue(headers['cf-ray']);
  const retryAfter = retryAfterMs(headers, Date.now());
  const fileId = headerValue(headers['x-together-file-id']);
  const envelope = parseEnvelope(bodyText);
  if (envelope) {
    return new TogetherApiError(
      operation,
      status,
      envelope.message,
      envelope.type,
      envelope.code,
      requestId,
      retryAfter,
      fileId,
    );
  }
  return new TogetherApiError(
    operation,
    status,
    describeBody(bodyText, status),
    undefined,
    undefined,
    requestId,
    retryAfter,
    fileId,
  );
}

/** Builds the error for a failed storage PUT from S3's XML error body. */
export function storageErrorFromResponse(
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined> = {},
): StorageError {
  const code = /<Code>([^<]*)<\/Code>/.exec(bodyText)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(bodyText)?.[1];
  return new StorageError(status, code, message ?? describeBody(bodyText, status), retryAfterMs(headers, Date.now()));
}

function parseEnvelope(bodyText: string): { message: string; type?: string; code?: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (!parsed || typeof parsed !== 'object') return undefined;
    const error = (parsed as { error?: unknown }).error;
    if (error && typeof error === 'object') {
      const e = error as { message?: unknown; type?: unknown; code?: unknown };
      return {
        message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
        type: typeof e.type === 'string' ? e.type : undefined,
        code: typeof e.code === 'string' ? e.code : undefined,
      };
    }
    if (typeof error === 'string') return { message: error };
    const message = (parsed as { message?: unknown }).message;
    if (typeof message === 'string') return { message };
  } catch {
    // not JSON: described below
  }
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
