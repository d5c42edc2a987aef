/**
 * The engine API (src/search/engine.ts) over an OpenSearch index built by
 * `buildOpenSearchIndex` (./build.ts), with the same answers as the local engine:
 * the same reports, totals, facet counts, passages, marks, occurrences and
 * distributions. Only relevance scores differ (BM25 by Lucene instead of MiniSearch).
 *
 * What OpenSearch does, and what stays ours:
 * - **Matching.** The query tree becomes a bool query of `match_phrase` on `text`
 *   (`title`): one token per code point of the normalised text, so a phrase is
 *   exactly "the normalised text contains this substring" (opensearch/README.md).
 *   Proximity (`A /SEN B`) and 模糊 mode cannot be said in a Lucene query without
 *   changing what matches, so for them OpenSearch gives a complete candidate set
 *   (both terms; every character of a fuzzy key) and each candidate is confirmed
 *   here on its stored text with the local engine's own functions — `nearHolds`,
 *   `fuzzyContains`, `matchesQuery` — after which the confirmed ids are the match.
 * - **Filters and facets** are filters and aggregations: the query and the
 *   region/time scope in the query, each facet dimension in a filter aggregation
 *   holding every other dimension's filter, and all of them in `post_filter` for
 *   the hits — the local engine's disjunctive rule. Bucket order and cut come
 *   from src/search/facet-buckets.ts.
 * - **Passages, marks, matchCount, occurrences, paragraphs** are computed here
 *   from the stored original text with `bestPassages`, `highlightParagraphs` and
 *   `queryMatcher`: identical by construction.
 * - **Distributions** (`countBy`): the denominators (reports and characters per
 *   bucket) are aggregations; occurrences need the texts of the matching reports.
 *
 * One engine is bound to one concrete index (a snapshot); `watchOpenSearch` gives
 * a handle that follows the alias and swaps in the index a rebuild points it at.
 */
import { analyzerFingerprint, dictionaryHash, normalize, useUserDictionary, words } from '../../analyze/analyzer.js';
import { IndexError } from '../../index/format.js';
import { matchesQuery } from '../../query/parser.js';
import type { CountOptions, Engine, EngineHandle } from '../../search/engine.js';
import { compareCountKeys, facetBuckets, levelBuckets, yearBuckets } from '../../search/facet-buckets.js';
import { FilterIndex, SELF, UNKNOWN_REGION } from '../../search/filters.js';
import { fuzzyContains, fuzzyKey, fuzzyOccurrences, fuzzyView, type FuzzyView } from '../../search/fuzzy.js';
import { checkPage, checkSearchOptions, MAX_OCCURRENCE_PAGE, MAX_OCCURRENCE_PAGE_SIZE } from '../../search/limits.js';
import { queryMatcher, type QueryMatcher } from '../../search/occurrences.js';
import { hitData, reportParagraphs, splitParagraphs } from '../../search/passages.js';
import { nearHolds, termOccurrences as exactOccurrences } from '../../search/proximity.js';
import { commonAncestor, MAX_DEPTH } from '../../search/regions.js';
import type {
  CountBucket,
  DocRecord,
  Filters,
  HitData,
  IndexInfo,
  Level,
  MatchMode,
  Occurrence,
  OccurrencePage,
  ParagraphRange,
  QueryNode,
  ReportDocument,
  ReportParagraphs,
  SearchOptions,
  SearchQuery,
  SearchResult,
} from '../../types.js';
import { joinWords, type StoredMeta } from './documents.js';
import { openSearchHttp, OpenSearchError, type OpenSearchHttp } from './http.js';
import { DEFAULT_ALIAS, TEMPLATE_VERSION } from './template.js';

/** Most issuer buckets listed, as the local engine's `FACET_LIMIT`. */
const FACET_LIMIT = 100;
/** Score factor where the query's body terms stand together as typed (the local engine's `ADJACENCY_BONUS`, as a boost). */
const ADJACENCY_BOOST = 2;
const TITLE_BOOST = 3;
/** Reports fetched per request when walking a result set in report order. */
const SCAN_BATCH = 500;
/** Distinct values a terms aggregation may return (regions, issuers). */
const MAX_BUCKETS = 20_000;
/** Confirmed match sets kept per engine (proximity and fuzzy queries: the expensive ones). */
const CACHE_SIZE = 64;

