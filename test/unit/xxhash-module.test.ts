import { readFileSync } from 'node:fs';
import path from 'node:path';
import xxhash from 'xxhash-wasm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { hashBytesInto, hashValue, loadHasher } from '../../src/check/sample-hash.js';
import { XXHASH_WASM_BASE64, XXHASH_WASM_VERSION } from '../../src/check/xxhash-module.js';

const PACKAGE = path.resolve(import.meta.dirname, '../../node_modules/xxhash-wasm');

beforeAll(loadHasher);

describe('the embedded xxHash64 module', () => {
  it("is the installed xxhash-wasm's, byte for byte (else: npx tsx scripts/embed-xxhash.ts)", () => {
    const installed = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { version: string };
    expect(XXHASH_WASM_VERSION).toBe(installed.version);
    const embedded = Buffer.from(XXHASH_WASM_BASE64, 'base64');
    expect(embedded.equals(readFileSync(path.join(PACKAGE, 'workerd', 'xxhash.wasm')))).toBe(true);
  });

  it("hashes bytes as the library's h64Raw does, before and after its memory grows", async () => {
    const library = await xxhash();
    const out = new Uint32Array(2);
    // From empty to 5 MiB: the module's memory starts at one 64 KiB page, so the large inputs make it grow.
    for (const size of [0, 1, 31, 32, 33, 4096, 65_536, 65_537, 1 << 20, 5 << 20]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) bytes[i] = (i * 131 + (i >>> 7)) & 0xff;
      hashBytesInto(bytes, out, 0);
      const expected = library.h64Raw(bytes);
      expect({ size, lo: out[0], hi: out[1] }).toEqual({
        size,
        lo: Number(expected & 0xffffffffn),
        hi: Number(expected >> 32n),
      });
    }
  });

  it('hashes values whose long strings make the memory grow as a freshly loaded hasher does', async () => {
    vi.resetModules();
    const fresh = await import('../../src/check/sample-hash.js');
    await fresh.loadHasher();
    const huge = 'é'.repeat(3 << 20);
    const values = [
      { messages: [{ role: 'user', content: huge }] },
      { text: 'a string long enough for the long path' },
      { messages: [{ role: 'user', content: huge }] },
      { messages: [{ role: 'user', content: `${huge}x` }] },
    ];
    // This module's memory grew in the test above; the fresh one grows from one page during the first value.
    const here = values.map(hashValue);
    expect(values.map(fresh.hashValue)).toEqual(here);
    expect(here[2]).toEqual(here[0]);
    expect(here[3]).not.toEqual(here[0]);
  });

  it("hashes the same through Buffer's write() where its utf8Write is missing", async () => {
    const values = [
      { messages: [{ role: 'user', content: `${'ünïcode, long enough '.repeat(40)}🙂` }] },
      { text: 'x'.repeat(99) },
    ];
    const proto = Buffer.prototype as unknown as { utf8Write?: unknown };
    const own = proto.utf8Write;
    const expected = values.map(hashValue);
    vi.resetModules();
    delete proto.utf8Write;
    try {
      const fallback = await import('../../src/check/sample-hash.js');
      await fallback.loadHasher();
      expect(values.map(fallback.hashValue)).toEqual(expected);
    } finally {
      proto.utf8Write = own;
    }
  });
});
