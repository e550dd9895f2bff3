export const id = 910;
export const ids = [910];
export const modules = {

/***/ 3023:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DX: () => (/* binding */ TogetherApiError),
/* harmony export */   TM: () => (/* binding */ RateLimitedError),
/* harmony export */   Xz: () => (/* binding */ StallError),
/* harmony export */   aq: () => (/* binding */ StorageError),
/* harmony export */   bd: () => (/* binding */ ProtocolError),
/* harmony export */   fK: () => (/* binding */ ConflictError),
/* harmony export */   j3: () => (/* binding */ DeadlineError),
/* harmony export */   m_: () => (/* binding */ NotFoundError),
/* harmony export */   v3: () => (/* binding */ AuthenticationError)
/* harmony export */ });
/* unused harmony exports MAX_RETRY_AFTER_MS, retryAfterMs */
/* harmony import */ var _safe_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1452);
/* harmony import */ var _wire_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6505);
/**
 * Errors of the Together API and of the storage it redirects uploads to, built in one place. Callers branch on
 * the class (not found, auth, conflict, protocol), never on status lists.
 */


/** A non-success answer of the Together API, with its error envelope parsed. */
class TogetherApiError extends Error {
    name = 'TogetherApiError';
    operation;
    status;
    detail;
    type;
    code;
    requestId;
    retryAfterMs;
    fileId;
    constructor(fields) {
        super(`${fields.operation} failed with HTTP ${fields.status}${fields.code ? ` (${fields.code})` : ''}: ${fields.detail}${fields.requestId ? ` [request id ${fields.requestId}]` : ''}`);
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
    static generate(operation, status, headers, answer, secrets = [], 
    /** The body was larger than the client reads (see exchange.ts): `answer` is empty and says nothing. */
    tooLargeDetail) {
        const envelope = tooLargeDetail ? undefined : parseEnvelope(answer);
        const requestId = headerValue(headers['x-request-id']) ?? headerValue(headers['cf-ray']);
        // An ID the server names is used (deleted, or reused on a 409) only if it has Together's shape.
        const fileId = envelope?.fileId ?? headerValue(headers['x-together-file-id']);
        const fields = {
            operation,
            status,
            detail: tooLargeDetail ?? (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope?.message ?? describeBody(answer, status), secrets), 1000),
            type: envelope?.type && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope.type, secrets), 100),
            code: envelope?.code && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope.code, secrets), 100),
            // A header is server text like any other: it may echo what the request carried (the key).
            requestId: requestId && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(requestId, secrets), 100),
            retryAfterMs: retryAfterMs(headers, Date.now()),
            fileId: (0,_wire_js__WEBPACK_IMPORTED_MODULE_1__/* .isValidFileId */ .iP)(fileId) ? fileId : undefined,
        };
        if (status === 401 || status === 403)
            return new AuthenticationError(fields);
        if (status === 404)
            return new NotFoundError(fields);
        if (status === 409)
            return new ConflictError(fields);
        return new TogetherApiError(fields);
    }
}
/** 401 or 403: the key is wrong, revoked or may not do this; a 401 may also mean used-up free-trial credits. */
class AuthenticationError extends TogetherApiError {
    name = 'AuthenticationError';
    constructor(fields) {
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
class NotFoundError extends TogetherApiError {
    name = 'NotFoundError';
}
/** 409: the request conflicts with what Together holds (for an upload: the same content, named by `fileId`). */
class ConflictError extends TogetherApiError {
    name = 'ConflictError';
}
/** A success status whose answer is not what the protocol says (a 200 without a file object, a 302 without a URL). */
class ProtocolError extends TogetherApiError {
    name = 'ProtocolError';
}
/** A request's deadline passed before it got an answer. */
class DeadlineError extends Error {
    operation;
    name = 'DeadlineError';
    constructor(operation) {
        super(`${operation} got no answer before the deadline`);
        this.operation = operation;
    }
}
/** The step waited on Together's rate limit (429s) for longer, in all, than it may: no more requests are sent. */
class RateLimitedError extends Error {
    operation;
    waitedSeconds;
    name = 'RateLimitedError';
    constructor(operation, waitedSeconds) {
        super(`${operation} was not sent: Together kept answering 429 (rate limited), and the step has waited ${waitedSeconds} s in all for the account's rate limit, its budget (TOGETHER_RATE_LIMIT_WAIT_SECONDS). Run again later, upload fewer files at once (concurrency), or ask Together for a higher limit.`);
        this.operation = operation;
        this.waitedSeconds = waitedSeconds;
    }
}
/** An upload whose bytes stopped moving for too long; retried like a broken connection. */
class StallError extends Error {
    name = 'StallError';
}
/** A non-success answer of the presigned storage URL (S3 rules). The URL itself is never kept. */
class StorageError extends Error {
    status;
    code;
    detail;
    retryAfterMs;
    name = 'StorageError';
    constructor(status, 
    /** The S3 error code from the XML body, e.g. `AccessDenied`. */
    code, detail, retryAfterMs) {
        super(`Storage upload failed with HTTP ${status}${code ? ` (${code})` : ''}: ${detail}`);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.retryAfterMs = retryAfterMs;
    }
    /** The presigned URL's lifetime ran out: a fresh URL is needed, not a retry of this one. */
    get expired() {
        return this.status === 403 && this.code === 'AccessDenied' && /expired/i.test(this.detail);
    }
    /**
     * Builds the error for a failed storage PUT from S3's XML error body, reduced to its code and message with URLs
     * and query strings removed: a storage error may echo the presigned URL, whose signature is a credential.
     */
    static fromResponse(status, answer, headers = {}, tooLargeDetail) {
        const code = /<Code>([^<]{0,200})<\/Code>/.exec(answer)?.[1];
        const message = /<Message>([^<]{0,2000})<\/Message>/.exec(answer)?.[1];
        return new StorageError(status, code && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(code), 100), tooLargeDetail ?? (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .Kb)((0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message ?? describeBody(answer, status)), 1000), retryAfterMs(headers, Date.now()));
    }
}
function parseEnvelope(bodyText) {
    let parsed;
    try {
        parsed = JSON.parse(bodyText);
    }
    catch {
        return undefined; // not JSON: described by describeBody
    }
    if (!parsed || typeof parsed !== 'object')
        return undefined;
    const body = parsed;
    const fileId = typeof body.file_id === 'string' ? body.file_id : undefined;
    const error = body.error;
    if (error && typeof error === 'object') {
        const e = error;
        return {
            message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
            type: typeof e.type === 'string' ? e.type : undefined,
            code: typeof e.code === 'string' ? e.code : undefined,
            fileId: fileId ?? (typeof e.file_id === 'string' ? e.file_id : undefined),
        };
    }
    if (typeof error === 'string')
        return { message: error, fileId };
    if (typeof body.message === 'string')
        return { message: body.message, fileId };
    return undefined;
}
/** A short, single-line description of a body that is not the JSON envelope (e.g. a gateway's HTML page). */
function describeBody(bodyText, status) {
    const title = /<title>([^<]*)<\/title>/i.exec(bodyText)?.[1]?.trim();
    if (title)
        return title;
    const text = bodyText
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    if (!text)
        return `empty answer (HTTP ${status})`;
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
function headerValue(value) {
    return Array.isArray(value) ? value[0] : value;
}
/** The longest server-requested pause honoured. */
const MAX_RETRY_AFTER_MS = 60_000;
/** The server's requested pause from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), capped at 60 s. */
function retryAfterMs(headers, now) {
    const first = (value) => (Array.isArray(value) ? value[0] : value)?.trim();
    const ms = first(headers['retry-after-ms']);
    if (ms && /^\d+(\.\d+)?$/.test(ms))
        return Math.min(Number(ms), MAX_RETRY_AFTER_MS);
    const after = first(headers['retry-after']);
    if (!after)
        return undefined;
    if (/^\d+(\.\d+)?$/.test(after))
        return Math.min(Number(after) * 1000, MAX_RETRY_AFTER_MS);
    const date = Date.parse(after);
    if (Number.isNaN(date))
        return undefined;
    return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}


/***/ }),

