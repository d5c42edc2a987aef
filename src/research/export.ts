/**
 * Exports of the result list, the distribution tables and the concordance, as
 * CSV for people (UTF-8 with a BOM so Excel on Chinese Windows reads it,
 * Chinese headers, regions as text, a permalink column — CQPweb's download)
 * or JSON Lines for programs. Rows are produced and encoded one at a time,
 * in chunks, so an export of 100,000 lines is never held in memory.
 */
import type { Engine } from '../search/engine.js';
import { MAX_PAGE_SIZE } from '../search/limits.js';
import { regionSegments } from '../search/regions.js';
import type { Filters, HitData, SearchQuery, SortOrder } from '../types.js';
import type { KwicLine } from './kwic.js';
import type { TrendBy } from './params.js';
import { isOwnLevel, per10k, share, type TrendBucket } from './trend.js';

export const BOM = '\uFEFF';

/** Lines of a web export at most (BlackLab's export limit); the CLI has none. */
export const MAX_EXPORT_LINES = 100_000;

export type Cell = string | number | null;

export interface Column<T> {
  /** JSONL key. */
  key: string;
  /** CSV header (Chinese). */
  header: string;
  value: (row: T) => Cell;
}

/** Absolute links for the permalink column, made by the edge that knows its address. */
export interface Links {
  doc(id: string, q: string, anchor?: string): string;
  search(q: string, filters: Filters): string;
}

/** One CSV field: quoted when it holds a comma, quote, or line break (RFC 4180). */
export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: Cell[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * Rows → text chunks of about `chunk` characters: the BOM and header first for CSV.
 *
 * ### Examples
 * encodeRows([{ a: 1 }], [{ key: 'a', header: '甲', value: (r) => r.a }], 'csv') // yields '\uFEFF甲\r\n1\r\n'
 */
export async function* encodeRows<T>(rows: AsyncIterable<T> | Iterable<T>, columns: Column<T>[], format: 'csv' | 'jsonl', chunk = 1 << 16): AsyncGenerator<string> {
  let buf = format === 'csv' ? BOM + csvLine(columns.map((c) => c.header)) : '';
  for await (const row of rows) {
    if (format === 'csv') buf += csvLine(columns.map((c) => c.value(row)));
    else {
      const o: Record<string, Cell> = {};
      for (const c of columns) o[c.key] = c.value(row);
      buf += JSON.stringify(o) + '\n';
    }
    if (buf.length >= chunk) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const round = (x: number | null, digits: number) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export function kwicColumns(q: string, links: Links): Column<KwicLine>[] {
  return [
    { key: 'id', header: '报告编号', value: (l) => l.id },
    { key: 'anchor', header: '段落', value: (l) => l.anchor },
    { key: 'left', header: '左侧语境', value: (l) => l.left },
    { key: 'match', header: '检索词', value: (l) => l.match },
    { key: 'right', header: '右侧语境', value: (l) => l.right },
    { key: 'year', header: '年份', value: (l) => l.year },
    { key: 'region', header: '地区', value: (l) => l.region },
    { key: 'title', header: '标题', value: (l) => l.title },
    { key: 'date', header: '日期', value: (l) => l.date },
    { key: 'url', header: '链接', value: (l) => links.doc(l.id, q, l.anchor) },
  ];
}

export interface TrendRow {
  query: string;
  by: TrendBy;
  bucket: TrendBucket;
  /** Filters of the request, for the bucket's link. */
  filters: Filters;
}

/** The filters that select one bucket's reports (none for 未知: no filter selects it). */
export function bucketFilters(row: TrendRow): Filters | null {
  const { bucket, by, filters } = row;
  // no filter selects 未知, nor a region's own reports without its children (本级)
  if (bucket.key === null || (by === 'region' && isOwnLevel(bucket.key, filters.regions))) return null;
  return by === 'year' ? { ...filters, years: [Number(bucket.key)] } : { ...filters, regions: [bucket.key] };
}

export function trendColumns(links: Links): Column<TrendRow>[] {
  return [
    { key: 'query', header: '检索词', value: (r) => r.query },
    { key: 'by', header: '分组', value: (r) => (r.by === 'year' ? '年份' : '地区') },
    { key: 'key', header: '年份或地区', value: (r) => r.bucket.key ?? '未知' },
    { key: 'reports', header: '档案中的报告', value: (r) => r.bucket.reports },
    { key: 'matchingReports', header: '提及的报告', value: (r) => r.bucket.matchingReports },
    { key: 'share', header: '提及报告占比', value: (r) => round(share(r.bucket), 6) },
    { key: 'occurrences', header: '出现次数', value: (r) => r.bucket.occurrences },
    { key: 'chars', header: '字数', value: (r) => r.bucket.chars },
    { key: 'per10k', header: '每万字出现次数', value: (r) => round(per10k(r.bucket), 4) },
    {
      key: 'url',
      header: '链接',
      value: (r) => {
        const f = bucketFilters(r);
        return f ? links.search(r.query, f) : null;
      },
    },
  ];
}

export interface SearchRow {
  rank: number;
  hit: HitData;
}

export function searchColumns(q: string, links: Links): Column<SearchRow>[] {
  return [
    { key: 'rank', header: '序号', value: (r) => r.rank },
    { key: 'id', header: '报告编号', value: (r) => r.hit.id },
    { key: 'title', header: '标题', value: (r) => r.hit.title },
    { key: 'issuer', header: '发文机关', value: (r) => r.hit.issuer },
    { key: 'region', header: '地区', value: (r) => regionSegments(r.hit.region).join('/') || null },
    { key: 'year', header: '年份', value: (r) => r.hit.year },
    { key: 'date', header: '日期', value: (r) => r.hit.date },
    { key: 'matchCount', header: '命中次数', value: (r) => r.hit.matchCount },
    { key: 'url', header: '链接', value: (r) => links.doc(r.hit.id, q) },
  ];
}

/**
 * Every hit of a search in its order, page by page through the engine (the
 * largest page it allows), at most `limit`; one page in memory at a time.
 */
export async function* searchRows(engine: Engine, query: SearchQuery, filters: Filters, sort: SortOrder, limit = Infinity): AsyncGenerator<SearchRow> {
  let rank = 0;
  for (let page = 1; ; page++) {
    const res = await engine.search(query, filters, { sort, page, size: MAX_PAGE_SIZE });
    for (const hit of res.hits) {
      if (rank >= limit) return;
      yield { rank: ++rank, hit };
    }
    if (res.hits.length < MAX_PAGE_SIZE || rank >= res.total) return;
  }
}
