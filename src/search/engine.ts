/**
 * The library API shared by the CLI, the web server and the benchmark:
 * `openIndex(dir)` (src/index/reader.ts) gives an Engine over one consistent
 * snapshot of an on-disk index.
 */
import type { SearchRequest, SearchResponse, StoredReport } from '../types.js';

export interface IndexInfo {
  dir: string;
  formatVersion: number;
  analyzer: string;
  reports: number;
  /** ISO timestamp. */
  builtAt: string;
  /** Fingerprint of the data folder the index was built from. */
  dataFingerprint: string;
}

export interface ReportParagraph {
  /** `p-N`, N = paragraph index in the cleaned text. */
  anchor: string;
  text: string;
  /** Escaped paragraph text with the query's matches in <mark>; safe as HTML. */
  html: string;
  /** Matches of the query in this paragraph. */
  matches: number;
}

export interface ReportView {
  report: StoredReport;
  paragraphs: ReportParagraph[];
  /** Matches of the query in the whole text (0 without a query). */
  matchCount: number;
}

export interface Engine {
  readonly info: IndexInfo;
  /** Throws QueryError (src/query/errors.ts) for a query it refuses; the web turns that into a 400. */
  search(request: SearchRequest): SearchResponse;
  getReport(id: string): StoredReport | null;
  /** The report split into paragraphs, with the matches of `q` highlighted when given. */
  viewReport(id: string, q?: string): ReportView | null;
  /** Releases open files; the snapshot must not be used afterwards. */
  close(): void;
}
