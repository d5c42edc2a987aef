/**
 * The engine API: what every view (web pages, JSON API, CLI, research views)
 * and every backend shares. A query is parsed once, at the edge; the engine
 * takes the parsed query plus filters and returns plain data — match
 * positions as offsets, never HTML. Every operation is async, so a backend
 * that answers over the network implements the same interface.
 *
 * The local, on-disk backend is `LocalEngine` (src/search/local.ts), assembled
 * by `openEngine` (src/search/open.ts).
 *
 * ### Examples
 * const engine = await openEngine('index');
 * const query = { parsed: parseQuery('三项制度'), match: 'exact' };
 * const res = await engine.search(query, { regions: [], years: [2024] }, { sort: 'relevance', page: 1, size: 10 });
 * // => { total: 2, facets: {…}, hits: [{ id, title, …, passages: [{ paragraph: 10, start, end, text, ranges }] }] }
 */
import type { DraftCheck, SimilarResult } from '../reuse/index.js';

import type { ReusePairPage, ReusePairsOptions } from './reuse-pairs.js';

/** The precedents' result shapes, for the edges (which do not import the reuse layer). */
export type { DraftCheck, SimilarResult, ReusePairPage, ReusePairsOptions };
export type { ReusePairView, ReusePairSide, TieMode } from './reuse-pairs.js';
import type {
  CountBucket,
  CountField,
  Filters,
  IndexInfo,
  Occurrence,
  OccurrencePage,
  ParagraphRange,
  ReportParagraphs,
  SearchOptions,
  SearchQuery,
  SearchResult,
  ReportDocument,
} from '../types.js';

export interface CountOptions {
  field: CountField;
  /** For `region`: the path depth of the buckets (1 province, 2 city, 3 county). Default 1. */
  depth?: number;
  /**
   * A second field to split every bucket by (a cross-tab, as BlackLab's
   * `group=field:a,field:b`): each bucket then carries `sub`, the same counts
   * per value of this field (the coverage matrix region × year). Default none.
   */
  then?: { field: CountField; depth?: number };
}

export interface Engine {
  readonly info: IndexInfo;
  /**
   * Matching reports, facets counted over all of them before paging, and one
   * page of hits with their best passages. Throws `QueryError` for a request
   * it refuses (a page past the limit …); the web turns that into a 400.
   */
  search(query: SearchQuery, filters: Filters, options: SearchOptions): Promise<SearchResult>;
  /** Every occurrence of the query's positive terms in the matching reports, in report order, then position; one page. */
  occurrences(query: SearchQuery, filters: Filters, page: { page: number; size: number }): Promise<OccurrencePage>;
  /** The same occurrences as a stream, for exports: nothing is held beyond one report. */
  streamOccurrences(query: SearchQuery, filters: Filters): AsyncIterable<Occurrence>;
  /** The distribution of the query over a metadata field, one bucket per value (未知 kept as null); with `then`, each bucket split by a second field. */
  countBy(query: SearchQuery, filters: Filters, options: CountOptions): Promise<CountBucket[]>;
  /** A report's metadata and text, or null when the id is unknown. */
  report(id: string): Promise<ReportDocument | null>;
  /**
   * A report split into paragraphs, with the query's matches as ranges (none without
   * a query): all of them, or the slice `range` (a very long report is shown a slice
   * at a time); `matchCount` always counts the whole text.
   */
  paragraphs(id: string, query: SearchQuery | null, range?: ParagraphRange): Promise<ReportParagraphs | null>;
  /**
   * Precedents (src/reuse): passages of other reports that share wording with
   * paragraph `paragraph` of report `id` (null when either is unknown), and
   * which parts of a draft already stand in the archive. Optional: a backend
   * without a reuse index leaves them out, and the web says so.
   */
  similar?(id: string, paragraph: number): Promise<SimilarResult | null>;
  draftCheck?(text: string): Promise<DraftCheck>;
  /**
   * Reuse across the archive: one page of the aligned passage pairs between
   * reports (the earlier as source), most shared characters first. A pair is
   * listed when its source or its target report passes `filters`. The local
   * engine computes the pairs once per snapshot, in the background; until they
   * are ready it throws `ReuseNotReady` (a 503 with the progress). Optional, as above.
   */
  reusePairs?(filters: Filters, options: ReusePairsOptions): Promise<ReusePairPage>;
  /** Releases open files; the snapshot must not be used afterwards. */
  close(): void;
}

/**
 * Where a request gets its engine: `current()` is called once per request and
 * that snapshot answers the whole request, even if a rebuilt index is swapped
 * in meanwhile. `watchIndex` (src/search/open.ts) gives one that follows an
 * index folder; `{ current: () => engine }` is one too.
 */
export interface EngineHandle {
  current(): Engine;
}