/***/ 7089:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CB: () => (/* binding */ readBounded),
/* harmony export */   X7: () => (/* binding */ tooLargeDetail),
/* harmony export */   cv: () => (/* binding */ exchange)
/* harmony export */ });
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3023);
/**
 * One HTTP exchange with a bounded answer: every request the action makes to Together and its storage goes
 * through here, so no server can hold the step or its memory, however it answers. The answer is read whole, but
 * never more than `maxBytes` of it (the rest is not read: `tooLarge`), and never past the attempt's deadline (a
 * body that trickles a byte a second ends as a StallError, retried like a broken connection).
 */


/** Sends the request and reads its answer within the limits. */
async function exchange(url, options, limits) {
    const deadline = limits.deadlineMs === undefined ? undefined : AbortSignal.timeout(limits.deadlineMs);
    const signals = [options.signal, deadline].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
        const res = await (0,undici__WEBPACK_IMPORTED_MODULE_0__.request)(url, { ...options, signal });
        const { text, tooLarge } = await readBounded(res.body, limits.maxBytes);
        return { statusCode: res.statusCode, headers: res.headers, text, tooLarge, maxBytes: limits.maxBytes };
    }
    catch (error) {
        if (deadline?.aborted && !options.signal?.aborted) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .StallError */ .Xz(`${limits.label}: no complete answer within ${Math.round(limits.deadlineMs / 1000)} s`, {
                cause: error,
            });
        }
        throw error;
    }
}
/** Reads a body up to `maxBytes`; past that it is destroyed unread (the connection goes with it). */
async function readBounded(body, maxBytes) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
            body.destroy?.();
            return { text: '', tooLarge: true };
        }
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    return { text: Buffer.concat(chunks, size).toString('utf8'), tooLarge: false };
}
/** How a body that was too large is described where its text would be. */
function tooLargeDetail(maxBytes) {
    return `the answer's body was larger than ${formatLimit(maxBytes)}, so it was not read`;
}
function formatLimit(bytes) {
    return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}


