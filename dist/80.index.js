export const id = 80;
export const ids = [80];
export const modules = {

/***/ 6080:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readEstimate: () => (/* binding */ readEstimate),
  uploadFiles: () => (/* binding */ uploadFiles)
});

// EXTERNAL MODULE: ./src/error-text.ts
var error_text = __webpack_require__(5437);
;// CONCATENATED MODULE: ./src/concurrency.ts
/** Bounded concurrency: run an async function over items with at most `limit` in flight, results in item order. */
/**
 * Maps `items` through `fn`, at most `limit` at once, keeping the items' order in the results. After a rejection
 * no new item starts; the calls in flight are awaited, then the first error is thrown.
 */
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failure;
    const runner = async () => {
        while (!failure && next < items.length) {
            const index = next++;
            try {
                results[index] = await fn(items[index], index);
            }
            catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
    if (failure)
        throw failure.error;
    return results;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/processing.ts
/**
 * Reads `processing_status` when the server sends it (COMPLETED; INVALID_FORMAT and FAILED are refusals; an
 * unknown value is taken as still pending). The older API has no `processing_status`: there the file is done when
 * `Processed` is true.
 */
function readProcessingState(file) {
    const status = typeof file.processing_status === 'string' ? file.processing_status : null;
    const report = validationReportOf(file);
    if (status === null)
        return file.Processed === true ? { kind: 'processed', status, report } : { kind: 'pending', status };
    if (status === 'COMPLETED')
        return { kind: 'processed', status, report };
    if (status === 'INVALID_FORMAT' || status === 'FAILED') {
        return { kind: 'rejected', status, error: rejectionMessage(file, status), report };
    }
    // PENDING, QUEUED, RUNNING, and any state a newer API may add before a terminal one.
    return { kind: 'pending', status };
}
/** The file's `validation_report` when it is one (an object with a boolean `valid`), else null. */
function validationReportOf(file) {
    const report = file.validation_report;
    if (!report || typeof report !== 'object' || typeof report.valid !== 'boolean')
        return null;
    return report;
}
function rejectionMessage(file, status) {
    const reason = file.validation_report?.error;
    if (typeof reason === 'string' && reason.trim())
        return `Together rejected the file (${status}): ${reason.trim()}`;
    return status === 'FAILED'
        ? 'Together could not process the file (FAILED) and gave no reason; try the upload again, and contact Together support if it persists.'
        : 'Together rejected the file as INVALID_FORMAT and gave no reason; check it against https://docs.together.ai/docs/fine-tuning-data-preparation.';
}

;// CONCATENATED MODULE: ./src/dedupe.ts
/**
 * Dedupe by content: the uploaded name carries a short content hash (`train.3f9a2c1b0d4e.jsonl`), and a processed
 * file already on the account with that name, size and purpose is reused instead of uploaded again.
 */


/** Hex digits of the SHA-256 in the name: 48 bits, so a collision among one account's files is not a concern. */
const NAME_HASH_CHARS = 12;
/** `train.jsonl` + hash -> `train.3f9a2c1b0d4e.jsonl` (the hash goes before the extension, which gives the type). */
function contentAddressedName(filename, sha256) {
    const extension = external_node_path_default().posix.extname(filename);
    const stem = filename.slice(0, filename.length - extension.length);
    return `${stem}.${sha256.slice(0, NAME_HASH_CHARS)}${extension}`;
}
/** The account's processed file with this name, size and purpose, if any (the newest when several). */
function findReusable(files, wanted) {
    return files
        .filter((f) => f.filename === wanted.filename &&
        f.bytes === wanted.bytes &&
        f.purpose === wanted.purpose &&
        readProcessingState(f).kind === 'processed')
        .sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0))[0];
}

// EXTERNAL MODULE: ./src/report/format.ts
var format = __webpack_require__(2011);
// EXTERNAL MODULE: ./src/together/storage.ts + 1 modules
var storage = __webpack_require__(3910);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/progress.ts
/** Progress lines for long uploads, so slow is not mistaken for stuck. */

const PROGRESS_INTERVAL_MS = 5000;
/**
 * Returns a callback for the running byte count. Nothing is logged for an upload that ends within the first
 * interval; after that, a line every interval: bytes, percent, MB/s and time left.
 */
