/**
 * Dedupe by content: the uploaded name carries a short content hash (`train.3f9a2c1b0d4e.jsonl`), and a processed
 * file already on the account with that name, size and purpose is reused instead of uploaded again.
 */
import path from 'node:path';
import { readProcessingState } from './processing.js';
import type { FileObject } from './together/types.js';

/** Hex digits of the SHA-256 in the name: 48 bits, so a collision among one account's files is not a concern. */
export const NAME_HASH_CHARS = 12;

/** `train.jsonl` + hash -> `train.3f9a2c1b0d4e.jsonl` (the hash goes before the extension, which gives the type). */
export function contentAddressedName(filename: string, sha256: string): string {
  const extension = path.posix.extname(filename);
  const stem = filename.slice(0, filename.length - extension.length);
  return `${stem}.${sha256.slice(0, NAME_HASH_CHARS)}${extension}`;
}

/** The account's processed file with this name, size and purpose, if any (the newest when several). */
export function findReusable(
  files: readonly FileObject[],
  wanted: { filename: string; bytes: number; purpose: string },
): FileObject | undefined {
  return files
    .filter(
      (f) =>
        f.filename === wanted.filename &&
        f.bytes === wanted.bytes &&
        f.purpose === wanted.purpose &&
        readProcessingState(f).kind === 'processed',
    )
    .sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0))[0];
}
