/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32). Its period (2^128 − 1) is
 * far beyond what a 100-million-person seed draws; mulberry32's 2^32 would not be.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }

  /** Approximately normal (sum of three uniforms), cheap and bounded to mean ± 3 sd. */
  normal(mean: number, sd: number): number {
    return mean + (this.next() + this.next() + this.next() - 1.5) * 2 * sd;
  }
}

/** A weighted choice among values: cumulative weights and a binary search. */
export class Weighted<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    const kept = entries.filter(([, weight]) => weight > 0);
    if (kept.length === 0) throw new Error('a weighted table needs at least one positive weight');
    this.values = kept.map(([value]) => value);
    this.cumulative = new Float64Array(kept.length);
    let sum = 0;
    kept.forEach(([, weight], i) => {
      sum += weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  sample(random: Random): T {
    const target = random.next() * this.total;
    const cumulative = this.cumulative;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }

  /** The share of one value, for tests and documentation. */
  share(value: T): number {
    let previous = 0;
    for (let i = 0; i < this.values.length; i++) {
      const cumulative = this.cumulative[i] as number;
      if (this.values[i] === value) return (cumulative - previous) / this.total;
      previous = cumulative;
    }
    return 0;
  }
}

/** Weights that decrease with rank (a Zipf-like tail), for name lists ordered by popularity. */
export function ranked<T>(values: readonly T[], flatten = 4): Weighted<T> {
  return new Weighted(values.map((value, rank) => [value, 1 / (rank + flatten)] as const));
}
