import { describe, expect, it } from 'vitest';
import { escapeHtml, formatBytes, formatDuration, formatRate } from '../../src/report/format.js';
import { buildOutputs } from '../../src/report/outputs.js';
import { MAX_LISTED_FAILURES, MAX_TABLE_ROWS, renderSummary } from '../../src/report/summary.js';
import { failureMessage } from '../../src/report/verdict.js';
import { result } from '../helpers/results.js';

const context = { mode: 'upload' as const, purpose: 'fine-tune' as const, wait: true, check: 'full' as const };

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

describe('renderSummary', () => {
  it('has a headline and one escaped row per file', () => {
    const md = renderSummary(
      [
        result({ path: 'data/<b>bold</b>.jsonl', id: 'file-x', bytes: 2_500_000, duration_ms: 61_000 }),
        result({ path: 'data/b.jsonl', id: null, status: 'rejected', error: 'Line 3: `role` is <missing>' }),
      ],
      context,
    );
    expect(md).toContain('## Together upload: 1 processed of 2 files, 1 failed');
    expect(md).toContain('Purpose <code>fine-tune</code> · 2 files · 3.73 MB · full checks');
    expect(md).toContain(
      '<tr><td><code>data/&#60;b&#62;bold&#60;/b&#62;.jsonl</code></td><td>jsonl</td><td>2.50 MB</td><td>120</td><td><code>file-x</code></td><td>✅ processed</td><td>1 min 01 s</td></tr>',
    );
    expect(md).not.toContain('<b>bold</b>');
    expect(md).toContain('### 1 file failed');
    expect(md).toContain('- <code>data/b.jsonl</code> (rejected): Line 3: `role` is &#60;missing&#62;');
  });

  it('counts uploads when not waiting', () => {
    const md = renderSummary([result({ status: 'uploaded', processing_status: 'QUEUED' })], {
      ...context,
      wait: false,
    });
    expect(md).toContain('## Together upload: 1 uploaded of 1 file');
    expect(md).toContain('not waiting for processing');
  });

  it('in check mode, shows each verdict with format, samples and the failing line', () => {
    const md = renderSummary(
      [
        result({ path: 'a.jsonl', status: 'checked', id: null }),
        result({
          path: 'b.jsonl',
          status: 'failed',
          id: null,
          error: 'b.jsonl, line 7: "messages"[1].role is "bot"',
          check: {
            passed: false,
            format: 'conversation',
            samples: 6,
            line: 7,
            message: 'b.jsonl, line 7: "messages"[1].role is "bot"',
          },
        }),
      ],
      { ...context, mode: 'check' },
    );
    expect(md).toContain('## Together dataset check: 1 of 2 files passed, 1 failed');
    expect(md).toContain('<th>Format</th><th>Samples</th><th>Verdict</th>');
    expect(md).toContain(
      '<td><code>a.jsonl</code></td><td>jsonl</td><td>1.23 MB</td><td>conversation</td><td>120</td><td>✅ passed</td>',
    );
    expect(md).toContain('<td>conversation</td><td>6</td><td>❌ line 7</td>');
    expect(md).toContain(
      '- <code>b.jsonl</code> (failed): b.jsonl, line 7: &#34;messages&#34;[1].role is &#34;bot&#34;',
    );
  });

  it('says so when no file matched', () => {
    expect(renderSummary([], context)).toContain('No files matched');
  });

  it('stays far below 1 MiB for thousands of files with long names and errors', () => {
    const results = Array.from({ length: 5000 }, (_, i) =>
      result({
        path: `datasets/${'deeply/nested/'.repeat(8)}file-${i}-${'x'.repeat(60)}.jsonl`,
        status: i % 2 ? 'rejected' : 'processed',
        error: i % 2 ? `Line ${i}: ${'a very long explanation '.repeat(200)}` : null,
      }),
    );
    const md = renderSummary(results, context);
    expect(Buffer.byteLength(md)).toBeLessThan(700 * 1024);
    expect(md.match(/<tr><td>/g)).toHaveLength(MAX_TABLE_ROWS);
    expect(md).toContain(`… and ${5000 - MAX_TABLE_ROWS} more files`);
    expect(md).toContain(`… and ${2500 - MAX_LISTED_FAILURES} more: see the \`files\` output.`);
  });
});

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

describe('dedupe names', () => {
  it('puts 12 hex digits of the content hash before the extension', async () => {
    const { contentAddressedName, findReusable } = await import('../../src/dedupe.js');
    expect(contentAddressedName('train.jsonl', 'ab'.repeat(32))).toBe('train.abababababab.jsonl');
    expect(contentAddressedName('data.v2.parquet', '0123456789abcdef'.repeat(4))).toBe('data.v2.0123456789ab.parquet');
    const files = [
      {
        id: 'old',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'COMPLETED',
        created_at: 1,
      },
      {
        id: 'new',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'COMPLETED',
        created_at: 2,
      },
      {
        id: 'bad',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'INVALID_FORMAT',
        created_at: 3,
      },
      { id: 'eval', filename: 'a.x.jsonl', bytes: 10, purpose: 'eval', processing_status: 'COMPLETED', created_at: 4 },
    ];
    expect(findReusable(files, { filename: 'a.x.jsonl', bytes: 10, purpose: 'fine-tune' })?.id).toBe('new');
    expect(findReusable(files, { filename: 'a.x.jsonl', bytes: 11, purpose: 'fine-tune' })).toBeUndefined();
  });
});
