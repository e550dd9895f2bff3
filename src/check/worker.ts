/** Worker-thread entry (bundled to dist/worker/index.js): scans byte ranges of JSONL files for the checker. */
import { messageOf } from '../error-text.js';
import { parentPort } from 'node:worker_threads';
import { scanJsonl } from './jsonl.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

port.on('message', (message: WorkerRequest) => {
  switch (message.kind) {
    case 'scan': {
      const { index, task } = message;
      scanJsonl(task.path, task.range, task.rules, task.firstFormat, {
        maxLineBytes: task.maxLineBytes,
        review: task.review,
        reviewMaxSamples: task.reviewMaxSamples,
        reviewHashLines: task.reviewHashLines,
        reviewKnownLines: task.reviewKnownLines,
      }).then(
        // The review's arrays are handed over, not copied: a 1 GiB file sends the main thread 120 MB of them.
        (result) =>
          port.postMessage(
            { kind: 'scan', index, ok: true, result } satisfies WorkerReply,
            result.review
              ? [
                  result.review.records.buffer as ArrayBuffer,
                  result.review.stats.buffer as ArrayBuffer,
                  ...(result.review.lineFacts ? [result.review.lineFacts.buffer as ArrayBuffer] : []),
                ]
              : [],
          ),
        (error: unknown) => reply({ kind: 'scan', index, ok: false, error: messageOf(error) }),
      );
      return;
    }
  }
});
