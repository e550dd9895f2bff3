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
// EXTERNAL MODULE: ./src/safe-text.ts
var safe_text = __webpack_require__(1452);
// EXTERNAL MODULE: ./src/together/errors.ts
var errors = __webpack_require__(3023);
// EXTERNAL MODULE: ./src/together/exchange.ts
var exchange = __webpack_require__(7089);
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
 * One account, one rate limit: when any request is answered 429, every request of the step waits out the pause
 * (not each file on its own, which multiplied the wait by the files in flight), and the time the step spends
 * shut out is bounded: past `budgetMs` in all, requests fail at once with RateLimitedError.
 */
class RateLimitGate {
    budgetMs;
    now;
    openAt = 0;
    closedMs = 0;
    constructor(
    /** How long, in all, the step may wait on rate limits. */
    budgetMs, now) {
        this.budgetMs = budgetMs;
        this.now = now;
    }
    /** A 429 asked for a pause of `delayMs`: the gate shuts until then (time already shut is not counted twice). */
    hold(delayMs) {
        const now = this.now();
        const from = Math.max(this.openAt, now);
        const until = now + delayMs;
        if (until <= from)
            return;
        this.closedMs += until - from;
        this.openAt = until;
    }
    /** The step has waited on rate limits past its budget. */
    get exhausted() {
        return this.closedMs > this.budgetMs;
    }
    /** How long the gate is still shut, in ms (0 when open). */
    remainingMs() {
        return Math.max(0, this.openAt - this.now());
    }
    /** Seconds spent shut so far. */
    get waitedSeconds() {
        return Math.round(this.closedMs / 1000);
    }
}
/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, runs out of retries, or would have to wait
 * past the deadline; then its last error is thrown. `attempt` gets the signal to pass to its request: the run's
 * cancellation and the deadline in one.
 */
async function runWithRetries(operation, attempt, loop) {
    for (let retry = 0;; retry += 1) {
        if (loop.gate)
            await passGate(operation, loop.gate, loop);
        const remaining = loop.deadline === undefined ? undefined : loop.deadline - loop.now();
        if (remaining !== undefined && remaining <= 0)
            throw new errors/* DeadlineError */.j3(operation);
        // Clamped: a timer of more than 2^31 - 1 ms fires at once (Node warns and uses 1 ms).
        const timeout = remaining === undefined ? undefined : AbortSignal.timeout(Math.min(remaining, limits/* MAX_TIMER_MS */._o));
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
            loop.log(`${operation}: ${verdict.reason}; retry ${retry + 1} of ${loop.maxRetries} in ${(delay / 1000).toFixed(1)} s${isRateLimited(error) && loop.gate ? " (every request waits: the rate limit is the account's)" : ''}`);
            // A 429 shuts the gate for every request; the retry then waits there, with the others.
            if (isRateLimited(error) && loop.gate)
                loop.gate.hold(delay);
            else
                await loop.sleep(delay, loop.signal);
            if (loop.signal?.aborted)
                throw error;
        }
    }
}
function isRateLimited(error) {
    return error instanceof errors/* TogetherApiError */.DX && error.status === 429;
}
/**
 * Waits while the rate-limit gate is shut; a request that would have to wait once the step's budget for such waits
 * is spent fails instead (one that finds the gate open goes through: the budget bounds waiting, not requests).
 */
async function passGate(operation, gate, loop) {
    for (let wait = gate.remainingMs(); wait > 0; wait = gate.remainingMs()) {
        if (gate.exhausted)
            throw new errors/* RateLimitedError */.TM(operation, gate.waitedSeconds);
        if (loop.deadline !== undefined && loop.now() + wait >= loop.deadline)
            throw new errors/* DeadlineError */.j3(operation);
        await loop.sleep(Math.min(wait, limits/* MAX_TIMER_MS */._o), loop.signal);
        if (loop.signal?.aborted)
            throw new Error(`${operation}: cancelled while waiting on the rate limit`);
    }
}

