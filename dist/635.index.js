export const id = 635;
export const ids = [635];
export const modules = {

/***/ 8635:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  TogetherClient: () => (/* binding */ TogetherClient),
  USER_AGENT: () => (/* binding */ USER_AGENT)
});

// EXTERNAL MODULE: ./src/error-text.ts
var error_text = __webpack_require__(5437);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/together/errors.ts
var errors = __webpack_require__(3023);
// EXTERNAL MODULE: ./src/together/limits.ts
var limits = __webpack_require__(9340);
;// CONCATENATED MODULE: ./src/together/retry.ts
/**
 * The retry policy, explicit and pure: what is retried (connection errors, stalls, 408, 429, 5xx; never a 409 or an
 * expired presigned URL), how long to wait (the server's `retry-after-ms` or `Retry-After`, up to 60 s; else
 * exponential backoff with jitter), and the one loop every request of the client runs in, bounded by its deadline.
 */

const BASE_DELAY_MS = 1000;
const MAX_BACKOFF_MS = 10_000;
/** Statuses worth another try: a timeout, rate limiting, any server or gateway error. */
function isRetryableStatus(status) {
    return status === 408 || status === 429 || status >= 500;
}
/** undici and Node errors that mean the connection failed or broke, not that the server refused. */
const CONNECTION_ERROR_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);
/** True for a connection that failed, was reset or timed out. */
function isConnectionError(error) {
    let current = error;
    for (let depth = 0; current && depth < 5; depth += 1) {
        const code = current.code;
        if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code))
            return true;
        current = current.cause;
    }
    return false;
}
/** Backoff before retry `attempt` (1 for the first retry): 1 s, 2 s, 4 s… capped at 10 s, minus up to 25 % jitter. */
function backoffMs(attempt, random) {
    const base = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
    return Math.round(base * (1 - 0.25 * random()));
}
/** Classifies a failed request. An expired presigned URL is not retried: it needs a fresh URL. */
function classifyFailure(error) {
    if (error instanceof errors/* StorageError */.aq) {
        if (error.expired || !isRetryableStatus(error.status))
            return { retry: false };
        return {
            retry: true,
            reason: `storage answered HTTP ${error.status}${error.code ? ` ${error.code}` : ''}`,
            delayMs: error.retryAfterMs,
        };
    }
    if (error instanceof errors/* TogetherApiError */.DX) {
        if (!isRetryableStatus(error.status))
            return { retry: false };
        return { retry: true, reason: `HTTP ${error.status} (${error.detail})`, delayMs: error.retryAfterMs };
    }
    if (error instanceof errors/* StallError */.Xz)
        return { retry: true, reason: error.message };
    if (isConnectionError(error)) {
        const code = error.code ?? error.cause?.code;
        return { retry: true, reason: `connection failed (${code ?? 'reset'})` };
    }
    return { retry: false };
}
/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, runs out of retries, or would have to wait
 * past the deadline; then its last error is thrown. `attempt` gets the signal to pass to its request: the run's
 * cancellation and the deadline in one.
 */
