/**
 * Reuse across the archive over real HTTP on the sample archive (issue 11):
 * `/api/reuse/pairs` paged and filtered, compared with the corpus-wide pass
 * (`reusePairs`) filtered by hand — the reports that pass a filter are the ones
 * the search finds with it; `/api/spread` against `/api/similar`; the pages; a
 * pass still running is a 503 with its progress; a backend without a reuse
 * index is a 501.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parser.js';
import { reusePairs, type ReusePair } from '../../src/reuse/index.js';
import type { Engine } from '../../src/search/engine.js';
import type { LocalEngine } from '../../src/search/local.js';
import { openEngine } from '../../src/search/open.js';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, search, type FixtureIndex } from '../helpers/fixture-index.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';

let fx: FixtureIndex;
let srv: Served;
let all: ReusePair[];
let titles: Map<string, string>;
beforeAll(async () => {
  fx = await buildFixtureIndex();
  srv = await serve(createApp({ handle: { current: () => fx.engine } }));
  all = [...reusePairs((fx.engine as LocalEngine).reuseIndex())];
  const reports = (await search(fx.engine, { size: 100 })).hits;
  titles = new Map(reports.map((h) => [h.id, h.title]));
});
afterAll(async () => {
  await srv?.close();
  await fx?.cleanup();
});

const para = (anchor: string) => Number(anchor.slice(2));
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The documented list order: most shared characters, then source (id, paragraph, start, end), then target. */
function listOrder(a: ReusePair, b: ReusePair): number {
  return (
    b.sharedChars - a.sharedChars ||
    cmpStr(a.source.id, b.source.id) || para(a.source.anchor) - para(b.source.anchor) || a.source.start - b.source.start || a.source.end - b.source.end ||
    cmpStr(a.target.id, b.target.id) || para(a.target.anchor) - para(b.target.anchor) || a.target.start - b.target.start || a.target.end - b.target.end
  );
}
const withTitles = (p: ReusePair) => ({ ...p, source: { ...p.source, title: titles.get(p.source.id) }, target: { ...p.target, title: titles.get(p.target.id) } });

/** Every page of the API for a query string, concatenated. */
async function everyPage(params: Array<[string, string | number]>) {
  const out: unknown[] = [];
  let total = -1;
  for (let page = 1; ; page++) {
    const res = await getJson(srv.base, `/api/reuse/pairs?${qs([...params, ['size', 100], ['page', page]])}`);
    expect(res.status).toBe(200);
    total = res.body.total;
    out.push(...res.body.pairs);
    if (res.body.pairs.length < 100) break;
  }
  expect(out.length).toBe(total);
  return out;
}

