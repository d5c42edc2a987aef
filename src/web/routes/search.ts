/** `GET /` (the search page) and `GET /api/search`: validate → search → view model → render. */
import { Router, type Request } from 'express';
import type { Engine, EngineHandle } from '../../search/engine.js';
import { engineRequest, parseSearchParams, type EngineRequest, type RawQuery, type SearchRequest } from '../../search/request.js';
import type { SearchResponse } from '../../types.js';
import { fuzzyTotal } from '../../search/hints.js';
import { searchResponse } from '../api.js';
import { searchPageModel, suggestionCandidates } from '../viewmodels.js';
import { parseFormat } from '../../research/params.js';
import { exportSearch } from '../export.js';

/**
 * Nothing matched: how many reports each suggestion would find (at most
 * MAX_SUGGESTIONS counts, one small search each), so the page offers only those that
 * find something. A suggestion the parser refuses counts 0.
 */
async function suggestionCounts(engine: Engine, state: SearchRequest, looser: string | null): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const c of suggestionCandidates(state, looser)) {
    try {
      const { query, filters, options } = engineRequest(c.state);
      counts.set(c.url, (await engine.search(query, filters, { ...options, page: 1, size: 1 })).total);
    } catch {
      counts.set(c.url, 0);
    }
  }
  return counts;
}

export function searchRoutes(source: EngineHandle): Router {
  const router = Router();

  /** One snapshot answers the whole request. */
  async function run(req: Request) {
    const engine = source.current();
    const state = parseSearchParams(req.query as RawQuery);
    const request = engineRequest(state);
    const { query, filters, options } = request;
    const result = await engine.search(query, filters, options);
    const response: SearchResponse = searchResponse(state, query.parsed, result);
    const fuzzy = await fuzzyTotal(engine, request, result.total);
    if (fuzzy !== null) response.fuzzyTotal = fuzzy;
    return { engine, state, response };
  }

  router.get('/', async (req, res) => {
    const { engine, state, response } = await run(req);
    const counts = response.total === 0 ? await suggestionCounts(engine, state, response.looserQuery) : undefined;
    res.render('search', searchPageModel(state, response, counts));
  });

  router.get('/api/search', async (req, res) => {
    // format=csv|jsonl: every hit, not one page, streamed (src/research/export.ts)
    if (parseFormat(req.query as RawQuery) !== 'json') return exportSearch(source.current(), req, res);
    res.json((await run(req)).response);
  });

  return router;
}
