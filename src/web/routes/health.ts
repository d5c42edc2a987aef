/** `GET /healthz`: is an index loaded, how big, how fresh. */
import { Router } from 'express';
import type { EngineHandle } from '../../search/engine.js';

/** `extra`: fields that override or add to the answer, e.g. `{status: 'degraded', rebuildError}` (serve). */
export function healthRoutes(source: EngineHandle, extra?: () => Record<string, unknown>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const { info } = source.current();
    res.json({ status: 'ok', reports: info.reports, indexBuiltAt: info.builtAt, ...extra?.() });
  });
  return router;
}