describe('GET /api/reuse/pairs', () => {
  it('pages through exactly the corpus-wide pass, in list order', async () => {
    expect(all.length).toBeGreaterThan(100); // the provincial reports share a lot
    expect(await everyPage([])).toEqual([...all].sort(listOrder).map(withTitles));
    const first = await getJson(srv.base, '/api/reuse/pairs?size=3&page=2');
    expect(first.body).toMatchObject({ total: all.length, page: 2, size: 3 });
    expect(first.body.pairs).toEqual([...all].sort(listOrder).slice(3, 6).map(withTitles));
  });

  it('a pair passes the search filters when its source or its target report does', async () => {
    const cases: Array<{ params: Array<[string, string]>; req: Parameters<typeof search>[1] }> = [
      { params: [['region', '青海省']], req: { regions: ['青海省'] } },
      { params: [['region', '广东省'], ['region', '湖北省']], req: { regions: ['广东省', '湖北省'] } },
      { params: [['year', '2024']], req: { years: [2024] } },
    ];
    for (const c of cases) {
      const passing = new Set((await search(fx.engine, { ...c.req, size: 100 })).hits.map((h) => h.id));
      expect(passing.size).toBeGreaterThan(0);
      const expected = all.filter((p) => passing.has(p.source.id) || passing.has(p.target.id)).sort(listOrder).map(withTitles);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
      expect(await everyPage(c.params)).toEqual(expected);
    }
    // level, from/to and issuer go through the same filter parsing as the search
    const raw = new URLSearchParams({ level: '省级', from: '2026', to: '2026' });
    const browse = { parsed: parseQuery(''), match: 'exact' as const };
    const filters = { regions: [], years: [], levels: ['省级' as const], from: '2026', to: '2026' };
    const passing = new Set((await fx.engine.search(browse, filters, { sort: 'date-desc', page: 1, size: 100 })).hits.map((h) => h.id));
    expect(passing.size).toBeGreaterThan(0);
    expect(await everyPage([...raw])).toEqual(all.filter((p) => passing.has(p.source.id) || passing.has(p.target.id)).sort(listOrder).map(withTitles));
  });

  it('minChars, ties and maxBoilerplate narrow the pairs as documented', async () => {
    const by = (f: (p: ReusePair) => boolean) => all.filter(f).sort(listOrder).map(withTitles);
    const long = await everyPage([['minChars', 60]]);
    expect(long).toEqual(by((p) => p.sharedChars >= 60));
    expect(long.length).toBeGreaterThan(0);
    const noTies = await everyPage([['ties', 'exclude']]);
    const onlyTies = await everyPage([['ties', 'only']]);
    expect(noTies).toEqual(by((p) => !p.tie));
    expect(onlyTies).toEqual(by((p) => p.tie));
    expect(noTies.length + onlyTies.length).toBe(all.length);
    const clean = await everyPage([['maxBoilerplate', 10]]);
    expect(clean).toEqual(by((p) => p.boilerplate <= 0.1));
    expect(clean.length).toBeLessThan(all.length); // some pairs hold stock phrases
    expect(await everyPage([['maxBoilerplate', 10], ['minChars', 40], ['region', '青海省']])).toEqual(
      by((p) => p.boilerplate <= 0.1 && p.sharedChars >= 40 && [p.source, p.target].some((s) => s.region.startsWith('青海省'))),
    );
  });

  it('bad parameters are 400s with a Chinese message, never 500s', async () => {
    const bad: Array<[string, RegExp]> = [
      ['page=0', /参数 page 必须是 1 到 1000 之间的整数/],
      ['page=1001', /参数 page/],
      ['size=101', /参数 size 必须是 1 到 100 之间的整数/],
      ['size=1.5', /参数 size/],
      ['minChars=-1', /参数 minChars 必须是 0 到 100000 之间的整数/],
      ['ties=maybe', /参数 ties 只能是 include/],
      ['maxBoilerplate=101', /参数 maxBoilerplate 必须是 0 到 100 之间的整数/],
      ['year=abc', /参数 year/],
      ['level=乡级', /参数 level 只能是/],
      [`region=${encodeURIComponent('火星省')}`, /资料库中没有地区“火星省”的报告/],
      ['from=20x1', /参数 from/],
      ['page=1&page=2', /参数 page 只能出现一次/],
    ];
    for (const [q, message] of bad) {
      const res = await getJson(srv.base, `/api/reuse/pairs?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error, q).toMatch(message);
    }
  });
});

describe('the pairs page', () => {
  it('lists a page of pairs with the filters in the form and links to both paragraphs and their spread', async () => {
    const { status, $ } = await getPage(srv.base, `/reuse/pairs?${qs([['region', '青海省'], ['minChars', 30], ['size', 5]])}`);
    expect(status).toBe(200);
    const api = (await getJson(srv.base, `/api/reuse/pairs?${qs([['region', '青海省'], ['minChars', 30], ['size', 5]])}`)).body;
    expect($('.pairs-total strong').text()).toBe(String(api.total));
    expect($('.pairs-form input[name=region]').val()).toBe('青海省');
    expect($('.pairs-form input[name=minChars]').val()).toBe('30');
    const items = $('.pairs-list > li');
    expect(items.length).toBe(api.pairs.length);
    items.each((i, li) => {
      const p = api.pairs[i];
      const links = $(li).find('.pair-side h3 a').map((_, a) => $(a).attr('href')).get();
      expect(links).toEqual([`/doc/${encodeURIComponent(p.source.id)}#${p.source.anchor}`, `/doc/${encodeURIComponent(p.target.id)}#${p.target.anchor}`]);
      expect($(li).find('.pair-side .similar-text').first().text()).toBe(p.source.text);
      expect($(li).find('a:contains("传播")').first().attr('href')).toBe(`/spread?${qs([['id', p.source.id], ['p', para(p.source.anchor)]])}`);
    });
    if (api.total > 5) expect($('.pagination a[rel=next]').attr('href')).toContain('page=2');
    // a page past the end is an empty list, not an error
    const far = await getPage(srv.base, '/reuse/pairs?page=999');
    expect(far.status).toBe(200);
    expect(far.$('.pairs-list').length).toBe(0);
  });
});

