/**
 * The step every question shares: an asked stream against the candidate
 * paragraphs its fingerprints seed → aligned passages, boilerplate-only ones dropped.
 */
import { chainRuns, extendSeeds, type StreamPassage } from './align.js';
import type { ReuseIndex, SeedMap, ReuseDocMeta } from './reuseindex.js';
import type { CharStream } from './shingles.js';

/**
 * Streams of paragraphs by global number, in a direct-mapped cache of `size`
 * slots: in the corpus-wide pass a paragraph holding common wording is a
 * candidate of many. (An LRU over a Map was 3× slower at ×100: evicting the
 * oldest key skips the deleted entries at the front of the Map's table.)
 */
export function streamCache(index: ReuseIndex, size = 65_536): (g: number) => CharStream {
  const keys = new Int32Array(size).fill(-1);
  const slots = new Array<CharStream | undefined>(size);
  return (g) => {
    const at = g % size;
    if (keys[at] === g) return slots[at]!;
    const s = index.paragraphStream(g);
    keys[at] = g;
    slots[at] = s;
    return s;
  };
}

/** Passages of the asked stream shared with one candidate paragraph. */
export interface CandidateMatch {
  /** Global paragraph number of the candidate. */
  g: number;
  doc: number;
  stream: CharStream;
  passages: Array<StreamPassage & { boilerplate: number }>;
}

/** Candidates with the most seeds first, at most `limit`. */
export function rankCandidates(seeds: SeedMap, limit: number): number[] {
  const gs = [...seeds.keys()];
  if (gs.length <= limit) return gs;
  return gs.sort((x, y) => seeds.get(y)!.length - seeds.get(x)!.length || x - y).slice(0, limit);
}

/**
 * Aligns the asked stream with each candidate. A passage is kept when it
 * scores at least `minSharedChars` and at least half of that many of its shared
 * characters lie outside boilerplate shingles. (Requiring all of them lost
 * specific passages with a common phrase inside, e.g. 打造乳业、稀土、有色…千亿级产业链，
 * 提升先进制造业能级: 2 of 96 planted pairs on the ×1 benchmark archive, with no
 * gain in precision.) `boilerplate` is the covered share of the shared characters (0..1).
 */
export function alignCandidates(
  index: ReuseIndex,
  asked: CharStream,
  seeds: SeedMap,
  candidates: number[],
  streamOf: (g: number) => CharStream = (g) => index.paragraphStream(g),
): CandidateMatch[] {
  const o = index.options;
  const out: CandidateMatch[] = [];
  let bp: Uint32Array | null = null; // most candidates align nothing: computed at the first passage
  for (const g of candidates) {
    const stream = streamOf(g);
    const runs = extendSeeds(asked.codes, stream.codes, seeds.get(g)!, o.shingleSize);
    if (runs.length === 0) continue;
    const passages: CandidateMatch['passages'] = [];
    for (const p of chainRuns(runs, o.maxGap, o.minSharedChars)) {
      bp ??= index.boilerplatePrefix(asked.codes);
      const covered = Math.min(p.matched, bp[p.a[1]] - bp[p.a[0]]);
      if (p.matched - covered < o.minSharedChars / 2) continue;
      passages.push({ ...p, boilerplate: covered / p.matched });
    }
    if (passages.length > 0) out.push({ g, doc: index.paraDoc[g], stream, passages });
  }
  return out;
}

/**
 * Orders reports in time: by year, then date; unknown years last. 0 when the
 * archive cannot tell which came first (same year and a date missing, or the same date).
 */
export function compareTime(a: Pick<ReuseDocMeta, 'year' | 'date'>, b: Pick<ReuseDocMeta, 'year' | 'date'>): number {
  const ya = a.year ?? Number.POSITIVE_INFINITY;
  const yb = b.year ?? Number.POSITIVE_INFINITY;
  if (ya !== yb) return ya < yb ? -1 : 1;
  if (a.year === null || !a.date || !b.date || a.date === b.date) return 0;
  return a.date < b.date ? -1 : 1;
}

export function anchorOf(para: number): string {
  return `p-${para}`;
}
