/**
 * ID number → the line it was first seen on, for finding duplicates while a file streams in.
 * Open addressing over typed arrays: 12-digit numbers are exact in a float64, so a million IDs
 * take 24 MB here instead of the ~80 MB of a Map of strings, and nothing else of the file is kept.
 */
export class IdLineMap {
  #keys: Float64Array;
  #lines: Float64Array;
  #size = 0;
  #mask: number;

  constructor(capacity = 1 << 16) {
    let size = 1;
    while (size < capacity) size <<= 1;
    this.#keys = new Float64Array(size).fill(-1);
    this.#lines = new Float64Array(size);
    this.#mask = size - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The first line of `id` if it was seen; otherwise records `line` for it and returns undefined. */
  firstLine(id: number, line: number): number | undefined {
    if ((this.#size + 1) * 4 > this.#keys.length * 3) this.#grow();
    const keys = this.#keys;
    // Fibonacci hashing of the low and high halves (the number exceeds 32 bits).
    let slot =
      (Math.imul((id % 0x100000000) | 0, 0x9e3779b1) ^ Math.imul((id / 0x100000000) | 0, 0x85ebca6b)) &
      this.#mask;
    for (;;) {
      const key = keys[slot]!;
      if (key === -1) {
        keys[slot] = id;
        this.#lines[slot] = line;
        this.#size++;
        return undefined;
      }
      if (key === id) return this.#lines[slot];
      slot = (slot + 1) & this.#mask;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const lines = this.#lines;
    this.#keys = new Float64Array(keys.length * 2).fill(-1);
    this.#lines = new Float64Array(keys.length * 2);
    this.#mask = this.#keys.length - 1;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.firstLine(keys[i]!, lines[i]!);
  }
}