describe('GET /api/spread and /spread', () => {
  it('every report carrying the wording of a paragraph, by year and province, the earliest marked', async () => {
    // the paragraph with the most similar passages among the sources of the longest pairs
    const sorted = [...all].sort(listOrder);
    let best: { id: string; p: number; hits: number } | null = null;
    for (const s of sorted.slice(0, 30).map((x) => x.source)) {
      const sim = await getJson(srv.base, `/api/similar?${qs([['id', s.id], ['p', para(s.anchor)]])}`);
      if (!best || sim.body.hits.length > best.hits) best = { id: s.id, p: para(s.anchor), hits: sim.body.hits.length };
    }
    expect(best!.hits).toBeGreaterThan(2);
    const { id, p } = best!;
    const sim = (await getJson(srv.base, `/api/similar?${qs([['id', id], ['p', p]])}`)).body;
    const res = await getJson(srv.base, `/api/spread?${qs([['id', id], ['p', p]])}`);
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.occurrences.length).toBe(sim.hits.length + 1);
    expect(s.occurrences.filter((o: any) => o.asked)).toMatchObject([{ id, anchor: `p-${p}` }]);
    const key = (o: { id: string; anchor: string }) => `${o.id}#${o.anchor}`;
    expect(new Set(s.occurrences.filter((o: any) => !o.asked).map(key))).toEqual(new Set(sim.hits.map(key)));
    // time order: year, then date; the earliest are those the first cannot be told apart from
    const when = (o: any) => [o.year ?? 9999, o.date ?? ''];
    for (let i = 1; i < s.occurrences.length; i++) {
      const [ya] = when(s.occurrences[i - 1]);
      const [yb] = when(s.occurrences[i]);
      expect(ya).toBeLessThanOrEqual(yb);
    }
    const first = s.occurrences[0];
    for (const o of s.occurrences) {
      const same = o.year === first.year && (!o.date || !first.date || o.date === first.date);
      expect(o.earliest).toBe(same);
    }
    // counts: distinct reports per year and per province, computed here from the occurrences
    const years = new Map<string | null, Set<string>>();
    for (const o of s.occurrences) {
      const k = o.year === null ? null : String(o.year);
      years.set(k, (years.get(k) ?? new Set()).add(o.id));
    }
    expect(s.byYear.map((b: any) => [b.key, b.reports])).toEqual([...years].sort(([a], [b]) => Number(a ?? 9999) - Number(b ?? 9999)).map(([k, v]) => [k, v.size]));
    const provinces = new Map<string, Set<string>>();
    for (const o of s.occurrences) provinces.set(o.region.split('/')[0], (provinces.get(o.region.split('/')[0]) ?? new Set()).add(o.id));
    expect(new Map(s.byProvince.map((b: any) => [b.key, b.reports]))).toEqual(new Map([...provinces].map(([k, v]) => [k, v.size])));

    // the page: 最早见于 the earliest, a chart with the same numbers in a table, every occurrence linked to its paragraph
    const { status, $ } = await getPage(srv.base, `/spread?${qs([['id', id], ['p', p]])}`);
    expect(status).toBe(200);
    const earliest = $('.spread-earliest');
    expect(earliest.text()).toContain('最早见于');
    expect(earliest.find('a').map((_, a) => $(a).attr('href')).get()).toEqual(s.occurrences.filter((o: any) => o.earliest).map((o: any) => `/doc/${encodeURIComponent(o.id)}#${o.anchor}`));
    expect($('img.chart').attr('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from($('img.chart').attr('src')!.split(',')[1], 'base64').toString('utf8');
    expect(svg).toContain('<svg');
    for (const b of s.byYear.filter((x: any) => x.key !== null)) expect(svg).toContain(`${b.key}年`);
    expect($('.spread-years tbody tr').map((_, tr) => `${$(tr).find('th').text()}:${$(tr).find('td.num').text()}`).get()).toEqual(
      s.byYear.map((b: any) => `${b.key === null ? '未知' : `${b.key}年`}:${b.reports}`),
    );
    expect($('.spread-list > li > a').map((_, a) => $(a).attr('href')).get()).toEqual(s.occurrences.map((o: any) => `/doc/${encodeURIComponent(o.id)}#${o.anchor}`));
    // and the similar page links here
    const similar = await getPage(srv.base, `/similar?${qs([['id', id], ['p', p]])}`);
    expect(similar.$('.back a').last().attr('href')).toBe(`/spread?${qs([['id', id], ['p', p]])}`);
  });

  it('a paragraph nobody else carries: only itself, said in words; bad input is a 400, an unknown report a 404', async () => {
    const ids = (await search(fx.engine, { size: 100 })).hits.map((h) => h.id);
    let lonely: { id: string; p: number } | null = null;
    for (const id of ids) {
      const sim = await getJson(srv.base, `/api/similar?${qs([['id', id], ['p', 0]])}`);
      if (sim.body.hits.length === 0) {
        lonely = { id, p: 0 };
        break;
      }
    }
    expect(lonely).not.toBeNull();
    const s = (await getJson(srv.base, `/api/spread?${qs([['id', lonely!.id], ['p', 0]])}`)).body;
    expect(s.occurrences).toHaveLength(1);
    expect(s.occurrences[0]).toMatchObject({ asked: true, earliest: true });
    const { $ } = await getPage(srv.base, `/spread?${qs([['id', lonely!.id], ['p', 0]])}`);
    expect($('main').text()).toContain('资料库中没有其他报告含有这一段的文字');
    expect((await getJson(srv.base, '/api/spread?id=x')).body.error).toContain('参数 p');
    expect((await getJson(srv.base, '/api/spread?id=no-such&p=0')).status).toBe(404);
    expect((await getJson(srv.base, `/api/spread?${qs([['id', ids[0]], ['p', 999999]])}`)).status).toBe(404);
  });
});

describe('while the pass runs, and without a reuse index', () => {
  it('a snapshot still computing answers 503 with its progress and Retry-After, then the list', async () => {
    const engine = (await openEngine(fx.indexDir, { warm: false })) as LocalEngine;
    const fresh = await serve(createApp({ handle: { current: () => engine } }));
    try {
      engine.reusePairsWaitMs = 0;
      const res = await fetch(`${fresh.base}/api/reuse/pairs`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(((await res.json()) as { error: string }).error).toMatch(/^全库文字复用正在计算中（已完成 \d+ \/ 36 篇报告），请稍后刷新$/);
      engine.reusePairsWaitMs = 60_000;
      const later = await getJson(fresh.base, '/api/reuse/pairs?size=1');
      expect(later.status).toBe(200);
      expect(later.body.total).toBe(all.length);
    } finally {
      await fresh.close();
      engine.close();
    }
  });

  it('a backend without them (OpenSearch) answers 501 with a Chinese message', async () => {
    const bare: Engine = Object.create(fx.engine, { reusePairs: { value: undefined }, similar: { value: undefined } });
    const other = await serve(createApp({ handle: { current: () => bare } }));
    try {
      for (const path of ['/api/reuse/pairs', '/api/spread?id=x&p=0']) {
        const res = await getJson(other.base, path);
        expect(res.status, path).toBe(501);
        expect(res.body.error).toContain('没有文本复用索引');
      }
      expect((await getPage(other.base, '/reuse/pairs')).status).toBe(501);
    } finally {
      await other.close();
    }
  });
});
