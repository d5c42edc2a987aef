/**
 * Hints computed beside a search, shared by the web, the JSON API and the CLI:
 * how many reports 模糊 would find when 精确 found few.
 */
import type { Engine } from './engine.js';
import type { EngineRequest } from './request.js';

/** 精确 results up to this many get the 模糊 count beside them (a second search, bounded to small result lists). */
export const FUZZY_HINT_MAX = 20;

/**
 * How many reports 模糊 would find, when 精确 found few: the count the page shows
 * with a link. Null when not counted (模糊 already, nothing to match, many results,
 * or the count was refused by the request's cost budget).
 */
export async function fuzzyTotal(engine: Engine, query: EngineRequest, total: number): Promise<number | null> {
  if (query.query.match !== 'exact' || total > FUZZY_HINT_MAX || query.query.parsed.positiveTerms.length === 0) return null;
  try {
    const res = await engine.search({ ...query.query, match: 'fuzzy' }, query.filters, { ...query.options, page: 1, size: 1 });
    return res.total;
  } catch {
    return null;
  }
}