async function runWithRetries(operation, attempt, loop) {
    for (let retry = 0;; retry += 1) {
        const remaining = loop.deadline === undefined ? undefined : loop.deadline - loop.now();
        if (remaining !== undefined && remaining <= 0)
            throw new errors/* DeadlineError */.j3(operation);
        const timeout = remaining === undefined ? undefined : AbortSignal.timeout(remaining);
        const signals = [loop.signal, timeout].filter((s) => s !== undefined);
        try {
            return await attempt(signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
        }
        catch (raw) {
            const error = timeout?.aborted && !loop.signal?.aborted ? new errors/* DeadlineError */.j3(operation) : raw;
            await loop.onFailure?.(error);
            const verdict = classifyFailure(error);
            if (!verdict.retry || retry >= loop.maxRetries || loop.signal?.aborted)
                throw error;
            const delay = verdict.delayMs ?? backoffMs(retry + 1, loop.random);
            if (loop.deadline !== undefined && loop.now() + delay >= loop.deadline)
                throw error;
            loop.log(`${operation}: ${verdict.reason}; retry ${retry + 1} of ${loop.maxRetries} in ${(delay / 1000).toFixed(1)} s`);
            await loop.sleep(delay, loop.signal);
            if (loop.signal?.aborted)
                throw error;
        }
    }
}

// EXTERNAL MODULE: ./src/together/storage.ts + 1 modules
var storage = __webpack_require__(3910);
;// CONCATENATED MODULE: ./src/together/client.ts
/**
 * The only HTTP layer for Together: the Files API endpoints the action needs and the PUTs to the presigned
 * storage URLs they hand out, on undici with explicit timeouts. Every method takes one options object (`signal`,
 * `deadline`, `maxRetries`, `log`) and runs in the one retry loop (`runWithRetries`), with the policy of its kind:
 *
 * - API calls that can be repeated safely (retrieve, list, delete, preprocess, multipart complete and abort);
 * - reservations (`POST /files`, multipart initiate), which may reserve an ID on every call: an ID named by a
 *   failed answer is deleted at once, and after a lost answer the reservation it may have made is looked up and
 *   deleted;
 * - storage PUTs, retried with a fresh read of the file.
 */







const USER_AGENT = 'together-upload-action/0.1 (+https://github.com/features/actions)';
/**
 * The HTTP agent the client and the storage uploads share. It honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as
 * self-hosted runners behind a proxy need, and connects directly when they are unset.
 */
function createDispatcher() {
    return new undici.EnvHttpProxyAgent({
        connect: { timeout: 30_000 },
        headersTimeout: limits/* API_TIMEOUT_MS */.kj,
        bodyTimeout: limits/* API_TIMEOUT_MS */.kj,
    });
}
class TogetherClient {
    options;
    dispatcher;
    userAgent;
    loopDefaults;
    /** Kept out of every error built from an answer, whatever the server echoes. */
    secrets;
    constructor(options) {
        this.options = options;
        this.dispatcher = options.dispatcher ?? createDispatcher();
        this.userAgent = options.userAgent ?? USER_AGENT;
        this.secrets = [options.apiKey];
        this.loopDefaults = {
            maxRetries: options.maxRetries ?? 5,
            sleep: options.sleep ?? ((ms, signal) => (0,promises_.setTimeout)(ms, undefined, { signal }).catch(() => undefined)),
            random: options.random ?? Math.random,
            now: options.now ?? Date.now,
            log: options.log ?? (() => undefined),
            signal: options.signal,
        };
    }
    /** Closes the connections. */
    async close() {
        await this.dispatcher.close().catch(() => undefined);
    }
    /**
     * `POST /files`: reserves a file ID and answers 302 with a presigned storage URL (protocol doc 5.1). Redirects
     * are not followed: the URL is where the bytes go, with a PUT.
     */
    async reserve(file, options = {}) {
        const operation = 'POST /files';
        const form = new URLSearchParams({ purpose: file.purpose, file_name: file.fileName, file_type: file.fileType });
        if (file.checksum)
            form.set('checksum', file.checksum);
        return this.reservation(operation, file.fileName, options, async (signal) => {
            const res = await this.send({ method: 'POST', path: '/files', form }, signal);
            const bodyText = await res.body.text();
            if (res.statusCode !== 302) {
                if (res.statusCode >= 200 && res.statusCode < 300) {
                    throw new errors/* ProtocolError */.bd({
                        operation,
                        status: res.statusCode,
                        detail: 'expected a 302 redirect to the upload URL',
                    });
                }
                throw errors/* TogetherApiError */.DX.generate(operation, res.statusCode, res.headers, bodyText, this.secrets);
            }
            const uploadUrl = single(res.headers.location);
            const fileId = single(res.headers['x-together-file-id']);
            if (!uploadUrl || !fileId) {
                const missing = [uploadUrl ? '' : 'a Location header', fileId ? '' : 'an X-Together-File-Id header'];
                throw new errors/* ProtocolError */.bd({
                    operation,
                    status: 302,
                    detail: `the redirect lacks ${missing.filter(Boolean).join(' and ')}`,
                    fileId,
                });
            }
            return { fileId, uploadUrl: new URL(uploadUrl, this.options.baseUrl).toString() };
        });
    }
    /** `POST /files/multipart/initiate` (protocol doc 5.3): reserves a file ID and presigned URLs for each part. */
    async initiateMultipart(file, options = {}) {
        const operation = 'POST /files/multipart/initiate';
        const json = {
            file_name: file.fileName,
            file_size: file.fileSize,
            num_parts: file.numParts,
            purpose: file.purpose,
            file_type: file.fileType,
            ...(file.checksum ? { checksum: file.checksum } : {}),
        };
        return this.reservation(operation, file.fileName, options, async (signal) => {
            const data = (await this.attemptApi(operation, { method: 'POST', path: '/files/multipart/initiate', json }, signal));
            if (typeof data.upload_id !== 'string' || typeof data.file_id !== 'string' || !Array.isArray(data.parts)) {
                throw new errors/* ProtocolError */.bd({ operation, status: 200, detail: 'the answer lacks upload_id, file_id or parts' });
            }
            const parts = data.parts.map((part) => ({
                partNumber: Number(part.PartNumber ?? part.part_number),
                url: typeof part.URL === 'string' ? part.URL : typeof part.UploadURL === 'string' ? part.UploadURL : '',
                headers: (part.Headers ?? {}),
            }));
            if (parts.length !== file.numParts || parts.some((p) => !p.url || !(p.partNumber >= 1))) {
                throw new errors/* ProtocolError */.bd({
                    operation,
                    status: 200,
                    detail: `expected ${file.numParts} parts with URLs, got ${parts.length}`,
                    fileId: data.file_id,
                });
            }
            return {
                uploadId: data.upload_id,
                fileId: data.file_id,
                parts: parts.sort((a, b) => a.partNumber - b.partNumber),
            };
        });
    }
    /**
     * The whole file in one PUT to its presigned URL, with the SHA-256 of exactly the bytes sent. Retried with a
     * fresh read; an expired URL is not retried (StorageError.expired): it needs a fresh reservation.
     */
    async putFile(url, file, options = {}) {
        return runWithRetries('PUT to storage', (signal) => (0,storage/* putFile */.UN)(url, file, this.putOptions(options, signal)), this.loop(options));
    }
    /** One part of a multipart upload, retried on its own with a fresh read of its range. */
    async putPart(part, source, numParts, options = {}) {
        return runWithRetries(`PUT part ${part.partNumber} of ${numParts}`, (signal) => (0,storage/* putBytes */.h0)(part.url, source, { ...this.putOptions(options, signal), headers: part.headers }), this.loop(options));
    }
    /**
     * `POST /files/{id}/preprocess`: asks Together to start processing. Returns undefined where the server has no
     * such endpoint (404/405): processing then starts on its own when the upload completes.
     */
    async preprocess(fileId, options = {}) {
        const operation = `POST /files/${fileId}/preprocess`;
        return runWithRetries(operation, async (signal) => {
            const res = await this.send({ method: 'POST', path: `/files/${encodeURIComponent(fileId)}/preprocess` }, signal);
            const bodyText = await res.body.text();
            if (res.statusCode === 404 || res.statusCode === 405)
                return undefined;
            return fileObject(operation, res, bodyText, this.secrets);
        }, this.loop(options));
    }
    /** `GET /files/{id}`. */
    async retrieve(fileId, options = {}) {
        const operation = `GET /files/${fileId}`;
        return runWithRetries(operation, async (signal) => {
            const res = await this.send({ method: 'GET', path: `/files/${encodeURIComponent(fileId)}` }, signal);
            return fileObject(operation, res, await res.body.text(), this.secrets);
        }, this.loop(options));
    }
    /** `DELETE /files/{id}`; a file already gone counts as deleted. */
    async deleteFile(fileId, options = {}) {
        const operation = `DELETE /files/${fileId}`;
        await runWithRetries(operation, async (signal) => {
            const res = await this.send({ method: 'DELETE', path: `/files/${encodeURIComponent(fileId)}` }, signal);
            const bodyText = await res.body.text();
            if (res.statusCode === 404)
                return;
            if (res.statusCode < 200 || res.statusCode >= 300)
                throw errors/* TogetherApiError */.DX.generate(operation, res.statusCode, res.headers, bodyText, this.secrets);
        }, this.loop(options));
    }
    /** `GET /files`: every file of the account (the API has no pagination). */
    async listFiles(options = {}) {
        const operation = 'GET /files';
        const parsed = (await this.api(operation, { method: 'GET', path: '/files' }, options));
        return Array.isArray(parsed.data) ? parsed.data : [];
    }
    /** `POST /files/multipart/complete` with the parts' ETags in order; answers the file (bare or as `{file}`). */
    async completeMultipart(upload, options = {}) {
        const json = {
            upload_id: upload.uploadId,
            file_id: upload.fileId,
            parts: upload.etags.map((etag, i) => ({ part_number: i + 1, etag })),
        };
        const data = (await this.api('POST /files/multipart/complete', { method: 'POST', path: '/files/multipart/complete', json }, options));
        return data.file ?? data;
    }
    /** `POST /files/multipart/abort`: gives up a multipart upload and its reserved ID. */
    async abortMultipart(upload, options = {}) {
        const json = { upload_id: upload.uploadId, file_id: upload.fileId };
        await this.api('POST /files/multipart/abort', { method: 'POST', path: '/files/multipart/abort', json }, options);
    }
    /**
     * `POST /fine-tunes/estimate-price` (together-typescript `src/resources/fine-tuning.ts`): Together's estimate for
     * a fine-tune job of `model` over `epochs` trained on the file. Safe to repeat: it only reads.
     */
    async estimatePrice(request, options = {}) {
        const json = { training_file: request.trainingFile, model: request.model, n_epochs: request.epochs };
        return (await this.api('POST /fine-tunes/estimate-price', { method: 'POST', path: '/fine-tunes/estimate-price', json }, options));
    }
    /** Deletes an ID that holds no upload, within the cleanup deadline; says in `log` what happened. Never throws. */
    async deleteReservation(fileId, log) {
        try {
            await this.deleteFile(fileId, { signal: AbortSignal.timeout(limits/* CLEANUP_TIMEOUT_MS */.aE), log });
            log(`Deleted the reserved ID ${fileId}, which holds no upload`);
        }
        catch (error) {
            log(`Could not delete the reserved ID ${fileId}: ${(0,error_text/* messageOf */.b)(error)}`);
        }
    }
    /** A JSON API call that is safe to repeat, in the retry loop. */
    api(operation, call, options) {
        return runWithRetries(operation, (signal) => this.attemptApi(operation, call, signal), this.loop(options));
    }
    /** One attempt of a JSON API call: a 2xx answer's JSON, or the error the answer stands for. */
    async attemptApi(operation, call, signal) {
        const res = await this.send(call, signal);
        const bodyText = await res.body.text();
        if (res.statusCode < 200 || res.statusCode >= 300)
            throw errors/* TogetherApiError */.DX.generate(operation, res.statusCode, res.headers, bodyText, this.secrets);
        return parseJson(operation, res.statusCode, bodyText);
    }
    /**
     * A reservation in the retry loop. Every attempt may reserve an ID, so an ID named by a failed answer is deleted
     * at once, and when an answer was lost (the connection broke after sending), the empty reservations of this name
     * made since are looked up and deleted, but the one kept.
     */
    async reservation(operation, fileName, options, attempt) {
        const log = options.log ?? this.loopDefaults.log;
        let lostSince;
        let reserved;
        try {
            reserved = await runWithRetries(operation, attempt, {
                ...this.loop(options),
                onFailure: async (error) => {
                    // A 409's file ID is the file that already holds the content: never delete it.
                    if (error instanceof errors/* TogetherApiError */.DX && error.fileId && !(error instanceof errors/* ConflictError */.fK))
                        await this.deleteReservation(error.fileId, log);
                    if (isConnectionError(error))
                        lostSince ??= this.loopDefaults.now();
                },
            });
            return reserved;
        }
        finally {
            if (lostSince !== undefined)
                await this.deleteLostReservations(fileName, lostSince, reserved?.fileId, log);
        }
    }
    /** Deletes empty files of this name reserved since `since` (the answers that were lost), but `keep`. */
    async deleteLostReservations(fileName, since, keep, log) {
        try {
            const files = await this.listFiles({ signal: AbortSignal.timeout(limits/* CLEANUP_TIMEOUT_MS */.aE), log });
            // Allow for clock skew between this machine and Together's; `created_at` is in seconds.
            const earliest = Math.floor((since - 60_000) / 1000);
            const lost = files.filter((f) => f.id !== keep &&
                f.filename === fileName &&
                !f.bytes &&
                (f.created_at ?? 0) >= earliest &&
                f.processing_status !== 'COMPLETED');
            for (const f of lost)
                await this.deleteReservation(f.id, log);
        }
        catch (error) {
            log(`Could not look for reservations left by lost answers: ${(0,error_text/* messageOf */.b)(error)}`);
        }
    }
    loop(options) {
        return {
            ...this.loopDefaults,
            maxRetries: options.maxRetries ?? this.loopDefaults.maxRetries,
            log: options.log ?? this.loopDefaults.log,
            signal: options.signal ?? this.loopDefaults.signal,
            deadline: options.deadline,
        };
    }
    putOptions(options, signal) {
        return {
            dispatcher: this.dispatcher,
            onProgress: options.onProgress,
            signal,
            stallTimeoutMs: this.options.stallTimeoutMs,
        };
    }
    send(call, signal) {
        const contentType = call.form
            ? 'application/x-www-form-urlencoded'
            : call.json !== undefined
                ? 'application/json'
                : undefined;
        return (0,undici.request)(`${this.options.baseUrl}${call.path}`, {
            method: call.method,
            dispatcher: this.dispatcher,
            headers: {
                authorization: `Bearer ${this.options.apiKey}`,
                accept: 'application/json',
                'user-agent': this.userAgent,
                ...(contentType ? { 'content-type': contentType } : {}),
            },
            body: call.form ? call.form.toString() : call.json !== undefined ? JSON.stringify(call.json) : undefined,
            signal,
        });
    }
}
function fileObject(operation, res, bodyText, secrets) {
    if (res.statusCode < 200 || res.statusCode >= 300) {
        throw errors/* TogetherApiError */.DX.generate(operation, res.statusCode, res.headers, bodyText, secrets);
    }
    const file = parseJson(operation, res.statusCode, bodyText);
    if (!file || typeof file.id !== 'string') {
        throw new errors/* ProtocolError */.bd({ operation, status: res.statusCode, detail: 'the answer is not a file object' });
    }
    return file;
}
function single(value) {
    return (Array.isArray(value) ? value[0] : value) || undefined;
}
function parseJson(operation, status, bodyText) {
    try {
        return JSON.parse(bodyText);
    }
    catch {
        throw new errors/* ProtocolError */.bd({ operation, status, detail: 'the answer is not JSON' });
    }
}


/***/ }),

