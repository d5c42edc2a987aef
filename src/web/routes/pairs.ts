/**
 * Reuse across the archive (issue 11), paged and filtered:
 *
 *   GET /api/reuse/pairs?region=…&year=…&from=…&to=…&issuer=…&type=…&level=…&minChars=…&ties=…&maxBoilerplate=…&page=…&size=…
 *       {total, page, size, pairs: [{source: {id, title, anchor, region, year, date, start, end, text}, target: {…},
 *        sharedChars, similarity, boilerplate, tie}]}
 *   GET /reuse/pairs?…           the same list as a page, the filters in a form
 *
 * A pair passes the filters when its source or its target report does. Until the
 * snapshot's pass is done the engine throws ReuseNotReady: a 503 with the progress.
 */
import { Router } from 'express';
import type { Engine, EngineHandle, ReusePairPage } from '../../search/engine.js';
import type { RawQuery } from '../../search/request.js';
import { appendFilters, parseReusePairsParams, toFilters, type ReusePairsRequest } from '../../research/params.js';
import { NotSupported } from '../errors.js';
import { escapeHtml } from '../html.js';
import { docUrl, spreadUrl } from '../urls.js';
import { NO_REUSE } from './reuse.js';

/** `/reuse/pairs?…` (or the API's address) with the defaults left out. */
export function pairsUrl(state: ReusePairsRequest, path = '/reuse/pairs'): string {
  const p = appendFilters(new URLSearchParams(), state);
  if (state.minChars) p.set('minChars', String(state.minChars));
  if (state.ties !== 'include') p.set('ties', state.ties);
  if (state.maxBoilerplate !== 100) p.set('maxBoilerplate', String(state.maxBoilerplate));
  if (state.size !== 10) p.set('size', String(state.size));
  if (state.page !== 1) p.set('page', String(state.page));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

async function pairsOf(engine: Engine, state: ReusePairsRequest): Promise<ReusePairPage> {
  if (!engine.reusePairs) throw new NotSupported(NO_REUSE);
  return engine.reusePairs(toFilters(state), {
    page: state.page,
    size: state.size,
    minChars: state.minChars,
    ties: state.ties,
    maxBoilerplate: state.maxBoilerplate / 100,
  });
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const when = (s: { year: number | null; date: string | null }) => s.date ?? (s.year ? `${s.year}年` : '年份未知');

export function pairsPageModel(state: ReusePairsRequest, result: ReusePairPage) {
  const pages = Math.max(1, Math.ceil(result.total / state.size));
  const side = (s: ReusePairPage['pairs'][number]['source']) => ({
    title: s.title,
    url: docUrl(s.id, '', s.anchor),
    meta: [s.region ? s.region.split('/').join(' › ') : '地区未知', when(s), `第 ${Number(s.anchor.slice(2)) + 1} 段`].join(' · '),
    html: escapeHtml(s.text),
    spread: spreadUrl(s.id, Number(s.anchor.slice(2))),
  });
  return {
    pageTitle: `全库文字复用（${result.total} 对）- 报告搜索`,
    form: {
      region: state.regions[0] ?? '',
      year: state.years[0] ? String(state.years[0]) : '',
      from: state.from ?? '',
      to: state.to ?? '',
      level: state.levels?.[0] ?? '',
      minChars: state.minChars ? String(state.minChars) : '',
      ties: state.ties,
      maxBoilerplate: String(state.maxBoilerplate),
    },
    total: result.total,
    page: state.page,
    pages,
    prev: state.page > 1 ? pairsUrl({ ...state, page: state.page - 1 }) : null,
    next: state.page < pages ? pairsUrl({ ...state, page: state.page + 1 }) : null,
    api: pairsUrl(state, '/api/reuse/pairs'),
    pairs: result.pairs.map((p, i) => ({
      number: (state.page - 1) * state.size + i + 1,
      source: side(p.source),
      target: side(p.target),
      sharedChars: p.sharedChars,
      similarity: pct(p.similarity),
      boilerplate: p.boilerplate > 0 ? pct(p.boilerplate) : null,
      tie: p.tie,
    })),
  };
}

export function pairsRoutes(source: EngineHandle): Router {
  const router = Router();

  router.get('/api/reuse/pairs', async (req, res) => {
    const state = parseReusePairsParams(req.query as RawQuery);
    res.json(await pairsOf(source.current(), state));
  });

  router.get('/reuse/pairs', async (req, res) => {
    const state = parseReusePairsParams(req.query as RawQuery);
    res.render('pairs', pairsPageModel(state, await pairsOf(source.current(), state)));
  });

  return router;
}
