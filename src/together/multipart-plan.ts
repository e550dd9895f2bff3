/** When an upload goes multipart, and how it is cut into parts (protocol doc 5.3, the SDKs' sizing). */

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Files larger than this use multipart (a single presigned PUT is limited to 5 GB). */
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 5 * GiB;
export const TARGET_PART_BYTES = 250 * MiB;
/** S3's smallest part (but for the last). */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PARTS = 250;
/** Parts in flight at once, as the SDKs do. */
export const PART_CONCURRENCY = 4;

export interface PartPlan {
  partBytes: number;
  numParts: number;
}

/**
 * The SDKs' `_calculate_parts`: about `targetPartBytes` a part, at least 5 MiB, at most 250 parts (the part size
 * grows instead).
 */
export function planParts(size: number, targetPartBytes = TARGET_PART_BYTES): PartPlan {
  const target = Math.max(MIN_PART_BYTES, targetPartBytes);
  if (size <= target) return { partBytes: Math.max(size, 1), numParts: 1 };
  let numParts = Math.min(MAX_PARTS, Math.ceil(size / target));
  let partBytes = Math.ceil(size / numParts);
  if (partBytes < MIN_PART_BYTES) {
    partBytes = MIN_PART_BYTES;
    numParts = Math.ceil(size / partBytes);
  }
  return { partBytes, numParts };
}

/** The byte range of part `index` (0-based). */
export function partRange(plan: PartPlan, size: number, index: number): { start: number; length: number } {
  const start = index * plan.partBytes;
  return { start, length: Math.min(plan.partBytes, size - start) };
}

export interface MultipartSettings {
  thresholdBytes: number;
  partBytes: number;
}
