/**
 * The search UI in a real browser: Debian's chromium driven by playwright-core.
 * Skipped, with a visible notice, where /usr/bin/chromium (or $CHROMIUM_PATH) is missing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app.js';
import type { SearchResponse } from '../../src/types.js';
import { PUBLIC_URL_SETTING } from '../../src/web/urls.js';
import { paragraphCitation } from '../../src/web/viewmodels.js';
import { hasChromium, openBrowser, type Browser } from '../helpers/browser.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { serve, type Served } from '../helpers/http.js';


const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
/** axe-core's browser build, evaluated in the page (the CSP refuses an injected <script>). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The address a LAN server gives out (PUBLIC_URL): citations must use it, not 127.0.0.1. */
const PUBLIC_URL = 'http://reports.example.lan:3000';

/** The JSON API's first hit for a query. */
async function firstHit(base: string, q: string): Promise<SearchResponse['hits'][number]> {
  const res = (await (await fetch(`${base}/api/search?${new URLSearchParams({ q })}`)).json()) as SearchResponse;
  return res.hits[0];
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the current page (WCAG 2.x A/AA rules and best practices). */
async function axeProblems(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const g = globalThis as any; // the page's window: axe and document
    const r: { violations: AxeViolation[] } = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length) console.log(`[test/browser] axe, moderate or minor on ${new URL(page.url()).pathname}: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe.skipIf(!hasChromium)('search UI in chromium', () => {
  let fx: FixtureIndex;
  let srv: Served;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    fx = await buildFixtureIndex();
    const app = createApp({ handle: { current: () => fx.engine } });
    app.set(PUBLIC_URL_SETTING, PUBLIC_URL);
    srv = await serve(app);
    browser = await openBrowser();
    ({ ctx, page, problems } = browser);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await fx?.cleanup();
  });

  it('types a query, narrows by a province and a year, and follows a passage to its paragraph', async () => {
    await page.goto(srv.base + '/');
    await page.fill('input#q', '法治');
    await Promise.all([page.waitForURL(/\?q=/), page.press('input#q', 'Enter')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('法治');
    expect(await page.locator('.passage-text mark').count()).toBeGreaterThan(0);
    expect(await page.locator('.passage-text mark').first().textContent()).toBe('法治');
    const total = async () => Number(await page.locator('.stats strong').first().textContent());
    const before = await total();

    // a province from the region facet
    const province = page.locator('.facet-region .facet-link').first();
    const provinceName = (await province.getAttribute('data-value'))!;
    await Promise.all([page.waitForURL(/region=/), province.click()]);
    expect(new URL(page.url()).searchParams.getAll('region')).toEqual([provinceName]);
    expect(await page.locator('.chip').first().textContent()).toContain(provinceName);
    expect(await page.locator('.crumbs [aria-current]').textContent()).toBe(provinceName);
    const inProvince = await total();
    expect(inProvince).toBeLessThan(before);

    // a year
    const year = page.locator('.facet-year .facet-link').first();
    const yearValue = (await year.getAttribute('data-value'))!;
    await Promise.all([page.waitForURL(/year=/), year.click()]);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('region')).toEqual([provinceName]);
    expect(url.searchParams.getAll('year')).toEqual([yearValue]);
    expect(await page.locator('.facet-year .facet-link.selected').getAttribute('data-value')).toBe(yearValue);
    // a real checkbox, read as checked
    const box = page.locator(`.facet-year input[type=checkbox][value="${yearValue}"]`);
    expect(await box.isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: new RegExp(`^${yearValue}年`) }).isChecked()).toBe(true);
    expect(await total()).toBeLessThanOrEqual(inProvince);
    expect(await page.locator('.chip').count()).toBe(2);
    expect(await page.locator('.passage-text mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png'), fullPage: true });

    // a passage link opens the report at its paragraph, with the match marked
    const passage = page.locator('a.passage').first();
    const anchor = new URL((await passage.getAttribute('href'))!, srv.base).hash.slice(1);
    await Promise.all([page.waitForURL(/\/doc\//), passage.click()]);
    expect(new URL(page.url()).hash).toBe(`#${anchor}`);
    const target = page.locator(`[id="${anchor}"]`);
    await expect.poll(() => target.evaluate((el) => el.matches(':target'))).toBe(true);
    expect(await target.locator('mark').count()).toBeGreaterThan(0);
    await expect
      .poll(() => target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top < (globalThis as unknown as { innerHeight: number }).innerHeight && r.bottom > 0;
      }))
      .toBe(true);

    // match navigation (the progressive-enhancement script ran under the CSP)
    const next = page.locator('#matchbar [data-match="next"]');
    await expect.poll(() => next.isVisible()).toBe(true);
    await next.click();
    expect(await page.locator('.text mark.current').count()).toBe(1);
    expect(await page.locator('.match-pos').textContent()).toMatch(/^第 \d+ \/ \d+ 处$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png') });

    expect(problems).toEqual([]);
  });

  it('an unquoted term is matched and marked whole; a short list offers the looser query (docs/screenshot.png)', async () => {
    const q = '三项制度';
    await page.goto(`${srv.base}/?q=${encodeURIComponent(q)}`);
    const total = async () => Number(await page.locator('.stats strong').first().textContent());
    const exact = await total();
    const marks = await page.locator('.passage-text mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(new Set(marks)).toEqual(new Set([q]));
    const hint = page.locator('.looser-hint a');
    expect(await hint.textContent()).toBe('三项 制度');
    // the desktop view of the search page; copied to docs/screenshot.png when it changes
    await page.screenshot({ path: join(SCREENSHOTS, 'search-desktop.png') });
    await Promise.all([page.waitForURL(/q=%E4%B8%89%E9%A1%B9\+%E5%88%B6%E5%BA%A6/), hint.click()]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('三项 制度');
    expect(await total()).toBeGreaterThan(exact); // the words apart are in more reports

    // a lenient parse says what it did, above the results
    await page.goto(`${srv.base}/?q=${encodeURIComponent(`"${q}`)}`);
    expect(await page.locator('.query-notes li').allTextContents()).toEqual([`引号未闭合，已忽略："${q}`]);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-notes.png'), clip: { x: 0, y: 0, width: 1280, height: 300 } });
    expect(problems).toEqual([]);
  });

  it('the report page leads back to exactly the list the reader came from (filters, sort, page)', async () => {
    const state: [string, string][] = [['q', '法治'], ['year', '2026'], ['sort', 'date-asc'], ['size', '3'], ['page', '2']];
    const list = `${srv.base}/?${new URLSearchParams(state)}`;
    await page.goto(list);
    const titles = await page.locator('.hit-title a').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(await page.locator('.pagination .current').textContent()).toBe('2');
    await Promise.all([page.waitForURL(/\/doc\//), page.locator('.hit-title a').first().click()]);
    const back = page.locator('nav.back a');
    expect(await back.textContent()).toBe('← 返回搜索结果');
    // 取消高亮 keeps the way back too
    await Promise.all([page.waitForURL((u) => !u.searchParams.has('q')), page.locator('#matchbar .clear-q').click()]);
    expect(await page.locator('.text mark').count()).toBe(0);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('nav.back a').click()]);
    const url = new URL(page.url());
    expect([...url.searchParams]).toEqual(state);
    expect(await page.locator('.hit-title a').allTextContents()).toEqual(titles);
    expect(await page.locator('.chip').first().textContent()).toContain('2026年');
    expect(await page.locator('.sort .selected').textContent()).toBe('最早');
    expect(await page.locator('.pagination .current').textContent()).toBe('2');
    expect(problems).toEqual([]);
  });

  it('¶ copies a citation over plain HTTP without navigator.clipboard, shows it, and keeps the highlight', async () => {
    const q = '三项制度';
    const [hit] = (await fx.engine.search({ parsed: (await import('../../src/query/parser.js')).parseQuery(q), match: 'exact' }, { regions: [], years: [] }, { sort: 'relevance', page: 1, size: 1 })).hits;
    const report = (await fx.engine.report(hit.id))!;
    const n = hit.passages[0].paragraph;
    const lan = await ctx.newPage();
    // what a LAN address over plain HTTP looks like to the page: no Clipboard API
    await lan.addInitScript(() => {
      const g = globalThis as any; // the page's window
      Object.defineProperty(g.Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
      // what a copy puts on the clipboard: the selection at that moment
      g.document.addEventListener('copy', () => {
        const el = g.document.activeElement;
        g.copied = el && 'value' in el ? el.value.slice(el.selectionStart, el.selectionEnd) : String(g.getSelection());
      });
    });
    const errors: string[] = [];
    lan.on('pageerror', (e) => errors.push(e.message));
    await lan.goto(`${srv.base}/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent(q)}`);
    expect(await lan.evaluate(() => (globalThis as any).navigator.clipboard !== undefined)).toBe(false);
    const para = lan.locator(`[id="p-${n}"]`);
    // the number a result gives (第 N 段) is on the page
    expect(await para.getAttribute('data-no')).toBe(String(n + 1));
    expect(await para.evaluate((el) => (globalThis as any).getComputedStyle(el, '::before').content)).toContain(`${n + 1}`);
    const pilcrow = para.locator('a.permalink');
    const box = (await pilcrow.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(24);
    expect(box.height).toBeGreaterThanOrEqual(24);
    expect(await pilcrow.getAttribute('tabindex')).toBe('-1');
    await pilcrow.click();

    const expected = paragraphCitation(
      `《${report.title}》，${[report.issuer, report.date ?? (report.year ? `${report.year}年` : null)].filter(Boolean).join('，')}`,
      `${PUBLIC_URL}/doc/${encodeURIComponent(hit.id)}`,
      n,
    );
    const panel = lan.locator('#cite-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await lan.locator('#cite-box').inputValue()).toBe(expected);
    expect(await lan.locator('.cite-status').textContent()).toBe(`已复制第 ${n + 1} 段的引用：`);
    expect(await lan.evaluate(() => (globalThis as unknown as { copied?: string }).copied)).toBe(expected);
    // still the highlighted page, now at the paragraph
    const url = new URL(lan.url());
    expect(url.searchParams.get('q')).toBe(q);
    expect(url.hash).toBe(`#p-${n}`);
    expect(await lan.locator('.text mark').count()).toBe(hit.matchCount);
    await lan.screenshot({ path: join(SCREENSHOTS, 'report-cite.png') });

    // keyboard: no tab stop per ¶; Escape closes, c cites the paragraph at hand
    await lan.keyboard.press('Escape');
    expect(await panel.isVisible()).toBe(false);
    // focus is back on the ¶ that opened it, not on the hidden text field
    expect(await lan.evaluate(() => (globalThis as any).document.activeElement.className)).toBe('permalink');
    await lan.keyboard.press('c');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await lan.locator('#cite-box').inputValue()).toBe(expected);
    await lan.keyboard.press('Escape');
    // the one button that reaches any paragraph
    await lan.locator('.cite-para').click();
    await lan.locator('#cite-n').fill('1');
    expect(await lan.locator('#cite-box').inputValue()).toContain('，第 1 段。');
    expect(errors).toEqual([]);
    await lan.close();
  });

  it('on a phone (390×844): filters behind 筛选, the first result on the first screen, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${srv.base}/?q=${encodeURIComponent('法治')}&year=2024`);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const first = (await page.locator('li.hit').first().boundingBox())!;
    expect(first.y).toBeLessThan(844);
    const firstTitle = (await page.locator('.hit-title').first().boundingBox())!;
    expect(firstTitle.y + firstTitle.height).toBeLessThan(844);
    expect(await page.locator('.facet-region').isVisible()).toBe(false);
    expect(await page.locator('summary.filters-toggle').textContent()).toContain('已选 1 项');
    await page.screenshot({ path: join(SCREENSHOTS, 'search-phone.png') });
    console.log(`[test/browser] phone 390×844: first result at ${Math.round(first.y)} px, its title ends at ${Math.round(firstTitle.y + firstTitle.height)} px`);
    await page.locator('summary.filters-toggle').click();
    expect(await page.locator('.facet-region').isVisible()).toBe(true);
    expect(await page.locator('.facet-year input[type=checkbox][value="2024"]').isChecked()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-phone-filters.png') });

    // a landed paragraph starts below the sticky match bar
    const hit = await firstHit(srv.base, '三项制度');
    const anchor = hit.passages[0].anchor;
    await page.goto(`${srv.base}/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent('三项制度')}#${anchor}`);
    const target = page.locator(`[id="${anchor}"]`);
    await expect.poll(async () => {
      const bar = (await page.locator('#matchbar').boundingBox())!;
      const p = (await target.boundingBox())!;
      return p.y >= bar.y + bar.height && p.y < 844;
    }).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('prints the address, id, paragraph numbers and query of a report, and the filters of a list', async () => {
    const hit = await firstHit(srv.base, '三项制度');
    await page.goto(`${srv.base}/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent('三项制度')}`);
    await page.emulateMedia({ media: 'print' });
    const row = (label: string) => page.locator('.meta-row').filter({ has: page.locator('dt', { hasText: label }) });
    expect(await row('地址').locator('dd').textContent()).toBe(`${PUBLIC_URL}/doc/${encodeURIComponent(hit.id)}`);
    expect(await row('编号').locator('dd').textContent()).toBe(hit.id);
    expect(await row('地址').isVisible()).toBe(true);
    expect(await page.locator('main .print-only').textContent()).toBe(`检索：三项制度（本文命中 ${hit.matchCount} 处）`);
    expect(await page.locator('main .print-only').isVisible()).toBe(true);
    expect(await page.locator('.origin').first().isVisible()).toBe(false);
    expect(await page.locator('.text p').nth(1).evaluate((el) => (globalThis as any).getComputedStyle(el, '::before').content)).toContain('2');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-print.png') });

    await page.goto(`${srv.base}/?q=${encodeURIComponent('法治')}&region=${encodeURIComponent('四川省')}&year=2026`);
    expect(await page.locator('.results .print-only').textContent()).toBe('搜索：法治；地区：四川省；年份：2026年');
    expect(await page.locator('.results .print-only').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('.results .print-only').isVisible()).toBe(false);
  });

  it('the highlight stands out at 3:1 from its background, also in the landed paragraph; text at 4.5:1', async () => {
    const hit = await firstHit(srv.base, '三项制度');
    await page.goto(`${srv.base}/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent('三项制度')}#${hit.passages[0].anchor}`);
    // WCAG relative luminance from computed colours; a transparent background is the ancestor's
    const measure = (selector: string) =>
      page.evaluate((sel) => {
        const g = globalThis as any;
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const bgOf = (el: any): number[] => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(g.getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        const lum = (c: number[]) => {
          const [r, gg, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * gg + 0.0722 * b;
        };
        const ratio = (a: number[], b: number[]) => {
          const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
          return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
        };
        const el = g.document.querySelector(sel);
        const own = bgOf(el);
        return { text: ratio(rgb(g.getComputedStyle(el).color).slice(0, 3), own), againstParent: ratio(own, bgOf(el.parentElement)) };
      }, selector);
    const landedMark = await measure(`[id="${hit.passages[0].anchor}"] mark`);
    const barMark = await measure('#matchbar mark');
    const origin = await measure('.origin');
    console.log(`[test/browser] contrast: mark in landed paragraph ${landedMark.againstParent}:1 (text on it ${landedMark.text}:1), origin note ${origin.text}:1`);
    expect(landedMark.againstParent).toBeGreaterThanOrEqual(3);
    expect(landedMark.text).toBeGreaterThanOrEqual(4.5);
    expect(barMark.againstParent).toBeGreaterThanOrEqual(3);
    expect(origin.text).toBeGreaterThanOrEqual(4.5);
  });

  it('axe finds no serious or critical problem on the search, report and error pages', async () => {
    const hit = await firstHit(srv.base, '三项制度');
    const pages = [
      `/?q=${encodeURIComponent('法治')}&year=2024`,
      `/?q=${encodeURIComponent('三项制度改革创新')}`,
      '/',
      `/doc/${encodeURIComponent(hit.id)}?q=${encodeURIComponent('三项制度')}#${hit.passages[0].anchor}`,
      `/doc/${encodeURIComponent(hit.id)}`,
      '/doc/nope',
      '/?page=0',
    ];
    const found: Record<string, AxeViolation[]> = {};
    for (const [w, h] of [[1280, 900], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      for (const path of pages) {
        await page.goto(srv.base + path);
        const v = await axeProblems(page);
        if (v.length) found[`${w}px ${path}`] = v;
        // one <h1> per page
        expect(await page.locator('h1').count()).toBe(1);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(found).toEqual({});
    expect(await page.locator('[role=status].stats, .stats[role=status]').count()).toBe(0); // (on /?page=0, the error page)
  });
});
