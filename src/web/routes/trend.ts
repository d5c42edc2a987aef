/**
 * `GET /trend` (the distribution page) and `GET /api/trend`: validate → count
 * through the engine (src/research/trend.ts) → view model → render, or JSON,
 * or a streamed CSV/JSONL export.
 */
import { Router } from 'express';
import type { EngineHandle } from '../../search/engine.js';
import type { RawQuery } from '../../search/request.js';
import { MAX_DEPTH } from '../../search/regions.js';
import { trendColumns, type TrendRow } from '../../research/export.js';
import { appendFilters, parseFormat, parseTrendParams, toFilters, toQuery, type Filtered, type TrendRequest } from '../../research/params.js';
import { isOwnLevel, per10k, regionDepth, share, trend, trendOverview, type TrendBucket, type TrendOverview } from '../../research/trend.js';
import { barChartSvg, SERIES_COLORS, svgDataUri } from '../charts.js';
import { linksFor, sendExport } from '../export.js';
import { docUrl, searchUrl } from '../urls.js';
import { defaultRequest } from '../../search/request.js';
import { kwicUrl } from './kwic.js';

export interface Link {
  label: string;
  url: string;
}

/** `/trend?q=…&q=…&region=…&year=…` */
export function trendUrl(state: Pick<TrendRequest, 'terms'> & Filtered): string {
  const p = new URLSearchParams();
  for (const t of state.terms) p.append('q', t);
  appendFilters(p, state);
  const s = p.toString();
  return s ? `/trend?${s}` : '/trend';
}

