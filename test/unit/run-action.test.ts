import { describe, expect, it } from 'vitest';
import { parseOutputFile } from '../../testkit/run-action.js';

describe('parseOutputFile', () => {
  it('reads the delimiter blocks core.setOutput writes, including multi-line values', () => {
    const text = 'file-id<<ghadelimiter_1\nfile-a\nghadelimiter_1\nfiles<<ghadelimiter_2\n[1,\n2]\nghadelimiter_2\n';
    expect(parseOutputFile(text)).toEqual({ 'file-id': 'file-a', files: '[1,\n2]' });
  });
});
