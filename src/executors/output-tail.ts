// Keeps only the last `limit` bytes of a stream, so the log of a noisy task
// costs bounded memory however long it runs. A ring buffer: every byte is
// copied once, whatever the chunk sizes. It grows on demand up to `limit`, so
// the many tasks that print little do not each pay for the full limit.

export const DEFAULT_TAIL_BYTES = 64 * 1024;

const MIN_CAPACITY = 1024;

export class OutputTail {
  private ring = Buffer.alloc(0);
  /** Index of the oldest kept byte. */
  private start = 0;
  private size = 0;
  private seen = 0;

  constructor(readonly limit: number = DEFAULT_TAIL_BYTES) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`tail limit must be a positive integer, got ${limit}`);
  }

  /** Bytes written in total, kept or not. */
  get totalBytes(): number {
    return this.seen;
  }

  /** Whether bytes were dropped from the front. */
  get truncated(): boolean {
    return this.seen > this.size;
  }

  push(chunk: Buffer | string): void {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.seen += data.length;
    if (data.length > this.limit) data = data.subarray(data.length - this.limit);
    if (this.size + data.length > this.ring.length && this.ring.length < this.limit) this.grow(this.size + data.length);
    const capacity = this.ring.length;
    for (let written = 0; written < data.length;) {
      // Write up to the physical end of the ring, then wrap; once full, the newest bytes overwrite the oldest.
      const end = (this.start + this.size) % capacity;
      const n = data.copy(this.ring, end, written, Math.min(data.length, written + capacity - end));
      written += n;
      this.size += n;
      if (this.size > capacity) {
        this.start = (this.start + this.size - capacity) % capacity;
        this.size = capacity;
      }
    }
  }

  /** The kept bytes as UTF-8; a character cut in half at the front is dropped rather than mangled. */
  toString(): string {
    const buf = this.contents();
    let from = 0;
    // A UTF-8 character is at most 4 bytes, so at most 3 orphaned continuation bytes (10xxxxxx).
    if (this.truncated) while (from < 3 && from < buf.length && (buf[from]! & 0xc0) === 0x80) from++;
    return buf.toString("utf8", from);
  }

  private contents(): Buffer {
    const end = this.start + this.size;
    if (end <= this.ring.length) return this.ring.subarray(this.start, end);
    return Buffer.concat([this.ring.subarray(this.start), this.ring.subarray(0, end - this.ring.length)], this.size);
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.min(this.limit, Math.max(needed, this.ring.length * 2, MIN_CAPACITY)));
    this.contents().copy(next);
    this.ring = next;
    this.start = 0;
  }
}
