/**
 * `GET /kwic` (the concordance page) and `GET /api/kwic`: validate → lines
 * through the engine (src/research/kwic.ts) → view model → render, or JSON,
 * or a streamed CSV/JSONL export of every line.
 */
import { Router } from 'express';
import type { EngineHandle } from '../../search/engine.js';
import type { RawQuery } from '../../search/request.js';
import { kwicColumns, MAX_EXPORT_LINES } from '../../research/export.js';
import { kwicPage, kwicStream, type KwicArgs, type KwicLine, type KwicPage } from '../../research/kwic.js';
import { appendFilters, DEFAULT_CONTEXT, DEFAULT_KWIC_SIZE, KWIC_SORTS, parseFormat, parseKwicParams, toFilters, toQuery, type KwicRequest, type KwicSort } from '../../research/params.js';
import { MAX_OCCURRENCE_PAGE } from '../../search/limits.js';
import { linksFor, sendExport } from '../export.js';
import { docUrl } from '../urls.js';

type KwicState = Pick<KwicRequest, 'q' | 'regions' | 'years'> & Partial<Omit<KwicRequest, 'q' | 'regions' | 'years'>>;

/** `/kwic?q=…`, leaving out defaults. */
export function kwicUrl(state: KwicState, path = '/kwic', extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  appendFilters(p, state);
  if (state.context && state.context !== DEFAULT_CONTEXT) p.set('context', String(state.context));
  if (state.sort && state.sort !== 'corpus') p.set('sort', state.sort);
  if (state.size && state.size !== DEFAULT_KWIC_SIZE) p.set('size', String(state.size));
  if (state.page && state.page !== 1) p.set('page', String(state.page));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export const SORT_LABELS: Record<KwicSort, string> = {
  corpus: '报告顺序',
  left: '按左侧语境',
  right: '按右侧语境',
  date: '按年份和日期',
  region: '按地区',
};

export interface KwicLineView extends KwicLine {
  url: string;
  regionLabel: string;
  n: number;
}

export interface KwicPageModel {
  pageTitle: string;
  state: KwicRequest;
  total: number;
  from: number;
  to: number;
  lines: KwicLineView[];
  sorts: Array<{ label: string; url: string; selected: boolean }>;
  contexts: number[];
  hidden: { name: string; value: string }[];
  chips: Array<{ label: string; url: string }>;
  prev: string | null;
  next: string | null;
  lastPage: number;
  downloads: Array<{ label: string; url: string }>;
  trendUrl: string;
}

export function kwicPageModel(state: KwicRequest, page: KwicPage): KwicPageModel {
  const from = page.total === 0 || page.hits.length === 0 ? 0 : (state.page - 1) * state.size + 1;
  const lastPage = Math.max(1, Math.min(MAX_OCCURRENCE_PAGE, Math.ceil(page.total / state.size)));
  const at = (n: number) => kwicUrl({ ...state, page: n });
  const trend = new URLSearchParams();
  if (state.q) trend.set('q', state.q);
  appendFilters(trend, state);
  return {
    pageTitle: state.q ? `${state.q} 的语境 - 报告搜索` : '语境（KWIC） - 报告搜索',
    state,
    total: page.total,
    from,
    to: from ? from + page.hits.length - 1 : 0,
    lines: page.hits.map((l, i) => ({
      ...l,
      url: docUrl(l.id, state.q, l.anchor),
      regionLabel: l.region ? l.region.split('/').join(' ') : '未知地区',
      n: from + i,
    })),
    sorts: KWIC_SORTS.map((s) => ({ label: SORT_LABELS[s], url: kwicUrl({ ...state, sort: s, page: 1 }), selected: s === state.sort })),
    contexts: [10, 20, 30, 50, 100],
    hidden: [
      ...state.regions.map((r) => ({ name: 'region', value: r })),
      ...state.years.map((y) => ({ name: 'year', value: String(y) })),
      ...(state.sort !== 'corpus' ? [{ name: 'sort', value: state.sort }] : []),
    ],
    chips: [
      ...state.regions.map((r) => ({ label: `地区：${r.split('/').join(' › ')}`, url: kwicUrl({ ...state, page: 1, regions: state.regions.filter((x) => x !== r) }) })),
      ...state.years.map((y) => ({ label: `年份：${y}年`, url: kwicUrl({ ...state, page: 1, years: state.years.filter((x) => x !== y) }) })),
    ],
    prev: state.page > 1 ? at(Math.min(state.page - 1, lastPage)) : null,
    next: state.page < lastPage ? at(state.page + 1) : null,
    lastPage,
    downloads: state.q
      ? [
          { label: page.total > MAX_EXPORT_LINES ? `CSV（前 ${MAX_EXPORT_LINES} 行，共 ${page.total} 处）` : `CSV（全部 ${page.total} 行）`, url: kwicUrl({ ...state, page: 1, size: DEFAULT_KWIC_SIZE }, '/api/kwic', { format: 'csv' }) },
          { label: 'JSONL', url: kwicUrl({ ...state, page: 1, size: DEFAULT_KWIC_SIZE }, '/api/kwic', { format: 'jsonl' }) },
        ]
      : [],
    trendUrl: `/trend${trend.size ? `?${trend}` : ''}`,
  };
}

function args(state: KwicRequest): KwicArgs {
  return { q: state.q, query: toQuery(state.q, state.match), filters: toFilters(state), context: state.context, sort: state.sort };
}

export function kwicRoutes(source: EngineHandle): Router {
  const router = Router();

  router.get('/kwic', async (req, res) => {
    const state = parseKwicParams(req.query as RawQuery);
    const page = await kwicPage(source.current(), args(state), state.page, state.size);
    res.render('kwic', kwicPageModel(state, page));
  });

  router.get('/api/kwic', async (req, res) => {
    const raw = req.query as RawQuery;
    const state = parseKwicParams(raw);
    const format = parseFormat(raw);
    const engine = source.current();
    if (format === 'json') {
      const page = await kwicPage(engine, args(state), state.page, state.size);
      const links = linksFor(req);
      res.json({ ...page, hits: page.hits.map((l) => ({ ...l, url: links.doc(l.id, state.q, l.anchor) })) });
      return;
    }
    // Every line, not one page, up to the limit. No count first: for a one-character term the local
    // engine counts from the texts, which would read every matching report twice (the JSON total says it).
    await sendExport(req, res, 'kwic', format, kwicColumns(state.q, linksFor(req)), kwicStream(engine, args(state), MAX_EXPORT_LINES), {
      'X-Export-Limit': String(MAX_EXPORT_LINES),
    });
  });

  return router;
}
