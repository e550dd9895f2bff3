/**
 * Checks one dataset file against Together's rules: the file-level rules (rules doc, section 3), then the rules of
 * its type for its purpose. `full` follows Together's reference checker; `structural` what its current client
 * checks. Purposes other than fine-tune and eval get the file-level rules only.
 */
import { messageOf } from '../error-text.js';
import type { CheckLevel, FileType, Purpose } from '../domain.js';
import { scanCsv } from './csv.js';
import { checkJsonlFile, type ParallelOptions } from './jsonl-file.js';
import { overlongLineMessage, readLines, type ReadOptions } from './lines.js';
import type { JsonlRules } from './jsonl.js';
import { parquetProblem, readParquetSummary } from './parquet.js';
import type { CheckReport } from './types.js';
import type { Utf8Problem } from './utf8.js';
import type { ReviewData } from './review-collector.js';
import { removeSpilled } from './record-spill.js';

export interface CheckTarget {
  /** Workspace-relative, for messages and annotations. */
  path: string;
  absolutePath: string;
  bytes: number;
  fileType: FileType;
}

export interface CheckedFile {
  report: CheckReport;
  /** With `sha256` asked for, a passing file's SHA-256 when the check read every byte (not Parquet: its footer only). */
  sha256: string | undefined;
  /** With `review` asked for, a passing JSONL file's hashes and statistics. */
  review?: ReviewData;
}

/**
 * Checks the file; never throws for a bad file, only for I/O failures of the machine itself. What makes a path
 * unusable whatever its content (a directory, an unknown type, the size limit) was decided before, once.
 */
export async function checkDataset(
  target: CheckTarget,
  purpose: Purpose,
  level: Exclude<CheckLevel, 'off'>,
  parallel: ParallelOptions = {},
  read: ReadOptions = {},
): Promise<CheckedFile> {
  let sha256: string | undefined;
  let review: ReviewData | undefined;
  const report = await checkReport(target, purpose, level, parallel, read, (hash, data) => {
    sha256 = hash;
    review = data;
  });
  // A failed file is not reviewed: what its review partitioned to disk goes at once.
  const spilled = review?.spilled;
  if (!report.passed && spilled) removeSpilled(spilled);
  return { report, sha256: report.passed ? sha256 : undefined, ...(report.passed && review ? { review } : {}) };
}

async function checkReport(
  target: CheckTarget,
  purpose: Purpose,
  level: Exclude<CheckLevel, 'off'>,
  parallel: ParallelOptions,
  read: ReadOptions,
  hashed: (sha256: string | undefined, review?: ReviewData) => void,
): Promise<CheckReport> {
  const fail = (
    message: string,
    line: number | null = null,
    format: string | null = null,
    samples = 0,
  ): CheckReport => ({
    passed: false,
    format,
    samples,
    line,
    message: `${target.path}${line === null ? '' : `, line ${line}`}: ${message}`,
    warnings: [],
    omitted_warnings: 0,
  });

  const checked = purpose === 'fine-tune' || purpose === 'eval';
  switch (target.fileType) {
    case 'jsonl': {
      const rules: JsonlRules = !checked
        ? 'utf8'
        : level === 'structural'
          ? 'structural'
          : purpose === 'fine-tune'
            ? 'full'
            : 'syntax';
      const result = await checkJsonlFile(target.absolutePath, target.bytes, rules, parallel, read);
      hashed(result.sha256, result.review);
      const format = rules === 'full' ? (result.firstFormat ?? null) : null;
      const warned = { warnings: result.warnings, omitted_warnings: result.omittedWarnings };
      if (result.utf8) return utf8Failure(fail, result.utf8);
      if (result.problem)
        return { ...fail(result.problem.message, result.problem.line, format, result.samples), ...warned };
      if (rules === 'structural' && result.samples === 0) {
        return fail('The file has only blank lines; it needs at least one JSON object.', null, format, 0);
      }
      return { ...pass(format ?? 'jsonl', rules === 'utf8' ? result.lines : result.samples), ...warned };
    }
    case 'csv': {
      if (purpose === 'fine-tune') {
        return fail(
          'CSV files are accepted only for purpose eval; for fine-tuning, convert the data to JSONL (or pre-tokenized Parquet).',
        );
      }
      if (!checked) return encodingOnly(target, fail, 'csv', read, hashed);
      const result = await scanCsv(target.absolutePath, target.bytes, read);
      hashed(result.sha256, result.review);
      if (result.utf8) return utf8Failure(fail, result.utf8);
      if (result.problem) return fail(result.problem.message, result.problem.line, 'csv', result.samples);
      return pass('csv', result.samples);
    }
    case 'parquet': {
      if (purpose === 'eval') {
        return fail('Parquet files are not accepted for purpose eval; use JSONL or CSV for evaluation data.');
      }
      if (!checked) return pass('parquet', 0);
      let summary;
      try {
        summary = await readParquetSummary(target.absolutePath, target.bytes);
      } catch (error) {
        return fail(`The file is not readable as Parquet: ${messageOf(error)}.`, null, 'parquet');
      }
      const problem = parquetProblem(summary);
      if (problem) return fail(problem, null, 'parquet', summary.rows);
      return pass('parquet', summary.rows);
    }
  }
}

function pass(format: string, samples: number): CheckReport {
  return { passed: true, format, samples, line: null, message: null, warnings: [], omitted_warnings: 0 };
}

type Fail = (message: string, line?: number | null, format?: string | null, samples?: number) => CheckReport;

function utf8Failure(fail: Fail, problem: Utf8Problem & { line: number }): CheckReport {
  const hex = `0x${problem.byte.toString(16).padStart(2, '0')}`;
  return fail(
    `Byte ${hex} at offset ${problem.offset} is not valid UTF-8 (${problem.reason}); Together reads datasets as UTF-8. Re-save the file as UTF-8 (for example: iconv -f latin1 -t utf-8).`,
    problem.line,
  );
}

/** Purposes Together does not check still need valid UTF-8 in text formats. */
async function encodingOnly(
  target: CheckTarget,
  fail: Fail,
  format: string,
  read: ReadOptions,
  hashed: (sha256: string | undefined) => void,
): Promise<CheckReport> {
  const result = await readLines(
    target.absolutePath,
    { end: target.bytes },
    { wantsLines: false, line: () => undefined },
    read,
  );
  hashed(result.sha256);
  if (result.utf8) return utf8Failure(fail, result.utf8);
  if (result.overlong) return fail(overlongLineMessage(result.overlong.limit), result.overlong.line);
  return pass(format, result.lines);
}