function apiTrendUrl(state: TrendRequest, by: 'year' | 'region', format: string): string {
  const p = new URLSearchParams();
  for (const t of state.terms) p.append('q', t);
  appendFilters(p, state);
  p.set('by', by);
  p.set('format', format);
  return `/api/trend?${p}`;
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : 1)}%`);
const rate = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/** A bucket's name in a table: 未知, a year, a region's last level, or 本级 for the ancestor's own reports. */
export function bucketLabel(key: string | null, by: 'year' | 'region', regions: string[]): string {
  if (key === null) return '未知';
  if (by === 'year') return `${key}年`;
  const name = key.split('/').pop()!;
  return isOwnLevel(key, regions) ? `${name}（本级）` : name;
}

export interface CellView {
  matching: string;
  share: string;
  occurrences: number;
  per10k: string;
}

export interface TableRow {
  label: string;
  /** Drill-down (region) or filter (year) on this page; null for 未知 and the deepest level. */
  url: string | null;
  reports: number;
  cells: CellView[];
}

export interface ChartView {
  src: string;
  /** The same chart drawn for a phone's width. */
  narrowSrc: string;
  alt: string;
}

export interface MatrixView {
  term: string;
  years: string[];
  rows: Array<{ label: string; cells: Array<{ text: string; title: string; kind: 'none' | 'zero' | 'hit' }> }>;
}

export interface FirstView {
  term: string;
  rows: Array<{ region: string; year: string; title: string | null; url: string | null; date: string | null }>;
}

export interface TrendPageModel {
  pageTitle: string;
  terms: string[];
  /** Five inputs, the terms first. */
  inputs: string[];
  hidden: { name: string; value: string }[];
  chips: Link[];
  regionLevel: string;
  colors: string[];
  yearChart: ChartView | null;
  regionChart: ChartView | null;
  yearTable: TableRow[];
  regionTable: TableRow[];
  matrices: MatrixView[];
  firsts: FirstView[];
  downloads: Link[];
  termLinks: Array<{ term: string; search: string; kwic: string }>;
}

function cells(buckets: Array<TrendBucket | undefined>): CellView[] {
  return buckets.map((b) =>
    b
      ? { matching: `${b.matchingReports} / ${b.reports}`, share: pct(share(b)), occurrences: b.occurrences, per10k: rate(per10k(b)) }
      : { matching: '—', share: '—', occurrences: 0, per10k: '—' },
  );
}

/** Rows of a distribution table: one per bucket of any term (the denominators are the same for every term). */
function tableRows(state: TrendRequest, series: TrendBucket[][], by: 'year' | 'region'): TableRow[] {
  const keys = series[0].map((b) => b.key);
  const depth = regionDepth(state.regions);
  return keys.map((key) => {
    const per = series.map((s) => s.find((b) => b.key === key));
    let url: string | null = null;
    if (key !== null && by === 'year') url = trendUrl({ ...state, years: [Number(key)] });
    if (key !== null && by === 'region' && !isOwnLevel(key, state.regions) && depth < MAX_DEPTH) url = trendUrl({ ...state, regions: [key] });
    return { label: bucketLabel(key, by, state.regions), url, reports: per[0]!.reports, cells: cells(per) };
  });
}

function chart(state: TrendRequest, series: TrendBucket[][], by: 'year' | 'region', what: string): ChartView {
  let keys = series[0].map((b) => b.key);
  if (by === 'year') {
    // A continuous time line: a year without reports in the archive is an empty slot, not a zero bar.
    const years = keys.filter((k): k is string => k !== null).map(Number);
    const filled: Array<string | null> = [];
    for (let y = Math.min(...years); y <= Math.max(...years); y++) filled.push(String(y));
    keys = years.length ? [...filled, ...keys.filter((k) => k === null)] : keys;
  }
  const spec = {
    categories: keys.map((k) => bucketLabel(k, by, state.regions) + (series[0].some((b) => b.key === k) ? '' : by === 'year' ? '\n无报告' : '')),
    series: state.terms.map((t, i) => ({
      name: t,
      values: keys.map((k) => {
        const b = series[i].find((x) => x.key === k);
        const s = b ? share(b) : null;
        return s === null ? null : Math.round(s * 1000) / 10;
      }),
    })),
    unit: '%',
  };
  const svg = barChartSvg({ ...spec, horizontal: by === 'region' });
  // Phones get their own drawing, bars across, at the width they show it: the wide one scaled down is unreadable.
  const narrow = barChartSvg({ ...spec, categories: spec.categories.map((c) => c.replace('\n', ' ')), horizontal: true, width: 360 });
  return { src: svgDataUri(svg), narrowSrc: svgDataUri(narrow), alt: `${what}提及${state.terms.map((t) => `“${t}”`).join('、')}的报告占比（柱状图，数字见下表；没有报告的年份留空）` };
}

export function trendPageModel(state: TrendRequest, overviews: TrendOverview[]): TrendPageModel {
  const has = overviews.length > 0;
  const depth = regionDepth(state.regions);
  const ancestor = state.regions.length ? (state.regions.length === 1 ? state.regions[0] : '所选地区') : '';
  const regionLevel = depth === 1 ? '省级' : `${ancestor.split('/').pop()}的下一级`;
  const chips: Link[] = [
    ...state.regions.map((r) => ({ label: `地区：${r.split('/').join(' › ')}`, url: trendUrl({ ...state, regions: state.regions.filter((x) => x !== r) }) })),
    ...state.years.map((y) => ({ label: `年份：${y}年`, url: trendUrl({ ...state, years: state.years.filter((x) => x !== y) }) })),
  ];
  const yearSeries = overviews.map((o) => o.byYear);
  const regionSeries = overviews.map((o) => o.byRegion);
  return {
    pageTitle: has ? `${state.terms.join('、')} 的分布 - 报告搜索` : '分布 - 报告搜索',
    terms: state.terms,
    inputs: [...state.terms, ...Array(5).fill('')].slice(0, 5),
    hidden: [...state.regions.map((r) => ({ name: 'region', value: r })), ...state.years.map((y) => ({ name: 'year', value: String(y) }))],
    chips,
    regionLevel,
    colors: SERIES_COLORS,
    yearChart: has ? chart(state, yearSeries, 'year', '各年份') : null,
    regionChart: has ? chart(state, regionSeries, 'region', '各地区') : null,
    yearTable: has ? tableRows(state, yearSeries, 'year') : [],
    regionTable: has ? tableRows(state, regionSeries, 'region') : [],
    matrices: overviews.map((o) => ({
      term: o.query,
      years: o.years.map((y) => (y === null ? '未知' : y)),
      rows: o.matrix.map((r) => ({
        label: bucketLabel(r.region, 'region', state.regions),
        cells: r.cells.map((c, i) =>
          c === null
            ? { text: '', title: '档案中没有这一地区这一年的报告', kind: 'none' as const }
            : {
                text: `${c.matchingReports}/${c.reports}`,
                title: `${o.years[i] ?? '未知'}年：${c.reports} 份报告中 ${c.matchingReports} 份提及`,
                kind: c.matchingReports > 0 ? ('hit' as const) : ('zero' as const),
              },
        ),
      })),
    })),
    firsts: overviews.map((o) => ({
      term: o.query,
      rows: o.firstAppearances.map((f) => ({
        region: bucketLabel(f.region, 'region', state.regions),
        year: f.year === null ? '未知' : `${f.year}年`,
        title: f.report?.title ?? null,
        date: f.report?.date ?? null,
        url: f.report ? docUrl(f.report.id, o.query, f.report.paragraph === null ? undefined : `p-${f.report.paragraph}`) : null,
      })),
    })),
    downloads: has
      ? [
          { label: '按年份 CSV', url: apiTrendUrl(state, 'year', 'csv') },
          { label: '按地区 CSV', url: apiTrendUrl(state, 'region', 'csv') },
          { label: '按年份 JSONL', url: apiTrendUrl(state, 'year', 'jsonl') },
          { label: '按地区 JSONL', url: apiTrendUrl(state, 'region', 'jsonl') },
        ]
      : [],
    termLinks: state.terms.map((t) => ({
      term: t,
      search: searchUrl({ ...defaultRequest(t), ...toFilters(state), issuers: state.issuers ?? [], types: state.types ?? [], levels: state.levels ?? [], from: state.from ?? null, to: state.to ?? null, match: state.match ?? 'exact' }),
      kwic: kwicUrl({ ...state, q: t }),
    })),
  };
}

export function trendRoutes(source: EngineHandle): Router {
  const router = Router();

  router.get('/trend', async (req, res) => {
    const state = parseTrendParams(req.query as RawQuery);
    const engine = source.current();
    const overviews: TrendOverview[] = [];
    for (const t of state.terms) overviews.push(await trendOverview(engine, t, toQuery(t, state.match), toFilters(state)));
    res.render('trend', trendPageModel(state, overviews));
  });

  router.get('/api/trend', async (req, res) => {
    const raw = req.query as RawQuery;
    const state = parseTrendParams(raw);
    const format = parseFormat(raw);
    const engine = source.current();
    const filters = toFilters(state);
    // No term: the archive itself (every report matches), its coverage by year or region.
    const terms = state.terms.length ? state.terms : [''];
    const results = [];
    for (const t of terms) results.push(await trend(engine, t, toQuery(t, state.match), filters, state.by));
    if (format === 'json') {
      res.json(results.length === 1 ? results[0] : results);
      return;
    }
    const rows: TrendRow[] = results.flatMap((r) => r.buckets.map((bucket) => ({ query: r.query, by: r.by, bucket, filters })));
    await sendExport(req, res, `trend-${state.by}`, format, trendColumns(linksFor(req)), (async function* () {
      yield* rows;
    })());
  });

  return router;
}