function progressReporter(total, log, now, intervalMs = PROGRESS_INTERVAL_MS) {
    const started = now();
    let lastReport = started;
    return (sent) => {
        const at = now();
        if (at - lastReport < intervalMs || sent >= total)
            return;
        lastReport = at;
        const elapsed = Math.max(1, at - started);
        const rate = sent / (elapsed / 1000);
        const left = rate > 0 ? ((total - sent) / rate) * 1000 : Infinity;
        log(`${(0,format/* formatBytes */.z3)(sent)} of ${(0,format/* formatBytes */.z3)(total)} (${Math.floor((sent / total) * 100)}%), ${(rate / 1e6).toFixed(1)} MB/s, ` +
            `${Number.isFinite(left) ? (0,format/* formatDuration */.a3)(left) : 'unknown time'} left`);
    };
}

// EXTERNAL MODULE: ./src/together/limits.ts
var limits = __webpack_require__(9340);
// EXTERNAL MODULE: ./src/together/errors.ts
var errors = __webpack_require__(3023);
// EXTERNAL MODULE: ./src/together/multipart-plan.ts
var multipart_plan = __webpack_require__(7144);
;// CONCATENATED MODULE: ./src/together/upload.ts
/**
 * Uploads one file to Together: the redirect flow (`POST /files` -> 302 -> `PUT` -> `/preprocess`) or, above the
 * multipart threshold, the multipart flow (initiate -> part PUTs -> complete). The reservation carries the file's
 * SHA-256 as `checksum`; Together answers 409 with the ID of a file that already holds that content, which is then
 * used instead (after reading it). Retries live in the client; this module decides what a failure means for the
 * file: a fresh URL when one expired, a file that changed since it was checked refused, and no reserved ID left.
 */









/** The file on disk is not the one that was checked and hashed: it changed since, or while it was sent. */
class FileChangedError extends Error {
    name = 'FileChangedError';
}
/** The content hash dedupe puts in a name, before the extension (dedupe.ts). */
const CONTENT_TAG = new RegExp(`\\.([0-9a-f]{${NAME_HASH_CHARS}})\\.[^.]+$`);
/** Fresh URLs fetched for an upload whose presigned URL expired, before giving up. */
const MAX_URL_REFRESHES = 2;
/**
 * Uploads the file, or finds that Together already holds its content. On failure the reserved ID is deleted (or the
 * multipart upload aborted) and the error rethrown.
 */
async function uploadFile(file, deps) {
    await assertUnchanged(file);
    try {
        return file.bytes > deps.multipart.thresholdBytes
            ? await uploadMultipart(file, deps)
            : await uploadSingle(file, deps);
    }
    catch (error) {
        if (!(error instanceof errors/* ConflictError */.fK && error.fileId))
            throw error;
        return useExisting(error.fileId, file, deps);
    }
}
/**
 * Together answered the reservation with 409: a file of this content is already there. It is read before it is
 * used (the 2026 API does not say whether its purpose may differ): one of another purpose cannot stand in.
 */
async function useExisting(fileId, file, deps) {
    deps.log(`Together already holds this content as ${fileId} (409); reading it instead of uploading`);
    const existing = await deps.client.retrieve(fileId, requestOptions(file, deps));
    // A 409 is the server's word that it holds this content; what it says of that file must agree before it stands
    // in for this one (a wrong or hostile answer would hand a later step someone else's data).
    if (typeof existing.bytes === 'number' && existing.bytes !== file.bytes) {
        throw new Error(`Together answered 409, naming ${fileId} as already holding this content, but that file is ${existing.bytes.toLocaleString('en-US')} bytes and this one ${file.bytes.toLocaleString('en-US')}: it is not this content, so it is not used. Run again; if it persists, report it to Together with the request above.`);
    }
    // A name that dedupe gave (`train.3f9a2c1b0d4e.jsonl`) states its content's hash: it must be this one's. Other
    // names say nothing (the same content may have been uploaded under any name).
    const tag = typeof existing.filename === 'string' ? CONTENT_TAG.exec(existing.filename)?.[1] : undefined;
    if (tag !== undefined && tag !== file.sha256.slice(0, tag.length)) {
        throw new Error(`Together answered 409, naming ${fileId} as already holding this content, but that file's name (${JSON.stringify(existing.filename).slice(0, 200)}) carries the hash of other content: it is not used. Run again; if it persists, report it to Together.`);
    }
    if (existing.purpose && existing.purpose !== file.purpose) {
        throw new Error(`Together already holds this content as ${fileId} with purpose ${existing.purpose}, and refuses a second copy; use that file with purpose ${existing.purpose}, or delete it (together files delete ${fileId}) and run again.`);
    }
    deps.log(`Using ${fileId} (${existing.filename ?? 'same content'}, ${existing.processing_status ?? 'status unknown'})`);
    return { id: fileId, sha256: file.sha256, afterUpload: existing, existing: true };
}
/**
 * Fails when the file's size or modification time is no longer what was found (and checked): before anything is
 * sent, and again once the bytes are stored (a file that grew during its PUT had only its first bytes sent).
 */
