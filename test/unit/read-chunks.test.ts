import { randomBytes } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_CHUNK_BYTES, readChunks } from '../../src/together/storage.js';
import { makeWorkspace } from '../helpers/workspace.js';

/** One read's worth: the chunks the tests count in. */
const MiB = READ_CHUNK_BYTES;
let ws: Awaited<ReturnType<typeof makeWorkspace>>;
let content: Buffer;

beforeEach(async () => {
  ws = await makeWorkspace({});
  content = randomBytes(5 * MiB + 777);
  await writeFile(ws.file('data.bin'), content);
});
afterEach(() => ws.cleanup());

describe('readChunks', () => {
  it('yields exactly the requested range, in order, and reports each chunk', async () => {
    const seen: number[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of readChunks(ws.file('data.bin'), content.length, (c) => seen.push(c.length))) {
      parts.push(Buffer.from(chunk)); // copy: the buffer is reused
    }
    expect(Buffer.concat(parts).equals(content)).toBe(true);
    expect(seen).toEqual([MiB, MiB, MiB, MiB, MiB, 777]);
  });

  it('reads a range from an offset (as a multipart part does)', async () => {
    const parts: Buffer[] = [];
    for await (const chunk of readChunks(ws.file('data.bin'), 2 * MiB + 5, () => undefined, 3 * MiB - 1))
      parts.push(Buffer.from(chunk));
    expect(Buffer.concat(parts).equals(content.subarray(3 * MiB - 1, 5 * MiB + 4))).toBe(true);
  });

  it('keeps a yielded chunk intact while the next two are pulled, and refills its buffer after that', async () => {
    const chunks: Buffer[] = [];
    const iterator = readChunks(ws.file('data.bin'), content.length, () => undefined);
    for (let i = 0; i < 3; i += 1) chunks.push((await iterator.next()).value as Buffer);
    // Pulling chunk 2 started reading chunk 3 ahead, into the fourth buffer: the first is still untouched.
    expect(chunks[0]!.equals(content.subarray(0, MiB))).toBe(true);
    await iterator.next();
    await iterator.next(); // chunk 4 was read into the first buffer
    expect(chunks[0]!.equals(content.subarray(4 * MiB, 5 * MiB))).toBe(true);
    await iterator.return(undefined);
  });

  it('fails when the file shrinks under it', async () => {
    const iterator = readChunks(ws.file('data.bin'), content.length, () => undefined);
    await iterator.next();
    await truncate(ws.file('data.bin'), 2 * MiB);
    await expect(async () => {
      for (;;) if ((await iterator.next()).done) break;
    }).rejects.toThrow(`the file shrank while it was uploaded: ${2 * MiB} of ${content.length} bytes read`);
  });
});
