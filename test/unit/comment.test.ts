import { describe, expect, it } from 'vitest';
import { MAX_COMMENT_BYTES, MAX_COMMENT_ROWS, renderComment } from '../../src/report/comment.js';
import { result } from '../helpers/results.js';

const context = { mode: 'check' as const, purpose: 'fine-tune' as const, wait: true, check: 'full' as const };
const marker = '<!-- together-upload-action:Datasets/check/together -->';
const runUrl = 'https://github.com/acme/data/actions/runs/42';

describe('renderComment', () => {
  it('starts with the marker and ends with a link to the run', () => {
    const body = renderComment([result({ status: 'checked', id: null })], context, marker, runUrl);
    expect(body.startsWith(`${marker}\n## Together dataset check: 1 of 1 file passed`)).toBe(true);
    expect(body).toContain(`From [this run](${runUrl})`);
  });

  it('over 200 files: shows 200 rows, says how many more and links the job summary, the table closed', () => {
    const results = Array.from({ length: 250 }, (_, i) => result({ path: `data/f${i}.jsonl`, status: 'checked' }));
    const body = renderComment(results, context, marker, runUrl);
    expect(body.match(/<tr><td>/g)).toHaveLength(MAX_COMMENT_ROWS);
    expect(body).toContain(
      `… and 50 more files not shown here: every file is in <a href="${runUrl}">the job summary</a>.`,
    );
    expect(body.indexOf('</table>')).toBeGreaterThan(body.lastIndexOf('<tr><td>'));
  });

  it('stays under its budget, the table closed, for 5,000 failing files with names of any length', () => {
    const results = Array.from({ length: 5000 }, (_, i) =>
      result({
        path: `data/${'n'.repeat(i % 7 === 0 ? 20_000 : 80)}-${i}.jsonl`,
        status: 'failed',
        error: `data/f${i}.jsonl, line 3: ${'bad value '.repeat(100)}`,
        check: {
          passed: false,
          format: 'conversation',
          samples: 2,
          line: 3,
          message: 'x',
          warnings: [],
          omitted_warnings: 0,
        },
      }),
    );
    const body = renderComment(results, context, marker, runUrl);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
    expect(body.length).toBeLessThan(65_536);
    expect(body.match(/<table>/g)).toHaveLength(1);
    expect(body.indexOf('</table>')).toBeGreaterThan(body.lastIndexOf('<tr><td>'));
    expect(body).toMatch(/… and \d+ more files not shown here/);
    expect(body).toMatch(/<li>… and \d+ more: see <a href="[^"]+">the job summary<\/a>\.<\/li>/);
    expect(body.endsWith('</sub>\n')).toBe(true);
  });
});