/** The level names of the index (documents.ts `RegionLevel`) for the engine's `Level`s. */
const LEVEL_CODE: Record<Level, string> = { 全国: 'national', 省级: 'province', 市级: 'city', 县级: 'county' };
const LEVEL_OF_CODE = new Map(Object.entries(LEVEL_CODE).map(([l, c]) => [c, l as Level]));

/** What a build records in the index mapping's `_meta` (./build.ts). */
export interface BuildMeta {
  templateVersion: number;
  analyzer: string;
  reports: number;
  builtAt: string;
  dataFingerprint: string;
  statFingerprint: string;
  userDict: string | null;
  ingest: { found: number; skipped: number; duplicates: number };
}

type Q = Record<string, unknown>;

const MATCH_ALL: Q = { match_all: {} };
const MATCH_NONE: Q = { match_none: {} };
const and = (clauses: Q[]): Q => (clauses.length === 0 ? MATCH_ALL : clauses.length === 1 ? clauses[0] : { bool: { filter: clauses } });

/**
 * A query tree as an OpenSearch query, and whether that query is the match
 * itself (`exact`) or a complete candidate set to confirm on the text.
 */
export function translateQuery(node: QueryNode, mode: MatchMode): { q: Q; exact: boolean } {
  switch (node.type) {
    case 'term': {
      const field = node.field === 'title' ? 'title' : 'text';
      if (mode === 'fuzzy') {
        const key = fuzzyKey(node.text);
        // Every character of the key is in a matching text (in order, with punctuation between): a superset.
        return key === '' ? { q: MATCH_NONE, exact: true } : { q: { match: { [field]: { query: key, operator: 'and' } } }, exact: false };
      }
      if (node.text === '') return { q: MATCH_ALL, exact: true };
      return { q: { match_phrase: { [field]: { query: node.text } } }, exact: true };
    }
    case 'near': {
      const [a, b] = node.children.map((c) => translateQuery(c, mode).q);
      return { q: { bool: { filter: [a, b] } }, exact: false };
    }
    case 'not': {
      const c = translateQuery(node.child, mode);
      // The complement of a superset is no superset of the complement: take everything, confirm later.
      return c.exact ? { q: { bool: { must_not: [c.q] } }, exact: true } : { q: MATCH_ALL, exact: false };
    }
    case 'and': {
      const parts = node.children.map((c) => translateQuery(c, mode));
      return { q: { bool: { filter: parts.map((p) => p.q) } }, exact: parts.every((p) => p.exact) };
    }
    case 'or': {
      const parts = node.children.map((c) => translateQuery(c, mode));
      return { q: { bool: { should: parts.map((p) => p.q), minimum_should_match: 1 } }, exact: parts.every((p) => p.exact) };
    }
  }
}

/**
 * Whether a report matches a query tree, decided on its normalised text and title
 * with the local engine's functions: substring containment (exact), `fuzzyContains`
 * (模糊), `nearHolds` for proximity, combined by the parser's reference semantics.
 */
export function confirmMatch(root: QueryNode, mode: MatchMode, norm: string, normTitle: string): boolean {
  let view: FuzzyView | null = null;
  const bodyView = () => (view ??= fuzzyView(norm));
  const contains = (t: { field: 'body' | 'title'; text: string }) => {
    if (mode === 'fuzzy') return t.field === 'title' ? fuzzyContains(normTitle, t.text) : fuzzyContains(bodyView(), t.text);
    return (t.field === 'title' ? normTitle : norm).includes(t.text);
  };
  const find = mode === 'fuzzy' ? (_: string, t: string) => fuzzyOccurrences(bodyView(), t) : exactOccurrences;
  return matchesQuery(root, contains, (n) => nearHolds(norm, n, find));
}

// ---------------------------------------------------------------- filters as queries

/** Reports inside a region path (the region and everything under it). */
function regionSubtree(path: string): Q {
  const depth = Math.min(MAX_DEPTH, path.split('/').filter(Boolean).length);
  return { term: { [`region_l${depth}`]: path } };
}

function regionClause(value: string): Q {
  if (value === UNKNOWN_REGION) return { bool: { must_not: [{ exists: { field: 'region_l1' } }] } };
  if (value.endsWith(`/${SELF}`)) return { term: { region_full: value.slice(0, -SELF.length - 1) } };
  return regionSubtree(value);
}

