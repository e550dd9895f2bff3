import { describe, expect, it } from 'vitest';
import { MAX_ERROR_ANNOTATIONS, selectAnnotations } from '../../src/report/annotations.js';
import { result } from '../helpers/results.js';

const failedCheck = (path: string, line: number) =>
  result({
    path,
    status: 'failed',
    id: null,
    error: `${path}, line ${line}: bad`,
    check: { passed: false, format: null, samples: 0, line, message: 'bad', warnings: [], omitted_warnings: 0 },
  });

describe('selectAnnotations', () => {
  it('annotates the first ten failures on their file and line, and counts the rest', () => {
    const results = Array.from({ length: 12 }, (_, i) => failedCheck(`f${i}.jsonl`, i + 1));
    const { annotations, notShown } = selectAnnotations(results);
    expect(annotations).toHaveLength(MAX_ERROR_ANNOTATIONS);
    expect(annotations[0]).toEqual({
      level: 'error',
      title: 'Dataset check failed at line 1',
      file: 'f0.jsonl',
      line: 1,
      message: 'f0.jsonl, line 1: bad',
    });
    expect(notShown).toBe(2);
  });

  it('puts each dataset warning on its line as a warning, ten at most, counting the rest and the omitted', () => {
    const warned = result({
      path: 'tools.jsonl',
      status: 'checked',
      check: {
        passed: true,
        format: 'conversation',
        samples: 20,
        line: null,
        message: null,
        warnings: Array.from({ length: 12 }, (_, i) => ({ line: i + 3, message: `repeats the role "user" (${i})` })),
        omitted_warnings: 5,
      },
    });
    const { annotations, notShown } = selectAnnotations([warned]);
    expect(annotations.filter((a) => a.level === 'warning')).toHaveLength(10);
    expect(annotations[0]).toEqual({
      level: 'warning',
      title: 'Dataset warning at line 3',
      file: 'tools.jsonl',
      line: 3,
      message: 'tools.jsonl, line 3: repeats the role "user" (0)',
    });
    expect(notShown).toBe(2 + 5);
  });
});
