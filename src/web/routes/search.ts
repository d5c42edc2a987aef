/** `GET /` (the search page) and `GET /api/search`: validate → search → view model → render. */
import { Router, type Request } from 'express';
import type { EngineHandle } from '../../search/engine.js';
import { engineRequest, parseSearchParams, type RawQuery } from '../../search/request.js';
import type { SearchResponse } from '../../types.js';
import { searchResponse } from '../api.js';
import { searchPageModel } from '../viewmodels.js';
import { parseFormat } from '../../research/params.js';
import { exportSearch } from '../export.js';

export function searchRoutes(source: EngineHandle): Router {
  const router = Router();

  /** One snapshot answers the whole request. */
  async function run(req: Request) {
    const state = parseSearchParams(req.query as RawQuery);
    const { query, filters, options } = engineRequest(state);
    const result = await source.current().search(query, filters, options);
    return { state, response: searchResponse(state, query.parsed, result) as SearchResponse };
  }

  router.get('/', async (req, res) => {
    const { state, response } = await run(req);
    res.render('search', searchPageModel(state, response));
  });

  router.get('/api/search', async (req, res) => {
    // format=csv|jsonl: every hit, not one page, streamed (src/research/export.ts)
    if (parseFormat(req.query as RawQuery) !== 'json') return exportSearch(source.current(), req, res);
    res.json((await run(req)).response);
  });

  return router;
}
