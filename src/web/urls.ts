/**
 * URLs of the web UI, built with URLSearchParams only: the whole search state
 * lives in the URL, so every link is a shareable search.
 */
import type { Request } from 'express';
import type { MatchMode } from '../types.js';
import { DEFAULT_SIZE, defaultRequest, defaultSort, parseQueryString, parseSearchParams, type SearchRequest } from '../search/request.js';

/** `/?q=…&region=…&year=…&sort=…&size=…&page=…`, leaving out defaults so links stay short. */
export function searchUrl(state: SearchRequest): string {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const r of state.regions) p.append('region', r);
  for (const y of state.years) p.append('year', String(y));
  if (state.from) p.set('from', state.from);
  if (state.to) p.set('to', state.to);
  for (const v of state.issuers) p.append('issuer', v);
  for (const v of state.types) p.append('type', v);
  for (const v of state.levels) p.append('level', v);
  if (state.match !== 'exact') p.set('match', state.match);
  if (state.sort !== defaultSort(state.q)) p.set('sort', state.sort);
  if (state.size !== DEFAULT_SIZE) p.set('size', String(state.size));
  if (state.page !== 1) p.set('page', String(state.page));
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

/**
 * The parameters of `searchUrl(state)` as name/value pairs, minus `drop`: what a form
 * that changes some of them (the year checkboxes) must carry as hidden fields. Built
 * from `searchUrl`, so every parameter it writes is carried, whatever it is.
 */
export function searchFields(state: SearchRequest, drop: readonly string[] = []): { name: string; value: string }[] {
  const url = searchUrl(state);
  const p = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  return [...p].filter(([name]) => !drop.includes(name)).map(([name, value]) => ({ name, value }));
}

/** The list a plain `?q=` leads back to: page 1, default sort, no filters. */
function plainSearchUrl(q: string): string {
  return q ? searchUrl(defaultRequest(q)) : '/';
}

/**
 * The `back` parameter of a report link: the query string of the result list the link
 * is on, or '' when the report's own `?q=` already leads back to it (page 1, no filters,
 * default sort) — so most links stay short.
 */
export function backState(state: SearchRequest): string {
  const url = searchUrl(state);
  if (url === plainSearchUrl(state.q)) return '';
  return url.slice(url.indexOf('?') + 1);
}

/** Longer than any valid search (200-character query, 50 regions and years). */
const MAX_BACK_CHARS = 8000;

/**
 * Where "← 返回搜索结果" leads: the list described by `back` when it is a valid search
 * (checked by the same `parseSearchParams` the search page uses; every parameter is
 * kept as it was, including ones this module does not know), else the list `?q=` gives.
 * Always a path on this site (`/?…`), never another host.
 *
 * ### Examples
 * backUrl('三项制度', 'q=三项制度&year=2024&page=2') // => '/?q=%E4%B8%89…&year=2024&page=2'
 * backUrl('三项制度', 'page=0')                      // => '/?q=%E4%B8%89%E9%A1%B9%E5%88%B6%E5%BA%A6'
 */
export function backUrl(q: string, back: unknown): string {
  if (typeof back === 'string' && back !== '' && back.length <= MAX_BACK_CHARS) {
    try {
      parseSearchParams(parseQueryString(back));
      const s = new URLSearchParams(back).toString();
      if (s) return `/?${s}`;
    } catch {
      // a damaged or hand-edited back state: fall back to the query alone
    }
  }
  return plainSearchUrl(q);
}

/** Paragraphs a report page shows at once: a longer report is read a slice at a time (`?from=N`). */
export const REPORT_SLICE = 300;

/** The first paragraph (0-based) of the slice that holds paragraph `n`. */
export function sliceStart(n: number): number {
  return Math.floor(n / REPORT_SLICE) * REPORT_SLICE;
}

/**
 * A report, carrying the query (and its match mode) so its matches are
 * highlighted as the list found them; `anchor` is `p-N` (in a long report, the
 * link opens the slice that holds it); `back` from `backState`.
 */
export function docUrl(id: string, q = '', anchor?: string, back = '', match: MatchMode = 'exact'): string {
  const path = `/doc/${encodeURIComponent(id)}`;
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (q && match !== 'exact') p.set('match', match);
  const n = anchor ? Number(anchor.slice(2)) : 0;
  if (n >= REPORT_SLICE) p.set('from', String(sliceStart(n)));
  if (back) p.set('back', back);
  const query = p.size ? `?${p}` : '';
  return `${path}${query}${anchor ? `#${anchor}` : ''}`;
}

/** The permalink of a paragraph: no query, so it reads the same for everybody. */
export function paragraphPermalink(id: string, anchor: string): string {
  return docUrl(id, '', anchor);
}

/** The similar passages of paragraph `p` (0-based, as `#p-N`) of a report. */
export function similarUrl(id: string, p: number): string {
  return `/similar?${new URLSearchParams({ id, p: String(p) })}`;
}

/** The spread page of paragraph `p` of a report: who else carries its wording, and since when. */
export function spreadUrl(id: string, p: number): string {
  return `/spread?${new URLSearchParams({ id, p: String(p) })}`;
}

/** The app setting that holds `PUBLIC_URL` (`src/cli/serve.ts` sets it). */
export const PUBLIC_URL_SETTING = 'public url';

/**
 * Scheme, host and optional path prefix of the addresses this server gives out
 * (citations, exports), without a trailing slash: `PUBLIC_URL` when set (a server
 * opened to the LAN, or behind a proxy), else the address the browser used.
 */
export function publicOrigin(req: Pick<Request, 'protocol' | 'get' | 'app'>): string {
  const configured = req.app.get(PUBLIC_URL_SETTING) as string | undefined;
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
