/**
 * The step's outputs, computed from the per-file results and kept, all together, under GitHub's limit (1 MB of
 * outputs per job): when there are too many files for it, an output lists the first entries that fit, and the
 * manifest (always written, its path an output) has every file.
 */
import { handledFiles, type FileResult } from '../result.js';

/** GitHub keeps at most 1 MB of a job's outputs; this leaves room for the other steps' outputs. */
export const OUTPUTS_BUDGET_BYTES = 900_000;

export type ActionOutputs = {
  /** The first file's ID ('' if it has none). */
  'file-id': string;
  /** The IDs obtained, in the order of `files`. */
  'file-ids': string;
  /** From each path to its file ID or null. */
  ids: string;
  /** Every result, compact JSON for `fromJSON()`. */
  files: string;
  /** The manifest's absolute path. */
  manifest: string;
};

export interface BuiltOutputs {
  outputs: ActionOutputs;
  /** How many entries each list holds, of how many (`total` in files, `handled` in ids): fewer only when the budget ran out. */
  listed: { files: number; ids: number; fileIds: number; total: number; handled: number };
}

/**
 * The outputs within `budget` bytes, filled in this order: file-id and manifest; file-ids, within a quarter of what
 * is left; ids, within 60% of what is left then; files, in the rest. So each list holds its first entries when the
 * files are too many for all (and all of them, with room to spare, for a few hundred).
 */
export function buildOutputs(results: FileResult[], manifestPath: string, budget = OUTPUTS_BUDGET_BYTES): BuiltOutputs {
  // A deleted dataset (listed for its review) has no ID to hand on: it is in `files` only.
  const handled = handledFiles(results);
  let left = budget;
  const take = (name: string, value: string) => {
    left -= Buffer.byteLength(name) + Buffer.byteLength(value);
    return value;
  };
  const fileId = take('file-id', handled[0]?.id ?? '');
  const manifest = take('manifest', manifestPath);
  const withIds = handled.flatMap((r) => (r.id ? [r.id] : []));
  const fileIds = fit(withIds, (id) => JSON.stringify(id), '[', ']', Math.floor(left * 0.25) - 'file-ids'.length);
  take('file-ids', fileIds.json);
  const ids = fit(
    handled,
    (r) => `${JSON.stringify(r.path)}:${JSON.stringify(r.id)}`,
    '{',
    '}',
    Math.floor(left * 0.6) - 'ids'.length,
  );
  take('ids', ids.json);
  const files = fit(results, (r) => JSON.stringify(r), '[', ']', left - 'files'.length);
  return {
    outputs: { 'file-id': fileId, 'file-ids': fileIds.json, ids: ids.json, files: files.json, manifest },
    listed: {
      files: files.count,
      ids: ids.count,
      fileIds: fileIds.count,
      total: results.length,
      handled: handled.length,
    },
  };
}

/**
 * The JSON list (or object) of the first items that fit in `maxBytes`, each as `encode` writes it. Items past the
 * first that does not fit are never encoded: 20,000 results cost no more than the few hundred listed.
 */
function fit<T>(
  items: readonly T[],
  encode: (item: T) => string,
  open: string,
  close: string,
  maxBytes: number,
): { json: string; count: number } {
  let size = open.length + close.length;
  const entries: string[] = [];
  for (const item of items) {
    const entry = encode(item);
    const added = Buffer.byteLength(entry) + (entries.length > 0 ? 1 : 0);
    if (size + added > maxBytes) break;
    size += added;
    entries.push(entry);
  }
  return { json: `${open}${entries.join(',')}${close}`, count: entries.length };
}
