/** A file that cannot be read fails alone; the others are still checked and reported. */
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveFiles } from '../../src/files.js';
import { checkFiles } from '../../src/check-phase.js';
import { FileRecord } from '../../src/record.js';
import { quietLog } from '../helpers/check.js';
import { chatJsonl, makeWorkspace } from '../helpers/workspace.js';

describe('an unreadable file', () => {
  it('fails with the reason, and the other files are still checked', async () => {
    const ws = await makeWorkspace({ 'a.jsonl': chatJsonl(2), 'b.jsonl': chatJsonl(3) });
    try {
      const files = await resolveFiles({ patterns: ['*.jsonl'], workspace: ws.root, includeHiddenFiles: false });
      // Gone between being found and being read (a concurrent step, a flaky mount).
      await rm(ws.file('a.jsonl'));
      const records = files.map((f) => new FileRecord(f, { purpose: 'fine-tune', fileType: 'auto' }, Date.now));
      await checkFiles(
        records,
        { check: 'full', purpose: 'fine-tune', mode: 'check' },
        { log: quietLog, now: Date.now },
      );
      const results = records.map((r) => r.toResult());
      expect(results.map((r) => [r.path, r.status])).toEqual([
        ['a.jsonl', 'failed'],
        ['b.jsonl', 'checked'],
      ]);
      expect(results[0]!.error).toMatch(/^a\.jsonl: could not read the file \(ENOENT/);
      expect(results[1]!.check).toMatchObject({ passed: true, samples: 3 });
    } finally {
      await ws.cleanup();
    }
  });
});
