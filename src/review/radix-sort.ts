/**
 * Sorting by 64-bit hashes without a comparator. Hashes are uniform, so one counting pass on the top 16 bits
 * spreads n keys over 65,536 buckets of a few keys each, which insertion sort finishes in place: two linear passes
 * where a least-significant-digit radix sort takes four. A bucket that is crowded (the same sample many times, or
 * more keys than buckets) is sorted by the LSD radix sort on its own. A comparator sort called a function per
 * comparison (about 20 per sample for 150,000 samples) and took most of the review's time on the main thread.
 */

import { release } from '../check/release.js';

/** Below this many items, a comparator sort is cheaper than clearing the digit counts. */
const SMALL = 256;
const DIGITS = 1 << 16;
/** Past this many keys, a bucket is radix-sorted rather than insertion-sorted. */
const CROWDED = 48;
/**
 * Past this many keys (24 a bucket on average), crowded buckets would cost more than they save: LSD radix
 * throughout.
 */
const MANY = 24 * DIGITS;
/** The digit counts and bucket starts, reused by every sort on this thread (256 KB each; one sort at a time). */
const counts = new Uint32Array(DIGITS);
const bucketCounts = new Uint32Array(DIGITS);
const starts = new Uint32Array(DIGITS + 1);

/**
 * The positions 0..n-1 of the keys (`hi[k]`, `lo[k]`), ordered by key as an unsigned 64-bit number; equal keys keep
 * their order (stable), so when the keys are listed in file order, a run of equal keys starts with the first
 * occurrence.
 */
export function orderByKey(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  if (n < SMALL) {
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k += 1) order[k] = k;
    return order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
  }
  if (n > MANY) return lsdOrder(hi, lo, counts);
  // Bucket by the top 16 bits, in file order within each bucket.
  counts.fill(0);
  for (let k = 0; k < n; k += 1) counts[hi[k]! >>> 16]! += 1;
  for (let d = 0, total = 0; d < DIGITS; d += 1) {
    starts[d] = total;
    total += counts[d]!;
  }
  starts[DIGITS] = n;
  counts.set(starts.subarray(0, DIGITS));
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) order[counts[hi[k]! >>> 16]!++] = k;
  for (let d = 0; d < DIGITS; d += 1) {
    const from = starts[d]!;
    const to = starts[d + 1]!;
    if (to - from > CROWDED) sortCrowded(order, from, to, hi, lo);
    else if (to - from > 1) insertionSort(order, from, to, hi, lo);
  }
  return order;
}

/** Sorts order[from, to) by key; positions are in increasing order there, and equal keys keep it. */
function insertionSort(order: Uint32Array, from: number, to: number, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = from + 1; i < to; i += 1) {
    const position = order[i]!;
    const h = hi[position]!;
    const l = lo[position]!;
    let j = i - 1;
    for (; j >= from; j -= 1) {
      const other = order[j]!;
      const oh = hi[other]!;
      if (oh < h || (oh === h && lo[other]! <= l)) break;
      order[j + 1] = other;
    }
    order[j + 1] = position;
  }
}

/** A crowded bucket: its keys radix-sorted on their own (the top 16 bits are equal, so three passes at most). */
function sortCrowded(order: Uint32Array, from: number, to: number, hi: Uint32Array, lo: Uint32Array): void {
  const m = to - from;
  const bucket = order.slice(from, to);
  const bucketHi = new Uint32Array(m);
  const bucketLo = new Uint32Array(m);
  for (let k = 0; k < m; k += 1) {
    bucketHi[k] = hi[bucket[k]!]!;
    bucketLo[k] = lo[bucket[k]!]!;
  }
  const sorted = lsdOrder(bucketHi, bucketLo, bucketCounts);
  for (let k = 0; k < m; k += 1) order[from + k] = bucket[sorted[k]!]!;
  release(bucket, bucketHi, bucketLo, sorted);
}

/** A stable least-significant-digit radix sort, 16 bits a pass, skipping passes where every digit is the same. */
function lsdOrder(hi: Uint32Array, lo: Uint32Array, digitCounts: Uint32Array): Uint32Array {
  const n = hi.length;
  let order: Uint32Array = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) order[k] = k;
  let spare: Uint32Array = new Uint32Array(n);
  for (const [words, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    digitCounts.fill(0);
    for (let k = 0; k < n; k += 1) digitCounts[(words[k]! >>> shift) & 0xffff]! += 1;
    // A pass where every key has the same digit changes nothing.
    if (digitCounts[(words[0]! >>> shift) & 0xffff] === n) continue;
    let total = 0;
    for (let d = 0; d < DIGITS; d += 1) {
      const c = digitCounts[d]!;
      digitCounts[d] = total;
      total += c;
    }
    for (let k = 0; k < n; k += 1) {
      const position = order[k]!;
      spare[digitCounts[(words[position]! >>> shift) & 0xffff]!++] = position;
    }
    [order, spare] = [spare, order];
  }
  release(spare);
  return order;
}
