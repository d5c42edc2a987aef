/**
 * Parameters of the research views (distribution, KWIC, exports), validated
 * once for the web, the JSON API and the CLI. Filters reuse the search page's
 * own validation (`parseSearchParams`), so `region`, `year` and `q` are refused
 * with the same Chinese words everywhere; what is new here is checked the same way.
 *
 * | name    | views        | type                                   | default |
 * |---------|--------------|----------------------------------------|---------|
 * | q       | trend        | text, repeatable up to 5 (one series each) | none |
 * | q       | kwic         | one text                               | none    |
 * | by      | trend        | year, region                           | year    |
 * | context | kwic         | integer 10–100 (characters each side)  | 30      |
 * | sort    | kwic         | corpus, left, right, date, region      | corpus  |
 * | page    | kwic         | integer 1–100000                       | 1       |
 * | size    | kwic         | integer 1–1000                         | 50      |
 * | format  | API          | json, csv, jsonl                       | json    |
 *
 * ### Examples
 * parseKwicParams({ q: '三项制度', sort: 'left' })
 * // => { q: '三项制度', regions: [], years: [], context: 30, sort: 'left', page: 1, size: 50 }
 * parseTrendParams({ q: ['发展', '改革'], by: 'region' }) // => { terms: ['发展', '改革'], by: 'region', … }
 */
import { parseQuery } from '../query/parser.js';
import { DEFAULT_PAGE_SIZE, MAX_OCCURRENCE_PAGE, MAX_OCCURRENCE_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE } from '../search/limits.js';
import { TIE_MODES, type TieMode } from '../search/reuse-pairs.js';
import { ParamError, parseSearchParams, type RawQuery } from '../search/request.js';
import type { Filters, MatchMode, SearchQuery } from '../types.js';

export type TrendBy = 'year' | 'region';
export type KwicSort = 'corpus' | 'left' | 'right' | 'date' | 'region';
export type ExportFormat = 'json' | 'csv' | 'jsonl';

/** Terms compared side by side on the distribution page. */
export const MAX_TREND_TERMS = 5;
export const CONTEXT_MIN = 10;
export const CONTEXT_MAX = 100;
export const DEFAULT_CONTEXT = 30;
export const DEFAULT_KWIC_SIZE = 50;
export const KWIC_SORTS: readonly KwicSort[] = ['corpus', 'left', 'right', 'date', 'region'];

/** Every search filter and the match mode, as the search page validates them. */
export interface Filtered extends Filters {
  match?: MatchMode;
}

export interface TrendRequest extends Filtered {
  /** Distinct, non-empty, in the order given. */
  terms: string[];
  by: TrendBy;
}

export interface KwicRequest extends Filtered {
  q: string;
  context: number;
  sort: KwicSort;
  page: number;
  size: number;
}

function integer(raw: RawQuery[string] | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string') throw new ParamError(`参数 ${name} 只能出现一次，且必须是文本`);
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new ParamError(`参数 ${name} 必须是 ${min} 到 ${max} 之间的整数`);
  return n;
}

function choice<T extends string>(raw: RawQuery[string] | undefined, name: string, allowed: readonly T[], fallback: T, message: string): T {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) throw new ParamError(`参数 ${name} ${message}`);
  return raw as T;
}

const FILTER_PARAMS = ['region', 'year', 'from', 'to', 'issuer', 'type', 'level', 'match'] as const;

/** The filters and the match mode exactly as the search page validates them (q, sort and paging left out). */
function filtersOf(raw: RawQuery): Filtered {
  const picked: RawQuery = {};
  for (const k of FILTER_PARAMS) if (raw[k] !== undefined) picked[k] = raw[k];
  const { regions, years, from, to, issuers, types, levels, match } = parseSearchParams(picked);
  return { regions, years, from, to, issuers, types, levels, match };
}

/** Appends the filters and a non-default mode to a query string (the links of the research pages). */
export function appendFilters(p: URLSearchParams, f: Filtered): URLSearchParams {
  for (const r of f.regions) p.append('region', r);
  for (const y of f.years) p.append('year', String(y));
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  for (const v of f.issuers ?? []) p.append('issuer', v);
  for (const v of f.types ?? []) p.append('type', v);
  for (const v of f.levels ?? []) p.append('level', v);
  if (f.match && f.match !== 'exact') p.set('match', f.match);
  return p;
}

