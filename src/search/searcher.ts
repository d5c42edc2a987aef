/**
 * The searcher: query tree + filters → hits, total, facets, passages, over one
 * immutable index snapshot. Implements the Engine API used by the CLI, the
 * web server and the benchmark.
 */
import { normalize, words } from '../analyze/analyzer.js';
import type { DocRecord } from '../index/builder.js';
import { Bitset } from '../index/bitset.js';
import type { GramPostings } from '../index/postings.js';
import type { TextStore } from '../index/textstore.js';
import type { WordIndex } from '../index/wordindex.js';
import { highlightTerms, looserQuery, parseQuery } from '../query/parser.js';
import { QueryError } from '../query/errors.js';
import type {
  FacetBucket,
  ParsedQuery,
  SearchHit,
  SearchRequest,
  SearchResponse,
  SortOrder,
  StoredReport,
} from '../types.js';
import type { Engine, IndexInfo, ReportView } from './engine.js';
import { Matcher } from './matcher.js';
import { bestPassages, highlightParagraphs } from './passages.js';
import { commonAncestor, MAX_DEPTH, RegionTable } from './regions.js';

/** Score multiplier for reports where the query's words stand together as typed. */
export const ADJACENCY_BONUS = 1.5;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

/**
 * The `k` smallest items under `cmp`, sorted: a max-heap of size k, so a page
 * of 10 out of 12,000 hits costs n·log k comparisons, not n·log n.
 */
export function topK<T>(items: T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (k >= items.length) return [...items].sort(cmp);
  const heap: T[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(heap[i], heap[p]) <= 0) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && cmp(heap[l], heap[m]) > 0) m = l;
      if (r < heap.length && cmp(heap[r], heap[m]) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      up(heap.length - 1);
    } else if (k > 0 && cmp(item, heap[0]) < 0) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort(cmp);
}

export interface SnapshotParts {
  info: IndexInfo;
  records: DocRecord[];
  texts: TextStore;
  grams: GramPostings;
  words: WordIndex;
}

/** yyyymmdd as a number (0 when unknown), for date sorting without string compares. */
function dateKey(date: string | null): number {
  if (!date) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}

export class Searcher implements Engine {
  readonly info: IndexInfo;
  private readonly records: DocRecord[];
  private readonly texts: TextStore;
  private readonly words: WordIndex;
  private readonly matcher: Matcher;
  private readonly regions: RegionTable;
  private readonly byId = new Map<string, number>();
  private readonly years: Int32Array;
  private readonly dates: Int32Array;
  private readonly yearSets = new Map<number, Bitset>();

  constructor(parts: SnapshotParts) {
    this.info = parts.info;
    this.records = parts.records;
    this.texts = parts.texts;
    this.words = parts.words;
    const n = parts.records.length;
    if (parts.texts.docCount !== n) throw new Error(`index: ${n} reports but ${parts.texts.docCount} texts — run npm run index`);
    this.matcher = new Matcher(n, parts.grams, parts.records.map((r) => normalize(r.title)));
    this.regions = new RegionTable(parts.records.map((r) => r.region));
    this.years = Int32Array.from(parts.records, (r) => r.year ?? 0);
    this.dates = Int32Array.from(parts.records, (r) => dateKey(r.date));
    parts.records.forEach((r, i) => this.byId.set(r.id, i));
  }

  get size(): number {
    return this.records.length;
  }

