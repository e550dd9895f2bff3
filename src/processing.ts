/** What a FileResponse says about processing: still going, usable, or refused (protocol doc, section 6). */
import type { FileObject, ValidationReport } from './together/types.js';

export type ProcessingState =
  | { kind: 'pending'; status: string | null }
  | { kind: 'processed'; status: string | null; report: ValidationReport | null }
  | { kind: 'rejected'; status: string; error: string; report: ValidationReport | null };

/**
 * Reads `processing_status` when the server sends it (COMPLETED; INVALID_FORMAT and FAILED are refusals; an
 * unknown value is taken as still pending). The older API has no `processing_status`: there the file is done when
 * `Processed` is true.
 */
export function readProcessingState(file: FileObject): ProcessingState {
  const status = typeof file.processing_status === 'string' ? file.processing_status : null;
  const report = validationReportOf(file);
  if (status === null)
    return file.Processed === true ? { kind: 'processed', status, report } : { kind: 'pending', status };
  if (status === 'COMPLETED') return { kind: 'processed', status, report };
  if (status === 'INVALID_FORMAT' || status === 'FAILED') {
    return { kind: 'rejected', status, error: rejectionMessage(file, status), report };
  }
  // PENDING, QUEUED, RUNNING, and any state a newer API may add before a terminal one.
  return { kind: 'pending', status };
}

/** The file's `validation_report` when it is one (an object with a boolean `valid`), else null. */
export function validationReportOf(file: FileObject): ValidationReport | null {
  const report = file.validation_report as unknown;
  if (!report || typeof report !== 'object' || typeof (report as { valid?: unknown }).valid !== 'boolean') return null;
  return report as ValidationReport;
}

function rejectionMessage(file: FileObject, status: string): string {
  const reason = file.validation_report?.error;
  if (typeof reason === 'string' && reason.trim()) return `Together rejected the file (${status}): ${reason.trim()}`;
  return status === 'FAILED'
    ? 'Together could not process the file (FAILED) and gave no reason; try the upload again, and contact Together support if it persists.'
    : 'Together rejected the file as INVALID_FORMAT and gave no reason; check it against https://docs.together.ai/docs/fine-tuning-data-preparation.';
}