const anyOf = (clauses: Q[]): Q => (clauses.length === 1 ? clauses[0] : { bool: { should: clauses, minimum_should_match: 1 } });

/** A bound of a time span as yyyymmdd (src/search/filters.ts `boundKey`). */
function boundKey(value: string, end: boolean): number {
  if (/^\d{4}$/.test(value)) return Number(value) * 10000 + (end ? 1231 : 101);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}

/** The local engine's time span rule (`FilterIndex.timeSet`) as a query. */
export function timeClause(from: string | null, to: string | null): Q | null {
  if (!from && !to) return null;
  const yearsOnly = (!from || /^\d{4}$/.test(from)) && (!to || /^\d{4}$/.test(to));
  const lo = from ? boundKey(from, false) : 0;
  const hi = to ? boundKey(to, true) : 99999999;
  // year*10000+101 >= lo and year*10000+1231 <= hi (both years), or the year's span overlapping [lo, hi] (undated).
  const yearRange = (min: number, max: number): Q => ({ range: { year: { gte: Math.max(1, min), lte: max } } });
  if (yearsOnly) return yearRange(Math.ceil((lo - 101) / 10000), Math.floor((hi - 1231) / 10000));
  return anyOf([
    { range: { date_key: { gte: lo, lte: hi } } },
    { bool: { must_not: [{ exists: { field: 'date_key' } }], filter: [yearRange(Math.ceil((lo - 1231) / 10000), Math.floor((hi - 101) / 10000))] } },
  ]);
}

type Dim = 'region' | 'year' | 'issuer' | 'type' | 'level';
const DIMS: Dim[] = ['region', 'year', 'issuer', 'type', 'level'];

/** Each facet dimension's filter (null: none). */
function dimClauses(f: Filters): Record<Dim, Q | null> {
  const terms = (field: string, values: unknown[] | undefined): Q | null =>
    values && values.length ? { terms: { [field]: [...new Set(values)] } } : null;
  return {
    region: f.regions.length ? anyOf([...new Set(f.regions)].map(regionClause)) : null,
    year: terms('year', f.years),
    issuer: terms('issuer', f.issuers),
    type: terms('type', f.types),
    level: terms('level', f.levels?.map((l) => LEVEL_CODE[l])),
  };
}

// ---------------------------------------------------------------- the engine

interface SourceDoc {
  id: string;
  original: string;
  title?: string;
  meta: StoredMeta;
  year?: number | null;
  issuer?: string | null;
  region_l1?: string | null;
  region_l2?: string | null;
  region_l3?: string | null;
}

export interface OpenSearchEngineOptions {
  http: OpenSearchHttp;
  /** The concrete index this snapshot reads. */
  index: string;
  meta: BuildMeta;
  /** Every region path of the index (the full ones), for validating region filters. */
  regionPaths: string[];
}

export class OpenSearchEngine implements Engine {
  readonly info: IndexInfo;
  readonly index: string;
  private readonly http: OpenSearchHttp;
  /** The local engine's filter validation over the index's regions: the same 400s, word for word. */
  private readonly validator: FilterIndex;
  private readonly cache = new Map<string, Q>();

  constructor(opts: OpenSearchEngineOptions) {
    this.http = opts.http;
    this.index = opts.index;
    this.info = {
      dir: opts.index,
      formatVersion: opts.meta.templateVersion,
      analyzer: opts.meta.analyzer,
      reports: opts.meta.reports,
      builtAt: opts.meta.builtAt,
      dataFingerprint: opts.meta.dataFingerprint,
    };
    const records = opts.regionPaths.map((p) => {
      const [province = null, city = null, county = null] = p.split('/');
      return { title: '', year: null, date: null, issuer: null, region: { province, city, county, code: null } } as unknown as DocRecord;
    });
    this.validator = new FilterIndex(records, []);
  }

