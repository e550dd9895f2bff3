/** Strict UTF-8 validation that says where and why, in the words of Python's decoder (which the reference uses). */

export interface Utf8Problem {
  /** Byte offset of the first byte that cannot be decoded. */
  offset: number;
  /** `invalid start byte`, `invalid continuation byte` or `unexpected end of data`. */
  reason: string;
  byte: number;
}

/**
 * Finds the first invalid sequence in `bytes[start, end)`, or undefined. Only called once a fast whole-chunk check
 * failed, so it favours clarity over speed. `atEof` says whether a sequence cut at `end` is truncated for good.
 */
export function findUtf8Problem(bytes: Uint8Array, start: number, end: number, atEof = true): Utf8Problem | undefined {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else {
      return { offset: i, reason: 'invalid start byte', byte: b };
    }
    for (let k = 1; k <= need; k += 1) {
      if (i + k >= end) {
        if (atEof) return { offset: i, reason: 'unexpected end of data', byte: b };
        return undefined;
      }
      const c = bytes[i + k]!;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return { offset: i, reason: 'invalid continuation byte', byte: b };
    }
    i += need + 1;
  }
  return undefined;
}
