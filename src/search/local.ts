/**
 * The local engine: the engine API over an on-disk index generation (an
 * `IndexReader`). Query tree + filters → matching reports (exact, from the
 * n-gram postings), facets over all of them, BM25 ranking, passages,
 * occurrences and distributions — all as plain data.
 */
import { normalize, words } from '../analyze/analyzer.js';
import { Bitset } from '../index/bitset.js';
import type { IndexReader } from '../index/reader.js';
import { highlightTerms, parseQuery } from '../query/parser.js';
import { QueryError } from '../query/errors.js';
import type {
  CountBucket,
  CountField,
  DocRecord,
  FacetBucket,
  Filters,
  HitData,
  IndexInfo,
  Occurrence,
  OccurrencePage,
  ParsedQuery,
  ReportParagraphs,
  SearchOptions,
  SearchQuery,
  SearchResult,
  SortOrder,
  ReportDocument,
} from '../types.js';
import type { CountOptions, Engine } from './engine.js';
import { checkPage, checkSearchOptions, MAX_OCCURRENCE_PAGE, MAX_OCCURRENCE_PAGE_SIZE } from './limits.js';
import { Matcher } from './matcher.js';
import { bestPassages, highlightParagraphs, splitParagraphs, termOccurrences } from './passages.js';
import { commonAncestor, MAX_DEPTH, RegionTable } from './regions.js';
import { topK } from './topk.js';

/** Score multiplier for reports where the query's words stand together as typed. */
export const ADJACENCY_BONUS = 1.5;

/** yyyymmdd as a number (0 when unknown), for date sorting without string compares. */
function dateKey(date: string | null): number {
  if (!date) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}

/** Yield to the event loop every so many reports of a long walk (streams, distributions). */
const YIELD_EVERY = 256;
const tick = () => new Promise<void>((r) => setImmediate(r));

export class LocalEngine implements Engine {
  readonly info: IndexInfo;
  private readonly records: DocRecord[];
  private readonly matcher: Matcher;
  private readonly regions: RegionTable;
  private readonly byId = new Map<string, number>();
  private readonly years: Int32Array;
  private readonly dates: Int32Array;
  private readonly yearSets = new Map<number, Bitset>();

  constructor(private readonly index: IndexReader) {
    this.info = index.info;
    this.records = index.records;
    this.matcher = new Matcher(this.records.length, index.lists, this.records.map((r) => normalize(r.title)));
    this.regions = new RegionTable(this.records.map((r) => r.region));
    this.years = Int32Array.from(this.records, (r) => r.year ?? 0);
    this.dates = Int32Array.from(this.records, (r) => dateKey(r.date));
    this.records.forEach((r, i) => this.byId.set(r.id, i));
  }

  get size(): number {
    return this.records.length;
  }

  private warming: Promise<void> | null = null;

  /**
   * Reads what queries need (positions, word shards) and runs one query of
   * each shape over the archive's own text, so the first user's query finds
   * files loaded and code compiled. Idempotent; `openEngine` starts it.
   */
  warm(): Promise<void> {
    this.warming ??= (async () => {
      await this.index.warm();
      const sample = this.records.length ? normalize(this.records[0].title).replace(/[\s\p{P}]/gu, '') : '';
      const none: Filters = { regions: [], years: [] };
      for (const q of [sample.slice(0, 2), sample.slice(0, 4), `${sample.slice(0, 2)} ${sample.slice(2, 4)}`]) {
        if (!q.trim()) continue;
        const query: SearchQuery = { parsed: parseQuery(q), match: 'exact' };
        await this.search(query, none, { sort: 'relevance', page: 1, size: 10 });
        await this.search(query, none, { sort: 'date-desc', page: 1, size: 10 });
        await tick();
      }
      this.clearCaches();
    })();
    return this.warming;
  }

  /** Forgets cached term sets (the benchmark times queries no one asked before). */
  clearCaches(): void {
    this.matcher.clearCache();
  }

