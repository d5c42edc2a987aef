/**
 * Local alignment by seeded extend-and-merge.
 *
 * Seeds are positions where the two streams share a shingle. Each seed is
 * verified and extended left and right to a maximal exact run (so a hash
 * collision costs one comparison and is dropped). Runs are then chained in
 * order on both sides across small gaps — a replaced character (gap 1 | 1),
 * a changed word (2 | 3), a dropped sentence (30 | 0) — by a small dynamic
 * programme scoring a chain as its shared characters minus, per gap, 3 plus
 * 0.5 per replaced and 0.1 per one-sided character (an affine gap cost, as in
 * Smith–Waterman). A passage counts when its score reaches the minimum shared
 * length, so two short coincidences with unrelated text between them do not. This is
 * linear in the passage length, unlike Smith–Waterman's product of lengths,
 * and its spans are exact: every character counted as shared is shared.
 */
import { charStream, shingleHashes, toTextSpan, type CharStream } from './shingles.js';

/** An exact shared run: `a[a0 .. a0+len)` equals `b[b0 .. b0+len)` (stream coordinates). */
export interface Run {
  a0: number;
  b0: number;
  len: number;
}

/** A chain of runs: one aligned passage, in stream coordinates. */
export interface StreamPassage {
  /** Alignment score: matched minus the gap costs. */
  score: number;
  /** `[start, end)` in stream a, from the first run's start to the last run's end. */
  a: [number, number];
  b: [number, number];
  /** Characters in the runs (shared exactly). */
  matched: number;
  runs: Run[];
}

/**
 * Cost per character of a gap between two runs of a chain: replaced characters
 * (the part of the gap on both sides) cost more than a one-sided gap, so a
 * dropped sentence between two shared parts is bridged but two coincidences
 * with unrelated text between them are not.
 */
const SUB_COST = 0.5;
const INDEL_COST = 0.1;
/** Fixed cost of each gap, so a passage glued from short coincidences scores below the minimum. */
const GAP_OPEN = 3;

/**
 * Maximal exact runs through the seeds (flat pairs `[a0, b0, a1, b1, …]`),
 * each reported once; seeds whose shingle of `k` does not really match
 * (hash collisions) are dropped.
 */
export function extendSeeds(a: Uint16Array, b: Uint16Array, seeds: ArrayLike<number>, k: number): Run[] {
  const runs: Run[] = [];
  const seen = new Set<number>();
  const stride = b.length + 1;
  for (let s = 0; s + 1 < seeds.length; s += 2) {
    let x = seeds[s];
    let y = seeds[s + 1];
    if (x >= a.length || y >= b.length || a[x] !== b[y]) continue;
    while (x > 0 && y > 0 && a[x - 1] === b[y - 1]) {
      x--;
      y--;
    }
    const key = x * stride + y;
    if (seen.has(key)) continue;
    seen.add(key);
    let len = 0;
    while (x + len < a.length && y + len < b.length && a[x + len] === b[y + len]) len++;
    if (len >= k) runs.push({ a0: x, b0: y, len });
  }
  return runs;
}

/**
 * Runs chained into passages: in order on both sides, gaps ≤ `maxGap` on each
 * side, the best-scoring chains first, each run in one passage at most.
 * Passages scoring below `minScore` (shared characters minus gap costs) are dropped.
 */
