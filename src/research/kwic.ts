/**
 * Key word in context (KWIC, a concordance): every occurrence of a query with
 * the characters around it, after AntConc, CQPweb and BlackLab. Contexts are
 * counted in characters (code points: what a reader of Chinese counts) and
 * stay inside the occurrence's paragraph. Lines sort by the left context read
 * from the match outwards (BlackLab `sort=left`), by the right context, by
 * year and date, or by region; ties keep the engine's order (report, then
 * position), so every order is deterministic.
 *
 * Built on the engine API only (`occurrences`, `streamOccurrences`, `report`).
 */
import type { Engine } from '../search/engine.js';
import { regionSegments } from '../search/regions.js';
import { ParamError } from '../search/request.js';
import type { Filters, Occurrence, ReportDocument, SearchQuery } from '../types.js';
import type { KwicSort } from './params.js';

/** One concordance line; `match` is the original text of the occurrence. */
export interface KwicLine {
  id: string;
  /** Paragraph anchor, `p-N`. */
  anchor: string;
  left: string;
  match: string;
  right: string;
  year: number | null;
  /** Region path (四川省/达州市), or null. */
  region: string | null;
  title: string;
  date: string | null;
}

export interface KwicPage {
  query: string;
  /** Occurrences in all matching reports (not lines on this page). */
  total: number;
  page: number;
  size: number;
  hits: KwicLine[];
}

/** More occurrences than this are not sorted (nor exported): narrow the search with filters. */
export const MAX_SORTED_LINES = 100_000;

/**
 * `n` characters (code points) before `start` and after `end` in `text`.
 *
 * ### Examples
 * contexts('一二三四五六七', 3, 4, 2) // => { left: '二三', match: '四', right: '五六' }
 */
export function contexts(text: string, start: number, end: number, n: number): { left: string; match: string; right: string } {
  let from = start;
  for (let k = 0; k < n && from > 0; k++) {
    from--;
    const c = text.charCodeAt(from);
    if (c >= 0xdc00 && c <= 0xdfff && from > 0) {
      const h = text.charCodeAt(from - 1);
      if (h >= 0xd800 && h <= 0xdbff) from--;
    }
  }
  let to = end;
  for (let k = 0; k < n && to < text.length; k++) {
    const c = text.charCodeAt(to);
    to++;
    if (c >= 0xd800 && c <= 0xdbff && to < text.length) {
      const l = text.charCodeAt(to);
      if (l >= 0xdc00 && l <= 0xdfff) to++;
    }
  }
  return { left: text.slice(from, start), match: text.slice(start, end), right: text.slice(end, to) };
}

/** A string read backwards by code point: the left context's sort key, nearest character first. */
export function reversed(s: string): string {
  return Array.from(s).reverse().join('');
}

function regionPath(r: ReportDocument): string | null {
  const segs = regionSegments(r.region);
  return segs.length ? segs.join('/') : null;
}

/**
 * Occurrences → lines: each report is read once (`engine.report`) for all its
 * occurrences, which the engine yields together; nothing older is kept.
 */
