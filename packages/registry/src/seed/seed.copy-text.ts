// Buffers that hold one table's COPY text for a batch as UTF-8 bytes, so the worker can hand
// them to the main thread without copying or re-encoding.

/** About 1 MB per chunk: large enough for few COPY writes, small enough to die young. */
const CHUNK = 1 << 20;

/**
 * One table's COPY text as UTF-8 bytes, in chunks of about 1 MB. Lines are one-byte strings
 * (see encoding), so each is copied in as it comes and dies young.
 */
export class TableText {
  readonly chunks: Uint8Array[] = [];
  private buffer: Buffer | undefined;
  private offset = 0;

  add(text: string): void {
    let buffer = this.buffer;
    if (!buffer || this.offset + text.length > buffer.length) {
      this.flush();
      buffer = this.buffer = Buffer.allocUnsafeSlow(Math.max(CHUNK, text.length));
    }
    this.offset += buffer.write(text, this.offset, 'latin1');
  }

  flush(): void {
    if (this.buffer && this.offset > 0) this.chunks.push(this.buffer.subarray(0, this.offset));
    this.buffer = undefined;
    this.offset = 0;
  }
}

/**
 * A person-keyed table's COPY text, written in ID-number order within the batch: index inserts
 * then walk the primary key (and the other ID-led indexes) in order, which PostgreSQL does
 * measurably faster than random order. Lines are kept in one growing buffer with their keys,
 * and copied out in order at the end of the batch.
 */
export class SortedTableText {
  private buffer = Buffer.allocUnsafeSlow(CHUNK * 4);
  private offset = 0;
  private readonly keys: string[] = [];
  private readonly starts: number[] = [];

  add(key: string, text: string): void {
    if (this.offset + text.length > this.buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.offset + text.length));
      this.buffer.copy(bigger, 0, 0, this.offset);
      this.buffer = bigger;
    }
    this.keys.push(key);
    this.starts.push(this.offset);
    this.offset += this.buffer.write(text, this.offset, 'latin1');
  }

  chunks(): Uint8Array[] {
    const { keys, starts, buffer } = this;
    const order = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
    const chunks: Uint8Array[] = [];
    let out = Buffer.allocUnsafeSlow(Math.min(CHUNK, this.offset));
    let at = 0;
    for (const i of order) {
      const start = starts[i] as number;
      const end = i + 1 < starts.length ? (starts[i + 1] as number) : this.offset;
      if (at + end - start > out.length) {
        chunks.push(out.subarray(0, at));
        out = Buffer.allocUnsafeSlow(Math.max(CHUNK, end - start));
        at = 0;
      }
      at += buffer.copy(out, at, start, end);
    }
    if (at > 0) chunks.push(out.subarray(0, at));
    return chunks;
  }
}
