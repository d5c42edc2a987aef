/**
 * Shared types: every module imports its data shapes from here, so the flow
 * file → ReportDocument → index → SearchResponse → page can be read in one place.
 */

/** Where a metadata field was read from, shown to users next to the value. */
export type FieldOrigin =
  | 'header' // labelled page header (标题:, 发文机构:, 成文日期: …)
  | 'title' // derived from the title text (e.g. the year in 关于2023年…的报告)
  | 'body' // found in the body text
  | 'signature' // the signature block at the end (issuer + date)
  | 'dataset' // a column of a CSV/JSONL row
  | 'path' // the file name or folder
  | 'sidecar' // a <file>.meta.json written by a user
  | 'gazetteer' // inferred from the gazetteer (a parent of a named county, …)
  | 'inferred' // not stated anywhere: inferred from the text (the year it first reports on); the evidence is in `warnings`
  | 'ocr'; // read from text recognised in a scanned page or image (may contain recognition errors)

export type MetaField = 'title' | 'issuer' | 'region' | 'year' | 'date' | 'docNumber' | 'sourceUrl';

/**
 * A place in China's administrative divisions (GB/T 2260).
 * Municipalities have no city level: 上海市/松江区 is {province: 上海市, city: null, county: 松江区}.
 * Central bodies (国务院 …) are {province: '全国', city: null, county: null, code: null}.
 */
export interface Region {
  province: string | null;
  city: string | null;
  county: string | null;
  /** Six-digit GB/T 2260 code of the most specific level, when known. */
  code: string | null;
}

/** Region name used for central bodies; also the root of the region facet. */
export const NATIONAL = '全国';

export interface ReportMeta {
  title: string;
  issuer: string | null;
  region: Region;
  /** The year the report is about (not necessarily the publication year). */
  year: number | null;
  /** ISO YYYY-MM-DD. */
  date: string | null;
  /** 文号, e.g. 新卫〔2022〕12号. */
  docNumber: string | null;
  sourceUrl: string | null;
  /** For each field that has a value, where it came from. */
  sources: Partial<Record<MetaField, FieldOrigin>>;
}

/** One cleaned report, the unit of indexing and of search results. */
export interface ReportDocument extends ReportMeta {
  /** Stable, readable, URL-safe id derived from `path` (+ row key for datasets). */
  id: string;
  /** Path relative to the data folder, with forward slashes. */
  path: string;
  /**
   * Cleaned text: paragraphs (headings included) joined by a single '\n',
   * each trimmed and non-empty. Paragraph N (0-based) is anchor `p-N`.
   */
  text: string;
  /**
   * 1-based page on which each paragraph of `text` starts, parallel to
   * `text.split('\n')`; only for paged formats (PDF, OFD).
   */
  pages?: number[];
  /** Problems noticed while ingesting that did not stop it (Chinese, user-facing). */
  warnings: string[];
}

export interface SkippedFile {
  /** Path relative to the data folder (row suffix `#row=N` for a dataset row). */
  path: string;
  /** Why it was skipped, in Chinese, user-facing. */
  reason: string;
}

export interface DuplicateReport {
  path: string;
  /** Id of the report that was kept. */
  duplicateOf: string;
}

export interface IngestResult {
  docs: ReportDocument[];
  /** Files found under the data folder (datasets count once). */
  found: number;
  skipped: SkippedFile[];
  duplicates: DuplicateReport[];
}

// ---------------------------------------------------------------- query

/** A leaf of the query tree: a substring to find, in the body or in the title. */
export interface TermNode {
  type: 'term';
  /** Normalised text to match as a substring (analyzer.normalize applied). */
  text: string;
  /** What the user typed, for messages. */
  raw: string;
  /** True when the user quoted it (an exact phrase). */
  phrase: boolean;
  field: 'body' | 'title';
}

