import type { StringTable } from './stringTable';

/**
 * Typo-tolerant matching over the sorted key array, walked as a trie: the
 * keys sharing a prefix are a contiguous range, so a node's children are
 * found by binary search, and one row of the edit-distance table per node
 * (optimal string alignment: insertions, deletions, substitutions and swaps
 * of neighbours) prunes every branch already too far from the query.
 * No memory beyond the keys themselves.
 */

export type FuzzyHit = {
  /** Key range [from, to) whose keys all start with a prefix within `distance` of the query. */
  from: number;
  to: number;
  distance: number;
  /** True when keys[from] is exactly that prefix, i.e. a whole-name match. */
  whole: boolean;
};

/**
 * Every key range within `maxDistance` edits of `query` (as a whole name or as
 * the start of one); stops after `maxHits`. The first `fixedPrefix` characters
 * must be right, as they nearly always are in a typo: the walk then starts
 * below that prefix (a hundred times fewer nodes per fixed letter).
 */
export function fuzzyRanges(keys: StringTable, query: string, maxDistance: number, fixedPrefix = 1, maxHits = 200): FuzzyHit[] {
  const n = query.length;
  const hits: FuzzyHit[] = [];
  // One row per depth, reused: a node's row is only needed while its subtree is walked.
  const rows: Int32Array[] = [];
  const rowAt = (depth: number) => (rows[depth] ??= new Int32Array(n + 1));
  const first = rowAt(0);
  for (let j = 0; j <= n; j++) first[j] = j;

  const walk = (from: number, to: number, depth: number, row: Int32Array, previousRow: Int32Array | null, previousChar: number) => {
    let i = from;
    // A key exactly as long as this node is the node itself; its children start after it.
    while (i < to && keys.length(i) === depth) i++;
    while (i < to && hits.length < maxHits) {
      const c = keys.charCodeAt(i, depth);
      const end = upperBound(keys, i, to, depth, c);
      const next = rowAt(depth + 1);
      next[0] = depth + 1;
      let best = next[0];
      for (let j = 1; j <= n; j++) {
        const q = query.charCodeAt(j - 1);
        let d = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (q === c ? 0 : 1));
        if (previousRow && j > 1 && q === previousChar && query.charCodeAt(j - 2) === c) d = Math.min(d, previousRow[j - 2]! + 1);
        next[j] = d;
        if (d < best) best = d;
      }
      if (next[n]! <= maxDistance) {
        // The query is within reach of this prefix: every key below matches, as a name or the start of one.
        hits.push({ from: i, to: end, distance: next[n]!, whole: keys.length(i) === depth + 1 });
      } else if (best <= maxDistance) {
        walk(i, end, depth + 1, next, row, c);
      }
      i = end;
    }
  };
  // The rows of the fixed prefix, as the walk would have made them, then the walk from its node.
  const fixed = Math.min(fixedPrefix, Math.max(0, n - 1));
  let row = first;
  let previousRow: Int32Array | null = null;
  for (let depth = 0; depth < fixed; depth++) {
    const next = rowAt(depth + 1);
    const c = query.charCodeAt(depth);
    next[0] = depth + 1;
    for (let j = 1; j <= n; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (query.charCodeAt(j - 1) === c ? 0 : 1));
    previousRow = row;
    row = next;
  }
  const prefix = query.slice(0, fixed);
  walk(keys.lowerBound(prefix), keys.lowerBound(prefix + '\uffff'), fixed, row, previousRow, fixed ? query.charCodeAt(fixed - 1) : -1);
  return hits;
}

/** First index in [from, to) whose char at `depth` is greater than `c` (the range shares its first `depth` chars). */
function upperBound(keys: StringTable, from: number, to: number, depth: number, c: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys.charCodeAt(mid, depth) <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
