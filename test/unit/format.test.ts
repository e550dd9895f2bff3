import { describe, expect, it } from 'vitest';
import { escapeHtml, formatBytes, formatDuration, formatRate } from '../../src/report/format.js';

describe('format', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234)).toBe('1.23 KB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(400_000_000)).toBe('400 MB');
    expect(formatBytes(53_794_465_382)).toBe('53.8 GB');
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 05 min');
  });

  it('formats rates', () => {
    expect(formatRate(100_000_000, 2000)).toBe('50.0 MB/s');
    expect(formatRate(1, 0)).toBe('— MB/s');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;',
    );
  });
});
