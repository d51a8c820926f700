// RFC 9162 (RFC 6962) Merkle tree hashing, proof shapes and proof verification. Pure: no I/O.
//
// A node (level, index) is the perfect subtree over leaves [index·2^level, (index+1)·2^level).
// Arithmetic on indices uses ordinary numbers with * and /, never 32-bit bit operators, so it
// is exact up to 2^53 leaves; the verifiers use BigInt because their inputs are untrusted.
import { createHash, hash } from 'node:crypto';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

// One-shot `hash` over one buffer: a hash object per call (createHash) costs several times the
// SHA-256 of a short input, and batch entries hash a leaf and a node per subject (ADR 0009).

/** SHA-256(0x00 ‖ data): the hash of a leaf whose content is `data`. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/** hashLeaf of a text's UTF-8 bytes, without copying them into a buffer first. */
export function hashLeafText(text: string): Uint8Array {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

// Hashing is synchronous, so one buffer serves every call.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, NODE_PREFIX[0]);

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Uint8Array = createHash('sha256').digest();

export interface NodeId {
  level: number;
  index: number;
}

/** A range of leaves [begin, end) whose Merkle tree hash (MTH) a proof needs. */
export interface LeafRange {
  begin: number;
  end: number;
}

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees that make up the range [begin, end), largest first. The range must be
 * one the RFC's recursion produces: `begin` a multiple of the smallest power of two ≥ its size.
 * Then MTH(range) folds these from the right: H(n1, H(n2, … nk)).
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let start = begin;
  let remaining = end - begin;
  let level = 0;
  while (2 ** (level + 1) <= remaining) level++;
  for (; remaining > 0; level--) {
    const width = 2 ** level;
    if (remaining >= width) {
      if (start % width !== 0) throw new RangeError(`range [${begin}, ${end}) is not aligned`);
      nodes.push({ level, index: start / width });
      start += width;
      remaining -= width;
    }
  }
  return nodes;
}

/** MTH of a range from the hashes of its perfect subtrees (as returned by rangeNodes). */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = hashChildren(hashes[i]!, hash);
  return hash;
}

/** The ranges whose MTHs form the inclusion proof of `leafIndex` in a tree of `treeSize` (RFC 9162 §2.1.3.1), bottom first. */
export function inclusionProofRanges(leafIndex: number, treeSize: number): LeafRange[] {
  if (!(Number.isSafeInteger(leafIndex) && Number.isSafeInteger(treeSize) && leafIndex >= 0))
    throw new RangeError('leaf index and tree size must be non-negative integers');
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  const ranges: LeafRange[] = [];
  const path = (begin: number, end: number) => {
    if (end - begin <= 1) return;
    const k = splitPoint(end - begin);
    if (leafIndex < begin + k) {
      path(begin, begin + k);
      ranges.push({ begin: begin + k, end });
    } else {
      path(begin + k, end);
      ranges.push({ begin, end: begin + k });
    }
  };
  path(0, treeSize);
  return ranges;
}

/** The ranges whose MTHs form the consistency proof from `size1` to `size2` (RFC 9162 §2.1.4.1). */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0))
    throw new RangeError('tree sizes must be non-negative integers');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  const ranges: LeafRange[] = [];
  const subproof = (m: number, begin: number, end: number, complete: boolean) => {
    const n = end - begin;
    if (m === n) {
      if (!complete) ranges.push({ begin, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, begin, begin + k, complete);
      ranges.push({ begin: begin + k, end });
    } else {
      subproof(m - k, begin + k, end, false);
      ranges.push({ begin, end: begin + k });
    }
  };
  subproof(size1, 0, size2, true);
  return ranges;
}

/**
 * An append-only Merkle accumulator holding only the right border of the tree: the hashes of
 * the perfect subtrees that make up [0, size). Appending reports each perfect subtree it
 * completes, which is how the sequencer knows which nodes to store.
 */
export class CompactRange {
  #size: number;
  readonly #stack: { level: number; index: number; hash: Uint8Array }[];

  /** Starts from a tree of `size` leaves, given the hashes of rangeNodes(0, size) in that order. */
  constructor(size = 0, border: readonly Uint8Array[] = []) {
    const nodes = rangeNodes(0, size);
    if (nodes.length !== border.length) throw new RangeError('the border does not match the tree size');
    this.#size = size;
    this.#stack = nodes.map((node, i) => ({ ...node, hash: border[i]! }));
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a leaf hash; calls `completed` for every new perfect subtree above the leaves. */
  append(leafHash: Uint8Array, completed?: (level: number, index: number, hash: Uint8Array) => void): void {
    this.#stack.push({ level: 0, index: this.#size, hash: leafHash });
    this.#size++;
    for (;;) {
      const right = this.#stack.at(-1)!;
      const left = this.#stack.at(-2);
      if (!left || left.level !== right.level) break;
      this.#stack.length -= 2;
      const parent = {
        level: left.level + 1,
        index: left.index / 2,
        hash: hashChildren(left.hash, right.hash),
      };
      this.#stack.push(parent);
      completed?.(parent.level, parent.index, parent.hash);
    }
  }

  root(): Uint8Array {
    return foldRange(this.#stack.map((node) => node.hash));
  }
}

/**
 * The Merkle tree of leaf hashes held in memory (a batch entry's members): its root and any
 * leaf's inclusion proof, as RFC 9162 defines them for a tree of that size.
 */
export class LeafTree {
  /** levels[l][i]: the perfect subtree (l, i), as in the stored log tree. */
  readonly #levels: Uint8Array[][];
  readonly size: number;

  constructor(leafHashes: readonly Uint8Array[]) {
    this.size = leafHashes.length;
    this.#levels = [[...leafHashes]];
    for (let below = this.#levels[0]!; below.length > 1; ) {
      const level: Uint8Array[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) level.push(hashChildren(below[i]!, below[i + 1]!));
      this.#levels.push(level);
      below = level;
    }
  }

  #range(begin: number, end: number): Uint8Array {
    return foldRange(rangeNodes(begin, end).map((node) => this.#levels[node.level]![node.index]!));
  }

  root(): Uint8Array {
    return this.#range(0, this.size);
  }

  /** The inclusion proof of leaf `index`, bottom first. */
  proof(index: number): Uint8Array[] {
    return inclusionProofRanges(index, this.size).map((range) => this.#range(range.begin, range.end));
  }
}

// ---------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Every malformed input is a plain `false`.

const equalBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

const toBig = (value: number | bigint): bigint | undefined => {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
};

const wellFormed = (proof: readonly Uint8Array[]) => proof.every((hash) => hash.length === HASH_SIZE);

/** The root that an inclusion proof leads to, or undefined when the proof cannot be right. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  const index = toBig(leafIndex);
  const size = toBig(treeSize);
  if (index === undefined || size === undefined || index >= size) return undefined;
  if (leafHash.length !== HASH_SIZE || !wellFormed(proof)) return undefined;
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

/** True when `proof` shows that the leaf with hash `leafHash` is at `leafIndex` in the tree of `treeSize` leaves with root `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
  return computed !== undefined && equalBytes(computed, root);
}

/**
 * True when `proof` shows that the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1`. A proof from the empty tree is refused: it proves nothing.
 */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  const first = toBig(size1);
  const second = toBig(size2);
  if (first === undefined || second === undefined) return false;
  if (first === 0n || second < first) return false;
  if (first === second) return proof.length === 0 && equalBytes(root1, root2);
  if (proof.length === 0 || !wellFormed(proof)) return false;
  // When size1 is a power of two, its root is the first node of the path and is not sent.
  const path = (first & (first - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, root1) && equalBytes(sr, root2);
}