/** Throws the parser's QueryError (a 400) for a term it refuses, before any work starts. */
function checkQuery(q: string): void {
  if (q) parseQuery(q);
}

export function parseTrendParams(raw: RawQuery): TrendRequest {
  const q = raw.q;
  let values: string[];
  if (q === undefined) values = [];
  else if (typeof q === 'string') values = [q];
  else if (Array.isArray(q)) values = q;
  else throw new ParamError('参数 q 必须是文本，可以重复出现');
  const terms = [...new Set(values.map((s) => s.trim()).filter(Boolean))];
  if (terms.length > MAX_TREND_TERMS) throw new ParamError(`最多同时比较 ${MAX_TREND_TERMS} 个检索词`);
  terms.forEach(checkQuery);
  const by = choice(raw.by, 'by', ['year', 'region'] as const, 'year', '只能是 year（按年份）或 region（按地区）');
  return { terms, by, ...filtersOf(raw) };
}

export function parseKwicParams(raw: RawQuery): KwicRequest {
  const { q } = parseSearchParams({ q: raw.q ?? '' });
  checkQuery(q);
  return {
    q,
    ...filtersOf(raw),
    context: integer(raw.context, 'context', CONTEXT_MIN, CONTEXT_MAX, DEFAULT_CONTEXT),
    sort: choice(raw.sort, 'sort', KWIC_SORTS, 'corpus', '只能是 corpus（报告顺序）、left（按左侧语境）、right（按右侧语境）、date（按年份和日期）或 region（按地区）'),
    page: integer(raw.page, 'page', 1, MAX_OCCURRENCE_PAGE, 1),
    size: integer(raw.size, 'size', 1, MAX_OCCURRENCE_PAGE_SIZE, DEFAULT_KWIC_SIZE),
  };
}

export interface ReusePairsRequest extends Filtered {
  page: number;
  size: number;
  /** 0: every pair (the index keeps those sharing at least 20 characters). */
  minChars: number;
  ties: TieMode;
  /** Percent, 0–100; 100 keeps every pair. */
  maxBoilerplate: number;
}

/** The longest minChars worth asking for (a passage never exceeds a paragraph). */
export const MAX_MIN_CHARS = 100_000;

/**
 * `/api/reuse/pairs` and `/reuse/pairs`: the search filters (validated as the
 * search page does), paging with the search page's limits, and what narrows the
 * pairs themselves.
 *
 * ### Examples
 * parseReusePairsParams({ region: '四川省', minChars: '50', ties: 'exclude' })
 * // => { regions: ['四川省'], …, page: 1, size: 10, minChars: 50, ties: 'exclude', maxBoilerplate: 100 }
 */
export function parseReusePairsParams(raw: RawQuery): ReusePairsRequest {
  return {
    ...filtersOf(raw),
    page: integer(raw.page, 'page', 1, MAX_PAGE, 1),
    size: integer(raw.size, 'size', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
    minChars: integer(raw.minChars, 'minChars', 0, MAX_MIN_CHARS, 0),
    ties: choice(raw.ties, 'ties', TIE_MODES, 'include', '只能是 include（包括先后不明的）、exclude（不包括）或 only（只看先后不明的）'),
    maxBoilerplate: integer(raw.maxBoilerplate, 'maxBoilerplate', 0, 100, 100),
  };
}

/** `format` of an API route: json (the default) or a streamed export. */
export function parseFormat(raw: RawQuery): ExportFormat {
  return choice(raw.format, 'format', ['json', 'csv', 'jsonl'] as const, 'json', '只能是 json、csv 或 jsonl');
}

export function toQuery(q: string, match: MatchMode = 'exact'): SearchQuery {
  return { parsed: parseQuery(q), match };
}

export function toFilters(req: Filtered): Filters {
  return { regions: req.regions, years: req.years, from: req.from, to: req.to, issuers: req.issuers, types: req.types, levels: req.levels };
}