async function assertUnchanged(file, when = 'before') {
    const now = await (0,promises_.stat)(file.absolutePath);
    if (now.size !== file.bytes || (file.modifiedMs !== undefined && now.mtimeMs !== file.modifiedMs)) {
        const how = now.size === file.bytes ? 'modified' : `${file.bytes} bytes then, ${now.size} now`;
        throw new FileChangedError(when === 'before'
            ? `the file changed after it was checked (${how}); nothing was sent. Run again once it is no longer being written.`
            : `the file changed while it was sent (${how}): what reached Together is no longer the file in the workspace, so the upload was deleted. Run again once it is no longer being written.`);
    }
}
async function uploadSingle(file, deps) {
    const { client, now, log } = deps;
    const options = requestOptions(file, deps);
    const request = { purpose: file.purpose, fileName: file.filename, fileType: file.fileType, checksum: file.sha256 };
    let started = now();
    let reserved = await client.reserve(request, options);
    deps.onReserved?.(reserved.fileId);
    log(`Reserved ${reserved.fileId} (${(0,format/* formatDuration */.a3)(now() - started)})`);
    let sent;
    try {
        for (let refreshes = 0;; refreshes += 1) {
            try {
                started = now();
                sent = await client.putFile(reserved.uploadUrl, file, {
                    ...options,
                    onProgress: progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now),
                });
                break;
            }
            catch (error) {
                if (!(error instanceof errors/* StorageError */.aq && error.expired) || refreshes >= MAX_URL_REFRESHES)
                    throw error;
                // A presigned URL cannot be renewed: reserve again for a fresh one and give up the old ID.
                log('The upload URL expired; getting a fresh one');
                const expired = reserved;
                reserved = await client.reserve(request, options);
                deps.onReserved?.(reserved.fileId);
                log(`Reserved ${reserved.fileId} instead`);
                await client.deleteReservation(expired.fileId, log);
            }
        }
        if (sent.sha256 !== file.sha256) {
            throw new FileChangedError(`the file changed while it was sent: its bytes hash to ${sent.sha256}, not to the ${file.sha256} that was checked; the upload was deleted. Run again once it is no longer being written.`);
        }
        await assertUnchanged(file, 'after');
    }
    catch (error) {
        await client.deleteReservation(reserved.fileId, log);
        throw error;
    }
    const took = now() - started;
    log(`Uploaded ${(0,format/* formatBytes */.z3)(file.bytes)} in ${(0,format/* formatDuration */.a3)(took)} (${(0,format/* formatRate */.CE)(file.bytes, took)}), sha256 ${sent.sha256}`);
    // The bytes are stored: from here on the file is kept. Processing may start without /preprocess (the TS SDK
    // never calls it), so a failure here is reported and waiting goes on.
    started = now();
    let afterUpload;
    try {
        afterUpload = await client.preprocess(reserved.fileId, options);
        log(afterUpload
            ? `Processing requested: ${afterUpload.processing_status ?? 'accepted'} (${(0,format/* formatDuration */.a3)(now() - started)})`
            : 'The server has no /preprocess endpoint; processing starts on its own');
    }
    catch (error) {
        if (deps.signal?.aborted)
            throw error;
        log(`Requesting processing failed (${(0,error_text/* messageOf */.b)(error)}); waiting anyway`);
    }
    return { id: reserved.fileId, sha256: sent.sha256, afterUpload, existing: false };
}
async function uploadMultipart(file, deps) {
    const { client, now, log } = deps;
    const plan = (0,multipart_plan/* planParts */.mM)(file.bytes, deps.multipart.partBytes);
    let started = now();
    const upload = await client.initiateMultipart({
        purpose: file.purpose,
        fileName: file.filename,
        fileType: file.fileType,
        fileSize: file.bytes,
        numParts: plan.numParts,
        checksum: file.sha256,
    }, requestOptions(file, deps));
    deps.onReserved?.(upload.fileId);
    log(`Reserved ${upload.fileId} for a multipart upload of ${plan.numParts} parts of ${(0,format/* formatBytes */.z3)(plan.partBytes)} (${(0,format/* formatDuration */.a3)(now() - started)})`);
    const partsFailed = new AbortController();
    const partOptions = {
        ...requestOptions(file, deps),
        signal: AbortSignal.any(compact([deps.signal, partsFailed.signal])),
    };
    const partSent = new Array(plan.numParts).fill(0);
    const progress = progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now);
    try {
        started = now();
        const etags = await mapLimit(upload.parts, multipart_plan/* PART_CONCURRENCY */.IN, async (part, index) => {
            try {
                const result = await client.putPart(part, { absolutePath: file.absolutePath, ...(0,multipart_plan/* partRange */.ZK)(plan, file.bytes, index) }, plan.numParts, {
                    ...partOptions,
                    onProgress: (sent) => {
                        partSent[index] = sent;
                        progress(partSent.reduce((a, b) => a + b, 0));
                    },
                });
                if (!result.etag)
                    throw new Error(`part ${part.partNumber}: the storage answered without an ETag`);
                return result.etag;
            }
            catch (error) {
                partsFailed.abort();
                throw error;
            }
        });
        const took = now() - started;
        // Parts go out of order, so their bytes are not hashed; a file rewritten while they were sent shows in its
        // size or modification time, and the upload is then given up rather than completed.
        await assertUnchanged(file, 'after');
        log(`Uploaded ${(0,format/* formatBytes */.z3)(file.bytes)} in ${plan.numParts} parts in ${(0,format/* formatDuration */.a3)(took)} (${(0,format/* formatRate */.CE)(file.bytes, took)}), sha256 ${file.sha256}`);
        const afterUpload = await client.completeMultipart({ uploadId: upload.uploadId, fileId: upload.fileId, etags }, requestOptions(file, deps));
        log(`Multipart upload completed: ${afterUpload.processing_status ?? 'accepted'}`);
        return { id: upload.fileId, sha256: file.sha256, afterUpload, existing: false };
    }
    catch (error) {
        try {
            await client.abortMultipart(upload, { signal: AbortSignal.timeout(limits/* CLEANUP_TIMEOUT_MS */.aE), log });
            log(`Aborted the multipart upload of ${upload.fileId}`);
        }
        catch (abortError) {
            log(`Could not abort the multipart upload of ${upload.fileId}: ${(0,error_text/* messageOf */.b)(abortError)}`);
        }
        throw error;
    }
}
/** The run's cancellation, with retries logged in the file's group and live. */
function requestOptions(file, deps) {
    return {
        signal: deps.signal,
        log: (message) => {
            deps.log(message);
            deps.live(`${file.path}: ${message}`);
        },
    };
}
function compact(signals) {
    return signals.filter((s) => s !== undefined);
}

