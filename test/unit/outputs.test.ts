import { describe, expect, it } from 'vitest';
import { buildOutputs, OUTPUTS_BUDGET_BYTES } from '../../src/report/outputs.js';
import { result } from '../helpers/results.js';

const totalBytes = (outputs: Record<string, string>) =>
  Object.entries(outputs).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);

describe('buildOutputs', () => {
  it('gives the first ID, the IDs in order, the IDs by path, every result and the manifest', () => {
    const results = [
      result({ path: 'a.jsonl', id: 'file-a' }),
      result({ path: 'data/b.jsonl', id: null, status: 'failed' }),
      result({ path: 'c.jsonl', id: 'file-c' }),
    ];
    const { outputs, listed } = buildOutputs(results, '/tmp/manifest.json');
    expect(outputs['file-id']).toBe('file-a');
    expect(JSON.parse(outputs['file-ids'])).toEqual(['file-a', 'file-c']);
    expect(JSON.parse(outputs.ids)).toEqual({ 'a.jsonl': 'file-a', 'data/b.jsonl': null, 'c.jsonl': 'file-c' });
    expect(JSON.parse(outputs.files)).toEqual(results);
    expect(outputs.manifest).toBe('/tmp/manifest.json');
    expect(listed).toEqual({ files: 3, ids: 3, fileIds: 2, total: 3, handled: 3 });
  });

  it('is empty for no files', () => {
    expect(buildOutputs([], '/m.json').outputs).toEqual({
      'file-id': '',
      'file-ids': '[]',
      ids: '{}',
      files: '[]',
      manifest: '/m.json',
    });
  });

  it('keeps every output together under the budget for 5,000 files, files cut to the first that fit', () => {
    const results = Array.from({ length: 5000 }, (_, i) =>
      result({ path: `datasets/${'deep/'.repeat(8)}file-${String(i).padStart(4, '0')}.jsonl`, id: `file-${i}` }),
    );
    const { outputs, listed } = buildOutputs(results, '/runner/temp/together-upload-manifest-upload.json');
    expect(totalBytes(outputs)).toBeLessThanOrEqual(OUTPUTS_BUDGET_BYTES);
    const files = JSON.parse(outputs.files) as unknown[];
    expect(files.length).toBe(listed.files);
    expect(listed.files).toBeGreaterThan(100);
    expect(listed.files).toBeLessThan(5000);
    expect(files[0]).toEqual(results[0]);
    // file-ids and ids come first, within their shares: whole, here.
    expect(JSON.parse(outputs['file-ids'])).toHaveLength(5000);
    expect(Object.keys(JSON.parse(outputs.ids) as object)).toHaveLength(5000);
    expect(listed.ids).toBe(5000);
  });

  it('cuts ids too when even they do not fit, leaving files a share; every output stays valid JSON', () => {
    const results = Array.from({ length: 20_000 }, (_, i) =>
      result({ path: `${'p'.repeat(150)}-${i}.jsonl`, id: `file-${i}` }),
    );
    const { outputs, listed } = buildOutputs(results, '/m.json');
    expect(totalBytes(outputs)).toBeLessThanOrEqual(OUTPUTS_BUDGET_BYTES);
    expect(Object.keys(JSON.parse(outputs.ids) as object)).toHaveLength(listed.ids);
    expect(JSON.parse(outputs['file-ids'])).toHaveLength(listed.fileIds);
    expect(listed.ids).toBeLessThan(20_000);
    expect(listed.files).toBeGreaterThan(0);
    expect(JSON.parse(outputs.files)).toHaveLength(listed.files);
  });
});
