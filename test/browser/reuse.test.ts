/**
 * Precedents in a real browser (Debian's chromium via playwright-core), on the
 * sample archive: a paragraph's similar passages opened from the report page
 * with the shared characters marked — the marked characters are exactly the
 * spans `/api/similar` gives, on both sides —; the draft check's result, marked
 * where `POST /api/reuse` says; the spread page and the pairs list drawn under
 * the CSP. Screenshots (overwritten on every run, committed) go to
 * test/browser/screenshots/. Skipped where chromium is missing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app.js';
import { hasChromium, openBrowser, type Browser } from '../helpers/browser.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { getJson, qs, serve, type Served } from '../helpers/http.js';


export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Offsets (into the element's text) of every character inside a <mark>, and the text itself. */
function markedOffsets(el: Locator): Promise<{ text: string; marked: number[] }> {
  // the DOM's shape as far as the walk needs it (the tests are compiled without the DOM library)
  interface DomNode {
    nodeType: number;
    textContent: string | null;
    tagName?: string;
    childNodes: { forEach(f: (c: DomNode) => void): void };
  }
  return el.evaluate((root) => {
    const marked: number[] = [];
    let text = '';
    const walk = (n: DomNode, inMark: boolean) => {
      if (n.nodeType === 3) {
        const s = n.textContent ?? '';
        if (inMark) for (let i = 0; i < s.length; i++) marked.push(text.length + i);
        text += s;
        return;
      }
      const mark = inMark || n.tagName === 'MARK';
      n.childNodes.forEach((c) => walk(c, mark));
    };
    walk(root as unknown as DomNode, false);
    return { text, marked };
  });
}

/** The characters the spans cover, ascending. */
function covered(spans: Array<[number, number]>): number[] {
  const s = new Set<number>();
  for (const [a, b] of spans) for (let i = a; i < b; i++) s.add(i);
  return [...s].sort((x, y) => x - y);
}