;// CONCATENATED MODULE: ./src/wait.ts
/**
 * Waits for Together to finish processing uploaded files. Each file is waited for from the moment its upload ends
 * (while the others still upload), polled on its own schedule, soon at first (a small file is often processed
 * within a second), then less and less often, until it settles or its deadline passes.
 */





/** How long past its deadline a file's last poll may still take: the last poll starts right at the deadline. */
const LAST_POLL_GRACE_MS = 5000;
const FIRST_DELAY_MS = 100;
const SECOND_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const GROWTH = 1.5;
/** The pause before a file's poll `round` (from 0): 100 ms, then 500 ms growing by half each poll, capped at 10 s. */
function pollDelayMs(round) {
    if (round === 0)
        return FIRST_DELAY_MS;
    return Math.min(MAX_DELAY_MS, Math.round(SECOND_DELAY_MS * GROWTH ** (round - 1)));
}
/** Files join as their uploads end; `run` polls them until each settles, and ends once `close` was called. */
class ProcessingWaiter {
    timeoutMs;
    deps;
    pending = new Map();
    closed = false;
    wake = new AbortController();
    constructor(
    /** How long each file is waited for, from the moment it joins. */
    timeoutMs, deps) {
        this.timeoutMs = timeoutMs;
        this.deps = deps;
    }
    /** Starts waiting for this file now. */
    add(item) {
        const now = this.deps.now();
        this.pending.set(item.id, {
            ...item,
            since: now,
            deadline: now + this.timeoutMs,
            round: 0,
            nextPollAt: now + pollDelayMs(0),
        });
        this.wake.abort();
    }
    /** No more files will join. */
    close() {
        this.closed = true;
        this.wake.abort();
    }
    async run() {
        const { deps } = this;
        while (!(this.closed && this.pending.size === 0)) {
            if (deps.signal?.aborted)
                break;
            const now = deps.now();
            const due = [...this.pending.values()].filter((w) => Math.min(w.nextPollAt, w.deadline) <= now);
            if (due.length > 0) {
                await mapLimit(due, deps.concurrency ?? 8, (w) => this.poll(w));
                continue;
            }
            if (this.wake.signal.aborted)
                this.wake = new AbortController();
            if (this.pending.size === 0) {
                // Nothing to poll yet: wait for a file to join (or for the last one to have joined).
                await untilAborted(this.wake.signal, deps.signal);
                continue;
            }
            // Sleep until the next poll is due, or until a file joins.
            const next = Math.min(...[...this.pending.values()].map((w) => Math.min(w.nextPollAt, w.deadline)));
            await deps.sleep(Math.min(Math.max(0, next - now), limits/* MAX_TIMER_MS */._o), this.wake.signal);
        }
        for (const w of this.pending.values())
            this.settle(w, { kind: 'cancelled', status: w.status ?? null });
    }
    async poll(w) {
        const { deps } = this;
        const atDeadline = deps.now() >= w.deadline;
        const state = await this.pollOnce(w);
        if (deps.signal?.aborted || !this.pending.has(w.id))
            return;
        if (state && state.kind !== 'pending') {
            this.settle(w, state);
            deps.log(`${w.label}: ${describe(state)} after ${seconds(deps.now() - w.since)}`);
            return;
        }
        if (state && w.status !== state.status) {
            deps.log(`${w.label}: ${state.status ?? 'not processed yet'} (${seconds(deps.now() - w.since)})`);
            w.status = state.status;
        }
        if (atDeadline) {
            const status = w.status ?? null;
            this.settle(w, {
                kind: 'timeout',
                status,
                error: `Together had not finished processing the file when the wait-timeout ran out (last status ${status ?? 'unknown'}${w.lastError ? `; last poll error: ${w.lastError}` : ''}). The file ID is kept: check it later, or raise wait-timeout.`,
            });
            deps.log(`${w.label}: still ${status ?? 'not processed'} at the deadline (${seconds(deps.now() - w.since)})`);
            return;
        }
        w.round += 1;
        w.nextPollAt = Math.max(w.nextPollAt, deps.now() + pollDelayMs(w.round));
    }
    /** One poll: the file's state; a final outcome when it cannot be polled any more; undefined when it failed for now. */
    async pollOnce(w) {
        const { deps } = this;
        try {
            return readProcessingState(await deps.retrieve(w.id, w.deadline + LAST_POLL_GRACE_MS));
        }
        catch (error) {
            if (deps.signal?.aborted)
                return undefined;
            if (error instanceof errors/* NotFoundError */.m_ || error instanceof errors/* AuthenticationError */.v3) {
                return { kind: 'failed', status: null, error: `Could not check processing: ${error.message}` };
            }
            // A server that asks for a pause gets it: the next poll is no sooner.
            if (error instanceof errors/* TogetherApiError */.DX && error.retryAfterMs)
                w.nextPollAt = deps.now() + error.retryAfterMs;
            w.lastError = (0,error_text/* messageOf */.b)(error);
            deps.log(`${w.label}: polling failed, will try again (${w.lastError})`);
            return undefined;
        }
    }
    settle(w, outcome) {
        this.pending.delete(w.id);
        this.deps.onSettled?.(w.id, outcome);
    }
}
/** Resolves once either signal aborts. */
function untilAborted(signal, also) {
    return new Promise((resolve) => {
        const signals = also ? [signal, also] : [signal];
        if (signals.some((s) => s.aborted))
            return resolve();
        for (const s of signals)
            s.addEventListener('abort', () => resolve(), { once: true });
    });
}
function describe(result) {
    switch (result.kind) {
        case 'processed':
            return `processed${result.status ? ` (${result.status})` : ''}`;
        case 'rejected':
            return `rejected (${result.status})`;
        default:
            return result.kind;
    }
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}

