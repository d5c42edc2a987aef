/**
 * Requests at the edge: the one validation of raw parameters, shared by the web
 * (`req.query`) and the CLI (its options), so both refuse the same input with
 * the same words. It turns raw strings into a typed `SearchRequest`, or throws a
 * `ParamError` whose Chinese message the web shows with a 400 and the CLI prints;
 * `engineRequest` then parses the query once and gives the engine its arguments.
 *
 * Parameters (all optional):
 *
 * | name   | type                      | default                                |
 * |--------|---------------------------|----------------------------------------|
 * | q      | one string                | '' (browse everything)                 |
 * | region | string, repeatable (OR)   | none — '全国', '四川省', '四川省/达州市' |
 * | year   | integer 1900–2100, repeatable (OR) | none                          |
 * | sort   | relevance, date-desc, date-asc | relevance with a query, date-desc without |
 * | page   | integer 1–1000            | 1                                      |
 * | size   | integer 1–100             | 10                                     |
 *
 * Unknown parameters are ignored (links carry tracking parameters); empty values
 * (`year=` from a form) count as absent.
 *
 * ### Examples
 * parseSearchParams(parseQueryString('q=三项制度&year=2024&year=2023'))
 * // => { q: '三项制度', regions: [], years: [2024, 2023], sort: 'relevance', page: 1, size: 10 }
 * parseSearchParams(parseQueryString('page=0')) // throws ParamError('参数 page 必须是 1 到 1000 之间的整数')
 */
import { parseQuery } from '../query/parser.js';
import type { Filters, ParsedQuery, SearchOptions, SearchQuery, SortOrder } from '../types.js';
import { DEFAULT_PAGE_SIZE, MAX_FILTER_VALUES, MAX_PAGE, MAX_PAGE_SIZE } from './limits.js';

/** A bad parameter; `message` is Chinese and shown to the user with a 400. */
export class ParamError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

/** A request with every field filled in, so views never guess defaults. */
export interface SearchRequest {
  q: string;
  regions: string[];
  years: number[];
  sort: SortOrder;
  page: number;
  size: number;
}

/** What the query string parser yields: a string, repeated values, or a structure (`a[b]=c`) we refuse. */
export type RawValue = string | string[] | { [key: string]: unknown };
export type RawQuery = Record<string, RawValue>;

export const DEFAULT_SIZE = DEFAULT_PAGE_SIZE;
export const MAX_SIZE = MAX_PAGE_SIZE;
export { MAX_PAGE };
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** Longer than any real region path; the engine refuses long queries itself (QueryError). */
const MAX_REGION_CHARS = 100;

export const SORTS: readonly SortOrder[] = ['relevance', 'date-desc', 'date-asc'];

/**
 * Express `query parser`: repeated keys become arrays (`year=1&year=2`), `key[]` is
 * accepted as a repeated key, and `key[name]` becomes an object so that validation can
 * refuse it. Unlike `qs`, it has no array-length limit after which arrays silently
 * turn into objects.
 */
export function parseQueryString(search: string): RawQuery {
  const out: RawQuery = Object.create(null);
  for (const [rawKey, value] of new URLSearchParams(search)) {
    const bracket = rawKey.indexOf('[');
    if (bracket > 0 && rawKey !== `${rawKey.slice(0, bracket)}[]`) {
      // key[name]=… — a structure, never valid here; keep it so validation can name the parameter
      const base = rawKey.slice(0, bracket);
      const prev = out[base];
      const obj = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev : {};
      obj[rawKey.slice(bracket)] = value;
      out[base] = obj;
      continue;
    }
    const key = bracket > 0 ? rawKey.slice(0, bracket) : rawKey;
    const prev = out[key];
    if (prev === undefined) out[key] = bracket > 0 ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else if (typeof prev === 'string') out[key] = [prev, value];
    // an object stays an object: it is refused anyway
  }
  return out;
}

function single(query: RawQuery, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ParamError(`参数 ${name} 只能出现一次，且必须是文本`);
  return v === '' ? undefined : v;
}

function list(query: RawQuery, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (!Array.isArray(v)) throw new ParamError(`参数 ${name} 必须是文本，可以重复出现`);
  const values = v.filter((s) => s !== '');
  if (values.length > MAX_FILTER_VALUES) {
    throw new ParamError(`参数 ${name} 最多可以选 ${MAX_FILTER_VALUES} 个值`);
  }
  return values;
}

function integer(raw: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  // digits only: refuses 1e9, 0x10, 1.5, +1, ' 1' that Number() would accept
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new ParamError(`参数 ${name} 必须是 ${min} 到 ${max} 之间的整数`);
  return n;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** `req.query` → a complete, valid search request; throws ParamError otherwise. */
export function parseSearchParams(query: RawQuery): SearchRequest {
  // surrounding spaces mean nothing and would make '  ' look like a query
  const q = (single(query, 'q') ?? '').trim();

  const regions = unique(
    list(query, 'region').map((r) => {
      const path = r
        .split('/')
        .map((s) => s.trim())
        .filter(Boolean)
        .join('/');
      if (!path || path.length > MAX_REGION_CHARS) throw new ParamError('参数 region 不是有效的地区');
      return path;
    }),
  );

  const years = unique(
    list(query, 'year').map((y) => integer(y, 'year', MIN_YEAR, MAX_YEAR, 0)),
  );

  const sortRaw = single(query, 'sort');
  let sort: SortOrder;
  if (sortRaw === undefined) sort = defaultSort(q);
  else if ((SORTS as string[]).includes(sortRaw)) sort = sortRaw as SortOrder;
  else throw new ParamError('参数 sort 只能是 relevance（相关度）、date-desc（最新）或 date-asc（最早）');

  const page = integer(single(query, 'page'), 'page', 1, MAX_PAGE, 1);
  const size = integer(single(query, 'size'), 'size', 1, MAX_SIZE, DEFAULT_SIZE);

  return { q, regions, years, sort, page, size };
}

/** Relevance means nothing without a query: browsing lists the newest reports first. */
export function defaultSort(q: string): SortOrder {
  return q.trim() ? 'relevance' : 'date-desc';
}

/** The `?q=` of a report link: a plain string, or '' (no highlighting). */
export function parseDocParams(query: RawQuery): { q: string } {
  return { q: (single(query, 'q') ?? '').trim() };
}

/** What the engine takes for a request: the query parsed once, the filters, the paging. */
export interface EngineRequest {
  query: SearchQuery;
  filters: Filters;
  options: SearchOptions;
}

/**
 * Parses the request's query (throws `QueryError` for one the parser refuses)
 * and splits the request into the engine's arguments.
 */
export function engineRequest(req: SearchRequest): EngineRequest {
  return {
    query: { parsed: parseQuery(req.q), match: 'exact' },
    filters: { regions: req.regions, years: req.years },
    options: { sort: req.sort, page: req.page, size: req.size },
  };
}

/** A parsed query for highlighting on a report page: a refused one highlights nothing. */
export function highlightQuery(q: string): SearchQuery | null {
  if (!q) return null;
  let parsed: ParsedQuery;
  try {
    parsed = parseQuery(q);
  } catch {
    return null;
  }
  return { parsed, match: 'exact' };
}