export function chainRuns(runs: Run[], maxGap: number, minScore: number): StreamPassage[] {
  const r = runs.slice().sort((p, q) => p.a0 - q.a0 || p.b0 - q.b0);
  const n = r.length;
  const best = new Float64Array(n);
  const prev = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let bi = 0;
    for (let j = i - 1; j >= 0; j--) {
      const ga = r[i].a0 - (r[j].a0 + r[j].len);
      const gb = r[i].b0 - (r[j].b0 + r[j].len);
      if (ga < 0 || gb < 0 || ga > maxGap || gb > maxGap) continue;
      const v = best[j] - GAP_OPEN - SUB_COST * Math.min(ga, gb) - INDEL_COST * Math.abs(ga - gb);
      if (v > bi) {
        bi = v;
        prev[i] = j;
      }
    }
    best[i] = r[i].len + bi;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => best[q] - best[p]);
  const used = new Uint8Array(n);
  const out: StreamPassage[] = [];
  for (const end of order) {
    if (used[end]) continue;
    const chain: Run[] = [];
    for (let i = end; i >= 0 && !used[i]; i = prev[i]) {
      used[i] = 1;
      chain.push(r[i]);
    }
    chain.reverse();
    let matched = 0;
    for (const x of chain) matched += x.len;
    // The chain's score is best[end] only when nothing was cut off at a used run.
    let score = chain[0].len;
    for (let i = 1; i < chain.length; i++) {
      const ga = chain[i].a0 - (chain[i - 1].a0 + chain[i - 1].len);
      const gb = chain[i].b0 - (chain[i - 1].b0 + chain[i - 1].len);
      score += chain[i].len - GAP_OPEN - SUB_COST * Math.min(ga, gb) - INDEL_COST * Math.abs(ga - gb);
    }
    if (score < minScore) continue;
    const first = chain[0];
    const last = chain[chain.length - 1];
    out.push({ a: [first.a0, last.a0 + last.len], b: [first.b0, last.b0 + last.len], matched, score, runs: chain });
  }
  return out.sort((p, q) => p.a[0] - q.a[0]);
}

/** An aligned passage in the coordinates of the two original texts. */
export interface TextPassage {
  /** `[start, end)` in text a. */
  a: [number, number];
  b: [number, number];
  matched: number;
  /** Exact shared runs (punctuation inside them may differ), as pairs of text spans. */
  spansA: Array<[number, number]>;
  spansB: Array<[number, number]>;
  /** matched / the longer side's stream length: 1 for a copy, lower with edits. */
  similarity: number;
}

/** A stream passage mapped back to the texts its streams were read from. */
export function toTextPassage(sa: CharStream, sb: CharStream, p: StreamPassage): TextPassage {
  return {
    a: toTextSpan(sa, p.a[0], p.a[1]),
    b: toTextSpan(sb, p.b[0], p.b[1]),
    matched: p.matched,
    spansA: p.runs.map((x) => toTextSpan(sa, x.a0, x.a0 + x.len)),
    spansB: p.runs.map((x) => toTextSpan(sb, x.b0, x.b0 + x.len)),
    similarity: p.matched / Math.max(p.a[1] - p.a[0], p.b[1] - p.b[0]),
  };
}

/**
 * Aligns two texts directly (every shingle a seed): the passages they share.
 * The index uses the same steps with winnowed seeds; this is the reference.
 *
 * ### Examples
 * alignTexts('今年要坚持依法行政，全面推进政务公开，提升基层治理能力。', '要求：坚持依法行政、全面推进政务公开，提升基层治理水平', { minSharedChars: 12 })
 * // => [{ a: [3, 25], b: [3, 25], matched: 20, similarity: 1,
//       spansA: [[3, 25]], spansB: [[3, 25]] }]   (，/、 differ: punctuation is not compared)
 */
export function alignTexts(
  textA: string,
  textB: string,
  opts: { minSharedChars?: number; shingleSize?: number; maxGap?: number } = {},
): TextPassage[] {
  const minShared = opts.minSharedChars ?? 20;
  const k = Math.min(opts.shingleSize ?? 10, minShared);
  const sa = charStream(textA);
  const sb = charStream(textB);
  const ha = shingleHashes(sa.codes, k);
  const hb = shingleHashes(sb.codes, k);
  const at = new Map<number, number[]>();
  for (let i = 0; i < ha.length; i++) {
    const l = at.get(ha[i]);
    if (l) l.push(i);
    else at.set(ha[i], [i]);
  }
  const seeds: number[] = [];
  for (let j = 0; j < hb.length; j++) for (const i of at.get(hb[j]) ?? []) seeds.push(i, j);
  const runs = extendSeeds(sa.codes, sb.codes, seeds, k);
  return chainRuns(runs, opts.maxGap ?? 60, minShared).map((p) => toTextPassage(sa, sb, p));
}
