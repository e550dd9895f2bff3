import { describe, expect, it } from 'vitest';
import { readProcessingState } from '../../src/processing.js';

const file = { id: 'file-1' };

describe('readProcessingState', () => {
  it.each(['PENDING', 'QUEUED', 'RUNNING', 'SOMETHING_NEW'])('%s is still pending', (status) => {
    expect(readProcessingState({ ...file, processing_status: status, Processed: true })).toEqual({
      kind: 'pending',
      status,
    });
  });

  it('COMPLETED is processed, whatever Processed says', () => {
    expect(readProcessingState({ ...file, processing_status: 'COMPLETED', Processed: false })).toEqual({
      kind: 'processed',
      status: 'COMPLETED',
      report: null,
    });
  });

  it("carries Together's validation report as it sent it, and ignores one that is not a report", () => {
    const report = { valid: true, dataset_format: 'conversation', nlines: 3, dataset_has_tools: true };
    expect(readProcessingState({ ...file, processing_status: 'COMPLETED', validation_report: report })).toEqual({
      kind: 'processed',
      status: 'COMPLETED',
      report,
    });
    const odd = { ...file, processing_status: 'COMPLETED', validation_report: 'ok' as never };
    expect(readProcessingState(odd)).toMatchObject({ report: null });
  });

  it('INVALID_FORMAT is a rejection carrying validation_report.error', () => {
    const state = readProcessingState({
      ...file,
      processing_status: 'INVALID_FORMAT',
      validation_report: {
        valid: false,
        error: 'Line 7: `messages[1]` must contain a `role` field',
        error_type: 'INVALID_FORMAT',
      },
    });
    expect(state).toEqual({
      kind: 'rejected',
      status: 'INVALID_FORMAT',
      error: 'Together rejected the file (INVALID_FORMAT): Line 7: `messages[1]` must contain a `role` field',
      report: {
        valid: false,
        error: 'Line 7: `messages[1]` must contain a `role` field',
        error_type: 'INVALID_FORMAT',
      },
    });
  });

  it('FAILED is a rejection, with advice when no reason is given', () => {
    const state = readProcessingState({ ...file, processing_status: 'FAILED' });
    expect(state.kind).toBe('rejected');
    expect(state.kind === 'rejected' && state.error).toMatch(
      /could not process the file \(FAILED\) and gave no reason/,
    );
  });

  it('on the older API (no processing_status) waits for Processed to be true', () => {
    expect(readProcessingState({ ...file, Processed: false })).toEqual({ kind: 'pending', status: null });
    expect(readProcessingState({ ...file })).toEqual({ kind: 'pending', status: null });
    expect(readProcessingState({ ...file, Processed: true })).toEqual({
      kind: 'processed',
      status: null,
      report: null,
    });
  });
});
