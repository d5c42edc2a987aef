/**
 * Reuse across the archive as a paged, filtered list (`GET /api/reuse/pairs`):
 * the corpus-wide pass (src/reuse `pairsByReport`) run once per index
 * generation, in the background, its pairs kept in a compact table that a
 * request filters and pages in milliseconds.
 *
 * Why once per generation and not per request or per filter: the pass costs
 * about half of N × (one report against all others). Measured (bench/reuse):
 * ×10, 17 s for the whole archive; ×100, about 19 minutes, i.e. ~0.17 s per
 * report against all others, so even one province of a ×100 archive (1,000
 * reports) would take minutes per request. Its result is small instead: ×100
 * gives 80,053 pairs, 57 bytes each here (4.6 MB). A snapshot computes it at
 * the first request that needs it; a new generation is a new snapshot with an
 * empty table, so a swap invalidates it without any bookkeeping.
 */
import type { ReuseIndex, ReusePair, PassageSide } from '../reuse/index.js';
import { pairsByReport } from '../reuse/index.js';
import { QueryError } from '../query/errors.js';
import { checkPage } from './limits.js';

/** Which pairs whose reports' order in time is unknown (same year, no dates) a list keeps. */
export type TieMode = 'include' | 'exclude' | 'only';
export const TIE_MODES: readonly TieMode[] = ['include', 'exclude', 'only'];

export interface ReusePairsOptions {
  page: number;
  size: number;
  /** Only pairs sharing at least this many characters (letters and digits). Default: all (the index's minimum, 20). */
  minChars?: number;
  /** Default 'include'. */
  ties?: TieMode;
  /** Only pairs whose shared wording is at most this share boilerplate, 0..1. Default 1 (all). */
  maxBoilerplate?: number;
}

/** One side of a listed pair: the passage as `reusePairs` gives it, with its report's title. */
export interface ReusePairSide extends PassageSide {
  title: string;
}

export interface ReusePairView extends Omit<ReusePair, 'source' | 'target'> {
  source: ReusePairSide;
  target: ReusePairSide;
}

export interface ReusePairPage {
  /** Pairs passing the filters (before paging). */
  total: number;
  page: number;
  size: number;
  pairs: ReusePairView[];
}

/** The table is still being computed: a 503 with the progress; try again shortly. */
export class ReuseNotReady extends Error {
  readonly retryAfterSeconds: number;
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`全库文字复用正在计算中（已完成 ${done} / ${total} 篇报告），请稍后刷新`);
    this.name = 'ReuseNotReady';
    this.retryAfterSeconds = 30;
  }
}

/** More pairs than this are not kept (≈ 115 MB): the list then says it is cut short (`truncated`). */
export const MAX_STORED_PAIRS = 2_000_000;

/** Time a slice of the background pass may take before other requests get their turn. */
const SLICE_MS = 20;
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * The pairs of one generation, column by column (no texts: they are sliced
 * from the paragraphs when a page is shown), in list order: most shared
 * characters first, then by source report id, paragraph and offset, then target.
 */
export class PairTable {
  private constructor(
    private readonly index: ReuseIndex,
    /** Per pair: source doc, source paragraph, start, end, then the same for the target (8 u32). */
    private readonly sides: Uint32Array,
    private readonly shared: Uint32Array,
    private readonly similarity: Float64Array,
    private readonly boilerplate: Float64Array,
    private readonly tie: Uint8Array,
    /** True when the pass found more than MAX_STORED_PAIRS. */
    readonly truncated: boolean,
  ) {}

  get size(): number {
    return this.shared.length;
  }

  get byteSize(): number {
    return this.sides.byteLength + this.shared.byteLength + this.similarity.byteLength + this.boilerplate.byteLength + this.tie.byteLength;
  }

