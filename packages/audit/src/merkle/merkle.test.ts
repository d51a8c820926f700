import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProofRanges,
  EMPTY_ROOT,
  foldRange,
  hashChildren,
  hashLeaf,
  inclusionProofRanges,
  type LeafRange,
  LeafTree,
  rangeNodes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const vectorsDir = fileURLToPath(new URL('../../test-vectors/merkle/', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? jsonFiles(file) : name.endsWith('.json') ? [file] : [];
  });
}

const b64 = (value: string) => new Uint8Array(Buffer.from(value, 'base64'));

describe('transparency-dev test vectors', () => {
  const inclusion = jsonFiles(path.join(vectorsDir, 'inclusion'));
  const consistency = jsonFiles(path.join(vectorsDir, 'consistency'));

  it('has every vector file', () => {
    expect(inclusion.length + consistency.length).toBe(196);
  });

  it.each(inclusion.map((file) => [path.relative(vectorsDir, file), file]))('%s', (_, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  it.each(consistency.map((file) => [path.relative(vectorsDir, file), file]))('%s', (_, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const ok = verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    expect(ok).toBe(!v.wantErr);
  });
});

// A reference straight from RFC 9162's recursive definitions, over the whole leaf list.
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
const proofFrom = (leaves: Uint8Array[], ranges: LeafRange[]) =>
  ranges.map((range) => {
    const hashes = rangeNodes(range.begin, range.end).map((node) =>
      mth(leaves.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level)),
    );
    // Folding the perfect subtrees must give the same hash as the recursive definition.
    expect(foldRange(hashes)).toEqual(mth(leaves.slice(range.begin, range.end)));
    return foldRange(hashes);
  });

describe('proofs built from perfect subtrees', () => {
  const leaves = leavesOf(70);
  const roots = Array.from({ length: leaves.length + 1 }, (_, n) => mth(leaves.slice(0, n)));

  it('compact range gives every root and reports each completed subtree once', () => {
    const range = new CompactRange();
    const completed: string[] = [];
    for (let n = 1; n <= leaves.length; n++) {
      range.append(leaves[n - 1]!, (level, index, hash) => {
        completed.push(`${level}/${index}`);
        expect(hash).toEqual(mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)));
      });
      expect(range.root()).toEqual(roots[n]);
      // Resuming from the stored border gives the same accumulator.
      const border = rangeNodes(0, n).map((node) =>
        mth(leaves.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level)),
      );
      expect(new CompactRange(n, border).root()).toEqual(roots[n]);
    }
    expect(new Set(completed).size).toBe(completed.length);
    expect(completed.length).toBe(leaves.length - 1 - 2); // n − popcount(n) nodes above the leaves (70 = 1000110b)
  });

  it('inclusion proofs verify for every leaf and size, and fail for any other leaf, index or size', () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 0; m < n; m++) {
        const proof = proofFrom(leaves, inclusionProofRanges(m, n));
        expect(verifyInclusion(leaves[m]!, m, n, proof, roots[n]!)).toBe(true);
        expect(verifyInclusion(leaves[(m + 1) % n]!, m, n, proof, roots[n]!)).toBe(n === 1);
        if (n > 1) expect(verifyInclusion(leaves[m]!, (m + 1) % n, n, proof, roots[n]!)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n + 1, proof, roots[n + 1]!)).toBe(false);
      }
    }
  });

  it('an in-memory leaf tree (batch members) has the RFC root and inclusion proofs of every size', () => {
    for (let n = 1; n <= 40; n++) {
      const tree = new LeafTree(leaves.slice(0, n));
      expect(tree.root()).toEqual(roots[n]);
      for (let m = 0; m < n; m++) {
        expect(tree.proof(m)).toEqual(proofFrom(leaves, inclusionProofRanges(m, n)));
        expect(verifyInclusion(leaves[m]!, m, n, tree.proof(m), roots[n]!)).toBe(true);
      }
    }
    expect(new LeafTree([]).root()).toEqual(EMPTY_ROOT);
  });

  it('consistency proofs verify for every pair of sizes and fail for a wrong root', () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = proofFrom(leaves, consistencyProofRanges(m, n));
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, roots[m - 1] ?? EMPTY_ROOT, roots[n]!, proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m]!, roots[n - 1]!, proof)).toBe(false);
        }
      }
    }
  });

  it('never accepts a proof with one bit flipped (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 70 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 255 }),
        (n, mSeed, pick, bit) => {
          const m = mSeed % n;
          const proof = proofFrom(leaves, inclusionProofRanges(m, n));
          fc.pre(proof.length > 0);
          const i = pick % proof.length;
          const tampered = proof.map((hash, j) => {
            if (j !== i) return hash;
            const copy = Uint8Array.from(hash);
            copy[bit % 32]! ^= 1 << (bit % 8);
            return copy;
          });
          expect(verifyInclusion(leaves[m]!, m, n, tampered, roots[n]!)).toBe(false);
        },
      ),
    );
  });

  it('handles indices beyond 32 bits without bit-operator overflow', () => {
    const nodes = rangeNodes(0, 2 ** 40 + 5);
    expect(nodes).toEqual([
      { level: 40, index: 0 },
      { level: 2, index: 2 ** 38 },
      { level: 0, index: 2 ** 40 + 4 },
    ]);
    const big = 2 ** 40;
    expect(inclusionProofRanges(big + 3, big + 5)).toEqual([
      { begin: big + 2, end: big + 3 },
      { begin: big, end: big + 2 },
      { begin: big + 4, end: big + 5 },
      { begin: 0, end: big },
    ]);
  });
});
