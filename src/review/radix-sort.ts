/**
 * Sorting by 64-bit hashes without a comparator: a stable least-significant-digit radix sort on two 32-bit words,
 * 16 bits a pass. A comparator sort called a function per comparison (about 20 per sample for 150,000 samples)
 * and took most of the review's time on the main thread; this takes four linear passes.
 */

import { release } from '../check/release.js';

/** Below this many items, a comparator sort is cheaper than clearing the digit counts four times. */
const SMALL = 256;
const DIGITS = 1 << 16;
/** The digit counts, reused by every sort on this thread (256 KB; sorts run one at a time). */
const counts = new Uint32Array(DIGITS);

/**
 * The positions 0..n-1 of the keys (`hi[k]`, `lo[k]`), ordered by key as an unsigned 64-bit number; equal keys keep
 * their order (stable), so when the keys are listed in file order, a run of equal keys starts with the first
 * occurrence.
 */
export function orderByKey(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  let order: Uint32Array = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) order[k] = k;
  if (n < SMALL) return order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
  let spare: Uint32Array = new Uint32Array(n);
  for (const [words, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    counts.fill(0);
    for (let k = 0; k < n; k += 1) counts[(words[k]! >>> shift) & 0xffff]! += 1;
    // A pass where every key has the same digit changes nothing.
    if (counts[(words[0]! >>> shift) & 0xffff] === n) continue;
    let total = 0;
    for (let d = 0; d < DIGITS; d += 1) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let k = 0; k < n; k += 1) {
      const position = order[k]!;
      spare[counts[(words[position]! >>> shift) & 0xffff]!++] = position;
    }
    [order, spare] = [spare, order];
  }
  release(spare);
  return order;
}
