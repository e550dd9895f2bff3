/**
 * Writes real Parquet files for the tests, the way pyarrow lays out pre-tokenized data: `list<element: int64>`
 * columns, format v2 data pages, a chosen codec, several row groups. The writer is Apache arrow-rs (parquet-wasm);
 * pyarrow is not installable here, and the checker reads only the footer, which any conforming writer produces.
 */
import { Field, Int64, List, Table as ArrowTable, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { Compression, Table, WriterPropertiesBuilder, WriterVersion, writeParquet } from 'parquet-wasm/node';

export type Codec = 'snappy' | 'zstd' | 'gzip' | 'none';

export interface ParquetFixture {
  /** Column name -> rows: token lists (`list<int64>`) or strings. */
  columns: Record<string, Array<number[] | string>>;
  codec?: Codec;
  rowGroupRows?: number;
}

const CODECS: Record<Codec, Compression> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  gzip: Compression.GZIP,
  none: Compression.UNCOMPRESSED,
};

export function parquetBytes(fixture: ParquetFixture): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const [name, rows] of Object.entries(fixture.columns)) {
    vectors[name] =
      typeof rows[0] === 'string'
        ? vectorFromArray(rows as string[], new Utf8())
        : vectorFromArray(
            (rows as number[][]).map((r) => r.map(BigInt)),
            new List(new Field('element', new Int64(), true)),
          );
  }
  const ipc = tableToIPC(new ArrowTable(vectors), 'stream');
  const properties = new WriterPropertiesBuilder()
    .setCompression(CODECS[fixture.codec ?? 'snappy'])
    .setWriterVersion(WriterVersion.V2)
    .setMaxRowGroupSize(fixture.rowGroupRows ?? 1024)
    .setCreatedBy('parquet-cpp-arrow version 21.0.0')
    .build();
  return writeParquet(Table.fromIPCStream(ipc), properties);
}

/** `rows` samples of pre-tokenized data with all three columns. */
export function tokenizedColumns(rows: number, withLabels = true): ParquetFixture['columns'] {
  const ids = Array.from({ length: rows }, (_, i) => Array.from({ length: 8 + (i % 5) }, (_, j) => 1000 + i + j));
  const columns: ParquetFixture['columns'] = { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)) };
  if (withLabels) columns.labels = ids.map((r) => r.map((t, j) => (j === 0 ? -100 : t)));
  return columns;
}
