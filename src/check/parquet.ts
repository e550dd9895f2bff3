/**
 * Together's Parquet rules (pre-tokenized fine-tune data, rules doc section 8), read from the file's footer only:
 * the columns must include `input_ids` and be among `input_ids`, `attention_mask`, `labels`, and there must be at
 * least one row. The footer is parsed with hyparquet; no data page is read, whatever the codec.
 */
import { messageOf } from '../error-text.js';
import { open } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';
import { excerpt } from '../safe-text.js';

/** The columns Together accepts in pre-tokenized data (2026: `position_ids` too, for packed sequences). */
export const PARQUET_COLUMNS = ['input_ids', 'attention_mask', 'labels', 'position_ids'] as const;

export interface ParquetSummary {
  /** Top-level column names, in schema order. */
  columns: string[];
  rows: number;
  rowGroups: number;
}

/** Reads the footer. Throws an Error saying what is wrong when the file is not a readable Parquet file. */
export async function readParquetSummary(path: string, bytes: number): Promise<ParquetSummary> {
  if (bytes < 12)
    throw new Error(
      `it is ${bytes} bytes long, too short to be Parquet (a Parquet file ends with a footer and "PAR1")`,
    );
  // Loaded only for Parquet files: most runs check none.
  const { parquetMetadataAsync, parquetSchema } = await import('hyparquet');
  const handle = await open(path, 'r');
  try {
    const file: AsyncBuffer = {
      byteLength: bytes,
      slice: async (start, end = bytes) => {
        const buffer = Buffer.alloc(end - start);
        await handle.read(buffer, 0, buffer.length, start);
        return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
      },
    };
    let metadata;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (error) {
      throw new Error(
        `its footer cannot be read (${messageOf(error)}); the file is truncated, corrupt or not Parquet`,
        {
          cause: error,
        },
      );
    }
    const root = parquetSchema(metadata);
    return {
      columns: root.children.map((child) => child.element.name),
      rows: Number(metadata.num_rows),
      rowGroups: metadata.row_groups.length,
    };
  } finally {
    await handle.close();
  }
}

/** Column names from the file, quoted and cut short, at most five. */
function quoteColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 5).map((c) => `"${excerpt(c, 60)}"`);
  if (columns.length > 5) shown.push(`and ${columns.length - 5} more`);
  return shown.join(', ') || 'none';
}

/** The first broken rule, or undefined. */
export function parquetProblem(summary: ParquetSummary): string | undefined {
  if (!summary.columns.includes('input_ids')) {
    return `The file has no "input_ids" column (it has ${quoteColumns(summary.columns)}); pre-tokenized data needs "input_ids", and optionally "attention_mask", "labels" and "position_ids".`;
  }
  const unexpected = summary.columns.find((c) => !(PARQUET_COLUMNS as readonly string[]).includes(c));
  if (unexpected !== undefined) {
    return `The file has the column "${excerpt(unexpected, 60)}"; only "input_ids", "attention_mask", "labels" and "position_ids" are allowed. Drop the other columns.`;
  }
  if (summary.rows < 1) return 'The file has no rows; it needs at least one sample.';
  return undefined;
}