  async search(query: SearchQuery, filters: Filters, options: SearchOptions): Promise<SearchResult> {
    const t0 = performance.now();
    checkSearchOptions(options);
    const { parsed } = query;
    const { page, size, sort } = options;
    const regionSel = filters.regions.filter((r) => r.trim() !== '');
    const inRegion = regionSel.length ? this.regions.filter(regionSel) : null;
    const inYear = filters.years.length ? this.yearFilter(filters.years) : null;

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
    return {
      total: hits.length,
      facets: {
        region: this.buckets(regionCounts, (id) => this.regions.paths[id]),
        year: [...yearCounts.entries()].sort((a, b) => b[0] - a[0]).map(([y, count]) => ({ value: String(y), count })),
      },
      hits: pageDocs.map((doc) => this.hit(doc, scores ? scores[doc] : 0, terms)),
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  async occurrences(query: SearchQuery, filters: Filters, paging: { page: number; size: number }): Promise<OccurrencePage> {
    checkPage(paging, MAX_OCCURRENCE_PAGE_SIZE, MAX_OCCURRENCE_PAGE);
    const terms = highlightTerms(query.parsed);
    const docs = this.filtered(query.parsed, filters);
    const counts = this.occurrenceCounts(docs, terms);
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i];
    const from = (paging.page - 1) * paging.size;
    const out: Occurrence[] = [];
    // Skip whole reports by their counts; read texts only for the page's reports.
    let seen = 0;
    for (let i = 0; i < docs.length && out.length < paging.size; i++) {
      if (seen + counts[i] <= from) {
        seen += counts[i];
        continue;
      }
      for (const occ of this.docOccurrences(docs[i], terms)) {
        if (seen++ < from) continue;
        out.push(occ);
        if (out.length >= paging.size) break;
      }
    }
    return { total, page: paging.page, size: paging.size, occurrences: out };
  }

  async *streamOccurrences(query: SearchQuery, filters: Filters): AsyncIterable<Occurrence> {
    const terms = highlightTerms(query.parsed);
    const docs = this.filtered(query.parsed, filters);
    for (let i = 0; i < docs.length; i++) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await tick();
      yield* this.docOccurrences(docs[i], terms);
    }
  }

