/** Messages between the action's main thread and its worker threads (dist/worker/index.js). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonlRules, JsonlScanResult } from './jsonl.js';
import type { ByteRange } from './lines.js';
import type { DatasetFormat } from './types.js';
import type { KnownLinesData } from './known-lines.js';

/** One byte range of a JSONL file to check, with line 1's format (every line must share it). */
export interface RangeTask {
  path: string;
  range: ByteRange;
  rules: JsonlRules;
  firstFormat: DatasetFormat | undefined;
  /** The longest line read (see MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Collect the review's hashes and statistics. */
  review?: boolean;
  reviewMaxSamples?: number;
  reviewHashLines?: boolean;
  /** Shared, not copied (a SharedArrayBuffer). */
  reviewKnownLines?: KnownLinesData;
}

export type WorkerRequest =
  /** Check one byte range of a JSONL file. */
  { kind: 'scan'; index: number; task: RangeTask };

export type WorkerReply =
  | { kind: 'scan'; index: number; ok: true; result: JsonlScanResult }
  | { kind: 'scan'; index: number; ok: false; error: string };

/**
 * The bundled worker script next to the bundled action (`dist/worker/index.js`), if it is there. Running from
 * source (the tests) there is none, and work stays on the main thread unless a test passes the script.
 */
export function defaultWorkerScript(): string | undefined {
  const candidate = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker', 'index.js');
  return existsSync(candidate) ? candidate : undefined;
}
