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

/**
 * The largest footer read. A footer holds the schema and each row group's column chunks: for the few columns of
 * pre-tokenized data, about a kilobyte per row group, so 8 MiB is thousands of row groups. A file that claims more
 * is refused before the claim is read (a footer claiming 500 MB took 1.5 GiB to parse).
 */
export const MAX_FOOTER_BYTES = 8 * 1024 * 1024;

/** Reads the footer. Throws an Error saying what is wrong when the file is not a readable Parquet file. */
export async function readParquetSummary(path: string, bytes: number): Promise<ParquetSummary> {
  if (bytes < 12)
    throw new Error(
      `it is ${bytes} bytes long, too short to be Parquet (a Parquet file ends with a footer and "PAR1")`,
    );
  const handle = await open(path, 'r');
  try {
    // The footer's length is the file's claim: read nothing it says until that claim is known to be sane.
    const tail = Buffer.alloc(8);
    await handle.read(tail, 0, 8, bytes - 8);
    if (tail.toString('latin1', 4) !== 'PAR1')
      throw new Error('it does not end with "PAR1"; the file is truncated, corrupt or not Parquet');
    const footerBytes = tail.readUInt32LE(0);
    if (footerBytes > bytes - 12) {
      throw new Error(
        `its footer claims ${footerBytes.toLocaleString('en-US')} bytes, more than the file holds; the file is truncated or corrupt`,
      );
    }
    if (footerBytes > MAX_FOOTER_BYTES) {
      throw new Error(
        `its footer claims ${(footerBytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_FOOTER_BYTES / 2 ** 20} MiB the check reads (pre-tokenized data of a few columns has a footer of kilobytes); write it with fewer row groups`,
      );
    }
    // Loaded only for Parquet files: most runs check none.
    const { parquetMetadataAsync, parquetSchema } = await import('hyparquet');
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
    try {
      const root = parquetSchema(metadata);
      return {
        columns: root.children.map((child) => child.element.name),
        rows: Number(metadata.num_rows),
        rowGroups: metadata.row_groups.length,
      };
    } catch (error) {
      // A footer that parses but does not hold a schema (a hostile one: "reading 'map' of undefined").
      throw new Error(`its footer holds no readable schema (${messageOf(error)}); the file is corrupt or not Parquet`, {
        cause: error,
      });
    }
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
