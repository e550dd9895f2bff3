/**
 * A deterministic generator of floats in [0, 1) (mulberry32), for generated test and benchmark data. Exact 32-bit
 * arithmetic: a float LCG such as `seed * 1103515245 % 2 ** 31` loses precision past 2 ** 53 and falls into a short
 * cycle (it once made nearly every generated sample a duplicate).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
