import { describe, expect, it } from 'vitest';
import { renderSummary, SUMMARY_LIMITS } from '../../src/report/summary.js';
import { result } from '../helpers/results.js';

const context = { mode: 'upload' as const, purpose: 'fine-tune' as const, wait: true, check: 'full' as const };

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
      '<tr><td><code>data/&#60;b&#62;bold&#60;/b&#62;.jsonl</code></td><td>jsonl</td><td>2.50 MB</td><td>120</td><td><code>file-x</code></td><td>✅ processed</td><td>—</td><td>1 min 01 s</td></tr>',
    );
    expect(md).not.toContain('<b>bold</b>');
    expect(md).toContain('### 1 file failed');
    expect(md).toContain('<li><code>data/b.jsonl</code> (rejected): Line 3: `role` is &#60;missing&#62;</li>');
  });

  it("shows Together's validation report: format, lines and the flags it set", () => {
    const md = renderSummary(
      [
        result({
          validation_report: {
            valid: true,
            dataset_format: 'conversation',
            nlines: 7199,
            dataset_has_tools: true,
            dataset_has_parallel_tool_calls: true,
            dataset_has_reasoning: false,
            dataset_has_message_weights: true,
            dataset_has_sample_weights: true,
            dataset_is_multimodal: true,
          },
        }),
        result({ path: 'plain.jsonl', validation_report: { valid: true } }),
      ],
      context,
    );
    expect(md).toContain("<th>Together's report</th>");
    expect(md).toContain(
      '<td>conversation, 7,199 lines: tools, parallel tool calls, message weights, sample weights, images</td>',
    );
    expect(md).toContain('<td>valid</td>');
  });

  it('in check mode, counts warnings in the verdict and lists them on their lines, escaped', () => {
    const md = renderSummary(
      [
        result({
          path: 'tools.jsonl',
          status: 'checked',
          id: null,
          check: {
            passed: true,
            format: 'conversation',
            samples: 3,
            line: null,
            message: null,
            warnings: [{ line: 2, message: 'calls "<b>x</b>", which is not in "tools"' }],
            omitted_warnings: 0,
          },
        }),
      ],
      { ...context, mode: 'check' },
    );
    expect(md).toContain('<td>✅ passed, 1 warning</td>');
    expect(md).toContain('### 1 warning');
    expect(md).toContain(
      '<li><code>tools.jsonl</code>, line 2: calls &#34;&#60;b&#62;x&#60;/b&#62;&#34;, which is not in &#34;tools&#34;</li>',
    );
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
            warnings: [],
            omitted_warnings: 0,
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
      '<li><code>b.jsonl</code> (failed): b.jsonl, line 7: &#34;messages&#34;[1].role is &#34;bot&#34;</li>',
    );
  });

  it('says so when no file matched', () => {
    expect(renderSummary([], context)).toContain('No files matched');
  });

  it('stays within its byte budget for 5,000 files with long names and errors, the table closed', () => {
    const results = Array.from({ length: 5000 }, (_, i) =>
      result({
        path: `datasets/${'deeply/nested/'.repeat(8)}file-${i}-${'x'.repeat(600)}.jsonl`,
        status: i % 2 ? 'rejected' : 'processed',
        error: i % 2 ? `Line ${i}: ${'a very long explanation '.repeat(200)}` : null,
      }),
    );
    const md = renderSummary(results, context);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMITS.maxBytes);
    const rows = md.match(/<tr><td>/g)!.length;
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(5000);
    expect(md.match(/<table>/g)).toHaveLength(1);
    expect(md.indexOf('</table>')).toBeGreaterThan(md.lastIndexOf('<tr><td>'));
    expect(md).toContain(
      `… and ${5000 - rows} more files not shown here: every file is in the step's <code>files</code> output.`,
    );
    const listed = md.match(/^<li><code>/gm)!.length;
    expect(md).toContain(`<li>… and ${2500 - listed} more: see the step's <code>files</code> output.</li>`);
    // A name of any length is cut visibly in its cell.
    expect(md).toMatch(/x{100,}…<\/code>/);
  });

  it('keeps to the row limit it is given', () => {
    const results = Array.from({ length: 30 }, (_, i) => result({ path: `f${i}.jsonl` }));
    const md = renderSummary(results, context, { ...SUMMARY_LIMITS, rows: 10 });
    expect(md.match(/<tr><td>/g)).toHaveLength(10);
    expect(md).toContain("… and 20 more files not shown here: every file is in the step's <code>files</code> output.");
  });
});
