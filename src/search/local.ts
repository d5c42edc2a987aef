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
  Filters,
  HitData,
  IndexInfo,
  Occurrence,
  OccurrencePage,
  ParagraphRange,
  ParsedQuery,
  ReportParagraphs,
  SearchOptions,
  SearchQuery,
  SearchResult,
  SortOrder,
  ReportDocument,
} from '../types.js';
import type { CountOptions, Engine } from './engine.js';
import { checkDraft, similarPassages, type DraftCheck, type ReuseIndex, type SimilarResult } from '../reuse/index.js';
import { QueryBudget } from './budget.js';
import { checkPairsOptions, PairTable, ReuseNotReady, type ReusePairPage, type ReusePairsOptions } from './reuse-pairs.js';
import { checkPage, checkSearchOptions, MAX_OCCURRENCE_PAGE, MAX_OCCURRENCE_PAGE_SIZE } from './limits.js';
import { Matcher } from './matcher.js';
import { queryMatcher, type QueryMatcher } from './occurrences.js';
import { hitData, reportParagraphs, splitParagraphs } from './passages.js';
import { DEFAULT_DOC_TYPES, type DocTypeRule } from './doctypes.js';
import { collationRanks, compareCountKeys, facetBuckets, levelBuckets, rankedBuckets, yearBuckets } from './facet-buckets.js';
import { FACETS, FilterIndex, LEVELS, SELF, UNKNOWN_REGION } from './filters.js';
import { commonAncestor, MAX_DEPTH } from './regions.js';
import { topK } from './topk.js';

/** Score multiplier for reports where the query's words stand together as typed. */
export const ADJACENCY_BONUS = 1.5;
/** Most buckets of a long facet (issuers) returned; selected values are always kept. */
export const FACET_LIMIT = 100;

/** Counts by id → (name, count) pairs. */
/** The non-zero counts of `counts[i]`, as (name of id i − `shift`, count). */
function named<K>(counts: Uint32Array, name: (id: number) => K, shift = 0): Array<[K, number]> {
  const out: Array<[K, number]> = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]) out.push([name(i - shift), counts[i]]);
  return out;
}

/** Years are counted in an array indexed by the year. */
const YEAR_SLOTS = 10_000;

/** Yield to the event loop every so many reports of a long walk (streams, distributions). */
const YIELD_EVERY = 256;
const tick = () => new Promise<void>((r) => setImmediate(r));
/** (query, filters) pairs whose occurrence counts are kept: 2 × 4 bytes per matching report each. */
const COUNTED_CACHE = 32;

export class LocalEngine implements Engine {
  readonly info: IndexInfo;
  private readonly records: DocRecord[];
  private readonly matcher: Matcher;
  private readonly filters: FilterIndex;
  private readonly byId = new Map<string, number>();

  constructor(
    private readonly index: IndexReader,
    docTypes: DocTypeRule[] = DEFAULT_DOC_TYPES,
  ) {
    this.info = index.info;
    this.records = index.records;
    this.matcher = new Matcher(this.records.length, index.lists, index.texts, this.records.map((r) => normalize(r.title)));
    this.filters = new FilterIndex(this.records, docTypes);
    this.records.forEach((r, i) => this.byId.set(r.id, i));
  }

  get size(): number {
    return this.records.length;
  }

  private warming: Promise<void> | null = null;
  /** Issuers' places in Chinese collation, for the issuer facet's order (made at the first query). */
  private issuerRanks: Uint32Array | null = null;

  /**
   * Reads what queries need (the positions file) and runs one query of
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

  /** Forgets cached term sets, occurrence counts and recently read texts (the benchmark times queries no one asked before). */
  clearCaches(): void {
    this.matcher.clearCache();
    this.index.texts.clearCache();
    this.index.words.clearCache();
    this.index.lists.clearCache();
    this.counted.clear();
  }