// EXTERNAL MODULE: ./src/together/wire.ts
var wire = __webpack_require__(6505);
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
/** What may go into a request path, by kind: the shape, and how a message names it. */
const ID_KINDS = {
    file: { valid: wire/* isValidFileId */.iP, prefix: '/files', shape: 'file-...' },
    job: { valid: wire/* isValidJobId */.Bw, prefix: '/fine-tunes', shape: 'ft-...' },
};
/**
 * The request path of a file or a job: only an ID of Together's shape goes into a URL (`..` as a file ID would make a
 * cleanup `DELETE /v1/`), whatever a server answered.
 */
function idPath(kind, id, operation, suffix = '') {
    const { valid, prefix, shape } = ID_KINDS[kind];
    if (!valid(id)) {
        throw new errors/* ProtocolError */.bd({
            operation,
            status: 0,
            detail: `the ${kind} ID ${JSON.stringify(id).slice(0, 80)} is not of Together's shape (${shape}); it is not used`,
        });
    }
    return `${prefix}/${id}${suffix}`;
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
        const now = options.now ?? Date.now;
        this.loopDefaults = {
            gate: new RateLimitGate(options.rateLimitBudgetMs ?? limits/* DEFAULT_RATE_LIMIT_BUDGET_MS */.e6, now),
            maxRetries: options.maxRetries ?? 5,
            sleep: options.sleep ?? ((ms, signal) => (0,promises_.setTimeout)(ms, undefined, { signal }).catch(() => undefined)),
            random: options.random ?? Math.random,
            now,
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
            if (res.statusCode !== 302) {
                if (res.statusCode >= 200 && res.statusCode < 300) {
                    throw new errors/* ProtocolError */.bd({
                        operation,
                        status: res.statusCode,
                        detail: 'expected a 302 redirect to the upload URL',
                    });
                }
                throw this.error(operation, res);
            }
            const location = single(res.headers.location);
            const rawId = single(res.headers['x-together-file-id']);
            const fileId = (0,wire/* isValidFileId */.iP)(rawId) ? rawId : undefined;
            if (!location || !fileId) {
                const missing = [
                    location ? '' : 'a Location header',
                    fileId ? '' : rawId ? "an X-Together-File-Id of Together's shape" : 'an X-Together-File-Id header',
                ];
                throw new errors/* ProtocolError */.bd({
                    operation,
                    status: 302,
                    detail: `the redirect lacks ${missing.filter(Boolean).join(' and ')}`,
                    fileId,
                });
            }
            const uploadUrl = this.uploadUrl(operation, location, fileId);
            return { fileId, uploadUrl };
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
            const data = (await this.attemptApi(operation, { method: 'POST', path: '/files/multipart/initiate', json }, signal, { keepUrls: true }));
            if (typeof data.upload_id !== 'string' || !(0,wire/* isValidFileId */.iP)(data.file_id) || !Array.isArray(data.parts)) {
                throw new errors/* ProtocolError */.bd({
                    operation,
                    status: 200,
                    detail: "the answer lacks upload_id, parts or a file_id of Together's shape",
                });
            }
            const fileId = data.file_id;
            const parts = data.parts.map((part) => {
                const url = typeof part.URL === 'string' ? part.URL : typeof part.UploadURL === 'string' ? part.UploadURL : '';
                return {
                    partNumber: Number(part.PartNumber ?? part.part_number),
                    url: url && this.uploadUrl(operation, url, fileId),
                    headers: (part.Headers ?? {}),
                };
            });
            if (parts.length !== file.numParts || parts.some((p) => !p.url || !(p.partNumber >= 1))) {
                throw new errors/* ProtocolError */.bd({
                    operation,
                    status: 200,
                    detail: `expected ${file.numParts} parts with URLs, got ${parts.length}`,
                    fileId,
                });
            }
            return {
                uploadId: data.upload_id,
                fileId,
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
            const res = await this.send({ method: 'POST', path: idPath('file', fileId, operation, '/preprocess') }, signal);
            if (res.statusCode === 404 || res.statusCode === 405)
                return undefined;
            return this.fileObject(operation, res);
        }, this.loop(options));
    }
    /** `GET /files/{id}`. */
    async retrieve(fileId, options = {}) {
        const operation = `GET /files/${fileId}`;
        return runWithRetries(operation, async (signal) => {
            const res = await this.send({ method: 'GET', path: idPath('file', fileId, operation) }, signal);
            return this.fileObject(operation, res);
        }, this.loop(options));
    }
    /** `DELETE /files/{id}`; a file already gone counts as deleted. */
    async deleteFile(fileId, options = {}) {
        const operation = `DELETE /files/${fileId}`;
        await runWithRetries(operation, async (signal) => {
            const res = await this.send({ method: 'DELETE', path: idPath('file', fileId, operation) }, signal);
            if (res.statusCode === 404)
                return;
            if (res.statusCode < 200 || res.statusCode >= 300)
                throw this.error(operation, res);
        }, this.loop(options));
    }
    /** `GET /files`: every file of the account (the API has no pagination). */
    async listFiles(options = {}) {
        const operation = 'GET /files';
        const parsed = (await this.api(operation, { method: 'GET', path: '/files', maxBytes: limits/* MAX_LIST_ANSWER_BYTES */.Zc }, options));
        // An entry without an ID of Together's shape is no file the action could use, delete or reuse.
        return Array.isArray(parsed.data)
            ? parsed.data.filter((f) => f && typeof f === 'object' && (0,wire/* isValidFileId */.iP)(f.id))
            : [];
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
        const json = {
            ...request.extra,
            training_file: request.trainingFile,
            model: request.model,
            n_epochs: request.epochs,
        };
        return (await this.api('POST /fine-tunes/estimate-price', { method: 'POST', path: '/fine-tunes/estimate-price', json }, options));
    }
    /** `GET /fine-tunes/models/limits?model_name=`: what a model allows (NotFoundError for an unknown model). */
    async modelLimits(model, options = {}) {
        const path = `/fine-tunes/models/limits?model_name=${encodeURIComponent(model)}`;
        return (await this.api('GET /fine-tunes/models/limits', { method: 'GET', path }, options));
    }
    /**
     * `POST /fine-tunes`, one attempt and never retried here: the API has no idempotency key, so a retried create
     * can start a second paid job. What a failure means (whether a job may exist) is the caller's to find out.
     */
    async createFineTune(request, options = {}) {
        const operation = 'POST /fine-tunes';
        const job = await runWithRetries(operation, (signal) => this.attemptApi(operation, { method: 'POST', path: '/fine-tunes', json: request }, signal), { ...this.loop(options), maxRetries: 0 });
        return this.job(operation, job);
    }
    /** `GET /fine-tunes/{id}`: the job, its events included. */
    async retrieveFineTune(jobId, options = {}) {
        const operation = `GET /fine-tunes/${jobId}`;
        const path = idPath('job', jobId, operation);
        return this.job(operation, await this.api(operation, { method: 'GET', path, maxBytes: limits/* MAX_LIST_ANSWER_BYTES */.Zc }, options));
    }
    /** `GET /fine-tunes`: the account's jobs (no pagination). */
    async listFineTunes(options = {}) {
        const parsed = (await this.api('GET /fine-tunes', { method: 'GET', path: '/fine-tunes', maxBytes: limits/* MAX_LIST_ANSWER_BYTES */.Zc }, options));
        return Array.isArray(parsed.data)
            ? parsed.data.filter((j) => j && typeof j === 'object' && (0,wire/* isValidJobId */.Bw)(j.id))
            : [];
    }
    /** `POST /fine-tunes/{id}/cancel`. */
    async cancelFineTune(jobId, options = {}) {
        const operation = `POST /fine-tunes/${jobId}/cancel`;
        const path = idPath('job', jobId, operation, '/cancel');
        return this.job(operation, await this.api(operation, { method: 'POST', path }, options));
    }
    /** `GET /fine-tunes/{id}/metrics`: the training and evaluation points. */
    async fineTuneMetrics(jobId, options = {}) {
        const operation = `GET /fine-tunes/${jobId}/metrics`;
        const path = idPath('job', jobId, operation, '/metrics');
        const parsed = (await this.api(operation, { method: 'GET', path, maxBytes: limits/* MAX_LIST_ANSWER_BYTES */.Zc }, options));
        const points = Array.isArray(parsed.metrics) ? parsed.metrics : Array.isArray(parsed.data) ? parsed.data : [];
        return points.filter((p) => !!p && typeof p === 'object');
    }
    /** A job object with an ID of Together's shape. */
    job(operation, value) {
        if (!value || typeof value !== 'object' || !(0,wire/* isValidJobId */.Bw)(value.id)) {
            throw new errors/* ProtocolError */.bd({
                operation,
                status: 200,
                detail: "the answer is not a job with an ID of Together's shape (ft-...)",
            });
        }
        return value;
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
    /**
     * One attempt of a JSON API call: a 2xx answer's JSON, every string in it redacted (only the multipart
     * initiate's part URLs are kept, to send the parts, and never stored), or the error the answer stands for.
     */
    async attemptApi(operation, call, signal, { keepUrls = false } = {}) {
        const res = await this.send(call, signal);
        if (res.statusCode < 200 || res.statusCode >= 300)
            throw this.error(operation, res);
        const parsed = this.parse(operation, res, call.maxBytes ?? limits/* MAX_ANSWER_BYTES */.gB);
        return keepUrls ? parsed : (0,safe_text/* redactDeep */.KL)(parsed, this.secrets);
    }
    /** The error a failed answer stands for. */
    error(operation, res) {
        return errors/* TogetherApiError */.DX.generate(operation, res.statusCode, res.headers, res.text, this.secrets, res.tooLarge ? (0,exchange/* tooLargeDetail */.X7)(res.maxBytes) : undefined);
    }
    /** A 2xx answer's JSON. */
    parse(operation, res, maxBytes) {
        if (res.tooLarge)
            throw new errors/* ProtocolError */.bd({ operation, status: res.statusCode, detail: (0,exchange/* tooLargeDetail */.X7)(maxBytes) });
        try {
            return JSON.parse(res.text);
        }
        catch {
            throw new errors/* ProtocolError */.bd({ operation, status: res.statusCode, detail: 'the answer is not JSON' });
        }
    }
    /** A file object, redacted, with an ID of Together's shape. */
    fileObject(operation, res) {
        if (res.statusCode < 200 || res.statusCode >= 300)
            throw this.error(operation, res);
        const file = (0,safe_text/* redactDeep */.KL)(this.parse(operation, res, limits/* MAX_ANSWER_BYTES */.gB), this.secrets);
        if (!file || typeof file !== 'object' || !(0,wire/* isValidFileId */.iP)(file.id)) {
            throw new errors/* ProtocolError */.bd({
                operation,
                status: res.statusCode,
                detail: "the answer is not a file object with an ID of Together's shape",
            });
        }
        return file;
    }
    /** A URL the server handed out for the bytes, resolved, and refused unless https (or loopback http). */
    uploadUrl(operation, location, fileId) {
        let url;
        try {
            url = new URL(location, this.options.baseUrl);
        }
        catch {
            throw new errors/* ProtocolError */.bd({ operation, status: 302, detail: 'the upload URL is not a URL', fileId });
        }
        const unsafe = (0,wire/* unsafeUploadUrlReason */.$)(url);
        if (unsafe)
            throw new errors/* ProtocolError */.bd({ operation, status: 302, detail: unsafe, fileId });
        return url.toString();
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
    /** One API request, its answer bounded in size and time (exchange.ts). */
    send(call, signal) {
        const contentType = call.form
            ? 'application/x-www-form-urlencoded'
            : call.json !== undefined
                ? 'application/json'
                : undefined;
        return (0,exchange/* exchange */.cv)(`${this.options.baseUrl}${call.path}`, {
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
        }, {
            maxBytes: call.maxBytes ?? limits/* MAX_ANSWER_BYTES */.gB,
            deadlineMs: this.options.attemptDeadlineMs ?? limits/* API_ATTEMPT_DEADLINE_MS */.dp,
            label: `${call.method} ${call.path}`,
        });
    }
}
function single(value) {
    return (Array.isArray(value) ? value[0] : value) || undefined;
}


/***/ })

};
