/**
 * `GET /doc/:id` (the report page) and `GET /api/doc/:id`. The id is only ever
 * looked up in the index, never turned into a file path.
 */
import { Router } from 'express';
import type { EngineHandle } from '../../search/engine.js';
import { highlightQuery, MAX_PARAGRAPHS, ParamError, parseDocParams, type RawQuery } from '../../search/request.js';
import { apiDoc } from '../api.js';
import { NotFoundError } from '../errors.js';
import { publicOrigin, REPORT_SLICE, sliceStart } from '../urls.js';
import { reportPageModel } from '../viewmodels.js';

const NO_REPORT = '找不到这份报告。它可能已从资料库中移除，或者链接有误。';

export function docRoutes(source: EngineHandle): Router {
  const router = Router();

  router.get('/doc/:id', async (req, res) => {
    const { q, match, from } = parseDocParams(req.query as RawQuery);
    // A page shows one slice of paragraphs: a report of any length is never one page of HTML.
    const view = await source.current().paragraphs(req.params.id, highlightQuery(q, match), { from: sliceStart(from), count: REPORT_SLICE });
    if (!view) throw new NotFoundError(NO_REPORT);
    if (view.paragraphs.length === 0 && view.totalParagraphs > 0) throw new ParamError(`参数 from 超出了这份报告的段数（共 ${view.totalParagraphs} 段）`);
    // back: the result list to return to (validated by the view model); origin: for citations
    res.render('doc', reportPageModel(view, q, { back: req.query.back, origin: publicOrigin(req), match }));
  });

  router.get('/api/doc/:id', async (req, res) => {
    const { from, count } = parseDocParams(req.query as RawQuery);
    const view = await source.current().paragraphs(req.params.id, null, { from, count: count ?? MAX_PARAGRAPHS });
    if (!view) throw new NotFoundError(NO_REPORT);
    res.json(apiDoc(view));
  });

  return router;
}
