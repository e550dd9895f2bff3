/** Which failures of Together's API and of its storage are worth another attempt, and why. */
import { isConnectionError, isRetryableStatus, type AttemptFailure } from '../retry.js';
import { StorageError, TogetherApiError } from './errors.js';

/** An upload whose bytes stopped moving for too long; retried like a broken connection. */
export class StallError extends Error {
  override name = 'StallError';
}

/** Classifies a failed request for `withRetries`. An expired presigned URL is not retried: it needs a fresh URL. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (error instanceof StorageError) {
    if (error.expired || !isRetryableStatus(error.status)) return { retry: false };
    return {
      retry: true,
      reason: `storage answered HTTP ${error.status}${error.code ? ` ${error.code}` : ''}`,
      delayMs: error.retryAfterMs,
    };
  }
  if (error instanceof TogetherApiError) {
    if (!isRetryableStatus(error.status)) return { retry: false };
    return { retry: true, reason: `HTTP ${error.status} (${error.detail})`, delayMs: error.retryAfterMs };
  }
  if (error instanceof StallError) return { retry: true, reason: error.message };
  if (isConnectionError(error)) {
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return { retry: true, reason: `connection failed (${code ?? 'reset'})` };
  }
  return { retry: false };
}
