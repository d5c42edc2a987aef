/**
 * The filters and facets of issue 9 on the search page, over real HTTP on the
 * sample archive: each facet on the page equals the API's, a click filters as the
 * API does, the 模糊 count beside a short 精确 list is the 模糊 total, the region
 * facet adds up, and an unknown region is a 400 that names the nearest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../src/types.js';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';

let fx: FixtureIndex;
let srv: Served;
beforeAll(async () => {
  fx = await buildFixtureIndex();
  srv = await serve(createApp({ handle: { current: () => fx.engine } }));
});
afterAll(async () => {
  await srv?.close();
  await fx?.cleanup();
});

const api = async (pairs: Array<[string, string | number]>) => (await getJson<SearchResponse>(srv.base, `/api/search?${qs(pairs)}`)).body;
const page = (path: string) => getPage(srv.base, path);
const facetOnPage = ($: Awaited<ReturnType<typeof page>>['$'], section: string) =>
  $(`.facet-${section} .facet-link`)
    .map((_, a) => ({ value: $(a).attr('data-value'), count: Number($(a).find('.count').text()) }))
    .get();

describe('search page filters', () => {
  it('level, type and issuer facets on the page are the API facets; a click filters as the API does', async () => {
    const q: Array<[string, string]> = [['q', '法治']];
    const json = await api(q);
    const { $ } = await page(`/?${qs(q)}`);
    for (const [section, key] of [['level', 'level'], ['type', 'type'], ['issuer', 'issuer']] as const) {
      const want = json.facets[key].map((b) => ({ value: b.value, count: b.count }));
      expect(want.length).toBeGreaterThan(0);
      expect(facetOnPage($, section).sort((a, b) => a.value!.localeCompare(b.value!))).toEqual(want.sort((a, b) => a.value.localeCompare(b.value)));
    }
    // follow the 县级 link: the list is the API's with level=县级, and a chip says so
    const href = $('.facet-level .facet-link[data-value="县级"]').attr('href')!;
    expect(new URL(href, srv.base).searchParams.getAll('level')).toEqual(['县级']);
    const filtered = await page(href);
    const jsonLevel = await api([...q, ['level', '县级']]);
    expect(jsonLevel.total).toBe(json.facets.level.find((b) => b.value === '县级')!.count);
    expect(filtered.$('li.hit').length).toBe(jsonLevel.hits.length);
    expect(filtered.$('.chip').text()).toContain('级别：县级');
    // the search form carries the filter to a new query
    expect(filtered.$('form.search input[type=hidden][name=level]').val()).toBe('县级');
  });

  it('a time span from the form filters as the API does, and shows as a chip', async () => {
    const json = await api([['q', '卫生'], ['from', '2022'], ['to', '2024']]);
    const all = await api([['q', '卫生']]);
    expect(json.total).toBeGreaterThan(0);
    expect(json.total).toBeLessThan(all.total);
    const { $ } = await page(`/?${qs([['q', '卫生'], ['from', '2022'], ['to', '2024']])}`);
    expect($('.stats strong').first().text()).toBe(String(json.total));
    expect($('.chip').text()).toContain('时间：2022–2024');
    expect($('form.time-form input[name=from]').val()).toBe('2022');
    expect($('form.time-form input[type=hidden][name=q]').val()).toBe('卫生');
  });

  it('精确 finds fewer than 模糊: the page says how many 模糊 finds and links to it', async () => {
    const exact = await api([['q', '双随机一公开']]);
    const fuzzy = await api([['q', '双随机一公开'], ['match', 'fuzzy']]);
    expect(exact.total).toBe(0);
    expect(fuzzy.total).toBeGreaterThan(0);
    expect(exact.fuzzyTotal).toBe(fuzzy.total);
    const { $ } = await page(`/?${qs([['q', '双随机一公开']])}`);
    expect($('.fuzzy-hint').text()).toContain(`模糊匹配可找到 ${fuzzy.total} 份`);
    const link = $('.fuzzy-hint a').attr('href')!;
    expect(new URL(link, srv.base).searchParams.get('match')).toBe('fuzzy');
    const followed = await page(link);
    expect(followed.$('li.hit').length).toBe(fuzzy.total);
    // the marks cover the original spans, punctuation inside included
    const marks = followed.$('.passage-text mark').map((_, m) => followed.$(m).text()).get();
    expect(marks.some((m) => m === '双随机、一公开')).toBe(true);
    for (const m of marks) expect(m.replace(/[、，,\s“”"]/g, '')).toBe('双随机一公开');
    // the mode is a visible toggle, carried by the search form and into report links
    expect(followed.$('.match-mode .selected').text()).toBe('模糊');
    expect(followed.$('form.search input[type=hidden][name=match]').val()).toBe('fuzzy');
    const docLink = followed.$('li.hit .hit-title a').first().attr('href')!;
    expect(new URL(docLink, srv.base).searchParams.get('match')).toBe('fuzzy');
    const doc = await page(docLink);
    expect(doc.$('.text mark').length).toBeGreaterThan(0);
    // no hint when 模糊 finds nothing more
    expect((await api([['q', '三项制度']])).fuzzyTotal).toBe((await api([['q', '三项制度'], ['match', 'fuzzy']])).total);
    expect((await page(`/?${qs([['q', '法治']])}`)).$('.fuzzy-hint').length).toBe(0);
  });

  it('inside a province the region facet lists its cities and 本级, adding up to the province', async () => {
    const json = await api([['region', '青海省']]);
    const values = json.facets.region.map((b) => b.value);
    expect(values).toContain('青海省/本级');
    expect(values.every((v) => v.startsWith('青海省/'))).toBe(true);
    expect(json.facets.region.reduce((n, b) => n + b.count, 0)).toBe(json.total);
    const { $ } = await page(`/?${qs([['region', '青海省']])}`);
    const labels = $('.facet-region .facet-link .label').map((_, l) => $(l).text()).get();
    expect(labels).toContain('本级');
    expect(labels).not.toContain('四川省'); // siblings only through the breadcrumb
    const self = await api([['region', '青海省/本级']]);
    expect(self.total).toBe(json.facets.region.find((b) => b.value === '青海省/本级')!.count);
  });

  it('an over-long paste is kept whole in the box, refused with the reason beside it and a character count', async () => {
    const q = '法'.repeat(250);
    const res = await page(`/?${qs([['q', q]])}`);
    expect(res.status).toBe(400);
    expect(res.$('input#q').val()).toBe(q); // never cut to 200 (no maxlength)
    expect(res.$('input#q').attr('maxlength')).toBeUndefined();
    expect(res.$('.q-count.over').text()).toContain('已输入 250 / 200 个字符，超出 50 个');
    expect(res.$('.message').text()).toContain('查询过长');
    const ok = await page(`/?${qs([['q', '法治']])}`);
    expect(ok.$('.q-count').text()).toBe('');
  });

  it('an unknown region is a 400 naming the nearest regions the archive has', async () => {
    const res = await getJson<{ error: string }>(srv.base, `/api/search?${qs([['region', '青海']])}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('您是不是要找：青海省');
    const html = await page(`/?${qs([['q', '法治'], ['region', '青海']])}`);
    expect(html.status).toBe(400);
    expect(html.body).toContain('您是不是要找：青海省');
  });
});
