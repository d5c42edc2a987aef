/** `GET /healthz`: is an index loaded, how big, how fresh. */
import { Router } from 'express';
import type { EngineHandle } from '../../search/engine.js';

export function healthRoutes(source: EngineHandle): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const { info } = source.current();
    res.json({ status: 'ok', reports: info.reports, indexBuiltAt: info.builtAt });
  });
  return router;
}
