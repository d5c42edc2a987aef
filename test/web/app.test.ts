/**
 * The web app over real HTTP, on an index built from the real sample archive.
 * Every test reads the page's content (marks, links, counts) and compares it with
 * the JSON API or the fixture files — not only status codes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/search/engine.js';
import type { SearchResponse, ReportDocument } from '../../src/types.js';
import { normalize } from '../../src/analyze/analyzer.js';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS } from '../../src/query/errors.js';
import { createApp } from '../../src/web/app.js';
import { FEW_RESULTS, LOOSER_LABEL, ORIGIN_LABELS } from '../../src/web/viewmodels.js';
import { buildFixtureIndex, CORPUS_DIR, search, type FixtureIndex } from '../helpers/fixture-index.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';

let fx: FixtureIndex;
let srv: Served;
/** Every report as the engine stores it, read once: the brute-force side of the tests. */
const reports = new Map<string, ReportDocument>();
const reportOf = (id: string) => reports.get(id)!;

beforeAll(async () => {
  fx = await buildFixtureIndex();
  srv = await serve(createApp({ handle: { current: () => fx.engine } }));
  for (const h of (await search(fx.engine, { size: 100 })).hits) reports.set(h.id, (await fx.engine.report(h.id))!);
});
afterAll(async () => {
  await srv?.close();
  await fx?.cleanup();
});

const Q = '三项制度';
const XSS = '"><svg onload=alert(1)>';
const api = (pairs: Array<[string, string | number]>) => getJson<SearchResponse>(srv.base, `/api/search?${qs(pairs)}`).then((r) => r.body);
const page = (pairs: Array<[string, string | number]>) => getPage(srv.base, `/?${qs(pairs)}`);

