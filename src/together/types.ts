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

/** A fine-tune job's event (`events[]` of the job; fine-tunes doc, "Events"). Wire casing of type and level varies. */
export interface FineTuneEvent {
  object?: string;
  created_at?: string;
  message?: string;
  type?: string;
  level?: string;
  step?: number;
  total_steps?: number;
  /** Set by some events (job_restarted) to the job that carries on. */
  job_id?: string;
  [key: string]: unknown;
}

/** `GET /fine-tunes/{id}` (fine-tunes doc); unknown fields are kept. */
export interface FineTuneJob {
  id: string;
  status?: string;
  model?: string;
  training_file?: string;
  validation_file?: string;
  model_output_name?: string;
  adapter_object_name?: string;
  model_object_name?: string;
  created_at?: string;
  updated_at?: string;
  started_at?: string;
  events?: FineTuneEvent[];
  token_count?: number;
  /** Nanodollars. */
  total_price?: number;
  epochs_completed?: number;
  progress?: { estimate_available?: boolean; seconds_remaining?: number };
  hyperparameters?: Record<string, unknown>;
  suffix?: string;
  [key: string]: unknown;
}

/** `GET /fine-tunes/models/limits?model_name=` (fine-tunes doc, "Events, metrics, others"). */
export interface BatchLimits {
  min_batch_size?: number;
  max_batch_size?: number;
  max_batch_size_dpo?: number;
  max_rank?: number;
  target_modules?: string[];
}

export interface ModelLimits {
  model_name?: string;
  max_num_epochs?: number;
  max_num_evals?: number;
  max_num_checkpoints?: number;
  min_learning_rate?: number;
  max_learning_rate?: number;
  min_max_seq_length?: number;
  max_seq_length_sft?: number;
  max_seq_length_dpo?: number;
  supports_full_training?: boolean;
  supports_vision?: boolean;
  lora_training?: BatchLimits;
  full_training?: BatchLimits;
}

/** One point of `GET /fine-tunes/{id}/metrics`: `train/loss`, `train/global_step`, `eval/loss`, ... */
export type MetricPoint = Record<string, unknown>;