/***/ 3023:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DX: () => (/* binding */ TogetherApiError),
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
    static generate(operation, status, headers, answer, secrets = []) {
        const envelope = parseEnvelope(answer);
        const fields = {
            operation,
            status,
            detail: (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope?.message ?? describeBody(answer, status), secrets),
            type: envelope?.type && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope.type, secrets),
            code: envelope?.code && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(envelope.code, secrets),
            requestId: headerValue(headers['x-request-id']) ?? headerValue(headers['cf-ray']),
            retryAfterMs: retryAfterMs(headers, Date.now()),
            fileId: envelope?.fileId ?? headerValue(headers['x-together-file-id']),
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
    static fromResponse(status, answer, headers = {}) {
        const code = /<Code>([^<]*)<\/Code>/.exec(answer)?.[1];
        const message = /<Message>([^<]*)<\/Message>/.exec(answer)?.[1];
        return new StorageError(status, code && (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(code), (0,_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message ?? describeBody(answer, status)), retryAfterMs(headers, Date.now()));
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

/***/ 3910:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DC: () => (/* binding */ hashFile),
  h0: () => (/* binding */ putBytes),
  UN: () => (/* binding */ putFile)
});

// UNUSED EXPORTS: readBuffers, readChunks

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/together/errors.ts
var errors = __webpack_require__(3023);
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






/** Read size from disk: large enough that per-chunk costs vanish, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Read buffers in rotation. undici pulls the next chunk of an iterable body only once the socket has taken the
 * previous one (it awaits 'drain' whenever a write is not fully flushed). A buffer is refilled (by the read one
 * chunk ahead) when the chunk three after it is pulled, long after the socket let go of it. Reusing buffers keeps
 * the upload from making garbage: with a fresh buffer per chunk, V8 lets about 64 MB of them pile up.
 */
const POOL_SIZE = 4;
/**
 * What all readers together may hold: eight readers of four 1 MiB buffers, e.g. eight large files at once, or a
 * multipart upload's four parts and its SHA-256 read with room to spare. Beyond that, readers wait their turn.
 */
const READ_BUFFER_BUDGET_BYTES = 32 * 1024 * 1024;
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
        const bodyText = await res.body.text();
        if (res.statusCode !== 200)
            throw errors/* StorageError */.aq.fromResponse(res.statusCode, bodyText, res.headers);
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