describe(`search page: ${Q}`, () => {
  const seedsDir = join(CORPUS_DIR, 'seeds');
  const seedsWithQ = readdirSync(seedsDir)
    .filter((f) => readFileSync(join(seedsDir, f), 'utf8').includes(Q))
    .map((f) => `seeds/${f}`)
    .sort();
  const pathsOf = (r: SearchResponse) => r.hits.map((h) => reportOf(h.id).path);
  /** Brute force: every report whose normalised text contains the string, as Ctrl-F would find it. */
  const containing = async (s: string) => {
    const all = await api([['size', 100]]);
    expect(all.total).toBe(fx.reports);
    expect(all.hits).toHaveLength(fx.reports);
    const needle = normalize(s);
    return all.hits.map((h) => h.id).filter((id) => normalize(reportOf(id).text).includes(needle)).sort();
  };
  const occurrences = (text: string, s: string) => normalize(text).split(normalize(s)).length - 1;

  it('unquoted, returns exactly the reports whose text contains it, each passage with <mark>三项制度</mark>', async () => {
    const expected = await containing(Q);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(fx.reports);
    const json = await api([['q', Q]]);
    expect(json.total).toBe(expected.length);
    expect(json.hits.map((h) => h.id).sort()).toEqual(expected);
    // the same set, read from the fixture files instead of the index
    expect(pathsOf(json).filter((p) => p.startsWith('seeds/')).sort()).toEqual(seedsWithQ);
    for (const h of json.hits) expect(h.matchCount).toBe(occurrences(reportOf(h.id).text, Q));

    const { $ } = await page([['q', Q]]);
    const hits = $('li.hit');
    expect(hits.length).toBe(expected.length);
    expect($('.stats strong').first().text()).toBe(String(expected.length));
    hits.each((i, el) => {
      const hit = json.hits[i];
      const h = $(el);
      expect(h.find('.hit-title a').text()).toBe(hit.title);
      expect(h.find('.hit-title a').attr('href')).toBe(`/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent(Q)}`);
      expect(h.find('.matches').text()).toBe(`命中 ${hit.matchCount} 处`);
      const passages = h.find('.passage-text');
      expect(passages.length).toBeGreaterThan(0);
      expect(passages.length).toBeLessThanOrEqual(3);
      // one mark around the whole term, never 三项 and 制度 marked apart
      passages.each((_, p) => {
        expect($(p).html()).toContain(`<mark>${Q}</mark>`);
        $(p).find('mark').each((_, m) => expect($(m).text()).toBe(Q));
      });
    });
  });

  it(`quoted ("${Q}") finds the same reports in the same order`, async () => {
    const plain = await api([['q', Q]]);
    const quoted = await api([['q', `"${Q}"`]]);
    expect(quoted.total).toBe(plain.total);
    expect(quoted.hits.map((h) => h.id)).toEqual(plain.hits.map((h) => h.id));
    expect(quoted.hits.map((h) => h.passages)).toEqual(plain.hits.map((h) => h.passages));
  });

  it('a term is not cut into words: 行政执法公示 finds only reports with the six characters together', async () => {
    const q = '行政执法公示';
    const json = await api([['q', q], ['size', 100]]);
    expect(json.hits.map((h) => h.id).sort()).toEqual(await containing(q));
    // the words apart are in more reports: those must not be found
    const apart = await api([['q', json.looserQuery!], ['size', 100]]);
    expect(apart.total).toBeGreaterThan(json.total);
    const { $ } = await page([['q', q]]);
    expect($('.passage-text mark').length).toBeGreaterThan(0);
    $('.passage-text mark').each((_, m) => expect($(m).text()).toBe(q));
  });

  it('each passage links to a paragraph that exists on the report page, where the match is marked', async () => {
    const { $ } = await page([['q', Q]]);
    const links = $('a.passage').map((_, a) => $(a).attr('href')!).get();
    expect(links.length).toBeGreaterThan(0);
    const passageMarks = $('a.passage').map((_, a) => $(a).find('mark').first().text()).get();
    for (const [i, href] of links.entries()) {
      const url = new URL(href, srv.base);
      expect(url.hash).toMatch(/^#p-\d+$/);
      expect(url.searchParams.get('q')).toBe(Q);
      const doc = await getPage(srv.base, url.pathname + url.search);
      const para = doc.$(`[id="${url.hash.slice(1)}"]`);
      expect(para.length).toBe(1);
      expect(para.find('mark').map((_, m) => doc.$(m).text()).get()).toContain(passageMarks[i]);
    }
  });
});

describe('filters', () => {
  it('a region and a year change results and counts exactly as the API says', async () => {
    const q = '法治';
    const all = await api([['q', q]]);
    const region = all.facets.region.find((b) => b.count < all.total)!.value;
    const inRegion = await api([['q', q], ['region', region]]);
    const year = Number(inRegion.facets.year[0].value);
    const pairs: Array<[string, string | number]> = [['q', q], ['region', region], ['year', year]];
    const filtered = await api(pairs);

    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(all.total);
    for (const h of filtered.hits) {
      expect([h.region.province, h.region.city, h.region.county].filter(Boolean).join('/') + '/').toMatch(new RegExp(`^${region}/`));
      expect(h.year).toBe(year);
    }
    // disjunctive facets: a facet's counts ignore its own selection
    expect(filtered.facets.year).toEqual(inRegion.facets.year);

    const { $ } = await page(pairs);
    expect($('.stats strong').first().text()).toBe(String(filtered.total));
    expect($('.hit-title a').map((_, a) => $(a).text()).get()).toEqual(filtered.hits.map((h) => h.title));
    const shown = (facet: string) =>
      $(`.${facet} .facet-link`)
        .map((_, a) => ({ value: $(a).attr('data-value'), count: Number($(a).find('.count').text()) }))
        .get()
        .sort((x, y) => x.value!.localeCompare(y.value!));
    const sorted = (b: { value: string; count: number }[]) => [...b].sort((x, y) => x.value.localeCompare(y.value));
    expect(shown('facet-region')).toEqual(sorted(filtered.facets.region));
    expect(shown('facet-year')).toEqual(sorted(filtered.facets.year));
    expect($('.facet-year .facet-link.selected').attr('data-value')).toBe(String(year));
    expect($('.chip').map((_, c) => $(c).text().replace('×', '')).get()).toEqual([
      `地区：${region.split('/').join(' › ')}`,
      `年份：${year}年`,
    ]);
    // the chip's link removes its filter: following it gives the API's answer without it
    const removeYear = new URL($('.chip').eq(1).attr('href')!, srv.base);
    expect(removeYear.searchParams.getAll('year')).toEqual([]);
    expect(removeYear.searchParams.getAll('region')).toEqual([region]);
  });

  it('several years are OR-ed, and the page lists years newest first', async () => {
    const browse = await api([]);
    const years = browse.facets.year.map((b) => Number(b.value));
    expect(years.length).toBeGreaterThan(1);
    const [a, b] = years;
    const both = await api([['year', a], ['year', b]]);
    const countOf = (y: number) => browse.facets.year.find((x) => Number(x.value) === y)!.count;
    expect(both.total).toBe(countOf(a) + countOf(b));

    const { $ } = await page([]);
    const shown = $('.facet-year .facet-link').map((_, l) => Number($(l).attr('data-value'))).get();
    expect(shown).toEqual([...years].sort((x, y) => y - x));
  });

  it('region drill-down: a province lists its cities, with a breadcrumb back', async () => {
    const browse = await api([]);
    const withChildren = browse.facets.region.map((b) => b.value).filter((v) => v !== '全国');
    let found = false;
    for (const province of withChildren) {
      const sub = await api([['region', province]]);
      if (!sub.facets.region.length) continue;
      found = true;
      const { $ } = await page([['region', province]]);
      expect($('.crumbs a').first().text()).toBe('全部地区');
      expect($('.crumbs [aria-current]').text()).toBe(province);
      const child = $('.facet-region .facet-link').first();
      expect(child.attr('data-value')).toBe(sub.facets.region[0].value);
      const next = new URL(child.attr('href')!, srv.base);
      expect(next.searchParams.getAll('region')).toEqual([sub.facets.region[0].value]);
      break;
    }
    expect(found).toBe(true);
  });
});

describe('browsing, sorting, paging', () => {
  it('without a query lists every report, newest first, in pages', async () => {
    const first = await page([['size', 5]]);
    expect(first.$('.stats strong').first().text()).toBe(String(fx.reports));
    expect(first.$('li.hit').length).toBe(5);
    expect(first.$('.sort .selected').text()).toBe('最新');
    const next = first.$('.pagination a.next').attr('href')!;
    expect(new URL(next, srv.base).searchParams.get('page')).toBe('2');
    const second = await getPage(srv.base, next);
    const titles = (p: typeof first) => p.$('.hit-title a').map((_, a) => p.$(a).attr('href')).get();
    expect(titles(second)).toHaveLength(5);
    expect(titles(second).filter((t) => titles(first).includes(t))).toEqual([]);
  });

  it('sort links keep the query and filters; date-asc reverses date-desc', async () => {
    const desc = await api([['q', '法治'], ['sort', 'date-desc'], ['size', 100]]);
    const asc = await api([['q', '法治'], ['sort', 'date-asc'], ['size', 100]]);
    const dates = (r: SearchResponse) => r.hits.map((h) => h.date).filter(Boolean);
    expect(dates(asc)).toEqual([...dates(desc)].reverse());
    const { $ } = await page([['q', '法治'], ['year', 2026]]);
    const latest = new URL($('.sort a').filter((_, a) => $(a).text() === '最新').attr('href')!, srv.base);
    expect([...latest.searchParams]).toEqual([['q', '法治'], ['year', '2026'], ['sort', 'date-desc']]);
  });

  it('a page past the last one says so and links back to page 1', async () => {
    const { $ } = await page([['page', 1000]]);
    expect($('.empty h2').text()).toBe('这一页没有结果');
    expect($('.empty a').attr('href')).toBe('/');
  });

  it('nothing found: offers only suggestions that find something — the looser query, filter kept — with their counts', async () => {
    const q = '三项制度改革创新';
    const json = await api([['q', q], ['region', '四川省']]);
    expect(json.total).toBe(0);
    expect(json.looserQuery).toBe('三项 制度 改革 创新');
    // dropping the filter would find nothing either: not offered
    expect((await api([['q', q]])).total).toBe(0);
    const looser = await api([['q', json.looserQuery!], ['region', '四川省']]);
    expect(looser.total).toBeGreaterThan(0);
    const { $ } = await page([['q', q], ['region', '四川省']]);
    expect($('li.hit').length).toBe(0);
    expect($('.empty h2').text()).toBe(`没有找到包含“${q}”的报告`);
    const links = $('.empty a').map((_, a) => ({ label: $(a).text(), url: new URL($(a).attr('href')!, srv.base) })).get();
    expect(links.map((l) => l.label)).toEqual([`${LOOSER_LABEL}${json.looserQuery}`]);
    expect([...links[0].url.searchParams]).toEqual([['q', json.looserQuery], ['region', '四川省']]);
    expect($('.empty .sugg-count').first().text()).toBe(`（${looser.total} 份报告）`);
    expect($('.empty').text()).not.toContain('引号');
    expect($('.looser-hint').length).toBe(0); // the empty state offers it once, in its list

    // with a filter that hides the matches, dropping it is offered, with what it finds
    const hidden = await page([['q', Q], ['region', '四川省']]);
    const all = await api([['q', Q]]);
    expect(hidden.$('.empty a').first().text()).toBe('去掉地区和年份筛选，在全部报告中搜索');
    expect(hidden.$('.empty .sugg-count').first().text()).toBe(`（${all.total} 份报告）`);
  });

  it('the empty-state sentence never doubles the query\'s own quotation marks', async () => {
    const { $ } = await page([['q', '“三项制度改革创新”']]);
    expect($('.empty h2').text()).toBe('没有找到包含「“三项制度改革创新”」的报告');
  });

  it('nothing found for a quoted phrase: the looser query is offered, not "remove the quotes" (same search)', async () => {
    const q = '"三项制度改革创新"';
    const json = await api([['q', q]]);
    expect(json.total).toBe(0);
    const { $ } = await page([['q', q]]);
    const hrefs = $('.empty a').map((_, a) => new URL($(a).attr('href')!, srv.base).searchParams.get('q')).get();
    expect(hrefs).toEqual([json.looserQuery]);
    expect(hrefs).not.toContain('三项制度改革创新');
  });

  it(`few results (≤ ${FEW_RESULTS}): a quiet hint under them links to the looser query; many results: none`, async () => {
    const few = await api([['q', Q], ['year', 2024]]);
    expect(few.total).toBeGreaterThan(0);
    expect(few.total).toBeLessThanOrEqual(FEW_RESULTS);
    expect(few.looserQuery).toBe('三项 制度');
    const { $ } = await page([['q', Q], ['year', 2024]]);
    const hint = $('.looser-hint a');
    expect(hint.length).toBe(1);
    expect(hint.text()).toBe(few.looserQuery);
    expect([...new URL(hint.attr('href')!, srv.base).searchParams]).toEqual([['q', '三项 制度'], ['year', '2024']]);
    expect($('.empty').length).toBe(0);

    const many = await api([['q', '法治']]);
    expect(many.total).toBeGreaterThan(FEW_RESULTS);
    expect((await page([['q', '法治']])).$('.looser-hint').length).toBe(0);
  });
});

describe('query notes (the parser\'s warnings)', () => {
  it('an unclosed quote: the page shows the note above the results, as the API returns it', async () => {
    const q = `"${Q}`;
    const json = await api([['q', q]]);
    expect(json.warnings).toEqual([`引号未闭合，已忽略：${q}`]);
    const { $ } = await page([['q', q]]);
    expect($('.query-notes li').map((_, li) => $(li).text()).get()).toEqual(json.warnings);
    expect($('li.hit').length).toBe(json.hits.length);
    expect($('.query-notes').index()).toBeLessThan($('ol.hits').index());
  });

  it('a note quoting the query is escaped', async () => {
    const q = '"<img src=x onerror=alert(1)>';
    const json = await api([['q', q]]);
    // an unclosed quote is punctuation: the first chunk is quoted in the note
    expect(json.warnings).toEqual(['引号未闭合，已忽略："<img']);
    const { $, body } = await page([['q', q]]);
    expect(body).not.toMatch(/<img/i);
    expect(body).toContain('已忽略：&#34;&lt;img</li>');
    expect($('.query-notes li').text()).toBe(json.warnings[0]);
    expect($('img').length).toBe(0);
  });

  it('an exclusion-only query and a stray OR are explained; a clean query shows no notes', async () => {
    for (const q of ['-双随机', '法治 OR']) {
      const json = await api([['q', q]]);
      expect(json.warnings.length).toBe(1);
      const { $ } = await page([['q', q]]);
      expect($('.query-notes li').map((_, li) => $(li).text()).get()).toEqual(json.warnings);
    }
    expect((await page([['q', Q]])).$('.query-notes').length).toBe(0);
  });
});

describe('report page', () => {
  it('shows metadata with its sources, paragraphs with #p-N anchors and permalinks', async () => {
    const [hit] = (await api([['q', Q]])).hits;
    const doc = (await getJson(srv.base, `/api/doc/${encodeURIComponent(hit.id)}`)).body;
    const report = reportOf(hit.id);
    expect(doc).toMatchObject({
      id: report.id,
      title: report.title,
      issuer: report.issuer,
      region: report.region,
      year: report.year,
      date: report.date,
      docNumber: report.docNumber,
      sourceUrl: report.sourceUrl,
    });
    expect(doc.paragraphs.map((p: { text: string }) => p.text).join('\n')).toBe(report.text);
    expect(doc.paragraphs.map((p: { anchor: string }) => p.anchor)).toEqual(doc.paragraphs.map((_: unknown, i: number) => `p-${i}`));

    const { $ } = await getPage(srv.base, `/doc/${encodeURIComponent(hit.id)}`);
    expect($('h1').text()).toBe(report.title);
    expect($('title').text()).toBe(`${report.title} - 报告搜索`);
    const paras = $('.text > p');
    expect(paras.length).toBe(doc.paragraphs.length);
    paras.each((i, p) => {
      expect($(p).attr('id')).toBe(`p-${i}`);
      expect($(p).find('a.permalink').attr('href')).toBe(`/doc/${encodeURIComponent(hit.id)}#p-${i}`);
    });
    expect($('.text mark').length).toBe(0); // no ?q=, no highlighting
    // where each field came from
    const row = (label: string) => $('.meta-row').filter((_, r) => $(r).find('dt').text() === label);
    expect(row('标题').find('dd').text()).toContain(report.title);
    if (report.sources.title) expect(row('标题').find('.origin').text()).toBe(`出处：${ORIGIN_LABELS[report.sources.title]}`);
    if (report.year !== null) {
      expect(row('年份').find('dd').text()).toContain(`${report.year}年`);
      if (report.sources.year) expect(row('年份').find('.origin').text()).toBe(`出处：${ORIGIN_LABELS[report.sources.year]}`);
    }
  });

  it('with ?q= marks every match, whole, and offers match navigation', async () => {
    const [hit] = (await api([['q', Q]])).hits;
    const { $ } = await getPage(srv.base, `/doc/${encodeURIComponent(hit.id)}?${qs([['q', Q]])}`);
    expect($('.text mark').length).toBe(hit.matchCount);
    $('.text mark').each((_, m) => expect($(m).text()).toBe(Q));
    expect($('#matchbar strong').text()).toBe(String(hit.matchCount));
    const first = $('#matchbar .first-match').attr('href')!;
    expect($(`[id="${first.slice(1)}"] mark`).length).toBeGreaterThan(0);
    expect($('#matchbar [data-match="next"]').length).toBe(1);
  });

  it('a dataset report links to its source', async () => {
    const json = await api([['region', '四川省'], ['year', 2026]]);
    const id = json.hits.find((h) => reportOf(h.id).sourceUrl)!.id;
    const report = reportOf(id);
    const { $ } = await getPage(srv.base, `/doc/${encodeURIComponent(id)}`);
    const link = $('dl.meta a');
    expect(link.attr('href')).toBe(report.sourceUrl);
    expect(link.attr('rel')).toContain('noopener');
  });
});

describe('JSON API and health', () => {
  it('/api/search returns the SearchResponse', async () => {
    const r = await getJson<SearchResponse>(srv.base, `/api/search?${qs([['q', `"${Q}"`], ['size', 1]])}`);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({ query: `"${Q}"`, total: 2, page: 1, size: 1, warnings: [], looserQuery: '三项 制度' });
    expect(r.body.hits).toHaveLength(1);
    expect(Object.keys(r.body.facets).sort()).toEqual(['issuer', 'level', 'region', 'type', 'year']);
  });

  it('/healthz reports the index', async () => {
    const r = await getJson(srv.base, '/healthz');
    expect(r.body).toEqual({ status: 'ok', reports: fx.reports, indexBuiltAt: fx.engine.info.builtAt });
    expect(Number.isNaN(Date.parse(r.body.indexBuiltAt))).toBe(false);
  });
});

describe('bad input', () => {
  const long = '法治'.repeat(101);
  const manyTerms = Array.from({ length: 21 }, (_, i) => `"词${i}"`).join(' ');
  it.each([
    ['q[]=a', 'q[]=a', '参数 q'],
    ['q[x]=a', 'q[x]=a', '参数 q'],
    ['q=a&q=b', 'q=a&q=b', '参数 q'],
    ['sort=best', 'sort=best', '参数 sort'],
    ['sort[]=relevance', 'sort[]=relevance', '参数 sort'],
    ['year=abc', 'year=abc', '参数 year'],
    ['year=20240', 'year=20240', '参数 year'],
    ['page=0', 'page=0', '参数 page'],
    ['page=1e9', 'page=1e9', '参数 page'],
    ['size=101', 'size=101', '参数 size'],
    ['size=-5', 'size=-5', '参数 size'],
    // the engine's QueryError: its message names the limit
    ['q of 202 characters', qs([['q', long]]), `${MAX_QUERY_CHARS}`],
    ['q of 21 terms', qs([['q', manyTerms]]), `${MAX_QUERY_TERMS}`],
  ])('%s → 400 with a Chinese message, as a page and as JSON', async (_label, query, message) => {
    const html = await getPage(srv.base, `/?${query}`);
    expect(html.status).toBe(400);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.$('h1').text()).toBe('请求有误');
    expect(html.$('.message').text()).toContain(message);
    expect(html.$('.message').text()).toMatch(/[\u4e00-\u9fff]/);

    const json = await getJson(srv.base, `/api/search?${query}`);
    expect(json.status).toBe(400);
    expect(json.body.error).toContain(message);
  });

  it('the report page refuses a bad ?q= too', async () => {
    const [hit] = (await api([['q', Q]])).hits;
    const r = await getPage(srv.base, `/doc/${encodeURIComponent(hit.id)}?q=a&q=b`);
    expect(r.status).toBe(400);
    expect(r.$('.message').text()).toContain('参数 q');
  });

  it.each(['/doc/nope', '/doc/..%2F..%2Fpackage.json', '/doc/..%5C..%5Cpackage.json', '/doc/seeds%2F000_abd99ba7655eaa30.txt'])(
    '%s → a 404 page; ids are looked up, never read as paths',
    async (path) => {
      const html = await getPage(srv.base, path);
      expect(html.status).toBe(404);
      expect(html.$('.message').text()).toContain('找不到这份报告');
      expect(html.body).not.toContain('"name": "report-search"');
      const json = await getJson(srv.base, path.replace('/doc/', '/api/doc/'));
      expect(json.status).toBe(404);
      expect(json.body.error).toContain('找不到这份报告');
    },
  );

  it('an unknown page is a Chinese 404; a malformed escape is a 400, not a 500', async () => {
    const missing = await getPage(srv.base, '/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.$('h1').text()).toBe('没有找到');
    const bad = await getPage(srv.base, '/doc/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.$('.message').text()).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('errors', () => {
  it('asks for JSON get {error} on HTML routes too', async () => {
    const r = await getJson(srv.base, '/?page=0');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: '参数 page 必须是 1 到 1000 之间的整数' });
  });

  it('an unexpected failure is a Chinese 500 page that leaks nothing', async () => {
    const broken: Engine = Object.create(fx.engine, {
      search: { value: () => { throw new TypeError('secret internals at /srv/x.ts:1'); } },
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    const s = await serve(createApp({ handle: { current: () => broken } }));
    try {
      const html = await getPage(s.base, '/?q=x');
      expect(html.status).toBe(500);
      expect(html.$('h1').text()).toBe('出错了');
      expect(html.$('.message').text()).toBe('服务器内部出错，请稍后再试。');
      expect(html.body).not.toContain('secret');
      const json = await getJson(s.base, '/api/search?q=x');
      expect(json.status).toBe(500);
      expect(json.body).toEqual({ error: '服务器内部出错，请稍后再试。' });
      expect(errors.length).toBe(2); // logged for the operator
    } finally {
      console.error = original;
      await s.close();
    }
  });
});

describe('safety', () => {
  it(`the query ${XSS} comes back only escaped: title, input value, empty state`, async () => {
    const { $, body } = await page([['q', XSS]]);
    expect(body).not.toMatch(/<svg/i);
    expect(body).toContain('&#34;&gt;&lt;svg onload=alert(1)&gt;');
    expect($('title').text()).toBe(`${XSS} - 报告搜索`);
    expect($('input#q').val()).toBe(XSS);
    expect($('svg').length).toBe(0);
  });

  it('escaped in passages, on the report page and on the error page too', async () => {
    // closed, so the XSS string is one phrase OR-ed with Q
    const withHits = await page([['q', `${Q} OR ${XSS}"`]]);
    expect(withHits.$('li.hit').length).toBeGreaterThan(0);
    expect(withHits.body).not.toMatch(/<svg/i);
    expect(withHits.$('.passage-text svg, .passage-text [onload]').length).toBe(0);

    const [hit] = (await api([['q', Q]])).hits;
    const doc = await getPage(srv.base, `/doc/${encodeURIComponent(hit.id)}?${qs([['q', XSS]])}`);
    expect(doc.body).not.toMatch(/<svg/i);
    expect(doc.$('input#q').val()).toBe(XSS);

    const tooLong = await getPage(srv.base, `/?${qs([['q', XSS + ' 法治'.repeat(100)]])}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).not.toMatch(/<svg/i);
    expect(tooLong.$('input#q').val()).toBe(XSS + ' 法治'.repeat(100));
  });

  it('sends security headers: CSP without inline scripts, nosniff, no X-Powered-By', async () => {
    for (const path of ['/', '/api/search', '/doc/nope', '/static/style.css']) {
      const res = await fetch(srv.base + path);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('pages carry no inline script or style', async () => {
    const { $ } = await page([['q', Q]]);
    expect($('script:not([src])').length).toBe(0);
    expect($('[style]').length).toBe(0);
    expect($('[onclick],[onload],[onerror]').length).toBe(0);
  });
});