export interface AndNode {
  type: 'and';
  children: QueryNode[];
}
export interface OrNode {
  type: 'or';
  children: QueryNode[];
}
export interface NotNode {
  type: 'not';
  child: QueryNode;
}

/**
 * Proximity, after CNKI's 专业检索: `A /SEN B`, `A /PRG B`, `A /NEAR n B`.
 * Both terms (body terms only) occur, and some occurrence of one and some
 * occurrence of the other lie
 * - `sentence`: inside one sentence (a paragraph cut after 。！？; and at its ends),
 * - `paragraph`: inside one paragraph,
 * - `chars`: inside one paragraph with at most `distance` characters between them
 *   (`max(a.start, b.start) - min(a.end, b.end)`, 0 when they touch or overlap), in either order.
 */
export interface NearNode {
  type: 'near';
  unit: 'sentence' | 'paragraph' | 'chars';
  /** Characters allowed between the two occurrences; 0 unless `unit` is 'chars'. */
  distance: number;
  children: [TermNode, TermNode];
}

export type QueryNode = TermNode | AndNode | OrNode | NotNode | NearNode;

/** How terms are compared with the text: as typed (`exact`), or ignoring punctuation, whitespace and quote styles (`fuzzy`). */
export type MatchMode = 'exact' | 'fuzzy';

export interface ParsedQuery {
  /** null when the query is empty; a tree of exclusions only means every report except those. */
  root: QueryNode | null;
  /** Positive terms (not under a NOT), for highlighting, matchCount and ranking. */
  positiveTerms: TermNode[];
  /** Lenient-parse notes for the user (Chinese), e.g. an unbalanced quote was closed. */
  warnings: string[];
}

// ---------------------------------------------------------------- index

/** What the index stores per report besides its text (docs.json): its metadata and length. */
export type DocRecord = Omit<ReportDocument, 'text'> & { chars: number };

/** One generation of an index, as a snapshot reports it. */
export interface IndexInfo {
  /** Where it lives: a generation folder, or a backend's index name. */
  dir: string;
  formatVersion: number;
  analyzer: string;
  reports: number;
  /** ISO timestamp. */
  builtAt: string;
  /** Fingerprint of the data folder the index was built from. */
  dataFingerprint: string;
}

// ---------------------------------------------------------------- engine API (data, no HTML)

/** A half-open range `[start, end)` of UTF-16 code units. */
export type Range = [number, number];

export type SortOrder = 'relevance' | 'date-desc' | 'date-asc';

/** A parsed query and how to compare its terms with the text: what every engine operation matches. */
export interface SearchQuery {
  parsed: ParsedQuery;
  match: MatchMode;
}

/** Administrative level of a report's region. */
export type Level = '全国' | '省级' | '市级' | '县级';

/** Filters on report metadata. Values of one filter OR, filters AND; an absent filter lets everything pass. */
export interface Filters {
  /**
   * Region paths: '全国', '四川省', '四川省/达州市', '青海省/西宁市/湟中区' (the region and
   * everything under it); 'X/本级' the reports of region X itself, not of a child;
   * '未知' reports without a region.
   */
  regions: string[];
  years: number[];
  /**
   * A span of time, each end a year (YYYY) or a date (YYYY-MM-DD), inclusive. With
   * two years (or one), the report's year is compared; with a date at either end,
   * its date (a report without a date: its year's span must overlap).
   */
  from?: string | null;
  to?: string | null;
  issuers?: string[];
  /** Document types recognised from the title (src/search/doctypes.ts). */
  types?: string[];
  levels?: Level[];
}

export interface SearchOptions {
  sort: SortOrder;
  /** 1-based. */
  page: number;
  size: number;
}

export interface FacetBucket {
  value: string;
  count: number;
}

/**
 * A passage of one paragraph: offsets into the paragraph's original text.
 * `text` is `paragraph.slice(start, end)`; `ranges` (sorted, merged, within
 * `[start, end)`) are the matches to mark, in the same coordinates as `start`.
 */
