import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/report/verdict.js';
import { result } from '../helpers/results.js';

describe('failureMessage', () => {
  it('is undefined when every file made it', () => {
    expect(failureMessage([result(), result({ status: 'uploaded' })])).toBeUndefined();
  });

  it('names each failed file with its status', () => {
    expect(
      failureMessage([
        result(),
        result({ path: 'b.jsonl', status: 'rejected' }),
        result({ path: 'c.jsonl', status: 'timeout' }),
      ]),
    ).toBe(
      '2 of 3 files did not make it: b.jsonl (rejected), c.jsonl (timeout). See the errors above and the job summary.',
    );
  });
});

describe('failureMessage in check mode', () => {
  it('speaks of the check, naming files that failed it', () => {
    const failedCheck = {
      passed: false,
      format: null,
      samples: 0,
      line: null,
      message: 'x',
      warnings: [],
      omitted_warnings: 0,
    };
    expect(
      failureMessage(
        [result({ status: 'checked' }), result({ path: 'e.jsonl', status: 'failed', check: failedCheck })],
        'check',
      ),
    ).toBe('1 of 2 files failed the dataset check: e.jsonl (check failed). See the errors above and the job summary.');
  });
});