  async search(query: SearchQuery, filters: Filters, options: SearchOptions): Promise<SearchResult> {
    const t0 = performance.now();
    checkSearchOptions(options);
    this.validator.validate(filters);
    const { parsed } = query;
    const { page, size, sort } = options;

    // As the local engine: the query is evaluated inside the selection's common
    // ancestor and the time span; each facet is counted with every other filter.
    const ancestor = commonAncestor(filters.regions);
    const depth = ancestor.length;
    const scope: Q[] = [];
    if (depth) scope.push(regionSubtree(ancestor.join('/')));
    const time = timeClause(filters.from ?? null, filters.to ?? null);
    if (time) scope.push(time);
    const match = await this.matchClause(query, scope);

    const dims = dimClauses(filters);
    const others = (d: Dim) => and(DIMS.filter((x) => x !== d && dims[x]).map((x) => dims[x]!));
    const level = `region_l${Math.min(depth + 1, MAX_DEPTH)}`;
    const aggs = {
      region: {
        filter: others('region'),
        aggs: { b: { terms: { field: level, size: MAX_BUCKETS } }, ...(depth === 0 ? { unknown: { missing: { field: 'region_l1' } } } : {}) },
      },
      year: { filter: others('year'), aggs: { b: { terms: { field: 'year', size: MAX_BUCKETS } } } },
      issuer: { filter: others('issuer'), aggs: { b: { terms: { field: 'issuer', size: MAX_BUCKETS } } } },
      type: { filter: others('type'), aggs: { b: { terms: { field: 'type', size: 1000 } } } },
      level: { filter: others('level'), aggs: { b: { terms: { field: 'level', size: 10 } } } },
    };

    const should: Q[] = [];
    const ranked = sort === 'relevance' && parsed.positiveTerms.length > 0;
    if (ranked) {
      const qw = joinWords(parsed.positiveTerms.flatMap((t) => words(t.text)));
      if (qw) should.push({ match: { words: { query: qw } } }, { match: { title_words: { query: qw, boost: TITLE_BOOST } } });
      const body = parsed.positiveTerms.filter((t) => t.field === 'body');
      if (body.length > 1) {
        should.push({ constant_score: { filter: { match_phrase: { text: { query: body.map((t) => t.text).join('') } } }, boost: ADJACENCY_BOOST } });
      }
    }
    const byDate = (order: 'asc' | 'desc') => [{ date_key: { order, missing: '_last' } }, { seq: 'asc' }];
    const sortSpec = ranked ? [{ _score: 'desc' }, ...byDate('desc')] : byDate(sort === 'date-asc' ? 'asc' : 'desc');

    const res = await this.searchRaw({
      query: { bool: { filter: [match, ...scope], ...(should.length ? { should } : {}) } },
      post_filter: and(DIMS.filter((d) => dims[d]).map((d) => dims[d]!)),
      aggs,
      sort: sortSpec,
      track_scores: ranked,
      track_total_hits: true,
      from: (page - 1) * size,
      size,
      _source: ['meta', 'original'],
    });

    const a = res.aggregations;
    const self = depth ? `${ancestor.join('/')}/${SELF}` : UNKNOWN_REGION;
    const here = ancestor.join('/');
    const regionCounts: Array<[string, number]> = a.region.b.buckets.map((b: any) => [depth && b.key === here ? self : b.key, b.doc_count]);
    if (depth === 0 && a.region.unknown.doc_count > 0) regionCounts.push([UNKNOWN_REGION, a.region.unknown.doc_count]);
    const pairs = (agg: any): Array<[any, number]> => agg.b.buckets.map((b: any) => [b.key, b.doc_count]);

    const terms = queryMatcher(query);
    return {
      total: res.hits.total.value,
      facets: {
        region: facetBuckets(regionCounts, filters.regions),
        year: yearBuckets(pairs(a.year).filter(([y]) => y)),
        issuer: facetBuckets(pairs(a.issuer), filters.issuers ?? [], FACET_LIMIT),
        type: facetBuckets(pairs(a.type), filters.types ?? []),
        level: levelBuckets(pairs(a.level).map(([c, n]) => [LEVEL_OF_CODE.get(c)!, n] as [Level, number]).filter(([l]) => l)),
      },
      hits: res.hits.hits.map((h: any) => this.hit(h._source, ranked ? h._score ?? 0 : 0, terms)),
      tookMs: Math.round((performance.now() - t0) * 100) / 100,
    };
  }