export async function* kwicLines(engine: Engine, occurrences: AsyncIterable<Occurrence> | Iterable<Occurrence>, context: number): AsyncGenerator<KwicLine> {
  let id: string | null = null;
  let report: ReportDocument | null = null;
  let paragraphs: string[] = [];
  for await (const o of occurrences) {
    if (o.id !== id) {
      id = o.id;
      report = await engine.report(o.id);
      paragraphs = report ? report.text.split('\n') : [];
    }
    if (!report) continue; // a report removed under us: nothing to show
    const { left, match, right } = contexts(paragraphs[o.paragraph] ?? '', o.start, o.end, context);
    yield { id: o.id, anchor: `p-${o.paragraph}`, left, match, right, year: report.year, region: regionPath(report), title: report.title, date: report.date };
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Code-unit order: identical characters group together, fast for 100,000 lines. */
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const cmpNullLast = <T>(a: T | null, b: T | null, cmp: (x: T, y: T) => number) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : cmp(a, b));

/**
 * Sorts lines (stable: ties keep the engine's order).
 * - `left`: the left context read from the match outwards, then the match;
 * - `right`: the match, then the right context;
 * - `date`: year, then date (unknown last);
 * - `region`: region path in Chinese collation (unknown last), then year.
 */
export function sortLines(lines: KwicLine[], sort: KwicSort): KwicLine[] {
  if (sort === 'corpus') return lines;
  const seq = new Map(lines.map((l, i) => [l, i]));
  let cmp: (a: KwicLine, b: KwicLine) => number;
  if (sort === 'left') {
    const keys = new Map(lines.map((l) => [l, reversed(l.left)]));
    cmp = (a, b) => cmpStr(keys.get(a)!, keys.get(b)!) || cmpStr(a.match, b.match);
  } else if (sort === 'right') {
    cmp = (a, b) => cmpStr(a.match, b.match) || cmpStr(a.right, b.right);
  } else if (sort === 'date') {
    cmp = (a, b) => cmpNullLast(a.year, b.year, (x, y) => x - y) || cmpNullLast(a.date, b.date, cmpStr);
  } else {
    const collator = new Intl.Collator('zh-Hans-CN');
    const names = [...new Set(lines.map((l) => l.region).filter((r): r is string => r !== null))].sort(collator.compare);
    const rank = new Map(names.map((n, i) => [n, i]));
    cmp = (a, b) =>
      cmpNullLast(a.region === null ? null : rank.get(a.region)!, b.region === null ? null : rank.get(b.region)!, (x, y) => x - y) ||
      cmpNullLast(a.year, b.year, (x, y) => x - y);
  }
  return [...lines].sort((a, b) => cmp(a, b) || seq.get(a)! - seq.get(b)!);
}

export interface KwicArgs {
  q: string;
  query: SearchQuery;
  filters: Filters;
  context: number;
  sort: KwicSort;
}

/** Sorted line sets of recent requests, so paging through a sorted concordance sorts once. */
const cache = new Map<string, KwicLine[]>();
const CACHE_ENTRIES = 4;

/** Forgets the sorted line sets (the benchmark times sorts no one asked before). */
export function clearKwicCache(): void {
  cache.clear();
}

function cacheKey(engine: Engine, a: KwicArgs): string {
  return JSON.stringify([engine.info.dir, engine.info.builtAt, a.q, a.filters.regions, a.filters.years, a.context, a.sort]);
}

/** Every line, sorted; refuses (400) more than `MAX_SORTED_LINES`, which would be held in memory. */
export async function sortedLines(engine: Engine, a: KwicArgs): Promise<KwicLine[]> {
  const key = cacheKey(engine, a);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { total } = await engine.occurrences(a.query, a.filters, { page: 1, size: 1 });
  if (total > MAX_SORTED_LINES) {
    throw new ParamError(`共有 ${total} 处，超过排序的上限 ${MAX_SORTED_LINES} 处：请加上地区或年份筛选，或按报告顺序浏览`);
  }
  const lines = sortLines(await collect(kwicLines(engine, engine.streamOccurrences(a.query, a.filters), a.context)), a.sort);
  cache.set(key, lines);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return lines;
}

/**
 * One page of the concordance. In the engine's order only the page's reports
 * are read; any other order reads every matching report once (then cached).
 */
export async function kwicPage(engine: Engine, a: KwicArgs, page: number, size: number): Promise<KwicPage> {
  if (!a.q) return { query: a.q, total: 0, page, size, hits: [] };
  if (a.sort === 'corpus') {
    const res = await engine.occurrences(a.query, a.filters, { page, size });
    return { query: a.q, total: res.total, page, size, hits: await collect(kwicLines(engine, res.occurrences, a.context)) };
  }
  const lines = await sortedLines(engine, a);
  return { query: a.q, total: lines.length, page, size, hits: lines.slice((page - 1) * size, page * size) };
}

/**
 * Every line, for an export: in the engine's order it streams (one report in
 * memory at a time); sorted, it is the held, sorted set. At most `limit` lines.
 */
export async function* kwicStream(engine: Engine, a: KwicArgs, limit = Infinity): AsyncGenerator<KwicLine> {
  if (!a.q) return;
  let n = 0;
  const source = a.sort === 'corpus' ? kwicLines(engine, engine.streamOccurrences(a.query, a.filters), a.context) : await sortedLines(engine, a);
  for await (const line of source) {
    if (n++ >= limit) return;
    yield line;
  }
}