  search(request: SearchRequest): SearchResponse {
    const t0 = performance.now();
    const q = request.q ?? '';
    const parsed = parseQuery(q);
    const page = Math.max(1, Math.floor(request.page ?? 1));
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(request.size ?? DEFAULT_PAGE_SIZE)));
    const sort: SortOrder = request.sort ?? 'relevance';
    const regionSel = request.regions?.filter((r) => r.trim() !== '') ?? [];
    const yearSel = request.years ?? [];

    const inRegion = regionSel.length ? this.regions.filter(regionSel) : null;
    const inYear = yearSel.length ? this.yearFilter(yearSel) : null;

    // Each facet is counted with the other facet's filter only (its own selection
    // ignored); the hits need both. The region facet lists the children of the
    // selection's common ancestor, so nothing outside that ancestor is needed:
    // the query is evaluated in its subtree only.
    let ancestor = commonAncestor(regionSel);
    const scopeOf = (segs: string[]) => (segs.length ? this.regions.filter([segs.join('/')]) : null);
    let scope = scopeOf(ancestor);
    let matches = this.match(parsed, scope);
    let regionCounts = this.countRegions(matches, ancestor, inYear);
    if (regionCounts.size === 0 && ancestor.length > 0) {
      // A selection with no children among the matches (a county): list its siblings.
      ancestor = ancestor.slice(0, -1);
      scope = scopeOf(ancestor);
      matches = this.match(parsed, scope);
      regionCounts = this.countRegions(matches, ancestor, inYear);
    }
    const yearCounts = new Map<number, number>();
    const hits: number[] = [];
    const ids = matches.toArray();
    for (let i = 0; i < ids.length; i++) {
      const doc = ids[i];
      if (inRegion && !inRegion.has(doc)) continue;
      const y = this.years[doc];
      if (y) yearCounts.set(y, (yearCounts.get(y) ?? 0) + 1);
      if (!inYear || inYear.has(doc)) hits.push(doc);
    }

    const scores = this.rank(parsed, hits, sort);
    const pageDocs = this.topHits(hits, scores, sort, page * size).slice((page - 1) * size, page * size);
    const terms = highlightTerms(parsed);

    const pageHits = pageDocs.map((doc) => this.hit(doc, scores ? scores[doc] : 0, terms));
    return {
      query: q,
      total: hits.length,
      page,
      size,
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
      facets: {
        region: this.buckets(regionCounts, (id) => this.regions.paths[id]),
        year: [...yearCounts.entries()].sort((a, b) => b[0] - a[0]).map(([y, count]) => ({ value: String(y), count })),
      },
      hits: pageHits,
      warnings: parsed.warnings,
      looserQuery: looserQuery(parsed),
    };
  }

  /** The query's matches within `scope` (every report when null; an empty query matches all). */
  private match(parsed: ParsedQuery, scope: Bitset | null): Bitset {
    if (parsed.root) return this.matcher.evaluate(parsed.root, scope);
    return scope ? scope.clone() : Bitset.full(this.size);
  }

  /** Region facet: matches in the selected years, by child of `ancestor`. */
  private countRegions(matches: Bitset, ancestor: string[], inYear: Bitset | null): Map<number, number> {
    const counts = new Map<number, number>();
    const depth = ancestor.length;
    if (depth >= MAX_DEPTH) return counts;
    const ancestorId = depth ? this.regions.idOf(ancestor.join('/')) : undefined;
    const level = this.regions.levels[depth];
    const parent = depth ? this.regions.levels[depth - 1] : null;
    const ids = matches.toArray();
    for (let i = 0; i < ids.length; i++) {
      const doc = ids[i];
      if (inYear && !inYear.has(doc)) continue;
      if (parent && parent[doc] !== ancestorId) continue;
      const id = level[doc];
      if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  private buckets(counts: Map<number, number>, name: (id: number) => string): FacetBucket[] {
    return [...counts.entries()]
      .map(([id, count]) => ({ value: name(id), count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh-Hans-CN'));
  }

  /** Reports of any of these years (one cached set per year: a filter costs an OR, not a scan). */
  private yearFilter(years: number[]): Bitset {
    const out = new Bitset(this.size);
    for (const y of new Set(years)) {
      let set = this.yearSets.get(y);
      if (!set) {
        set = new Bitset(this.size);
        for (let doc = 0; doc < this.size; doc++) if (this.years[doc] === y) set.add(doc);
        this.yearSets.set(y, set);
      }
      out.or(set);
    }
    return out;
  }

  /**
   * BM25 over the query's jieba words (title boosted), times a bonus where the
   * query's words stand together as typed. Null when nothing needs ranking.
   */
  private rank(parsed: ParsedQuery, hits: number[], sort: SortOrder): Float64Array | null {
    if (sort !== 'relevance' || parsed.positiveTerms.length === 0 || hits.length === 0) return null;
    const queryWords = parsed.positiveTerms.flatMap((t) => words(t.text));
    const scores = this.words.scores(queryWords, hits);
    const body = parsed.positiveTerms.filter((t) => t.field === 'body');
    if (body.length > 1) {
      const hitSet = new Bitset(this.size);
      for (const doc of hits) hitSet.add(doc);
      const together = this.matcher.bodyMatches(body.map((t) => t.text).join(''), hitSet);
      for (const doc of hits) if (together.has(doc)) scores[doc] = scores[doc] * ADJACENCY_BONUS + 1e-6;
    }
    return scores;
  }

  /** The first `k` hits in the requested order (a bounded heap: only the page is ever sorted in full). */
  private topHits(hits: number[], scores: Float64Array | null, sort: SortOrder, k: number): number[] {
    const dates = this.dates;
    const byDateDesc = (a: number, b: number) => (dates[b] || -1) - (dates[a] || -1);
    const cmp =
      sort === 'date-asc'
        ? (a: number, b: number) => (dates[a] || Infinity) - (dates[b] || Infinity) || a - b
        : sort === 'date-desc' || !scores
          ? (a: number, b: number) => byDateDesc(a, b) || a - b
          : (a: number, b: number) => scores[b] - scores[a] || byDateDesc(a, b) || a - b;
    return topK(hits, k, cmp);
  }

  private hit(doc: number, score: number, terms: string[]): SearchHit {
    const r = this.records[doc];
    const { text, norm } = this.texts.read(doc);
    const { passages, matchCount } = bestPassages(text, norm, terms);
    return {
      id: r.id,
      title: r.title,
      issuer: r.issuer,
      region: { province: r.region.province, city: r.region.city, county: r.region.county },
      year: r.year,
      date: r.date,
      score: Math.round(score * 1e4) / 1e4,
      matchCount,
      passages,
    };
  }

  /** Releases the snapshot's open files (after the server has swapped in a newer one). */
  close(): void {
    this.texts.close();
  }

  getReport(id: string): StoredReport | null {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const { chars: _chars, ...meta } = this.records[doc];
    return { ...meta, text: this.texts.originalText(doc) };
  }

  viewReport(id: string, q?: string): ReportView | null {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const report = this.getReport(id)!;
    let terms: string[] = [];
    if (q) {
      try {
        terms = highlightTerms(parseQuery(q));
      } catch (err) {
        // A refused query only loses its highlights on the report page.
        if (!(err instanceof QueryError)) throw err;
      }
    }
    const paragraphs = highlightParagraphs(report.text, this.texts.read(doc).norm, terms);
    return { report, paragraphs, matchCount: paragraphs.reduce((n, p) => n + p.matches, 0) };
  }
}
