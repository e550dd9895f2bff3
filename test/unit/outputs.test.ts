import { describe, expect, it } from 'vitest';
import { buildOutputs } from '../../src/report/outputs.js';
import { result } from '../helpers/results.js';

describe('buildOutputs', () => {
  it('gives the first ID, the IDs in order and every result', () => {
    const results = [
      result({ path: 'a.jsonl', id: 'file-a' }),
      result({ path: 'b.jsonl', id: null, status: 'failed' }),
      result({ path: 'c.jsonl', id: 'file-c' }),
    ];
    const outputs = buildOutputs(results);
    expect(outputs['file-id']).toBe('file-a');
    expect(JSON.parse(outputs['file-ids'])).toEqual(['file-a', 'file-c']);
    expect(JSON.parse(outputs.files)).toEqual(results);
  });

  it('is empty for no files', () => {
    expect(buildOutputs([])).toEqual({ 'file-id': '', 'file-ids': '[]', files: '[]' });
  });
});