export interface PassageData {
  /** 0-based paragraph number (anchor `p-N`). */
  paragraph: number;
  start: number;
  end: number;
  /** Length of the whole paragraph: a passage that ends before it was cut. */
  length: number;
  text: string;
  ranges: Range[];
}

export interface HitData {
  id: string;
  title: string;
  issuer: string | null;
  region: Pick<Region, 'province' | 'city' | 'county'>;
  year: number | null;
  date: string | null;
  score: number;
  /** All occurrences of all positive query terms in the text. */
  matchCount: number;
  passages: PassageData[];
}

/**
 * Facet counts over all matches (before paging), each dimension counted with
 * every filter except its own. `region` lists the children of the selected
 * regions' common ancestor, plus 'X/本级' for reports of the ancestor itself
 * (so the buckets add up to the ancestor's count) and '未知' at the top.
 */
export interface Facets {
  region: FacetBucket[];
  year: FacetBucket[];
  issuer: FacetBucket[];
  type: FacetBucket[];
  level: FacetBucket[];
}

export interface SearchResult {
  total: number;
  facets: Facets;
  hits: HitData[];
  tookMs: number;
}

/** One occurrence of a positive query term: offsets into its paragraph's original text. */
export interface Occurrence {
  id: string;
  paragraph: number;
  start: number;
  end: number;
  /** Index of the term in `highlightTerms(parsed)`. */
  term: number;
}

export interface OccurrencePage {
  /** Occurrences in all matching reports. */
  total: number;
  page: number;
  size: number;
  occurrences: Occurrence[];
}

export type CountField = 'year' | 'region' | 'issuer';

/** A bucket of a distribution: the reports of one year, region or issuer, and the query's share of them. */
export interface CountBucket {
  /** Year, region path or issuer; null for reports without one (未知). */
  key: string | null;
  /** Reports in the bucket that pass the filters (the denominator). */
  reports: number;
  matchingReports: number;
  occurrences: number;
  /** Characters of the bucket's reports (the denominator of a rate per 10,000 characters). */
  chars: number;
  /** With `CountOptions.then`: the bucket split by the second field, in the same order as a top-level count by it. */
  sub?: CountBucket[];
}

export interface ParagraphData {
  /** 0-based (anchor `p-N`). */
  index: number;
  text: string;
  /** Matches to mark, offsets into `text`. */
  ranges: Range[];
  /** Occurrences of the query's terms in this paragraph. */
  matches: number;
}

/** A slice of a report's paragraphs: numbers `[from, from + count)`, 0-based. */
export interface ParagraphRange {
  from: number;
  count: number;
}

export interface ReportParagraphs {
  report: ReportDocument;
  /** The paragraphs asked for (all, without a range), each with its own number. */
  paragraphs: ParagraphData[];
  /** Occurrences in the whole text (0 without a query). */
  matchCount: number;
  /** Number of the first paragraph given, and how many the report has. */
  from: number;
  totalParagraphs: number;
}

// ---------------------------------------------------------------- JSON API (built by src/web)

export interface Passage {
  /** Paragraph anchor, `p-N`. */
  anchor: string;
  /** Escaped text with matches wrapped in <mark>; safe to insert as HTML. */
  html: string;
}

export interface SearchHit extends Omit<HitData, 'passages'> {
  passages: Passage[];
}

export interface SearchResponse {
  query: string;
  total: number;
  page: number;
  size: number;
  tookMs: number;
  facets: Facets;
  hits: SearchHit[];
  /** How a lenient parse read the query (an unclosed quote closed, a stray OR dropped …), in Chinese. */
  warnings: string[];
  /** A looser query to suggest when few or no reports match (terms cut into words), or null. */
  looserQuery: string | null;
  /**
   * In 精确 mode with few matches: how many reports 模糊 (punctuation, whitespace
   * and quote styles ignored) would find; absent when not counted.
   */
  fuzzyTotal?: number;
}