/***/ }),

/***/ 3910:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DC: () => (/* binding */ hashFile),
  h0: () => (/* binding */ putBytes),
  UN: () => (/* binding */ putFile)
});

// UNUSED EXPORTS: READ_CHUNK_BYTES, readBuffers, readChunks

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/together/errors.ts
var errors = __webpack_require__(3023);
// EXTERNAL MODULE: ./src/together/exchange.ts
var exchange = __webpack_require__(7089);
// EXTERNAL MODULE: ./src/together/limits.ts
var limits = __webpack_require__(9340);
;// CONCATENATED MODULE: ./src/together/read-buffers.ts
/**
 * The read buffers of every upload in flight, under one memory budget.
 *
 * Each reader of a file (a PUT, a multipart part, the SHA-256 read beside a multipart upload) needs a few buffers.
 * Files in flight times parts in flight made that grow with the inputs: four multipart uploads at once peaked at
 * 200 MiB, a third of it buffers dropped after each part and waiting for V8 to collect them. Here readers wait for
 * room instead, and full-size buffers are handed to the next reader rather than dropped.
 *
 * A reader holds one set at a time and never waits for another while holding it, so waiting cannot deadlock.
 */
class ReadBufferBudget {
    budgetBytes;
    chunkBytes;
    buffersPerReader;
    bytesInUse = 0;
    spare = [];
    waiting = new Set();
    constructor(
    /** Bytes of buffers all readers together may hold. */
    budgetBytes, 
    /** The size of a full buffer: a reader's chunk. */
    chunkBytes, 
    /** Buffers a reader needs at once. */
    buffersPerReader) {
        this.budgetBytes = budgetBytes;
        this.chunkBytes = chunkBytes;
        this.buffersPerReader = buffersPerReader;
    }
    /**
     * Buffers to read `bytes` with (smaller when there is less to read), once the budget has room for them. A reader
     * is always let in when nobody holds any, whatever its size. Rejects when `signal` aborts while it waits.
     */
    async acquire(bytes, signal) {
        const size = Math.min(this.chunkBytes, Math.max(1, bytes));
        const needed = size * this.buffersPerReader;
        while (this.bytesInUse > 0 && this.bytesInUse + needed > this.budgetBytes)
            await this.nextRelease(signal);
        signal?.throwIfAborted();
        this.bytesInUse += needed;
        return Array.from({ length: this.buffersPerReader }, () => (size === this.chunkBytes ? this.spare.pop() : undefined) ?? Buffer.allocUnsafe(size));
    }
    /**
     * Gives buffers back. Only once nothing uses them any more: the reads into them have finished and the request
     * that sent them has settled.
     */
    release(buffers) {
        for (const buffer of buffers) {
            this.bytesInUse -= buffer.length;
            if (buffer.length === this.chunkBytes)
                this.spare.push(buffer);
        }
        const waiting = [...this.waiting];
        this.waiting.clear();
        for (const wake of waiting)
            wake();
    }
    /** Bytes held by readers now (for tests and diagnostics). */
    get inUse() {
        return this.bytesInUse;
    }
    nextRelease(signal) {
        signal?.throwIfAborted();
        return new Promise((resolve, reject) => {
            const onAbort = () => {
                this.waiting.delete(wake);
                reject(signal.reason);
            };
            const wake = () => {
                signal?.removeEventListener('abort', onAbort);
                resolve();
            };
            this.waiting.add(wake);
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }
}

;// CONCATENATED MODULE: ./src/together/storage.ts
/** The `PUT` of a file's bytes to a presigned storage URL, by S3's rules (protocol doc 5.1, step 3). */







/**
 * Read size from disk: large enough that per-chunk costs vanish (2 MiB sends 1 GiB about 4% faster than 1 MiB:
 * fewer hash updates, reads and socket writes), small enough to keep memory flat.
 */
const READ_CHUNK_BYTES = 2 * 1024 * 1024;
/**
 * Read buffers in rotation. undici pulls the next chunk of an iterable body only once the socket has taken the
 * previous one (it awaits 'drain' whenever a write is not fully flushed). A buffer is refilled (by the read one
 * chunk ahead) when the chunk three after it is pulled, long after the socket let go of it. Reusing buffers keeps
 * the upload from making garbage: with a fresh buffer per chunk, V8 lets about 64 MB of them pile up.
 */
const POOL_SIZE = 4;
/**
 * What all readers together may hold: six readers of four 2 MiB buffers, e.g. six large files at once, or a
 * multipart upload's four parts and its SHA-256 read with room to spare. Beyond that, readers wait their turn.
 */
const READ_BUFFER_BUDGET_BYTES = 48 * 1024 * 1024;
/** The process's read buffers, shared by every upload (see ReadBufferBudget). */
const readBuffers = new ReadBufferBudget(READ_BUFFER_BUDGET_BYTES, READ_CHUNK_BYTES, POOL_SIZE);
/**
 * Streams `length` bytes of the file from `start` to the presigned URL: an explicit Content-Length (no chunked
 * encoding), no Authorization header (the URL carries the signature). Each call reads the file afresh, so a retry
 * sends the same bytes again.
 */
async function putBytes(url, source, options) {
    const buffers = await readBuffers.acquire(source.length, options.signal);
    let sent = 0;
    const stall = new AbortController();
    const stallMs = options.stallTimeoutMs ?? limits/* DEFAULT_STALL_TIMEOUT_MS */.es;
    const watchdog = setTimeout(() => stall.abort(), stallMs);
    const chunks = readChunks(source.absolutePath, source.length, (chunk) => {
        options.onChunk?.(chunk);
        sent += chunk.length;
        watchdog.refresh();
        options.onProgress?.(sent);
    }, source.start ?? 0, buffers);
    try {
        const res = await (0,undici.request)(url, {
            method: 'PUT',
            dispatcher: options.dispatcher,
            headers: {
                ...options.headers,
                'content-type': 'application/octet-stream',
                'content-length': String(source.length),
            },
            // undici accepts async iterables as bodies (documented; its typings list only Readable).
            body: source.length === 0 ? '' : chunks,
            signal: options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal,
        });
        // The answer is bounded like every other (exchange.ts); the stall watchdog, no longer refreshed once the
        // bytes are sent, bounds how long it may take.
        const answer = await (0,exchange/* readBounded */.CB)(res.body, limits/* MAX_STORAGE_ANSWER_BYTES */.g4);
        if (res.statusCode !== 200) {
            const tooLarge = answer.tooLarge ? (0,exchange/* tooLargeDetail */.X7)(limits/* MAX_STORAGE_ANSWER_BYTES */.g4) : undefined;
            throw errors/* StorageError */.aq.fromResponse(res.statusCode, answer.text, res.headers, tooLarge);
        }
        const etag = res.headers.etag;
        return { etag: (Array.isArray(etag) ? etag[0] : etag)?.replace(/"/g, '') };
    }
    catch (error) {
        if (stall.signal.aborted && !options.signal?.aborted) {
            throw new errors/* StallError */.Xz(`no bytes moved for ${Math.round(stallMs / 1000)} s (${sent} of ${source.length} sent)`);
        }
        throw error;
    }
    finally {
        clearTimeout(watchdog);
        // The request has settled; closing the reader waits for a read still filling a buffer. Only then may the
        // buffers go to another reader. (A failure to close the file must not keep them, nor hide the request's error.)
        await chunks.return(undefined).catch(() => undefined);
        readBuffers.release(buffers);
    }
}
/**
 * The whole file in one PUT, with the SHA-256 of exactly the bytes sent, computed on the same pass. (Multipart parts
 * are sent with putBytes alone: their file's SHA-256 comes from one sequential read, not from each part.)
 */
async function putFile(url, file, options) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const result = await putBytes(url, { absolutePath: file.absolutePath, length: file.bytes }, { ...options, onChunk: (chunk) => hash.update(chunk) });
    return { ...result, sha256: hash.digest('hex') };
}
/** SHA-256 of the file, read with the same pooled buffers (for multipart, whose parts go out of order). */
async function hashFile(absolutePath, bytes, signal) {
    const buffers = await readBuffers.acquire(bytes, signal);
    try {
        const hash = (0,external_node_crypto_.createHash)('sha256');
        for await (const chunk of readChunks(absolutePath, bytes, (c) => hash.update(c), 0, buffers)) {
            void chunk;
            signal?.throwIfAborted();
        }
        return hash.digest('hex');
    }
    finally {
        readBuffers.release(buffers);
    }
}
/**
 * Yields exactly `bytes` bytes of the file in pooled buffers (see POOL_SIZE; `pool` when given, at least three
 * buffers), calling `onChunk` on each before it is yielded. The size was taken before the upload started: a file
 * that shrinks since is an error, and bytes a growing file gains are not sent.
 */
async function* readChunks(absolutePath, bytes, onChunk, start = 0, pool = Array.from({ length: POOL_SIZE }, () => Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, bytes))))) {
    const handle = await (0,promises_.open)(absolutePath, 'r');
    try {
        const end = start + bytes;
        const read = (turn, offset) => {
            const buffer = pool[turn % pool.length];
            return handle
                .read(buffer, 0, Math.min(buffer.length, end - offset), offset)
                .then(({ bytesRead }) => buffer.subarray(0, bytesRead));
        };
        // One read ahead: the next chunk comes from disk while this one is hashed and sent. Its buffer last held
        // the chunk sent three turns ago, long since taken by the socket.
        let next = start < end ? read(0, start) : undefined;
        for (let offset = start, turn = 0; next; turn += 1) {
            const chunk = await next;
            if (chunk.length === 0) {
                throw new Error(`the file shrank while it was uploaded: ${offset - start} of ${bytes} bytes read`);
            }
            offset += chunk.length;
            next = offset < end ? read(turn + 1, offset) : undefined;
            onChunk(chunk);
            yield chunk;
        }
    }
    finally {
        await handle.close();
    }
}


/***/ })

};