;// CONCATENATED MODULE: ./src/upload-phase.ts
/**
 * The upload phase, after the checks: nothing is sent if any file failed; otherwise each file is uploaded (at
 * most `concurrency` at once, one file's failure never stopping the others) and, with `wait`, Together's verdict
 * is waited for. With `dedupe`, files whose content Together already processed are reused instead.
 */









/**
 * Uploads the records and, with `wait`, settles each with Together's verdict; then, with `estimate-model`, asks
 * Together what training on each processed fine-tune file would cost.
 */
async function uploadFiles(records, settings, deps) {
    await uploadAndWait(records, settings, deps);
    if (settings.estimateModel && settings.purpose === 'fine-tune' && !deps.signal?.aborted) {
        await estimatePrices(records, settings, deps);
    }
}
async function uploadAndWait(records, settings, deps) {
    const failed = records.filter((r) => r.failed).length;
    if (failed > 0) {
        const what = settings.check === 'off' ? 'before uploads started' : failed === 1 ? 'its checks' : 'their checks';
        const reason = `Not uploaded: ${failed} file${failed === 1 ? '' : 's'} failed ${what}, so nothing was uploaded.`;
        for (const record of records)
            if (!record.failed)
                record.skipped(reason);
        return;
    }
    deps.beforeRequests?.();
    if (settings.dedupe)
        await reuseProcessed(records, deps);
    // With `wait`, each file is waited for as soon as its upload ends, while the others still upload.
    const byId = new Map();
    const waiter = settings.wait
        ? new ProcessingWaiter(settings.waitTimeoutSeconds * 1000, {
            // One attempt per poll: the wait's own schedule is the only retry, and its deadline bounds the request.
            retrieve: (id, deadline) => deps.client.retrieve(id, { signal: deps.signal, deadline, maxRetries: 0 }),
            now: deps.now,
            sleep: deps.sleep,
            log: (m) => deps.log.info(m),
            onSettled: (id, outcome) => settle(byId.get(id), outcome),
            signal: deps.signal,
            concurrency: Math.max(settings.concurrency, 4),
        })
        : undefined;
    const waiting = waiter?.run();
    try {
        await mapLimit(records, settings.concurrency, async (record) => {
            if (!record.readyToUpload)
                return;
            if (deps.signal?.aborted)
                return record.cancelled();
            const answer = await uploadOne(record, settings, deps);
            if (!waiter || !record.awaitingProcessing)
                return;
            // A file that Together already reported as final needs no polling.
            const state = answer ? readProcessingState(answer) : undefined;
            if (state && state.kind !== 'pending')
                return settle(record, state);
            byId.set(record.id, record);
            waiter.add({ id: record.id, label: record.path, status: record.lastProcessingStatus });
        });
    }
    finally {
        waiter?.close();
        await waiting;
    }
}
/**
 * Uploads one file and records how it went. Its steps are gathered and printed as one group when it is done:
 * groups of files in flight at the same time cannot be open at once. Progress and retries print as they happen.
 */