  async countBy(query: SearchQuery, filters: Filters, options: CountOptions): Promise<CountBucket[]> {
    const keyOf = this.countKey(options.field, options.depth);
    const subKeyOf = options.then ? this.countKey(options.then.field, options.then.depth) : null;
    const inFilters = this.filterSet(filters);
    const matching = this.filtered(query.parsed, filters);
    const counts = this.occurrenceCounts(matching, highlightTerms(query.parsed));
    type Acc = CountBucket & { subs?: Map<string | null, Acc> };
    const buckets = new Map<string | null, Acc>();
    const get = (map: Map<string | null, Acc>, key: string | null) => {
      let b = map.get(key);
      if (!b) map.set(key, (b = { key, reports: 0, matchingReports: 0, occurrences: 0, chars: 0 }));
      return b;
    };
    /** The bucket of a report and, with `then`, its sub-bucket. */
    const bucketsOf = (doc: number): Acc[] => {
      const b = get(buckets, keyOf(doc));
      if (!subKeyOf) return [b];
      return [b, get((b.subs ??= new Map()), subKeyOf(doc))];
    };
    for (let doc = 0; doc < this.size; doc++) {
      if (inFilters && !inFilters.has(doc)) continue;
      for (const b of bucketsOf(doc)) {
        b.reports++;
        b.chars += this.records[doc].chars;
      }
    }
    for (let i = 0; i < matching.length; i++) {
      for (const b of bucketsOf(matching[i])) {
        b.matchingReports++;
        b.occurrences += counts[i];
      }
    }
    const ordered = <B extends CountBucket>(bs: Iterable<B>, field: CountField): B[] => {
      // Years ascending (a time line), other keys in Chinese collation; 未知 last.
      const cmp =
        field === 'year' ? (a: string, b: string) => Number(a) - Number(b) : (a: string, b: string) => a.localeCompare(b, 'zh-Hans-CN');
      return [...bs].sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : cmp(a.key, b.key)));
    };
    return ordered(buckets.values(), options.field).map(({ subs, ...b }) =>
      subs ? { ...b, sub: ordered(subs.values(), options.then!.field).map(({ subs: _, ...s }) => s) } : b,
    );
  }

  /** A report's key for a distribution: its year, region path cut at `depth`, or issuer; null when unknown. */
  private countKey(field: CountField, depth?: number): (doc: number) => string | null {
    const d = Math.min(MAX_DEPTH, Math.max(1, depth ?? 1));
    if (field === 'region') {
      // The path cut at depth d is the deepest of the report's first d levels: a lookup, not a join per report.
      const { levels, paths } = this.regions;
      return (doc) => {
        for (let k = d - 1; k >= 0; k--) if (levels[k][doc] >= 0) return paths[levels[k][doc]];
        return null;
      };
    }
    return (doc) => {
      const r = this.records[doc];
      return field === 'year' ? (r.year === null ? null : String(r.year)) : r.issuer;
    };
  }

  async report(id: string): Promise<ReportDocument | null> {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const { chars: _chars, ...meta } = this.records[doc];
    return { ...meta, text: this.index.texts.read(doc).text };
  }

  async paragraphs(id: string, query: SearchQuery | null): Promise<ReportParagraphs | null> {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const report = (await this.report(id))!;
    const terms = query ? highlightTerms(query.parsed) : [];
    const paragraphs = highlightParagraphs(report.text, this.index.texts.read(doc).norm, terms);
    return { report, paragraphs, matchCount: paragraphs.reduce((n, p) => n + p.matches, 0) };
  }

  /** Releases the snapshot's open files (after the server has swapped in a newer one). */
  close(): void {
    this.index.close();
  }

  // ---------------------------------------------------------------- matching

  /** The query's matches within `scope` (every report when null; an empty query matches all). */
  private match(parsed: ParsedQuery, scope: Bitset | null): Bitset {
    if (parsed.root) return this.matcher.evaluate(parsed.root, scope);
    return scope ? scope.clone() : Bitset.full(this.size);
  }

  /** Reports passing the filters, or null when there are none. */
  private filterSet(filters: Filters): Bitset | null {
    const regions = filters.regions.filter((r) => r.trim() !== '');
    const inRegion = regions.length ? this.regions.filter(regions) : null;
    const inYear = filters.years.length ? this.yearFilter(filters.years) : null;
    if (inRegion && inYear) return inRegion.and(inYear);
    return inRegion ?? inYear;
  }

  /** Matching reports that pass the filters, ascending. */
  private filtered(parsed: ParsedQuery, filters: Filters): Uint32Array {
    const scope = this.filterSet(filters);
    return this.match(parsed, scope).toArray();
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

  // ---------------------------------------------------------------- occurrences

  /**
   * Occurrences per report (parallel to `docs`, ascending): for each distinct
   * term, its non-overlapping occurrences, leftmost first, summed — from the
   * bigram positions where they can tell, from the text otherwise.
   */
  private occurrenceCounts(docs: Uint32Array, terms: string[]): Uint32Array {
    const counts = new Uint32Array(docs.length);
    const at = new Map<number, number>();
    docs.forEach((d, i) => at.set(d, i));
    const fromText: string[] = [];
    for (const term of terms) {
      // A single character keeps no positions; a term with a surrogate half at an edge needs the text to
      // tell whether it splits a pair.
      const c0 = term.charCodeAt(0);
      const cz = term.charCodeAt(term.length - 1);
      if (term.length < 2 || (c0 >= 0xdc00 && c0 <= 0xdfff) || (cz >= 0xd800 && cz <= 0xdbff)) {
        fromText.push(term);
        continue;
      }
      this.index.lists.forEachTermPositions(term, docs, (doc: number, positions: number[]) => {
        let n = 0;
        let free = 0;
        for (const p of positions) {
          if (p < free) continue;
          n++;
          free = p + term.length;
        }
        counts[at.get(doc)!] += n;
      });
    }
    if (fromText.length) {
      for (let i = 0; i < docs.length; i++) counts[i] += termOccurrences(this.index.texts.read(docs[i]).norm, fromText).occ.length;
    }
    return counts;
  }

  /** A report's occurrences, in position order, as offsets into their paragraphs. */
  private docOccurrences(doc: number, terms: string[]): Occurrence[] {
    const { text, norm } = this.index.texts.read(doc);
    const { occ } = termOccurrences(norm, terms);
    const paragraphs = splitParagraphs(text);
    const id = this.records[doc].id;
    const out: Occurrence[] = [];
    let p = 0;
    for (const o of occ) {
      while (paragraphs[p].end < o.start) p++;
      const para = paragraphs[p];
      out.push({ id, paragraph: para.index, start: o.start - para.start, end: o.end - para.start, term: o.term });
    }
    return out;
  }

  // ---------------------------------------------------------------- facets, ranking, hits

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

  /**
   * BM25 over the query's jieba words (title boosted), times a bonus where the
   * query's words stand together as typed. Null when nothing needs ranking.
   */
  private rank(parsed: ParsedQuery, hits: number[], sort: SortOrder): Float64Array | null {
    if (sort !== 'relevance' || parsed.positiveTerms.length === 0 || hits.length === 0) return null;
    const queryWords = parsed.positiveTerms.flatMap((t) => words(t.text));
    const scores = this.index.words.scores(queryWords, hits);
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

  private hit(doc: number, score: number, terms: string[]): HitData {
    const r = this.records[doc];
    const { text, norm } = this.index.texts.read(doc);
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
}
