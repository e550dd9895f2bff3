/** What a dataset check reports per file, and the levels of checking. */

/** The dataset formats Together recognises in JSONL, named as its reference checker names them. */
export type DatasetFormat = 'general' | 'conversation' | 'instruction' | 'preference_openai';

export interface CheckReport {
  passed: boolean;
  /** The detected format: a JSONL dataset format, or `csv` / `parquet`; null when unknown. */
  format: string | null;
  /** Samples counted (lines, records or rows) up to the first problem. */
  samples: number;
  /** The first offending physical line (1-based), or null when the problem has no line. */
  line: number | null;
  /** What is wrong and how to fix it, naming the file and line; null when passed. */
  message: string | null;
  /**
   * Rules only some of Together's sources state (role alternation, tool-call contents): reported on their lines, and
   * the file still passes. At most MAX_WARNINGS are listed.
   */
  warnings: LineProblem[];
  /** Warnings found beyond those listed. */
  omitted_warnings: number;
}

/** Warnings listed per file; the rest are counted. */
export const MAX_WARNINGS = 100;

/** A problem found on one line, before the file name is added. */
export interface LineProblem {
  line: number;
  /** What is wrong and how to fix it, without the file name or line number. */
  message: string;
}
