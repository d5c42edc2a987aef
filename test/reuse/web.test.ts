/**
 * Precedents over real HTTP on the sample archive (issue 11): similar passages of
 * a paragraph, with spans that are the same wording on both sides; the draft
 * check finds a pasted paragraph with its span and source; limits give a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, report, search, type FixtureIndex } from '../helpers/fixture-index.js';
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

/** Letters and digits of normalised text: what the reuse engine compares. */
const core = (s: string) => normalize(s).replace(/[^\p{L}\p{N}]/gu, '');

async function post(path: string, body: unknown) {
  const res = await fetch(srv.base + path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('precedents', () => {
  it('similar passages: each span is wording the asked paragraph shares, at sourceSpans', async () => {
    const ids = (await search(fx.engine, { size: 100 })).hits.map((h) => h.id);
    let checked = 0;
    for (const id of ids) {
      const paragraphs = (await report(fx.engine, id)).text.split('\n');
      for (let p = 0; p < paragraphs.length && checked < 3; p++) {
        if (paragraphs[p].length < 60) continue;
        const res = await getJson(srv.base, `/api/similar?${qs([['id', id], ['p', p]])}`);
        expect(res.status).toBe(200);
        expect(res.body.anchor).toBe(`p-${p}`);
        if (res.body.hits.length === 0) continue;
        for (const h of res.body.hits) {
          expect(h.id).not.toBe(id);
          const other = (await report(fx.engine, h.id)).text.split('\n')[Number(h.anchor.slice(2))];
          expect(h.spans.length).toBe(h.sourceSpans.length);
          h.spans.forEach(([s, e]: [number, number], k: number) => {
            const [ss, se] = h.sourceSpans[k];
            expect(core(other.slice(s, e))).toBe(core(paragraphs[p].slice(ss, se)));
            expect(core(other.slice(s, e)).length).toBeGreaterThan(0);
          });
        }
        checked++;
      }
      if (checked >= 3) break;
    }
    expect(checked).toBe(3); // the provincial reports share their stock openings
  });

  it('the draft check finds a pasted paragraph with its span and an earliest source', async () => {
    const ids = (await search(fx.engine, { q: '政府工作报告', size: 5 })).hits.map((h) => h.id);
    const paragraphs = (await report(fx.engine, ids[0])).text.split('\n').filter((p) => p.length > 120);
    const pasted = paragraphs[Math.floor(paragraphs.length / 2)];
    const intro = '这是一段与资料库无关的开头文字，用来检验比对只标出相同的部分。';
    const draft = `${intro}\n${pasted}`;
    const { status, body } = await post('/api/reuse', { text: draft });
    expect(status).toBe(200);
    expect(body.chars).toBe(draft.length);
    const span = body.spans.find((s: { start: number; end: number }) => s.end > intro.length);
    expect(span).toBeDefined();
    const covered = Math.min(span.end, draft.length) - Math.max(span.start, intro.length + 1);
    expect(covered / pasted.length).toBeGreaterThan(0.9);
    expect(body.spans.every((s: { start: number }) => s.start >= intro.length)).toBe(true); // the unrelated opening is not marked
    expect(span.sources.map((s: { id: string }) => s.id)).toContain(ids[0]);
    // the page shows the same coverage
    const page = await fetch(`${srv.base}/reuse`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ text: draft }) });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`共 ${draft.length} 个字符，其中 <strong>${body.coveredChars}</strong> 个`);
    expect(html).toContain('<mark>');
  });

  it('limits and bad input are 400s with a Chinese message; an unknown report is a 404', async () => {
    expect((await post('/api/reuse', { text: '法'.repeat(20_001) })).body.error).toContain('最多 20000 个字符');
    const empty = await post('/api/reuse', {});
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe('请提供要比对的文字（text）');
    const noParagraph = await getJson(srv.base, '/api/similar?id=x');
    expect(noParagraph.status).toBe(400);
    expect(noParagraph.body.error).toContain('参数 p');
    const unknown = await getJson(srv.base, '/api/similar?id=no-such&p=0');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('找不到这份报告');
    const { $ } = await getPage(srv.base, `/similar?${qs([['id', (await search(fx.engine, { size: 1 })).hits[0].id], ['p', 0]])}`);
    expect($('h1').text()).toContain('相似表述');
  });
});
