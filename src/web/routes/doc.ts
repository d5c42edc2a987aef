/**
 * `GET /doc/:id` (the report page) and `GET /api/doc/:id`. The id is only ever
 * looked up in the index, never turned into a file path.
 */
import { Router } from 'express';
import type { EngineSource } from '../app.js';
import { NotFoundError } from '../errors.js';
import { parseDocParams, type RawQuery } from '../params.js';
import { apiDoc, reportPageModel } from '../viewmodels.js';

const NO_REPORT = '找不到这份报告。它可能已从资料库中移除，或者链接有误。';

export function docRoutes(source: EngineSource): Router {
  const router = Router();

  router.get('/doc/:id', (req, res) => {
    const { q } = parseDocParams(req.query as RawQuery);
    const view = source.current().viewReport(req.params.id, q || undefined);
    if (!view) throw new NotFoundError(NO_REPORT);
    res.render('doc', reportPageModel(view, q));
  });

  router.get('/api/doc/:id', (req, res) => {
    const view = source.current().viewReport(req.params.id);
    if (!view) throw new NotFoundError(NO_REPORT);
    res.json(apiDoc(view));
  });

  return router;
}
