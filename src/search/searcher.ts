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

  constructor(parts: SnapshotParts) {
    this.info = parts.info;
    this.records = parts.records;
    this.texts = parts.texts;
    this.words = parts.words;
    const n = parts.records.length;
    if (parts.texts.docCount !== n) throw new Error(`index: ${n} reports but ${parts.texts.docCount} texts — run npm run index`);
    this.matcher = new Matcher(n, parts.grams, parts.texts, parts.records.map((r) => normalize(r.title)));
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

    const matches = parsed.root ? this.matcher.evaluate(parsed.root) : Bitset.full(this.size);
    const inRegion = regionSel.length ? this.regions.filter(regionSel) : null;
    const inYear = yearSel.length ? this.yearFilter(yearSel) : null;

    // One pass over the matches: each facet is counted with the other facet's
    // filter only (its own selection ignored), the hits need both.
    const ancestor = commonAncestor(regionSel);
    const yearCounts = new Map<number, number>();
    const regionCounts = [new Map<number, number>(), new Map<number, number>()];
    const depth = ancestor.length;
    const ancestorId = depth ? this.regions.idOf(ancestor.join('/')) : undefined;
    const parentId = depth > 1 ? this.regions.idOf(ancestor.slice(0, -1).join('/')) : undefined;
    const hits: number[] = [];
    const ids = matches.toArray();
    for (let i = 0; i < ids.length; i++) {
      const doc = ids[i];
      const okRegion = !inRegion || inRegion.has(doc);
      const okYear = !inYear || inYear.has(doc);
      if (okRegion && this.years[doc]) yearCounts.set(this.years[doc], (yearCounts.get(this.years[doc]) ?? 0) + 1);
      if (okYear) {
        // Children of the ancestor, and (as a fallback for a leaf) of its parent.
        this.countRegion(regionCounts[0], doc, depth, ancestorId);
        if (depth > 0) this.countRegion(regionCounts[1], doc, depth - 1, parentId);
      }
      if (okRegion && okYear) hits.push(doc);
    }
    const regionBuckets = regionCounts[0].size || depth === 0 ? regionCounts[0] : regionCounts[1];

    const scores = this.rank(parsed, hits, sort);
    const order = this.sortHits(hits, scores, sort);
    const pageDocs = order.slice((page - 1) * size, page * size);
    const terms = highlightTerms(parsed);

    const pageHits = pageDocs.map((doc) => this.hit(doc, scores ? scores[doc] : 0, terms));
    return {
      query: q,
      total: hits.length,
      page,
      size,
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
      facets: {
        region: this.buckets(regionBuckets, (id) => this.regions.paths[id]),
        year: [...yearCounts.entries()].sort((a, b) => b[0] - a[0]).map(([y, count]) => ({ value: String(y), count })),
      },
      hits: pageHits,
      warnings: parsed.warnings,
      looserQuery: looserQuery(parsed),
    };
  }

  private countRegion(counts: Map<number, number>, doc: number, depth: number, ancestorId: number | undefined): void {
    if (depth >= MAX_DEPTH) return;
    if (depth > 0 && this.regions.levels[depth - 1][doc] !== ancestorId) return;
    const id = this.regions.levels[depth][doc];
    if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
  }

  private buckets(counts: Map<number, number>, name: (id: number) => string): FacetBucket[] {
    return [...counts.entries()]
      .map(([id, count]) => ({ value: name(id), count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh-Hans-CN'));
  }

  private yearFilter(years: number[]): Bitset {
    const want = new Set(years);
    const out = new Bitset(this.size);
    for (let doc = 0; doc < this.size; doc++) if (want.has(this.years[doc])) out.add(doc);
    return out;
  }

  /**
   * BM25 over the query's jieba words (title boosted), times a bonus where the
   * query's words stand together as typed. Null when nothing needs ranking.
   */
  private rank(parsed: ParsedQuery, hits: number[], sort: SortOrder): Float64Array | null {
    if (sort !== 'relevance' || parsed.positiveTerms.length === 0 || hits.length === 0) return null;
    const queryWords = parsed.positiveTerms.flatMap((t) => words(t.text));
    const scores = this.words.scores(queryWords);
    const body = parsed.positiveTerms.filter((t) => t.field === 'body');
    if (body.length > 1) {
      const together = this.matcher.bodyMatches(body.map((t) => t.text).join(''));
      for (const doc of hits) if (together.has(doc)) scores[doc] = scores[doc] * ADJACENCY_BONUS + 1e-6;
    }
    return scores;
  }

  private sortHits(hits: number[], scores: Float64Array | null, sort: SortOrder): number[] {
    const dates = this.dates;
    const byDateDesc = (a: number, b: number) => (dates[b] || -1) - (dates[a] || -1);
    const cmp =
      sort === 'date-asc'
        ? (a: number, b: number) => (dates[a] || Infinity) - (dates[b] || Infinity) || a - b
        : sort === 'date-desc' || !scores
          ? (a: number, b: number) => byDateDesc(a, b) || a - b
          : (a: number, b: number) => scores[b] - scores[a] || byDateDesc(a, b) || a - b;
    return hits.sort(cmp);
  }

  private hit(doc: number, score: number, terms: string[]): SearchHit {
    const r = this.records[doc];
    const text = this.texts.originalText(doc);
    const { passages, matchCount } = bestPassages(text, this.texts.normText(doc), terms);
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
    const paragraphs = highlightParagraphs(report.text, this.texts.normText(doc), terms);
    return { report, paragraphs, matchCount: paragraphs.reduce((n, p) => n + p.matches, 0) };
  }
}