  async search(query: SearchQuery, filters: Filters, options: SearchOptions): Promise<SearchResult> {
    const t0 = performance.now();
    checkSearchOptions(options);
    this.filters.validate(filters);
    const { parsed } = query;
    const { page, size, sort } = options;
    const pass = this.filters.passSets(filters);

    // Facets are disjunctive: each dimension is counted over the matches that pass
    // every other filter (its own selection ignored); hits pass them all. The region
    // facet lists the children of the selection's common ancestor (and its 本级), so
    // nothing outside that ancestor is needed: the query is evaluated in its subtree.
    const ancestor = commonAncestor(filters.regions);
    const depth = ancestor.length;
    const scope = depth ? this.filters.regions.filter([ancestor.join('/')]) : null;
    const matches = this.match(query, scope);
    if (pass.time) matches.and(pass.time);

    const dims = FACETS.map((f) => pass[f]);
    const f = this.filters;
    // Counted in arrays by id (a Map per facet cost a hash lookup per hit and facet): regions shifted by 2 (−2 is 本级).
    const regionCounts = new Uint32Array(f.regions.paths.length + 2);
    const yearCounts = new Uint32Array(YEAR_SLOTS);
    const issuerCounts = new Uint32Array(f.issuers.names.length);
    const typeCounts = new Uint32Array(f.types.names.length);
    const levelCounts = new Uint32Array(LEVELS.length);
    const level = depth < MAX_DEPTH ? f.regions.levels[depth] : null;
    const hits: number[] = [];
    const ids = matches.toArray();
    for (let i = 0; i < ids.length; i++) {
      const doc = ids[i];
      let fails = 0;
      let failed = -1;
      for (let d = 0; d < dims.length; d++) {
        const set = dims[d];
        if (set && !set.has(doc)) {
          fails++;
          failed = d;
        }
      }
      if (fails > 1) continue;
      // A report that fails one dimension is counted in that dimension's facet only.
      // Region buckets: a child of the ancestor, or the ancestor itself (本级; 未知 at the top).
      if (fails === 0 || failed === 0) {
        const child = level && f.depthOf[doc] > depth ? level[doc] : -1 - (f.depthOf[doc] === depth ? 1 : 0);
        if (child !== -1) regionCounts[child + 2]++;
      }
      const year = f.years[doc];
      if ((fails === 0 || failed === 1) && year > 0 && year < YEAR_SLOTS) yearCounts[year]++;
      if ((fails === 0 || failed === 2) && f.issuerOf[doc] >= 0) issuerCounts[f.issuerOf[doc]]++;
      if ((fails === 0 || failed === 3) && f.typeOf[doc] >= 0) typeCounts[f.typeOf[doc]]++;
      if ((fails === 0 || failed === 4) && f.levelOf[doc] >= 0) levelCounts[f.levelOf[doc]]++;
      if (fails === 0) hits.push(doc);
    }

    const scores = this.rank(parsed, hits, sort);
    const pageDocs = this.topHits(hits, scores, sort, page * size).slice((page - 1) * size, page * size);
    const terms = queryMatcher(query);
    // Passages read and mark each hit's text: between hits, let other requests run (and keep the deadline).
    const budget = QueryBudget.current();
    const hitData: HitData[] = [];
    for (const doc of pageDocs) {
      hitData.push(this.hit(doc, scores ? scores[doc] : 0, terms));
      await budget?.pause();
    }
    const self = depth ? `${ancestor.join('/')}/${SELF}` : UNKNOWN_REGION;
    return {
      total: hits.length,
      facets: {
        region: facetBuckets(named(regionCounts, (id) => (id === -2 ? self : f.regions.paths[id]), 2), filters.regions),
        year: yearBuckets(named(yearCounts, (y) => y)),
        issuer: rankedBuckets(issuerCounts, f.issuers.names, (this.issuerRanks ??= collationRanks(f.issuers.names)), filters.issuers ?? [], FACET_LIMIT),
        type: facetBuckets(named(typeCounts, (id) => f.types.names[id]), filters.types ?? []),
        level: levelBuckets(named(levelCounts, (l) => LEVELS[l])),
      },
      hits: hitData,
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  async occurrences(query: SearchQuery, filters: Filters, paging: { page: number; size: number }): Promise<OccurrencePage> {
    checkPage(paging, MAX_OCCURRENCE_PAGE_SIZE, MAX_OCCURRENCE_PAGE);
    const terms = queryMatcher(query);
    const { docs, counts } = await this.countedMatches(query, filters, terms);
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
    const terms = queryMatcher(query);
    const docs = this.filtered(query, filters);
    for (let i = 0; i < docs.length; i++) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await tick();
      yield* this.docOccurrences(docs[i], terms);
    }
  }

  async countBy(query: SearchQuery, filters: Filters, options: CountOptions): Promise<CountBucket[]> {
    const keyOf = this.countKey(options.field, options.depth);
    const subKeyOf = options.then ? this.countKey(options.then.field, options.then.depth) : null;
    const inFilters = this.filterSet(filters);
    const { docs: matching, counts } = await this.countedMatches(query, filters, queryMatcher(query));
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
      const cmp = compareCountKeys(field);
      return [...bs].sort((a, b) => cmp(a.key, b.key));
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
      const { levels, paths } = this.filters.regions;
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

  async paragraphs(id: string, query: SearchQuery | null, range?: ParagraphRange): Promise<ReportParagraphs | null> {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const report = (await this.report(id))!;
    return reportParagraphs(report, this.index.texts.read(doc).norm, query ? queryMatcher(query) : [], range);
  }

  async similar(id: string, paragraph: number): Promise<SimilarResult | null> {
    const doc = this.byId.get(id);
    if (doc === undefined) return null;
    const count = splitParagraphs(this.index.texts.read(doc).text).length;
    if (!Number.isInteger(paragraph) || paragraph < 0 || paragraph >= count) return null;
    return similarPassages(this.index.reuse(), id, paragraph);
  }

  /** The snapshot's text-reuse index, for the corpus-wide pass (`report-search reuse`). */
  reuseIndex(): ReuseIndex {
    return this.index.reuse();
  }

  async draftCheck(text: string): Promise<DraftCheck> {
    return checkDraft(this.index.reuse(), text);
  }

  /**
   * How long a request waits for the corpus-wide pass before it is told to come
   * back (ReuseNotReady). The sample archive's pass takes well under this.
   */
  reusePairsWaitMs = 5_000;
  private pairTable: Promise<PairTable> | null = null;
  private pairProgress = 0;
  private closed = false;

  async reusePairs(filters: Filters, options: ReusePairsOptions): Promise<ReusePairPage> {
    checkPairsOptions(options);
    const pass = this.filterSet(filters);
    const reuse = this.index.reuse();
    const table = await this.pairs(reuse);
    // the reuse index numbers reports as the builder added them; map through the id to be sure
    const passes = pass ? (d: number) => pass.has(this.byId.get(reuse.docs[d].id) ?? -1) : null;
    return table.page(passes, options, (id) => this.records[this.byId.get(id)!].title);
  }

  /** The snapshot's pair table: computed once, at the first request; waits at most reusePairsWaitMs for it. */
  private async pairs(reuse: ReuseIndex): Promise<PairTable> {
    if (!this.pairTable) {
      this.pairProgress = 0;
      const running = PairTable.compute(reuse, (done) => (this.pairProgress = done), () => this.closed);
      this.pairTable = running;
      // a failed pass (a damaged text read) is tried again by the next request
      running.catch(() => {
        if (this.pairTable === running) this.pairTable = null;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), this.reusePairsWaitMs)));
    try {
      const table = await Promise.race([this.pairTable, late]);
      if (!table) throw new ReuseNotReady(this.pairProgress, reuse.reportCount);
      return table;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Releases the snapshot's open files (after the server has swapped in a newer one); stops a running pass. */
  close(): void {
    this.closed = true;
    this.index.close();
  }

  // ---------------------------------------------------------------- matching

  /** The query's matches within `scope` (every report when null; an empty query matches all). */
  private match(query: SearchQuery, scope: Bitset | null): Bitset {
    const root = query.parsed.root;
    if (root) return this.matcher.evaluate(root, scope, query.match);
    return scope ? scope.clone() : Bitset.full(this.size);
  }

  /** Reports passing every filter, or null when there are none. */
  private filterSet(filters: Filters): Bitset | null {
    this.filters.validate(filters);
    let out: Bitset | null = null;
    for (const set of Object.values(this.filters.passSets(filters))) {
      if (set) out = out ? out.and(set) : set.clone();
    }
    return out;
  }

  /** Matching reports that pass the filters, ascending. */
  private filtered(query: SearchQuery, filters: Filters): Uint32Array {
    const scope = this.filterSet(filters);
    return this.match(query, scope).toArray();
  }

  // ---------------------------------------------------------------- occurrences

  /** Occurrence counts of recent (query, filters) pairs: a KWIC page after the first, a distribution asked again (LRU). */
  private readonly counted = new Map<string, { docs: Uint32Array; counts: Uint32Array }>();

  /** Matching reports that pass the filters, ascending, and their occurrence counts (read-only: they may be cached). */
  private async countedMatches(query: SearchQuery, filters: Filters, matcher: QueryMatcher): Promise<{ docs: Uint32Array; counts: Uint32Array }> {
    const key = JSON.stringify([query.match, query.parsed.root, filters]);
    let hit = this.counted.get(key);
    if (hit) this.counted.delete(key);
    else {
      const docs = this.filtered(query, filters);
      hit = { docs, counts: await this.occurrenceCounts(docs, matcher) };
    }
    this.counted.set(key, hit);
    if (this.counted.size > COUNTED_CACHE) this.counted.delete(this.counted.keys().next().value!);
    return hit;
  }

  /**
   * Occurrences per report (parallel to `docs`, ascending): for each distinct
   * term, its non-overlapping occurrences, leftmost first, summed — from the
   * bigram positions where they can tell (exact terms of two or more
   * characters), from the text otherwise (fuzzy, proximity, single characters).
   */
  private async occurrenceCounts(docs: Uint32Array, matcher: QueryMatcher): Promise<Uint32Array> {
    const counts = new Uint32Array(docs.length);
    const edgeSurrogate = (t: string) => {
      const c0 = t.charCodeAt(0);
      const cz = t.charCodeAt(t.length - 1);
      return (c0 >= 0xdc00 && c0 <= 0xdfff) || (cz >= 0xd800 && cz <= 0xdbff);
    };
    if (matcher.needsText || matcher.terms.some(edgeSurrogate)) {
      const budget = QueryBudget.current();
      for (let i = 0; i < docs.length; i++) {
        counts[i] = matcher.occurrences(this.index.texts.read(docs[i]).norm).length;
        await budget?.pause();
      }
      return counts;
    }
    // report → its place in `docs`: an array, not a Map (this runs once per position list read)
    const at = new Int32Array(this.size);
    docs.forEach((d, i) => (at[d] = i));
    for (const term of matcher.terms) {
      this.index.lists.forEachTermPositions(term, docs, (doc: number, positions: number[]) => {
        let n = 0;
        let free = 0;
        for (const p of positions) {
          if (p < free) continue;
          n++;
          free = p + term.length;
        }
        counts[at[doc]] += n;
      });
    }
    return counts;
  }

  /** A report's occurrences, in position order, as offsets into their paragraphs. */
  private docOccurrences(doc: number, matcher: QueryMatcher): Occurrence[] {
    const { text, norm } = this.index.texts.read(doc);
    const occ = matcher.occurrences(norm);
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
    const dates = this.filters.dates;
    const byDateDesc = (a: number, b: number) => (dates[b] || -1) - (dates[a] || -1);
    const cmp =
      sort === 'date-asc'
        ? (a: number, b: number) => (dates[a] || Infinity) - (dates[b] || Infinity) || a - b
        : sort === 'date-desc' || !scores
          ? (a: number, b: number) => byDateDesc(a, b) || a - b
          : (a: number, b: number) => scores[b] - scores[a] || byDateDesc(a, b) || a - b;
    return topK(hits, k, cmp);
  }

  private hit(doc: number, score: number, terms: QueryMatcher): HitData {
    const { text, norm } = this.index.texts.read(doc);
    return hitData(this.records[doc], text, norm, score, terms);
  }
}
