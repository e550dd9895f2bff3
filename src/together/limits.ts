/**
 * The bounds every exchange with a server is held to, in one place: how long an answer may take, and how much of
 * it is read. No answer, however hostile (a body that never ends, one that trickles a byte a second, one of 100 MB),
 * can hold the step or its memory past these. Imports nothing: settings and reports use them without loading HTTP.
 */

/** Time allowed to connect, and for an answer's headers (undici's `headersTimeout`). */
export const API_TIMEOUT_MS = 60_000;
/** A whole API attempt (connect, headers and body), however slowly the bytes trickle; then it is retried. */
export const API_ATTEMPT_DEADLINE_MS = 120_000;
/** How long cleanup (deleting an ID, aborting a multipart upload) may take, even after a cancel. */
export const CLEANUP_TIMEOUT_MS = 5000;
/** How long an upload may move no byte (and then wait for its answer) before it is aborted and retried. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** What a step may spend, in all, waiting on Together's rate limit (429s): ten minutes. */
export const DEFAULT_RATE_LIMIT_BUDGET_MS = 10 * 60_000;

/** An API answer (a file object, an error envelope, an estimate): far more than any sensible one needs. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** The one list Together answers whole (`GET /files`, every file of the account): room for ~100,000 files. */
export const MAX_LIST_ANSWER_BYTES = 64 * 1024 * 1024;
/** A storage answer (S3's XML error, or an empty 200). */
export const MAX_STORAGE_ANSWER_BYTES = 1024 * 1024;

/** The longest a timer can wait (setTimeout's limit, 2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
