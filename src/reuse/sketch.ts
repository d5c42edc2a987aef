/**
 * Document frequency of every shingle of the archive, approximately, in fixed
 * memory: a count-min sketch (Cormode & Muthukrishnan 2005) with conservative
 * update, counting each shingle once per report.
 *
 * Boilerplate is decided per shingle, not per fingerprint: a winnowed
 * fingerprint near the edge of a stock phrase is selected in some reports and
 * not others, so fingerprint counts understate how common the phrase is. A
 * count-min sketch only ever overestimates; with about eight shingle
 * occurrences per counter the overestimate is a few reports, far below the
 * boilerplate count.
 */
const DEPTH = 3;
const SEEDS = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];

function mix(h: number, seed: number): number {
  h = (h ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class DfSketch {
  readonly mask: number;
  constructor(readonly counters: Uint16Array) {
    const width = counters.length / DEPTH;
    if (!Number.isInteger(width) || (width & (width - 1)) !== 0) throw new Error('reuse: sketch width must be a power of two');
    this.mask = width - 1;
  }

  /** A sketch sized for about `occurrences` per-report distinct shingles (8 per counter, 2^16..2^24 wide). */
  static sized(occurrences: number): DfSketch {
    let width = 1 << 16;
    while (width < occurrences / 8 && width < 1 << 24) width *= 2;
    return new DfSketch(new Uint16Array(width * DEPTH));
  }

  /** Counts one report's shingles; `distinct` must hold each hash once. */
  addReport(distinct: Uint32Array): void {
    const c = this.counters;
    const w = this.mask + 1;
    for (let i = 0; i < distinct.length; i++) {
      const h = distinct[i];
      const i0 = mix(h, SEEDS[0]) & this.mask;
      const i1 = w + (mix(h, SEEDS[1]) & this.mask);
      const i2 = 2 * w + (mix(h, SEEDS[2]) & this.mask);
      const min = Math.min(c[i0], c[i1], c[i2]);
      if (min === 0xffff) continue;
      // conservative update: only the smallest counters grow
      if (c[i0] === min) c[i0] = min + 1;
      if (c[i1] === min) c[i1] = min + 1;
      if (c[i2] === min) c[i2] = min + 1;
    }
  }

  /** Reports containing a shingle: never fewer than the truth. */
  count(h: number): number {
    const c = this.counters;
    const w = this.mask + 1;
    return Math.min(c[mix(h, SEEDS[0]) & this.mask], c[w + (mix(h, SEEDS[1]) & this.mask)], c[2 * w + (mix(h, SEEDS[2]) & this.mask)]);
  }
}

/** The distinct values of some hash lists, sorted. */
export function distinctHashes(lists: Uint32Array[]): Uint32Array {
  let n = 0;
  for (const l of lists) n += l.length;
  const all = new Uint32Array(n);
  let at = 0;
  for (const l of lists) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || all[i] !== all[i - 1]) all[m++] = all[i];
  return all.slice(0, m);
}