async function uploadOne(record, settings, deps) {
    const started = deps.now();
    record.uploadStarted();
    const steps = [];
    const step = (message) => steps.push(`[${(0,format/* formatDuration */.a3)(deps.now() - started).padStart(8)}] ${message}`);
    let answer;
    try {
        // The checksum goes with the reservation. The check computed it on its reads; otherwise (checks off, Parquet,
        // whose check reads only the footer) the file is read for it here.
        if (!record.sha256) {
            record.hashed(await (0,storage/* hashFile */.DC)(record.absolutePath, record.bytes, deps.signal));
            step(`Hashed for the checksum (${(0,format/* formatDuration */.a3)(deps.now() - started)})`);
        }
        const uploaded = await uploadFile({
            path: record.path,
            absolutePath: record.absolutePath,
            bytes: record.bytes,
            modifiedMs: record.modifiedMs,
            sha256: record.sha256,
            filename: record.filename,
            fileType: record.fileType,
            purpose: record.purpose,
        }, {
            client: deps.client,
            now: deps.now,
            log: step,
            live: (line) => deps.log.info(line),
            signal: deps.signal,
            multipart: settings.multipart,
            onReserved: (id) => record.reserved(id),
        });
        if (uploaded.existing)
            record.foundOnTogether(uploaded.afterUpload);
        else
            record.uploaded({ sha256: uploaded.sha256, processingStatus: uploaded.afterUpload?.processing_status ?? null });
        answer = uploaded.afterUpload;
    }
    catch (error) {
        if (deps.signal?.aborted)
            record.cancelled();
        else
            record.uploadFailed((0,error_text/* messageOf */.b)(error));
        step(record.error);
    }
    const outcome = !record.awaitingProcessing ? 'Upload failed:' : record.reused ? 'Already on Together:' : 'Uploaded';
    deps.log.printGroup(`${outcome} ${record.path} (${(0,format/* formatBytes */.z3)(record.bytes)}, ${(0,format/* formatDuration */.a3)(deps.now() - started)})`, steps);
    if (record.failed)
        deps.log.warning(record.error);
    return answer;
}
/**
 * Together's estimate for each processed file, at most four requests at once. An estimate that fails is recorded
 * as unavailable, with the reason, and never fails the file.
 */
