/** Wire shapes of the Together Files API (protocol doc, sections 3 and 4). Unknown fields are ignored. */
import type { FileType, Purpose } from '../domain.js';

export type ProcessingStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'INVALID_FORMAT';

/** Together's verdict on a fine-tune file's content (2026: the flags say what the dataset uses). */
export interface ValidationReport {
  valid: boolean;
  error?: string;
  error_type?: string;
  dataset_format?: string;
  nlines?: number;
  dataset_has_tools?: boolean;
  dataset_has_parallel_tool_calls?: boolean;
  dataset_has_reasoning?: boolean;
  dataset_has_message_weights?: boolean;
  dataset_has_sample_weights?: boolean;
  dataset_is_multimodal?: boolean;
  [key: string]: unknown;
}

export interface FileObject {
  id: string;
  object?: string;
  created_at?: number;
  filename?: string;
  bytes?: number;
  purpose?: string;
  /** Deprecated: "fully uploaded" in the current API, "parsed and analyzed" in the older one. */
  Processed?: boolean;
  FileType?: string;
  /** A ProcessingStatus, or a state a newer API added; absent on the older API. */
  processing_status?: string;
  validation_report?: ValidationReport;
}

/** Together's answer to `POST /fine-tunes/estimate-price` (either shape may come; unknown fields are ignored). */
export interface EstimatePriceAnswer {
  estimated_train_token_count?: number;
  estimated_eval_token_count?: number;
  /** US dollars. */
  estimated_total_price?: number;
  allowed_to_proceed?: boolean;
  /** The account's credit limit in dollars. */
  user_limit?: number;
  /** false, with the reason, when Together cannot estimate (multimodal_dataset, train_file_not_validated, ...). */
  estimation_available?: boolean;
  unavailable_reason?: string;
}

export interface CreateFileRequest {
  purpose: Purpose;
  /** The name Together stores: the basename, never a local path. */
  fileName: string;
  fileType: FileType;
  /**
   * The hex SHA-256 of the content (2026 API): Together answers 409 with the ID of a file that already holds it.
   */
  checksum?: string;
}

export interface ReservedUpload {
  fileId: string;
  /** A presigned storage URL: a credential, never to be logged. */
  uploadUrl: string;
}

export interface MultipartUpload {
  uploadId: string;
  fileId: string;
  /** Sorted by part number; URLs are presigned credentials, never to be logged. */
  parts: Array<{ partNumber: number; url: string; headers: Record<string, string> }>;
}
