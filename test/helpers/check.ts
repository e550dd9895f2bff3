import { checkFiles } from '../../src/check-phase.js';
import type { ParallelOptions } from '../../src/check/jsonl-file.js';
import type { CheckReport } from '../../src/check/types.js';
import type { CheckLevel, Purpose } from '../../src/domain.js';
import type { MatchedFile } from '../../src/files.js';
import type { Log } from '../../src/log.js';
import { FileRecord } from '../../src/record.js';

export const quietLog: Log = {
  info: () => undefined,
  warning: () => undefined,
  group: (_, body) => body(),
  printGroup: () => undefined,
};

/**
 * Checks one file as the action does: its record decides whether the path can be a Together file at all, then
 * the check phase runs. A path refused before any check comes back as a failed report with the record's error.
 */
export async function checkAsTheActionDoes(
  file: MatchedFile,
  purpose: Purpose,
  level: Exclude<CheckLevel, 'off'>,
  parallel: ParallelOptions = { threads: 1 },
): Promise<CheckReport> {
  const record = new FileRecord(file, { purpose, fileType: 'auto' }, Date.now);
  await checkFiles([record], { check: level, purpose, mode: 'check' }, { log: quietLog, now: Date.now, parallel });
  return (
    record.check ?? {
      passed: false,
      format: null,
      samples: 0,
      line: null,
      message: record.error,
      warnings: [],
      omitted_warnings: 0,
    }
  );
}
