/**
 * The research pages and exports over real HTTP on the sample archive: the
 * distribution page's charts are images the CSP allows and its tables carry
 * the API's numbers; the KWIC page links every line to its paragraph; CSV
 * exports start with a BOM, parse back with csv-parse, hold every row and link
 * to the right paragraphs; bad parameters are 400s with Chinese messages.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { createApp } from '../../src/web/app.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';
import { sampleArchive, type Archive } from './archives.js';

let a: Archive;
let srv: Served;
beforeAll(async () => {
  a = await sampleArchive();
  srv = await serve(createApp({ handle: { current: () => a.engine } }));
}, 120_000);
afterAll(async () => {
  await srv?.close();
  await a?.cleanup();
});

async function download(path: string) {
  const res = await fetch(srv.base + path);
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8') };
}

describe('distribution page', () => {
  it('compares terms: charts as SVG images (no inline SVG or style), tables with the API numbers, coverage cells, first appearances', async () => {
    const terms = ['三项制度', '法治'];
    const { status, $, body, headers } = await getPage(srv.base, `/trend?${qs(terms.map((t) => ['q', t]))}`);
    expect(status).toBe(200);
    expect(headers.get('content-security-policy')).toContain("style-src 'self'");
    // nothing the CSP would block: no inline <svg>, no style attribute or element, no inline script
    expect(body).not.toMatch(/<svg|style="|<style|<script>/);
    const imgs = $('img.chart');
    expect(imgs.length).toBe(2);
    imgs.each((_, el) => {
      const src = $(el).attr('src')!;
      expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
      const svg = Buffer.from(src.split(',')[1], 'base64').toString('utf8');
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).not.toMatch(/<script|\son\w+=/);
      for (const t of terms) expect(svg).toContain(t); // the legend
      expect($(el).attr('alt')).toContain('三项制度');
    });
    // the year table: one row per bucket of the API, its numbers for each term
    const byYear = await Promise.all(terms.map(async (t) => (await getJson(srv.base, `/api/trend?${qs([['q', t]])}`)).body));
    const rows = $('.dist-table').first().find('tbody tr');
    expect(rows.length).toBe(byYear[0].buckets.length);
    rows.each((i, tr) => {
      const cells = $(tr).find('td').map((_, td) => $(td).text()).get();
      expect(Number(cells[0])).toBe(byYear[0].buckets[i].reports);
      terms.forEach((_, k) => {
        const b = byYear[k].buckets[i];
        expect(cells[1 + k * 4]).toBe(`${b.matchingReports} / ${b.reports}`);
        expect(Number(cells[3 + k * 4])).toBe(b.occurrences);
      });
    });
    // coverage: hit cells for 三项制度 are exactly its matching region-years; zeros are not blanks
    const matrix = $('.matrix-table').first();
    expect(matrix.find('td.cell-hit').length).toBeGreaterThan(0);
    expect(matrix.find('td.cell-zero').length).toBeGreaterThan(0);
    expect(matrix.find('td.cell-none').length).toBeGreaterThan(0);
    matrix.find('td.cell-none').each((_, td) => expect($(td).text().trim()).toBe('无报告'));
    // first appearances link to the paragraph where the term first stands in that report
    const links = $('.first-table').first().find('a');
    expect(links.length).toBeGreaterThan(0);
    for (const el of links.toArray()) {
      const url = new URL($(el).attr('href')!, srv.base);
      expect(url.searchParams.get('q')).toBe('三项制度');
      const doc = await getPage(srv.base, url.pathname + url.search);
      const p = doc.$(`[id="${url.hash.slice(1)}"]`);
      expect(p.find('mark').first().text()).toBe('三项制度');
      expect(doc.$('.text p.has-match').first().attr('id')).toBe(url.hash.slice(1));
    }
  });

  it('drills into a region: 本级 for the region itself, its children as buckets', async () => {
    const body = (await getJson(srv.base, `/api/trend?${qs([['q', '法治'], ['by', 'region'], ['region', '青海省']])}`)).body;
    expect(body.buckets.every((b: any) => b.key === '青海省' || b.key.startsWith('青海省/'))).toBe(true);
    expect(body.buckets.some((b: any) => b.key.split('/').length === 2)).toBe(true);
    const { $ } = await getPage(srv.base, `/trend?${qs([['q', '法治'], ['region', '青海省']])}`);
    expect($('.chip').first().text()).toContain('青海省');
    const labels = $('.dist-table').eq(1).find('tbody th').map((_, th) => $(th).text()).get();
    expect(labels.length).toBe(body.buckets.length);
  });

  it('escapes the query everywhere', async () => {
    const xss = '"><script>alert(1)</script>';
    const { status, body } = await getPage(srv.base, `/trend?${qs([['q', xss]])}`);
    expect(status).toBe(200);
    expect(body).not.toContain('<script>alert(1)');
    const kwic = await getPage(srv.base, `/kwic?${qs([['q', xss]])}`);
    expect(kwic.status).toBe(200);
    expect(kwic.body).not.toContain('<script>alert(1)');
  });
});

describe('KWIC page', () => {
  it('lists lines sorted by the left context, each linking to its paragraph with the match marked', async () => {
    const { $ } = await getPage(srv.base, `/kwic?${qs([['q', '三项制度'], ['sort', 'left'], ['context', 20]])}`);
    const api = (await getJson(srv.base, `/api/kwic?${qs([['q', '三项制度'], ['sort', 'left'], ['context', 20]])}`)).body;
    expect(Number($('.stats strong').text())).toBe(api.total);
    const rows = $('table.kwic tbody tr');
    expect(rows.length).toBe(api.hits.length);
    expect($('.sort [aria-current]').text()).toBe('按左侧语境');
    for (const [i, tr] of rows.toArray().entries()) {
      const h = api.hits[i];
      expect($(tr).find('td.left').text()).toBe(h.left);
      expect($(tr).find('td.match mark').text()).toBe(h.match);
      expect($(tr).find('td.right').text()).toBe(h.right);
      const href = $(tr).find('td.match a').attr('href')!;
      expect(href).toBe(`/doc/${encodeURIComponent(h.id)}?q=${encodeURIComponent('三项制度')}#${h.anchor}`);
      const doc = await getPage(srv.base, href.split('#')[0]);
      const p = doc.$(`[id="${h.anchor}"]`);
      expect(p.text()).toContain(h.left + h.match + h.right);
      expect(p.find('mark').map((_, m) => doc.$(m).text()).get()).toContain(h.match);
    }
  });

  it('pages through every occurrence', async () => {
    const total = (await getJson(srv.base, `/api/kwic?${qs([['q', '法治']])}`)).body.total;
    const seen = new Set<string>();
    for (let page = 1; page <= Math.ceil(total / 100); page++) {
      const { $ } = await getPage(srv.base, `/kwic?${qs([['q', '法治'], ['size', 100], ['page', page], ['sort', 'right']])}`);
      $('table.kwic tbody tr').each((_, tr) => void seen.add(`${$(tr).find('td.match a').attr('href')}|${$(tr).find('td.left').text()}|${$(tr).find('td.right').text()}`));
    }
    expect(seen.size).toBe(total);
  });
});

describe('exports', () => {
  it('KWIC CSV: BOM, Chinese headers, every line, links to the right paragraphs; JSONL the same lines', async () => {
    const q = '法治';
    const api = (await getJson(srv.base, `/api/kwic?${qs([['q', q], ['size', 1000]])}`)).body;
    const csv = await download(`/api/kwic?${qs([['q', q], ['format', 'csv']])}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    expect(csv.headers.get('x-export-limit')).toBe('100000');
    expect([...csv.buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(['报告编号', '段落', '左侧语境', '检索词', '右侧语境', '年份', '地区', '标题', '日期', '链接']);
    expect(records.length).toBe(api.total);
    records.forEach((r, i) => {
      expect(r['报告编号']).toBe(api.hits[i].id);
      expect(r['左侧语境'] + r['检索词'] + r['右侧语境']).toBe(api.hits[i].left + api.hits[i].match + api.hits[i].right);
      expect(r['地区']).toBe(api.hits[i].region ?? '');
    });
    for (const r of records.filter((_, i) => i % 50 === 0)) {
      const url = new URL(r['链接']);
      expect(url.origin).toBe(srv.base);
      const doc = await getPage(srv.base, url.pathname + url.search);
      expect(doc.$(`[id="${url.hash.slice(1)}"]`).text()).toContain(r['左侧语境'] + r['检索词'] + r['右侧语境']);
    }
    const jsonl = await download(`/api/kwic?${qs([['q', q], ['format', 'jsonl'], ['sort', 'left']])}`);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(api.total);
    expect(Object.keys(lines[0])).toEqual(['id', 'anchor', 'left', 'match', 'right', 'year', 'region', 'title', 'date', 'url']);
  });

  it('distribution CSV: one row per term and bucket, shares and links; search CSV: every hit, not one page', async () => {
    const csv = await download(`/api/trend?${qs([['q', '三项制度'], ['q', '发展'], ['by', 'year'], ['format', 'csv']])}`);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    const api = await Promise.all(['三项制度', '发展'].map(async (t) => (await getJson(srv.base, `/api/trend?${qs([['q', t]])}`)).body));
    expect(rows.length).toBe(api[0].buckets.length + api[1].buckets.length);
    const r0 = rows.find((r) => r['检索词'] === '三项制度' && Number(r['提及的报告']) > 0)!;
    const b0 = api[0].buckets.find((b: any) => b.key === r0['年份或地区']);
    expect(Number(r0['档案中的报告'])).toBe(b0.reports);
    expect(Number(r0['提及报告占比'])).toBeCloseTo(b0.matchingReports / b0.reports, 5);
    expect(Number(r0['每万字出现次数'])).toBeCloseTo((b0.occurrences * 1e4) / b0.chars, 3);
    const link = new URL(r0['链接']);
    const listed = (await getJson(srv.base, `/api/search${link.search}&size=100`)).body;
    expect(listed.total).toBe(b0.matchingReports);

    const total = (await getJson(srv.base, `/api/search?${qs([['q', '法治'], ['size', 5]])}`)).body.total;
    expect(total).toBeGreaterThan(5);
    // the search page's own download link: its filters, no paging, every hit
    const searchPage = await getPage(srv.base, `/?${qs([['q', '法治'], ['size', 5], ['page', 2]])}`);
    const href = searchPage.$('.downloads a').first().attr('href')!;
    expect(href).toBe(`/api/search?${qs([['q', '法治'], ['format', 'csv']])}`);
    const s = await download(href);
    const hits = parse(s.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(hits.length).toBe(total);
    expect(hits.map((h) => Number(h['序号']))).toEqual(hits.map((_, i) => i + 1));
    const first = (await getJson(srv.base, `/api/search?${qs([['q', '法治'], ['size', 100]])}`)).body;
    expect(hits.map((h) => h['报告编号'])).toEqual(first.hits.map((h: any) => h.id));
    for (const h of hits) expect(normalize((await a.engine.report(h['报告编号']))!.text)).toContain('法治');
  });
});

describe('validation: 400 with a Chinese message, never 500', () => {
  const BAD: Array<[string, RegExp]> = [
    ['/api/kwic?q=法治&context=5', /context 必须是 10 到 100/],
    ['/api/kwic?q=法治&context=abc', /context/],
    ['/api/kwic?q=法治&sort=middle', /sort 只能是/],
    ['/api/kwic?q=法治&page=0', /page/],
    ['/api/kwic?q=法治&size=1001', /size 必须是 1 到 1000/],
    ['/api/kwic?q=法治&q=发展', /q 只能出现一次/],
    ['/api/kwic?q=法治&format=xml', /format 只能是/],
    ['/api/kwic?q=法治&year=abc', /year/],
    ['/api/kwic?q[x]=1', /q/],
    [`/api/kwic?q=${'法'.repeat(201)}`, /查询过长/],
    ['/api/trend?q=法治&by=month', /by 只能是/],
    ['/api/trend?q=a&q=b&q=c&q=d&q=e&q=f', /最多同时比较 5 个/],
    ['/api/trend?q=法治&format=pdf', /format/],
    ['/api/trend?q[a]=1', /q/],
    ['/api/search?q=法治&format=xlsx', /format/],
  ];
  it.each(BAD)('%s', async (path, message) => {
    const url = path.replace(/[^\x00-\x7f]/g, (c) => encodeURIComponent(c));
    const res = await fetch(srv.base + url);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    const page = await getPage(srv.base, url.replace('/api/', '/').replace('/search?', '/?'));
    if (!url.includes('format=')) {
      expect(page.status).toBe(400);
      expect(page.$('.message').text()).toMatch(message);
    }
  });
});
