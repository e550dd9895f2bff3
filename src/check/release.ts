/**
 * Frees typed arrays' memory now. V8 frees an ArrayBuffer's memory only when a collection finds it dead, and the
 * review's buffers (a few hundred KB to a few MB each, made per range and per partition, with hardly any
 * JavaScript objects around them to start a collection) outlive young collections and wait for a full one: the
 * base/head review of 2 × 1 GiB left tens of MiB of dead buffers on each thread, and a malloc heap that stayed
 * grown after they went. Detaching a buffer (`transfer(0)`) frees it at once.
 *
 * Only for arrays nothing else reads: a released array (and every view of its buffer) reads as empty. A Buffer
 * that is part of a larger ArrayBuffer is left alone: small Buffers share Node's pool with every other.
 */
export function release(...arrays: Array<ArrayBufferView | undefined>): void {
  for (const array of arrays) {
    const buffer = array?.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.detached) continue;
    if (Buffer.isBuffer(array) && array.byteLength !== buffer.byteLength) continue;
    buffer.transfer(0);
  }
}