  /**
   * Runs the corpus-wide pass, yielding to the event loop every SLICE_MS, and
   * keeps its pairs. `progress` is told after each report; `cancelled` stops it.
   */
  static async compute(index: ReuseIndex, progress: (done: number) => void = () => {}, cancelled: () => boolean = () => false): Promise<PairTable> {
    const docOf = new Map(index.docs.map((m, d) => [m.id, d]));
    const sides: number[] = [];
    const shared: number[] = [];
    const similarity: number[] = [];
    const boilerplate: number[] = [];
    const tie: number[] = [];
    let truncated = false;
    let done = 0;
    let sliceStart = performance.now();
    for (const pairs of pairsByReport(index)) {
      for (const p of pairs) {
        if (shared.length >= MAX_STORED_PAIRS) {
          truncated = true;
          break;
        }
        for (const s of [p.source, p.target]) sides.push(docOf.get(s.id)!, Number(s.anchor.slice(2)), s.start, s.end);
        shared.push(p.sharedChars);
        similarity.push(p.similarity);
        boilerplate.push(p.boilerplate);
        tie.push(p.tie ? 1 : 0);
      }
      progress(++done);
      if (performance.now() - sliceStart > SLICE_MS) {
        await tick();
        if (cancelled()) throw new Error('reuse: the pass was stopped (snapshot closed)');
        sliceStart = performance.now();
      }
    }
    // List order, once: a request then only filters.
    const n = shared.length;
    const id = (d: number) => index.docs[d].id;
    const cmpId = (a: number, b: number) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      if (shared[a] !== shared[b]) return shared[b] - shared[a];
      for (let k = 0; k < 8; k++) {
        const x = sides[a * 8 + k];
        const y = sides[b * 8 + k];
        if (x === y) continue;
        return k % 4 === 0 ? cmpId(x, y) : x - y;
      }
      return 0;
    });
    const t = new PairTable(index, new Uint32Array(8 * n), new Uint32Array(n), new Float64Array(n), new Float64Array(n), new Uint8Array(n), truncated);
    order.forEach((from, to) => {
      for (let k = 0; k < 8; k++) t.sides[to * 8 + k] = sides[from * 8 + k];
      t.shared[to] = shared[from];
      t.similarity[to] = similarity[from];
      t.boilerplate[to] = boilerplate[from];
      t.tie[to] = tie[from];
    });
    return t;
  }

  /**
   * One page of the pairs that pass: `passes(doc)` says whether a report (the
   * reuse index's number) passes the search filters; a pair is listed when its
   * source or its target passes (a region's reuse includes what it took from
   * elsewhere and what others took from it).
   */
  page(passes: ((doc: number) => boolean) | null, o: ReusePairsOptions, title: (id: string) => string): ReusePairPage {
    checkPairsOptions(o);
    const minChars = o.minChars ?? 0;
    const ties = o.ties ?? 'include';
    const maxBp = o.maxBoilerplate ?? 1;
    const from = (o.page - 1) * o.size;
    const out: ReusePairView[] = [];
    let total = 0;
    for (let i = 0; i < this.shared.length; i++) {
      if (this.shared[i] < minChars) break; // sorted by shared characters, most first
      if ((ties === 'exclude' && this.tie[i]) || (ties === 'only' && !this.tie[i])) continue;
      if (this.boilerplate[i] > maxBp) continue;
      if (passes && !passes(this.sides[i * 8]) && !passes(this.sides[i * 8 + 4])) continue;
      if (total >= from && out.length < o.size) out.push(this.view(i, title));
      total++;
    }
    return { total, page: o.page, size: o.size, pairs: out };
  }

  private view(i: number, title: (id: string) => string): ReusePairView {
    const side = (k: number): ReusePairSide => {
      const [d, para, start, end] = this.sides.subarray(i * 8 + k, i * 8 + k + 4);
      const m = this.index.docs[d];
      const text = this.index.paragraphs(d)[para].slice(start, end);
      return { id: m.id, title: title(m.id), anchor: `p-${para}`, year: m.year, date: m.date, region: m.region, start, end, text };
    };
    return { source: side(0), target: side(4), sharedChars: this.shared[i], similarity: this.similarity[i], boilerplate: this.boilerplate[i], tie: this.tie[i] === 1 };
  }
}

/** Throws QueryError (a 400) for options no list can have; the web checks them first with the same words. */
export function checkPairsOptions(o: ReusePairsOptions): void {
  checkPage(o);
  if (o.minChars !== undefined && !(Number.isInteger(o.minChars) && o.minChars >= 0)) throw new QueryError('参数 minChars 必须是不小于 0 的整数');
  if (o.ties !== undefined && !TIE_MODES.includes(o.ties)) throw new QueryError('参数 ties 只能是 include（包括先后不明的）、exclude（不包括）或 only（只看先后不明的）');
  if (o.maxBoilerplate !== undefined && !(o.maxBoilerplate >= 0 && o.maxBoilerplate <= 1)) throw new QueryError('参数 maxBoilerplate 必须在 0 到 100 之间（百分比）');
}