  async occurrences(query: SearchQuery, filters: Filters, paging: { page: number; size: number }): Promise<OccurrencePage> {
    checkPage(paging, MAX_OCCURRENCE_PAGE_SIZE, MAX_OCCURRENCE_PAGE);
    const terms = queryMatcher(query);
    const from = (paging.page - 1) * paging.size;
    const out: Occurrence[] = [];
    // Every matching text is read: the total counts them all (OpenSearch keeps no count of non-overlapping occurrences).
    let total = 0;
    for await (const d of this.matching(query, filters, ['id', 'original'])) {
      const occ = this.docOccurrences(d, terms);
      for (const o of occ) {
        if (total >= from && out.length < paging.size) out.push(o);
        total++;
      }
    }
    return { total, page: paging.page, size: paging.size, occurrences: out };
  }

  async *streamOccurrences(query: SearchQuery, filters: Filters): AsyncIterable<Occurrence> {
    const terms = queryMatcher(query);
    for await (const d of this.matching(query, filters, ['id', 'original'])) yield* this.docOccurrences(d, terms);
  }

  async countBy(query: SearchQuery, filters: Filters, options: CountOptions): Promise<CountBucket[]> {
    const fieldOf = (f: CountOptions['field'], d?: number) =>
      f === 'region' ? `region_l${Math.trunc(Math.min(MAX_DEPTH, Math.max(1, d ?? 1)))}` : f;
    const field = fieldOf(options.field, options.depth);
    const sub = options.then ? fieldOf(options.then.field, options.then.depth) : null;
    this.validator.validate(filters);
    const all = this.filterClauses(filters);
    // Denominators: reports and characters per bucket (and, with `then`, per sub-bucket), over every report passing the filters.
    const level = (f: string) => {
      const inner = sub && f === field ? { s: { terms: { field: sub, size: MAX_BUCKETS }, aggs: { chars: { sum: { field: 'chars' } } } }, snone: { missing: { field: sub }, aggs: { chars: { sum: { field: 'chars' } } } } } : {};
      return {
        b: { terms: { field: f, size: MAX_BUCKETS }, aggs: { chars: { sum: { field: 'chars' } }, ...inner } },
        none: { missing: { field: f }, aggs: { chars: { sum: { field: 'chars' } }, ...inner } },
      };
    };
    const res = await this.searchRaw({ size: 0, query: and(all), aggs: level(field) });
    type Acc = CountBucket & { subs?: Map<string | null, CountBucket> };
    const buckets = new Map<string | null, Acc>();
    const bucketOf = (key: string | null, count: number, chars: number): Acc => ({ key, reports: count, matchingReports: 0, occurrences: 0, chars: Math.round(chars) });
    const fill = (key: string | null, agg: any) => {
      const b = bucketOf(key, agg.doc_count, agg.chars.value);
      if (sub) {
        b.subs = new Map();
        for (const x of agg.s.buckets) b.subs.set(String(x.key), bucketOf(String(x.key), x.doc_count, x.chars.value));
        if (agg.snone.doc_count > 0) b.subs.set(null, bucketOf(null, agg.snone.doc_count, agg.snone.chars.value));
      }
      buckets.set(key, b);
    };
    for (const b of res.aggregations.b.buckets) fill(String(b.key), b);
    if (res.aggregations.none.doc_count > 0) fill(null, res.aggregations.none);
    // Numerators: the matching reports' occurrences, counted on their texts.
    const terms = queryMatcher(query);
    const keyOf = (d: any, f: string) => {
      const v = d[f];
      return v === null || v === undefined ? null : String(v);
    };
    for await (const d of this.matching(query, filters, sub ? ['original', field, sub] : ['original', field])) {
      const n = terms.occurrences(normalize(d.original)).length;
      const b = buckets.get(keyOf(d, field))!;
      for (const x of sub ? [b, b.subs!.get(keyOf(d, sub))!] : [b]) {
        x.matchingReports++;
        x.occurrences += n;
      }
    }
    const cmp = compareCountKeys(options.field);
    const subCmp = options.then ? compareCountKeys(options.then.field) : cmp;
    return [...buckets.values()]
      .sort((x, y) => cmp(x.key, y.key))
      .map(({ subs, ...b }) => (subs ? { ...b, sub: [...subs.values()].sort((x, y) => subCmp(x.key, y.key)) } : b));
  }

  async report(id: string): Promise<ReportDocument | null> {
    const res = await this.searchRaw({ query: { term: { id } }, size: 1, _source: ['meta', 'original'] });
    const h = res.hits.hits[0];
    return h ? { ...h._source.meta, text: h._source.original } : null;
  }

