/**
 * Sorting by 64-bit hashes without a comparator. Hashes are uniform, so one counting pass on the top 16 bits
 * spreads n keys over 65,536 buckets of a few keys each, which insertion sort finishes in place: two linear passes
 * where a least-significant-digit radix sort takes four. A bucket that is crowded (the same sample many times, or
 * more keys than buckets) is sorted by the LSD radix sort on its own. A comparator sort called a function per
 * comparison (about 20 per sample for 150,000 samples) and took most of the review's time on the main thread.
 *
 * The keys move with their positions: the bucket pass scatters all three, the insertion sorts compare keys that
 * sit next to each other (not each position's key read across the whole list), and the review's counts then scan
 * the sorted keys as they are.
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

/** Keys in sorted order, each beside its position in the list sorted. */
export interface SortedKeys {
  /**
   * Positions 0..n-1 of the keys given, ordered by key as an unsigned 64-bit number; equal keys keep their order
   * (stable), so when the keys are listed in file order, a run of equal keys starts with the first occurrence.
   */
  order: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
}

/** The keys (`hi[k]`, `lo[k]`) sorted, beside their positions. Takes `hi` and `lo` over, and releases them. */
export function sortKeys(hi: Uint32Array, lo: Uint32Array): SortedKeys {
  const n = hi.length;
  if (n < SMALL) return inOrder(comparatorOrder(hi, lo), hi, lo);
  if (n > MANY) return inOrder(lsdOrder(hi, lo, counts), hi, lo);
  counts.fill(0);
  for (let k = 0; k < n; k += 1) counts[hi[k]! >>> 16]! += 1;
  for (let d = 0, total = 0; d < DIGITS; d += 1) {
    starts[d] = total;
    total += counts[d]!;
  }
  starts[DIGITS] = n;
  counts.set(starts.subarray(0, DIGITS));
  // Bucket by the top 16 bits, in the order given within each bucket.
  const order = new Uint32Array(n);
  const sortedHi = new Uint32Array(n);
  const sortedLo = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) {
    const h = hi[k]!;
    const at = counts[h >>> 16]!++;
    order[at] = k;
    sortedHi[at] = h;
    sortedLo[at] = lo[k]!;
  }
  release(hi, lo);
  for (let d = 0; d < DIGITS; d += 1) {
    const from = starts[d]!;
    const to = starts[d + 1]!;
    if (to - from > CROWDED) sortCrowded(order, sortedHi, sortedLo, from, to);
    else if (to - from > 1) insertionSort(order, sortedHi, sortedLo, from, to);
  }
  return { order, hi: sortedHi, lo: sortedLo };
}

/** The positions of a few keys in key order, by a comparator (stable: equal keys by position). */
function comparatorOrder(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const order = new Uint32Array(hi.length);
  for (let k = 0; k < order.length; k += 1) order[k] = k;
  return order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
}

/** The keys moved into `order` (and the given arrays released). */
function inOrder(order: Uint32Array, hi: Uint32Array, lo: Uint32Array): SortedKeys {
  return { order, hi: permuted(hi, order), lo: permuted(lo, order) };
}

/** `keys` in the order given (then released). */
function permuted(keys: Uint32Array, order: Uint32Array): Uint32Array {
  const out = new Uint32Array(keys.length);
  for (let k = 0; k < out.length; k += 1) out[k] = keys[order[k]!]!;
  release(keys);
  return out;
}

/** Sorts [from, to) of the three arrays by key; positions are in increasing order there, and equal keys keep it. */
function insertionSort(order: Uint32Array, hi: Uint32Array, lo: Uint32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i += 1) {
    const h = hi[i]!;
    const l = lo[i]!;
    const position = order[i]!;
    let j = i - 1;
    for (; j >= from; j -= 1) {
      const oh = hi[j]!;
      if (oh < h || (oh === h && lo[j]! <= l)) break;
      hi[j + 1] = oh;
      lo[j + 1] = lo[j]!;
      order[j + 1] = order[j]!;
    }
    hi[j + 1] = h;
    lo[j + 1] = l;
    order[j + 1] = position;
  }
}

/** A crowded bucket of the three arrays, radix-sorted on its own (the top 16 bits are equal: three passes at most). */
function sortCrowded(order: Uint32Array, hi: Uint32Array, lo: Uint32Array, from: number, to: number): void {
  const bucketHi = hi.slice(from, to);
  const bucketLo = lo.slice(from, to);
  const bucketOrder = order.slice(from, to);
  const sorted = lsdOrder(bucketHi, bucketLo, bucketCounts);
  for (let k = 0; k < sorted.length; k += 1) {
    const at = sorted[k]!;
    hi[from + k] = bucketHi[at]!;
    lo[from + k] = bucketLo[at]!;
    order[from + k] = bucketOrder[at]!;
  }
  release(bucketHi, bucketLo, bucketOrder, sorted);
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
