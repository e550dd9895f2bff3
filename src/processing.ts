/** What a FileResponse says about processing: still going, usable, or refused (protocol doc, section 6). */
import type { FileObject } from './together/types.js';

export type ProcessingState =
  | { kind: 'pending'; status: string | null }
  | { kind: 'processed'; status: string | null }
  | { kind: 'rejected'; status: string; error: string };

/**
 * Reads `processing_status` when the server sends it (COMPLETED; INVALID_FORMAT and FAILED are refusals; an
 * unknown value is taken as still pending). The older API has no `processing_status`: there the file is done when
 * `Processed` is true.
 */
export function readProcessingState(file: FileObject): ProcessingState {
  const status = typeof file.processing_status === 'string' ? file.processing_status : null;
  if (status === null) return file.Processed === true ? { kind: 'processed', status } : { kind: 'pending', status };
  if (status === 'COMPLETED') return { kind: 'processed', status };
  if (status === 'INVALID_FORMAT' || status === 'FAILED') {
    return { kind: 'rejected', status, error: rejectionMessage(file, status) };
  }
  // PENDING, QUEUED, RUNNING, and any state a newer API may add before a terminal one.
  return { kind: 'pending', status };
}

function rejectionMessage(file: FileObject, status: string): string {
  const reason = file.validation_report?.error;
  if (typeof reason === 'string' && reason.trim()) return `Together rejected the file (${status}): ${reason.trim()}`;
  return status === 'FAILED'
    ? 'Together could not process the file (FAILED) and gave no reason; try the upload again, and contact Together support if it persists.'
    : 'Together rejected the file as INVALID_FORMAT and gave no reason; check it against https://docs.together.ai/docs/fine-tuning-data-preparation.';
}