  async paragraphs(id: string, query: SearchQuery | null, range?: ParagraphRange): Promise<ReportParagraphs | null> {
    const report = await this.report(id);
    if (!report) return null;
    return reportParagraphs(report, normalize(report.text), query ? queryMatcher(query) : [], range);
  }

  /** Nothing to release: requests are independent HTTP calls. */
  close(): void {}

  // ---------------------------------------------------------------- matching

  private async searchRaw(body: object): Promise<any> {
    return this.http.request('POST', `/${encodeURIComponent(this.index)}/_search`, body);
  }

  /** Every filter, the time span included, as clauses (what occurrences and distributions count within). */
  private filterClauses(filters: Filters): Q[] {
    const dims = dimClauses(filters);
    const out = DIMS.filter((d) => dims[d]).map((d) => dims[d]!);
    const time = timeClause(filters.from ?? null, filters.to ?? null);
    if (time) out.push(time);
    return out;
  }

  /**
   * The query's match as a query clause, within `scope`: the translated tree when
   * it is exact; otherwise the ids of the candidates confirmed on their texts.
   */
  private async matchClause(query: SearchQuery, scope: Q[]): Promise<Q> {
    const root = query.parsed.root;
    if (!root) return MATCH_ALL;
    const { q, exact } = translateQuery(root, query.match);
    if (exact) return q;
    const key = JSON.stringify([query.match, root, scope]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ids: string[] = [];
    for await (const d of this.scan(and([q, ...scope]), ['id', 'original', 'title'])) {
      if (confirmMatch(root, query.match, normalize(d.original), d.title ?? '')) ids.push(d.id);
    }
    const clause = ids.length ? { terms: { id: ids } } : MATCH_NONE;
    this.cache.set(key, clause);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return clause;
  }

  /** Reports that match and pass every filter, in report order. */
  private async *matching(query: SearchQuery, filters: Filters, source: string[]): AsyncIterable<SourceDoc> {
    this.validator.validate(filters);
    const all = this.filterClauses(filters);
    const match = await this.matchClause(query, all);
    yield* this.scan(and([match, ...all]), source);
  }

  /** The reports a query selects, in report order (`seq`), a batch per request. */
  private async *scan(query: Q, source: string[]): AsyncIterable<SourceDoc> {
    let after: unknown[] | undefined;
    for (;;) {
      const res = await this.searchRaw({
        query,
        size: SCAN_BATCH,
        sort: [{ seq: 'asc' }],
        _source: source,
        track_total_hits: false,
        ...(after ? { search_after: after } : {}),
      });
      const hits = res.hits.hits;
      for (const h of hits) yield h._source;
      if (hits.length < SCAN_BATCH) return;
      after = hits[hits.length - 1].sort;
    }
  }

  /** A report's occurrences, in position order, as offsets into their paragraphs (as the local engine). */
  private docOccurrences(d: SourceDoc, matcher: QueryMatcher): Occurrence[] {
    const text = d.original;
    const occ = matcher.occurrences(normalize(text));
    const paragraphs = splitParagraphs(text);
    const out: Occurrence[] = [];
    let p = 0;
    for (const o of occ) {
      while (paragraphs[p].end < o.start) p++;
      const para = paragraphs[p];
      out.push({ id: d.id, paragraph: para.index, start: o.start - para.start, end: o.end - para.start, term: o.term });
    }
    return out;
  }

  private hit(src: SourceDoc, score: number, terms: QueryMatcher): HitData {
    return hitData(src.meta, src.original, normalize(src.original), score, terms);
  }
}

// ---------------------------------------------------------------- opening

/** No node answers: the message users see (CLI, serve), with the fix. */
export class OpenSearchUnavailable extends Error {
  constructor(readonly url: string) {
    super(`无法连接 OpenSearch（${url}）：请先运行 npm run opensearch，或检查 OPENSEARCH_URL`);
    this.name = 'OpenSearchUnavailable';
  }
}

export interface OpenSearchTarget {
  /** Default OPENSEARCH_URL, else http://127.0.0.1:9200. */
  url?: string;
  /** Default `report-search`. */
  alias?: string;
  http?: OpenSearchHttp;
}

/** The concrete index an alias points at, or null when there is no such alias. */
export async function aliasTarget(http: OpenSearchHttp, alias: string): Promise<string | null> {
  try {
    const res = await http.request<Record<string, unknown>>('GET', `/_alias/${encodeURIComponent(alias)}`);
    const names = Object.keys(res).sort();
    return names.length ? names[names.length - 1] : null;
  } catch (e) {
    if (e instanceof OpenSearchError && e.status === 404) return null;
    throw e;
  }
}

/** Throws `OpenSearchUnavailable` unless a node answers. */
export async function ensureReachable(http: OpenSearchHttp): Promise<void> {
  if (!(await http.ready(5000))) throw new OpenSearchUnavailable(http.url);
}

/** Opens the index a concrete name or an alias points at; queries are segmented with its user dictionary. */
export async function openIndexAt(http: OpenSearchHttp, index: string): Promise<OpenSearchEngine> {
  const mapping = await http.request<Record<string, any>>('GET', `/${encodeURIComponent(index)}/_mapping`);
  const meta = Object.values(mapping)[0]?.mappings?._meta as BuildMeta | undefined;
  if (!meta?.analyzer) throw new IndexError(`OpenSearch：索引 ${index} 没有建完——请运行 npm run index -- --backend opensearch`);
  if (meta.templateVersion !== TEMPLATE_VERSION) {
    throw new IndexError(`OpenSearch：索引 ${index} 用模板版本 ${meta.templateVersion} 建立，当前版本为 ${TEMPLATE_VERSION}——请运行 npm run index -- --backend opensearch`);
  }
  useUserDictionary(meta.userDict);
  if (meta.analyzer !== analyzerFingerprint(dictionaryHash(meta.userDict))) {
    throw new IndexError(`OpenSearch：索引 ${index} 由另一版本的分词器建立——请运行 npm run index -- --backend opensearch`);
  }
  const res = await http.request('POST', `/${encodeURIComponent(index)}/_search`, {
    size: 0,
    aggs: { r: { terms: { field: 'region_full', size: MAX_BUCKETS } } },
  });
  const regionPaths = res.aggregations.r.buckets.map((b: any) => b.key as string);
  return new OpenSearchEngine({ http, index, meta, regionPaths });
}

/**
 * Opens the index behind an alias (default `report-search`) as an engine.
 * Throws `OpenSearchUnavailable` when no node answers and `IndexError` (Chinese,
 * with the fix) when there is no index yet.
 */
export async function openOpenSearchEngine(target: OpenSearchTarget = {}): Promise<OpenSearchEngine> {
  const http = target.http ?? openSearchHttp(target.url);
  const alias = target.alias ?? DEFAULT_ALIAS;
  await ensureReachable(http);
  const index = await aliasTarget(http, alias);
  if (!index) throw new IndexError(`OpenSearch：${http.url} 上还没有索引 ${alias}——请先运行 npm run index -- --backend opensearch`);
  return openIndexAt(http, index);
}

/**
 * A handle that follows an alias: every `intervalMs` it asks where the alias
 * points, and when a rebuild has moved it, opens the new index and swaps it in.
 * A request takes `current()` once and reads one index throughout, old or new.
 */
export class OpenSearchWatcher implements EngineHandle {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private engine: OpenSearchEngine,
    private readonly http: OpenSearchHttp,
    readonly alias: string,
  ) {}

  current(): Engine {
    return this.engine;
  }

  async reload(): Promise<OpenSearchEngine> {
    const index = await aliasTarget(this.http, this.alias);
    if (index && index !== this.engine.index) this.engine = await openIndexAt(this.http, index);
    return this.engine;
  }

  watch(onReload?: (result: Engine | Error) => void, intervalMs = 2000): this {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      const before = this.engine;
      this.reload()
        .then((e) => e !== before && onReload?.(e))
        .catch((err: Error) => onReload?.(err))
        .finally(() => (this.busy = false));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Opens the index behind an alias and follows it (see `OpenSearchWatcher`). */
export async function watchOpenSearch(
  target: OpenSearchTarget = {},
  onReload?: (result: Engine | Error) => void,
  intervalMs = 2000,
): Promise<OpenSearchWatcher> {
  const http = target.http ?? openSearchHttp(target.url);
  const engine = await openOpenSearchEngine({ ...target, http });
  return new OpenSearchWatcher(engine, http, target.alias ?? DEFAULT_ALIAS).watch(onReload, intervalMs);
}

