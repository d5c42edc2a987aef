/**
 * A very long report is read a slice of paragraphs at a time (issue 14): the page
 * never holds the whole report as HTML, links to a paragraph open the slice that
 * holds it, the slices cover the report exactly once, and the API pages the same way.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { openEngine } from '../../src/search/open.js';
import type { Engine } from '../../src/search/engine.js';
import { createApp } from '../../src/web/app.js';
import { REPORT_SLICE } from '../../src/web/urls.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';

const PARAGRAPHS = 2 * REPORT_SLICE + 123;
/** Paragraph i: a sentence of its own, with a marker word every 97th paragraph. */
const paragraph = (i: number) => `第${i}项工作：推进法治政府建设，落实各项制度${i % 97 === 0 ? '，开展长篇测试标记' : ''}。`;

let work: string;
let engine: Engine;
let srv: Served;
const id = 'long';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-long-'));
  await mkdir(join(work, 'data'));
  const text = ['某县人民政府2025年法治政府建设情况报告', ...Array.from({ length: PARAGRAPHS - 1 }, (_, i) => paragraph(i + 1))].join('\n\n');
  await writeFile(join(work, 'data', 'long.txt'), text);
  await buildIndex({ dataDir: join(work, 'data'), indexDir: join(work, 'index') });
  engine = await openEngine(join(work, 'index'));
  srv = await serve(createApp({ handle: { current: () => engine } }));
});
afterAll(async () => {
  await srv?.close();
  engine?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a long report, a slice at a time', () => {
  it('the slices cover every paragraph once, in order, with their own numbers and the whole match count', async () => {
    const full = (await engine.report(id))!.text.split('\n');
    expect(full.length).toBe(PARAGRAPHS);
    const seen: string[] = [];
    let url: string | undefined = `/doc/${id}?${qs([['q', '长篇测试标记']])}`;
    const markers = full.filter((p) => p.includes('长篇测试标记')).length;
    while (url) {
      const { $, body, status } = await getPage(srv.base, url);
      expect(status).toBe(200);
      const ps = $('.text > p');
      expect(ps.length).toBeLessThanOrEqual(REPORT_SLICE);
      expect(body.length).toBeLessThan(200_000); // one slice of HTML, not the report
      ps.each((_, p) => void seen.push($(p).attr('id')!));
      // the count is of the whole report, on every slice
      expect(Number($('#matchbar').attr('data-total'))).toBe(markers);
      url = $('.slice-nav a[rel=next]').first().attr('href');
    }
    expect(seen).toEqual(full.map((_, i) => `p-${i}`));
  });

  it('a link to a paragraph opens the slice that holds it; a slice past the end is a 400', async () => {
    const n = REPORT_SLICE + 50;
    const res = await engine.search({ parsed: (await import('../../src/query/parser.js')).parseQuery(`第${n}项工作`), match: 'exact' }, { regions: [], years: [] }, { sort: 'relevance', page: 1, size: 10 });
    expect(res.total).toBe(1);
    const { $ } = await getPage(srv.base, `/?${qs([['q', `第${n}项工作`]])}`);
    const href = $('.passage').first().attr('href')!;
    const u = new URL(href, srv.base);
    expect(u.hash).toBe(`#p-${n}`);
    expect(u.searchParams.get('from')).toBe(String(REPORT_SLICE));
    const target = await getPage(srv.base, `${u.pathname}${u.search}`);
    expect(target.$(`#p-${n}`).text()).toContain(`第${n}项工作`);
    expect(target.$(`#p-${n} mark`).text()).toBe(`第${n}项工作`);
    expect((await getPage(srv.base, `/doc/${id}?from=${10 * REPORT_SLICE}`)).status).toBe(400);
    expect((await getPage(srv.base, `/doc/${id}?from=abc`)).status).toBe(400);
  });

  it('/api/doc pages its paragraphs with from and count, and says how many there are', async () => {
    const a = (await getJson(srv.base, `/api/doc/${id}?from=10&count=5`)).body;
    expect(a.totalParagraphs).toBe(PARAGRAPHS);
    expect(a.from).toBe(10);
    expect(a.paragraphs.map((p: { anchor: string }) => p.anchor)).toEqual(['p-10', 'p-11', 'p-12', 'p-13', 'p-14']);
    expect(a.paragraphs[0].text).toBe(paragraph(10));
    expect((await getJson(srv.base, `/api/doc/${id}?count=1001`)).status).toBe(400);
  });
});
