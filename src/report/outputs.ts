/** The step's outputs, computed from the per-file results. */
import type { FileResult } from '../result.js';

export type ActionOutputs = {
  'file-id': string;
  'file-ids': string;
  files: string;
};

/**
 * `file-id`: the first file's ID ('' if it has none); `file-ids`: the IDs obtained, in the order of `files`;
 * `files`: every result, compact JSON for `fromJSON()`.
 */
export function buildOutputs(results: FileResult[]): ActionOutputs {
  return {
    'file-id': results[0]?.id ?? '',
    'file-ids': JSON.stringify(results.flatMap((r) => (r.id ? [r.id] : []))),
    files: JSON.stringify(results),
  };
}
