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
import type { Filters, Level, MatchMode, ParsedQuery, SearchOptions, SearchQuery, SortOrder } from '../types.js';
import { LEVELS } from './filters.js';
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
  /** A year (YYYY) or a date (YYYY-MM-DD), or null. */
  from: string | null;
  to: string | null;
  issuers: string[];
  types: string[];
  levels: Level[];
  match: MatchMode;
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
/** Longer than any real issuer or document type name. */
const MAX_NAME_CHARS = 100;

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

function list(query: RawQuery, name: string, max = MAX_FILTER_VALUES): string[] {
  const v = query[name];
  if (v === undefined) return [];
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (!Array.isArray(v)) throw new ParamError(`参数 ${name} 必须是文本，可以重复出现`);
  const values = v.filter((s) => s !== '');
  if (values.length > max) {
    throw new ParamError(`参数 ${name} 最多可以选 ${max} 个值`);
  }
  return values;
}

/** A year or a date within MIN_YEAR..MAX_YEAR, as typed (YYYY or YYYY-MM-DD, a real calendar day). */
function timeBound(raw: string | undefined, name: string): string | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  const m = /^(\d{4})(?:-(\d{1,2})-(\d{1,2}))?$/.exec(v);
  const bad = () => new ParamError(`参数 ${name} 必须是 ${MIN_YEAR} 到 ${MAX_YEAR} 之间的年份（如 2021）或日期（如 2021-03-15）`);
  if (!m) throw bad();
  const y = Number(m[1]);
  if (y < MIN_YEAR || y > MAX_YEAR) throw bad();
  if (m[2] === undefined) return m[1];
  const d = new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) throw bad();
  return d.toISOString().slice(0, 10);
}

/** Free-text filter values (issuers, types): trimmed, bounded in length. */
function names(query: RawQuery, name: string): string[] {
  return unique(
    list(query, name).map((v) => {
      const t = v.trim();
      if (!t || t.length > MAX_NAME_CHARS) throw new ParamError(`参数 ${name} 的值无效（1 到 ${MAX_NAME_CHARS} 个字符）`);
      return t;
    }),
  );
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

  // Every year of the span may be selected (1954–2025 is 72 values).
  const years = unique(
    list(query, 'year', MAX_YEAR - MIN_YEAR + 1).map((y) => integer(y, 'year', MIN_YEAR, MAX_YEAR, 0)),
  );
  let from = timeBound(single(query, 'from'), 'from');
  let to = timeBound(single(query, 'to'), 'to');
  if (from && to && (from.length === to.length ? from > to : from.slice(0, 4) > to.slice(0, 4))) [from, to] = [to, from];
  const issuers = names(query, 'issuer');
  const types = names(query, 'type');
  const levels = unique(
    list(query, 'level').map((l) => {
      if (!(LEVELS as readonly string[]).includes(l)) throw new ParamError(`参数 level 只能是 ${LEVELS.join('、')}`);
      return l as Level;
    }),
  );
  const matchRaw = single(query, 'match');
  if (matchRaw !== undefined && matchRaw !== 'exact' && matchRaw !== 'fuzzy') {
    throw new ParamError('参数 match 只能是 exact（精确）或 fuzzy（模糊）');
  }
  const match: MatchMode = matchRaw === 'fuzzy' ? 'fuzzy' : 'exact';

  const sortRaw = single(query, 'sort');
  let sort: SortOrder;
  if (sortRaw === undefined) sort = defaultSort(q);
  else if ((SORTS as string[]).includes(sortRaw)) sort = sortRaw as SortOrder;
  else throw new ParamError('参数 sort 只能是 relevance（相关度）、date-desc（最新）或 date-asc（最早）');

  const page = integer(single(query, 'page'), 'page', 1, MAX_PAGE, 1);
  const size = integer(single(query, 'size'), 'size', 1, MAX_SIZE, DEFAULT_SIZE);

  return { q, regions, years, from, to, issuers, types, levels, match, sort, page, size };
}

/** A request for `q` with every other field at its default. */
export function defaultRequest(q = ''): SearchRequest {
  return parseSearchParams(q ? { q } : {});
}

/** Relevance means nothing without a query: browsing lists the newest reports first. */
export function defaultSort(q: string): SortOrder {
  return q.trim() ? 'relevance' : 'date-desc';
}

/** The most paragraphs one report request returns (page or API). */
export const MAX_PARAGRAPHS = 1000;

/**
 * The `?q=` (and `match`) of a report link: a plain string, or '' (no highlighting);
 * `from` and `count`, the slice of paragraphs asked for (a long report is read a slice at a time).
 */
export function parseDocParams(query: RawQuery): { q: string; match: MatchMode; from: number; count: number | null } {
  return {
    q: (single(query, 'q') ?? '').trim(),
    match: single(query, 'match') === 'fuzzy' ? 'fuzzy' : 'exact',
    from: integer(single(query, 'from'), 'from', 0, 10_000_000, 0),
    count: single(query, 'count') === undefined ? null : integer(single(query, 'count'), 'count', 1, MAX_PARAGRAPHS, MAX_PARAGRAPHS),
  };
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
    query: { parsed: parseQuery(req.q), match: req.match },
    filters: { regions: req.regions, years: req.years, from: req.from, to: req.to, issuers: req.issuers, types: req.types, levels: req.levels },
    options: { sort: req.sort, page: req.page, size: req.size },
  };
}

/** A parsed query for highlighting on a report page: a refused one highlights nothing. */
export function highlightQuery(q: string, match: MatchMode = 'exact'): SearchQuery | null {
  if (!q) return null;
  let parsed: ParsedQuery;
  try {
    parsed = parseQuery(q);
  } catch {
    return null;
  }
  return { parsed, match };
}
