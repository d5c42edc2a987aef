/**
 * The spread of one passage (issue 11): which regions and years carry the
 * wording of a paragraph, on a timeline, the earliest marked.
 *
 *   GET /api/spread?id=…&p=N   {id, anchor, title, text, occurrences: [{id, anchor, title, region, year, date,
 *                               sharedChars, score, asked, earliest}], byYear: [{key, reports, provinces}],
 *                               byProvince: [{key, reports, firstYear}]}
 *   GET /spread?id=…&p=N       the page: a chart of reports per year, the same numbers in a table, the list
 */
import { Router } from 'express';
import type { Engine, EngineHandle } from '../../search/engine.js';
import type { RawQuery } from '../../search/request.js';
import { spread, type Spread } from '../../research/spread.js';
import { barChartSvg, svgDataUri } from '../charts.js';
import { NotFoundError, NotSupported } from '../errors.js';
import { docUrl, similarUrl } from '../urls.js';
import { NO_REUSE, similarParams } from './reuse.js';

async function spreadOf(engine: Engine, id: string, p: number): Promise<Spread> {
  if (!engine.similar) throw new NotSupported(NO_REUSE);
  const s = await spread(engine, id, p);
  if (!s) throw new NotFoundError('找不到这份报告或这一段。');
  return s;
}

const whenOf = (o: { year: number | null; date: string | null }) => [o.year ? `${o.year}年` : '年份未知', o.date ?? ''].filter(Boolean).join(' ');
const regionOf = (r: string) => (r ? r.split('/').join(' › ') : '地区未知');

export function spreadPageModel(s: Spread) {
  const p = Number(s.anchor.slice(2));
  const known = s.byYear.filter((b) => b.key !== null).map((b) => Number(b.key));
  // A continuous time line: a year in between without a report carrying the wording is an empty slot.
  const years: string[] = [];
  if (known.length) for (let y = Math.min(...known); y <= Math.max(...known); y++) years.push(String(y));
  const unknown = s.byYear.find((b) => b.key === null);
  const keys = [...years, ...(unknown ? [null] : [])];
  const count = (k: string | null) => s.byYear.find((b) => b.key === k)?.reports ?? 0;
  const svg = barChartSvg({
    categories: keys.map((k) => (k === null ? '未知' : `${k}年`)),
    series: [{ name: '报告数', values: keys.map((k) => count(k) || null) }],
    unit: '',
  });
  const earliest = s.occurrences.filter((o) => o.earliest);
  const link = (o: Spread['occurrences'][number]) => ({
    url: docUrl(o.id, '', o.anchor),
    title: o.title,
    when: whenOf(o),
    region: regionOf(o.region),
  });
  const reports = new Set(s.occurrences.map((o) => o.id)).size;
  return {
    pageTitle: `${s.title} 第 ${p + 1} 段的传播 - 报告搜索`,
    title: s.title,
    number: p + 1,
    text: s.text,
    backUrl: docUrl(s.id, '', s.anchor),
    similarUrl: similarUrl(s.id, p),
    reports,
    alone: s.occurrences.length === 1,
    earliest: earliest.map(link),
    earliestIsAsked: earliest.every((o) => o.asked),
    chart: { src: svgDataUri(svg), alt: `各年份含有这段文字的报告数（柱状图，数字见旁边的表格）` },
    yearTable: s.byYear.map((b) => ({ label: b.key === null ? '未知' : `${b.key}年`, reports: b.reports, provinces: (b.provinces ?? []).map((x) => x || '地区未知').join('、') })),
    provinceTable: s.byProvince.map((b) => ({ label: b.key || '地区未知', reports: b.reports, firstYear: b.firstYear ? `${b.firstYear}年` : '未知' })),
    occurrences: s.occurrences.map((o) => ({
      ...link(o),
      number: Number(o.anchor.slice(2)) + 1,
      asked: o.asked,
      earliest: o.earliest,
      sharedChars: o.sharedChars,
      score: Math.round(o.score * 100),
    })),
  };
}

export function spreadRoutes(source: EngineHandle): Router {
  const router = Router();

  router.get('/api/spread', async (req, res) => {
    const { id, p } = similarParams(req.query as RawQuery);
    res.json(await spreadOf(source.current(), id, p));
  });

  router.get('/spread', async (req, res) => {
    const { id, p } = similarParams(req.query as RawQuery);
    res.render('spread', spreadPageModel(await spreadOf(source.current(), id, p)));
  });

  return router;
}