async function estimatePrices(records, settings, deps) {
    const processed = records.filter((r) => r.processedOnTogether && r.id);
    if (processed.length === 0) {
        deps.log.info(`No processed file to estimate a fine-tune job for${settings.wait ? '' : ' (wait is off)'}.`);
        return;
    }
    await deps.log.group(`Estimate training ${settings.estimateModel} for ${settings.estimateEpochs} epoch${settings.estimateEpochs === 1 ? '' : 's'}`, async () => {
        await mapLimit(processed, 4, async (record) => {
            try {
                const answer = await deps.client.estimatePrice({ trainingFile: record.id, model: settings.estimateModel, epochs: settings.estimateEpochs }, { signal: deps.signal });
                const estimate = readEstimate(answer);
                record.estimated(estimate);
                deps.log.info(`${record.path}: ${(0,format/* describeEstimate */.SD)(estimate)}`);
            }
            catch (error) {
                const reason = `the estimate request failed: ${(0,error_text/* messageOf */.b)(error)}`;
                record.estimated({ unavailable: reason });
                deps.log.warning(`${record.path}: no price estimate (${reason}); the upload is not affected.`);
            }
        });
    });
}
/** Together's answer as the `estimate` of a file: its figures, or why it has none. */
function readEstimate(answer) {
    if (answer.estimation_available === false) {
        return { unavailable: typeof answer.unavailable_reason === 'string' ? answer.unavailable_reason : 'unknown' };
    }
    const number = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
    return {
        train_tokens: number(answer.estimated_train_token_count),
        eval_tokens: number(answer.estimated_eval_token_count),
        total_price: number(answer.estimated_total_price),
        allowed_to_proceed: typeof answer.allowed_to_proceed === 'boolean' ? answer.allowed_to_proceed : null,
    };
}
function settle(record, outcome) {
    switch (outcome.kind) {
        case 'processed':
            return record.processed(outcome.status, outcome.report);
        case 'rejected':
            return record.rejected(outcome.status, outcome.error, outcome.report);
        case 'timeout':
            return record.timedOut(outcome.status, outcome.error);
        case 'failed':
            return record.waitFailed(outcome.error);
        case 'cancelled':
            return record.cancelled();
    }
}
/**
 * Hashes every file, names it by its content, and marks as reused each one whose content Together already has
 * processed (one `GET /files` for all). A failure to list is not fatal: the files are then simply uploaded.
 */
async function reuseProcessed(records, deps) {
    await deps.log.group('Look for files Together already has (dedupe)', async () => {
        await mapLimit(records, 4, async (record) => {
            try {
                if (!record.sha256)
                    record.hashed(await (0,storage/* hashFile */.DC)(record.absolutePath, record.bytes, deps.signal));
                record.named(contentAddressedName(record.filename, record.sha256));
            }
            catch (error) {
                // A cancel leaves the file to the upload loop, which marks it cancelled; a read error fails this file only.
                if (deps.signal?.aborted)
                    return;
                record.unreadable((0,error_text/* messageOf */.b)(error));
            }
        });
        let account;
        try {
            account = await deps.client.listFiles({ signal: deps.signal });
        }
        catch (error) {
            deps.log.warning(`Could not list the account's files to reuse them, so all will be uploaded: ${(0,error_text/* messageOf */.b)(error)}`);
            return;
        }
        for (const record of records) {
            if (!record.readyToUpload)
                continue;
            const existing = findReusable(account, record);
            if (!existing) {
                deps.log.info(`${record.path}: not on the account yet as ${record.filename}`);
                continue;
            }
            record.reusedExisting(existing, validationReportOf(existing));
            deps.log.info(`${record.path}: reusing ${existing.id} (${record.filename}, same content, already processed)`);
        }
    });
}


/***/ })

};