describe.skipIf(!hasChromium)('precedents in chromium', () => {
  let fx: FixtureIndex;
  let srv: Served;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    fx = await buildFixtureIndex();
    srv = await serve(createApp({ handle: { current: () => fx.engine } }));
    browser = await openBrowser();
    ({ ctx, page, problems } = browser);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await fx?.cleanup();
  });

  /** A paragraph with several similar passages: the source of one of the longest pairs. */
  async function askedParagraph(): Promise<{ id: string; p: number; similar: any }> {
    const pairs = (await getJson(srv.base, '/api/reuse/pairs?size=20&maxBoilerplate=30')).body.pairs;
    for (const pair of pairs) {
      const id = pair.source.id;
      const p = Number(pair.source.anchor.slice(2));
      const similar = (await getJson(srv.base, `/api/similar?${qs([['id', id], ['p', p]])}`)).body;
      if (similar.hits.length >= 2) return { id, p, similar };
    }
    throw new Error('test: no paragraph with two similar passages in the sample archive');
  }

  it('similar passages: opened from the report, the marked characters are the API spans on both sides', async () => {
    const { id, p, similar } = await askedParagraph();
    await page.goto(`${srv.base}/doc/${encodeURIComponent(id)}#p-${p}`);
    const link = page.locator(`[id="p-${p}"] a.similar-link`);
    await link.scrollIntoViewIfNeeded();
    await Promise.all([page.waitForURL(/\/similar\?/), link.click({ force: true })]);
    expect(await page.locator('h1').textContent()).toContain(`第 ${p + 1} 段`);

    // the asked paragraph: every character of every sourceSpan marked, nothing else
    const asked = await markedOffsets(page.locator('blockquote.asked'));
    const askedText = (await getJson(srv.base, `/api/doc/${encodeURIComponent(id)}?from=${p}&count=1`)).body.paragraphs[0].text;
    expect(asked.text).toBe(askedText);
    expect(asked.marked).toEqual(covered(similar.hits.flatMap((h: any) => h.sourceSpans)));
    expect(asked.marked.length).toBeGreaterThan(20);

    // each hit, in the API's order: its paragraph's text, its spans marked
    const items = page.locator('ol.similar-hits > li');
    expect(await items.count()).toBe(similar.hits.length);
    for (let i = 0; i < similar.hits.length; i++) {
      const h = similar.hits[i];
      const other = (await getJson(srv.base, `/api/doc/${encodeURIComponent(h.id)}?from=${h.anchor.slice(2)}&count=1`)).body.paragraphs[0].text;
      const shown = await markedOffsets(items.nth(i).locator('.similar-text'));
      expect(shown.text).toBe(other);
      expect(shown.marked).toEqual(covered(h.spans));
      // what is marked on this side is the same wording as on the asked side (letters and digits)
      const core = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');
      const sides = h.spans.map(([s, e]: [number, number], k: number) => [core(other.slice(s, e)), core(askedText.slice(h.sourceSpans[k][0], h.sourceSpans[k][1]))]);
      for (const [a, b] of sides) expect(a.normalize('NFKC')).toBe(b.normalize('NFKC'));
      expect(await items.nth(i).locator('h3 a').getAttribute('href')).toBe(`/doc/${encodeURIComponent(h.id)}#${h.anchor}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'similar.png'), fullPage: true });

    // on to the spread of this paragraph: a drawn timeline, 最早见于 …
    await Promise.all([page.waitForURL(/\/spread\?/), page.locator('.back a', { hasText: '传播' }).click()]);
    expect(await page.locator('.spread-earliest').textContent()).toContain('最早见于');
    type Img = { complete: boolean; naturalWidth: number };
    expect(await page.locator('img.chart').evaluate((i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth > 0)).toBe(true);
    expect(await page.locator('.spread-list > li').count()).toBe(similar.hits.length + 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'spread.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('draft check: the pasted paragraph is marked where the API says, with its sources', async () => {
    const { id, p } = await askedParagraph();
    const pasted = (await getJson(srv.base, `/api/doc/${encodeURIComponent(id)}?from=${p}&count=1`)).body.paragraphs[0].text;
    // one line: a form post sends a textarea's line breaks as CRLF, which would shift the offsets
    const intro = '这是一段新写的开头，与资料库中的报告无关，只用来检验查重比对。';
    const ending = '结尾也是新写的一句话，不应被标出。';
    const draft = `${intro}${pasted}${ending}`;
    const api = await fetch(`${srv.base}/api/reuse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: draft }) }).then((r) => r.json() as Promise<any>);
    expect(api.spans.length).toBeGreaterThan(0);

    await page.goto(`${srv.base}/`);
    await Promise.all([page.waitForURL(/\/reuse$/), page.locator('nav.tools a', { hasText: '查重比对' }).click()]);
    await page.locator('#draft').fill(draft);
    await Promise.all([page.waitForURL(/\/reuse$/), page.locator('.reuse-form button').click()]);
    expect(await page.locator('.reuse-summary').textContent()).toContain(`其中 ${api.coveredChars} 个`);
    const shown = await markedOffsets(page.locator('blockquote.draft'));
    expect(shown.text).toBe(draft);
    const expected = covered(api.spans.map((s: any) => [s.start, s.end]));
    expect(shown.marked).toEqual(expected);
    // most of the pasted paragraph is marked; the new opening and ending are not
    expect(expected.length / pasted.length).toBeGreaterThan(0.8);
    expect(expected[0]).toBeGreaterThanOrEqual(intro.length);
    expect(expected[expected.length - 1]).toBeLessThan(intro.length + pasted.length);
    expect(await page.locator('.reuse-spans a').first().getAttribute('href')).toMatch(/^\/doc\/.+#p-\d+$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'draft-check.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('the pairs list, filtered in its form', async () => {
    await page.goto(`${srv.base}/reuse/pairs`);
    await page.locator('.pairs-form input[name=region]').fill('青海省');
    await page.locator('.pairs-form input[name=minChars]').fill('30');
    await Promise.all([page.waitForURL(/region=/), page.locator('.pairs-form button').click()]);
    const api = (await getJson(srv.base, `/api/reuse/pairs?${qs([['region', '青海省'], ['minChars', 30], ['maxBoilerplate', 100]])}`)).body;
    expect(await page.locator('.pairs-total strong').textContent()).toBe(String(api.total));
    expect(await page.locator('.pairs-list > li').count()).toBe(Math.min(10, api.total));
    await page.screenshot({ path: join(SCREENSHOTS, 'pairs.png'), fullPage: false });
    expect(problems).toEqual([]);
  });
});
