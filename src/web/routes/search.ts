/** `GET /` (the search page) and `GET /api/search`: validate → search → view model → render. */
import { Router } from 'express';
import type { EngineSource } from '../app.js';
import { parseSearchParams, type RawQuery } from '../params.js';
import { searchPageModel } from '../viewmodels.js';

export function searchRoutes(source: EngineSource): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const state = parseSearchParams(req.query as RawQuery);
    const response = source.current().search(state);
    res.render('search', searchPageModel(state, response));
  });

  router.get('/api/search', (req, res) => {
    const state = parseSearchParams(req.query as RawQuery);
    res.json(source.current().search(state));
  });

  return router;
}
