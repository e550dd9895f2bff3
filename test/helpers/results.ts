import type { FileResult } from '../../src/result.js';

/** A result with plausible values; override what the test is about. */
export function result(overrides: Partial<FileResult> = {}): FileResult {
  return {
    path: 'data/train.jsonl',
    filename: 'train.jsonl',
    bytes: 1_234_567,
    sha256: 'a'.repeat(64),
    file_type: 'jsonl',
    purpose: 'fine-tune',
    id: 'file-1',
    status: 'processed',
    processing_status: 'COMPLETED',
    error: null,
    duration_ms: 3200,
    check: {
      passed: true,
      format: 'conversation',
      samples: 120,
      line: null,
      message: null,
      warnings: [],
      omitted_warnings: 0,
    },
    reused: false,
    validation_report: null,
    estimate: null,
    review: null,
    ...overrides,
  };
}
