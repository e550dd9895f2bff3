/** Worker-thread entry (bundled to dist/check-worker/index.js): scans the byte ranges of a JSONL file it is sent. */
import { parentPort } from 'node:worker_threads';
import { scanJsonl } from './jsonl.js';
import type { RangeTask } from './jsonl-file.js';

parentPort!.on('message', ({ index, task }: { index: number; task: RangeTask }) => {
  scanJsonl(task.path, task.range, task.rules, task.firstFormat).then(
    (result) => parentPort!.postMessage({ index, ok: true, result }),
    (error: unknown) => parentPort!.postMessage({ index, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
