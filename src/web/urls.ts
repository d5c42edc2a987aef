/**
 * URLs of the web UI, built with URLSearchParams only: the whole search state
 * lives in the URL, so every link is a shareable search.
 */
import { DEFAULT_SIZE, defaultSort, type SearchRequest } from '../search/request.js';

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

/** A report, carrying the query so its matches are highlighted; `anchor` is `p-N`. */
export function docUrl(id: string, q = '', anchor?: string): string {
  const path = `/doc/${encodeURIComponent(id)}`;
  const query = q ? `?${new URLSearchParams({ q })}` : '';
  return `${path}${query}${anchor ? `#${anchor}` : ''}`;
}

/** The permalink of a paragraph: no query, so it reads the same for everybody. */
export function paragraphPermalink(id: string, anchor: string): string {
  return docUrl(id, '', anchor);
}
