import { describe, expect, it } from 'vitest';
import { contentAddressedName, findReusable } from '../../src/dedupe.js';

describe('dedupe names', () => {
  it('puts 12 hex digits of the content hash before the extension, and reuses the newest processed match', () => {
    expect(contentAddressedName('train.jsonl', 'ab'.repeat(32))).toBe('train.abababababab.jsonl');
    expect(contentAddressedName('data.v2.parquet', '0123456789abcdef'.repeat(4))).toBe('data.v2.0123456789ab.parquet');
    const files = [
      {
        id: 'old',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'COMPLETED',
        created_at: 1,
      },
      {
        id: 'new',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'COMPLETED',
        created_at: 2,
      },
      {
        id: 'bad',
        filename: 'a.x.jsonl',
        bytes: 10,
        purpose: 'fine-tune',
        processing_status: 'INVALID_FORMAT',
        created_at: 3,
      },
      { id: 'eval', filename: 'a.x.jsonl', bytes: 10, purpose: 'eval', processing_status: 'COMPLETED', created_at: 4 },
    ];
    expect(findReusable(files, { filename: 'a.x.jsonl', bytes: 10, purpose: 'fine-tune' })?.id).toBe('new');
    expect(findReusable(files, { filename: 'a.x.jsonl', bytes: 11, purpose: 'fine-tune' })).toBeUndefined();
  });
});
