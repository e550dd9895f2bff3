/** Worker-thread entry (bundled to dist/check-worker/index.js): scans one byte range of a JSONL file. */
import { parentPort, workerData } from 'node:worker_threads';
import { scanJsonl } from './jsonl.js';
import type { RangeTask } from './jsonl-file.js';

const task = workerData as RangeTask;
parentPort!.postMessage(await scanJsonl(task.path, task.range, task.rules, task.firstFormat));
