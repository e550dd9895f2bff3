import { describe, expect, it } from 'vitest';
import { partRange, planParts } from '../../src/together/multipart-plan.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('multipart plan', () => {
  it('follows the SDKs: one part up to 250 MiB, 250 MiB parts above, at most 250 parts', () => {
    expect(planParts(100 * MiB)).toEqual({ partBytes: 100 * MiB, numParts: 1 });
    expect(planParts(5 * GiB + 1)).toEqual({ partBytes: Math.ceil((5 * GiB + 1) / 21), numParts: 21 });
    const huge = planParts(Math.floor(50.1 * GiB));
    expect(huge.numParts).toBe(206);
    expect(huge.partBytes * huge.numParts).toBeGreaterThanOrEqual(Math.floor(50.1 * GiB));
    expect(planParts(80 * GiB).numParts).toBe(250);
  });

  it('never makes a part under 5 MiB but the last', () => {
    // 12 MiB in parts of about 5 MiB: three parts of 4 MiB would be too small, so 5 + 5 + 2.
    expect(planParts(12 * MiB, 5 * MiB)).toEqual({ partBytes: 5 * MiB, numParts: 3 });
    const plan = planParts(12 * MiB, 1);
    expect(plan.partBytes).toBe(5 * MiB);
    const ranges = Array.from({ length: plan.numParts }, (_, i) => partRange(plan, 12 * MiB, i));
    expect(ranges.reduce((sum, r) => sum + r.length, 0)).toBe(12 * MiB);
  });
});
