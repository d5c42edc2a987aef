/**
 * A report as an OpenSearch document (the fields of opensearch/template.json).
 * The text is normalised here, by the project's one analyzer, so OpenSearch only
 * has to cut it into code points: a match_phrase on the normalised query then
 * means exactly "the normalised text contains the normalised query".
 */
import { normalize, words } from '../../analyze/analyzer.js';
import { NATIONAL, type Region, type ReportDocument } from '../../types.js';

/** What the engine shows and returns of a report besides its text: everything of ReportDocument but `text`. */
export type StoredMeta = Omit<ReportDocument, 'text'>;

export type RegionLevel = 'national' | 'province' | 'city' | 'county';

export interface OpenSearchReport {
  id: string;
  path: string;
  /** Normalised title, analysed like `text`. */
  title: string;
  /** jieba words of the normalised title, space-joined (BM25 with a title boost). */
  title_words: string;
  /** Normalised body text; one token per code point, positions for phrases. */
  text: string;
  /** jieba words of `text`, space-joined, for BM25 ranking. */
  words: string;
  /** The cleaned text as shown to people; same length as `text`, so offsets carry over. */
  original: string;
  /** 'province/city/county' (present levels only), or 全国 for central bodies; null when unknown. */
  region_path: string | null;
  region_code: string | null;
  level: RegionLevel | null;
  year: number | null;
  date: string | null;
  issuer: string | null;
  /** Report type (政府工作报告, 法治政府建设报告 …) when the caller knows it. */
  type: string | null;
  doc_number: string | null;
  source_url: string | null;
  /** Position of the report in the archive (path order, as the local index numbers it): the last tie-break of every sort. */
  seq: number;
  /** Length of the text (the denominator of rates per 10,000 characters). */
  chars: number;
  /** The date as yyyymmdd (`dateKey` of src/search/filters.ts), null without one: sorts and time spans. */
  date_key: number | null;
  /** The region's whole path (unsplit): `X/本级` selects exactly the reports of X. */
  region_full: string | null;
  /** The region's path cut at depth 1, 2, 3 (shorter paths kept whole): facets and distributions per level. */
  region_l1: string | null;
  region_l2: string | null;
  region_l3: string | null;
  /** Metadata as ingested (original title, region object, sources, warnings …), stored, not indexed. */
  meta: StoredMeta;
}

/**
 * The drill-down path of a region and its level.
 *
 * ### Examples
 * regionPath({ province: '青海省', city: '西宁市', county: '湟中区', code: null })
 * // => { path: '青海省/西宁市/湟中区', level: 'county' }
 * regionPath({ province: '上海市', city: null, county: '松江区', code: null })
 * // => { path: '上海市/松江区', level: 'county' }
 * regionPath({ province: '全国', city: null, county: null, code: null })
 * // => { path: '全国', level: 'national' }
 */
export function regionPath(region: Region): { path: string | null; level: RegionLevel | null } {
  if (region.province === NATIONAL) return { path: NATIONAL, level: 'national' };
  const parts = [region.province, region.city, region.county].filter((x): x is string => !!x);
  if (parts.length === 0) return { path: null, level: null };
  const level: RegionLevel = region.county ? 'county' : region.city ? 'city' : 'province';
  // '/' is the path_hierarchy delimiter; no GB/T 2260 name contains it, but a sidecar might.
  return { path: parts.map((p) => p.replaceAll('/', '／')).join('/'), level };
}

/**
 * Space-joined words for the whitespace tokenizer. jieba can return a token
 * that holds a space (Latin words with one inside); it is split so the index
 * has the same words as the query side.
 */
export function joinWords(list: string[]): string {
  return list.flatMap((w) => w.split(/\s+/)).filter(Boolean).join(' ');
}

/**
 * yyyymmdd of an ISO date, null when there is none — the same numbers as the
 * local engine's `dateKey` (a date it cannot read sorts as undated there too).
 */
export function dateNumber(date: string | null): number | null {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : null;
}

/** The date when it is a real calendar date in `strict_date` form, else null (the `date` field would refuse it and fail the bulk). */
export function calendarDate(date: string | null): string | null {
  const n = dateNumber(date);
  if (n === null) return null;
  const [y, m, d] = [Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100];
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d ? date : null;
}

/** The region path cut at each depth 1–3, as the local engine's region facet and distributions key it. */
export function regionLevels(region: Region): [string | null, string | null, string | null] {
  const segs = [region.province, region.city, region.county].filter((x): x is string => !!x);
  const at = (d: number) => (segs.length ? segs.slice(0, d).join('/') : null);
  return [at(1), at(2), at(3)];
}

/** The analysed fields of a report: the costly part of its document (jieba), computed on a worker thread during a build. */
export type AnalyzedFields = Pick<OpenSearchReport, 'title' | 'title_words' | 'text' | 'words'>;

/** Normalised title and text, and their jieba words: by the project's one analyzer. */
export function analyzeFields(doc: Pick<ReportDocument, 'title' | 'text'>): AnalyzedFields {
  const text = normalize(doc.text);
  const title = normalize(doc.title);
  return { title, title_words: joinWords(words(title)), text, words: joinWords(words(text)) };
}

/**
 * Builds the document for one report. `type` (src/search/doctypes.ts) is not part
 * of ReportDocument, so the caller passes it; `seq` is the report's place in the archive;
 * `analyzed` is `analyzeFields(doc)` when it was computed elsewhere (a worker thread).
 */
export function toOpenSearchReport(doc: ReportDocument, type: string | null = null, seq = 0, analyzed: AnalyzedFields = analyzeFields(doc)): OpenSearchReport {
  const { title, title_words, text, words } = analyzed;
  const { path, level } = regionPath(doc.region);
  const { text: _text, ...meta } = doc;
  const [l1, l2, l3] = regionLevels(doc.region);
  return {
    id: doc.id,
    path: doc.path,
    title,
    title_words,
    text,
    words,
    original: doc.text,
    region_path: path,
    region_code: doc.region.code,
    level,
    year: doc.year,
    date: calendarDate(doc.date),
    issuer: doc.issuer,
    type,
    doc_number: doc.docNumber,
    source_url: doc.sourceUrl,
    seq,
    chars: doc.text.length,
    date_key: dateNumber(doc.date),
    region_full: l3,
    region_l1: l1,
    region_l2: l2,
    region_l3: l3,
    meta,
  };
}
