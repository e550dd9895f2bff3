/**
 * The read buffers of every upload in flight, under one memory budget.
 *
 * Each reader of a file (a PUT, a multipart part, the SHA-256 read beside a multipart upload) needs a few buffers.
 * Files in flight times parts in flight made that grow with the inputs: four multipart uploads at once peaked at
 * 200 MiB, a third of it buffers dropped after each part and waiting for V8 to collect them. Here readers wait for
 * room instead, and full-size buffers are handed to the next reader rather than dropped.
 *
 * A reader holds one set at a time and never waits for another while holding it, so waiting cannot deadlock.
 */
export class ReadBufferBudget {
  private bytesInUse = 0;
  private readonly spare: Buffer[] = [];
  private readonly waiting = new Set<() => void>();

  constructor(
    /** Bytes of buffers all readers together may hold. */
    readonly budgetBytes: number,
    /** The size of a full buffer: a reader's chunk. */
    readonly chunkBytes: number,
    /** Buffers a reader needs at once. */
    readonly buffersPerReader: number,
  ) {}

  /**
   * Buffers to read `bytes` with (smaller when there is less to read), once the budget has room for them. A reader
   * is always let in when nobody holds any, whatever its size. Rejects when `signal` aborts while it waits.
   */
  async acquire(bytes: number, signal?: AbortSignal): Promise<Buffer[]> {
    const size = Math.min(this.chunkBytes, Math.max(1, bytes));
    const needed = size * this.buffersPerReader;
    while (this.bytesInUse > 0 && this.bytesInUse + needed > this.budgetBytes) await this.nextRelease(signal);
    signal?.throwIfAborted();
    this.bytesInUse += needed;
    return Array.from(
      { length: this.buffersPerReader },
      () => (size === this.chunkBytes ? this.spare.pop() : undefined) ?? Buffer.allocUnsafe(size),
    );
  }

  /**
   * Gives buffers back. Only once nothing uses them any more: the reads into them have finished and the request
   * that sent them has settled.
   */
  release(buffers: Buffer[]): void {
    for (const buffer of buffers) {
      this.bytesInUse -= buffer.length;
      if (buffer.length === this.chunkBytes) this.spare.push(buffer);
    }
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }

  /** Bytes held by readers now (for tests and diagnostics). */
  get inUse(): number {
    return this.bytesInUse;
  }

  private nextRelease(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(wake);
        reject(signal!.reason as Error);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
