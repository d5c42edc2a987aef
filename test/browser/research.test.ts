/**
 * The research views in a real browser (Debian's chromium via playwright-core):
 * the distribution page on a desktop and a phone (charts drawn, no CSP
 * violation, no horizontal scrolling), KWIC sorted by the left context with a
 * line followed to its paragraph, and the CSV downloaded through its link —
 * BOM, parsed back with csv-parse, links that open the right paragraphs.
 * Screenshots go to test/screenshots/. Skipped where chromium is missing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app.js';
import { hasChromium, openBrowser, type Browser } from '../helpers/browser.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { serve, type Served } from '../helpers/http.js';


const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

describe.skipIf(!hasChromium)('research views in chromium', () => {
  let fx: FixtureIndex;
  let srv: Served;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    fx = await buildFixtureIndex();
    srv = await serve(createApp({ handle: { current: () => fx.engine } }));
    browser = await openBrowser({ acceptDownloads: true });
    ({ ctx, page, problems } = browser);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await fx?.cleanup();
  });

  const chartsDrawn = () =>
    page.locator('img.chart').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { complete: boolean; naturalWidth: number }).complete && (i as unknown as { naturalWidth: number }).naturalWidth > 0));

  it('distribution page: from the search page, terms compared, charts drawn under the CSP (desktop and phone)', async () => {
    await page.goto(`${srv.base}/?q=${encodeURIComponent('三项制度')}`);
    await Promise.all([page.waitForURL(/\/trend\?/), page.locator('nav.tools a', { hasText: '分布' }).click()]);
    expect(await page.locator('.term-inputs input').first().inputValue()).toBe('三项制度');
    await page.locator('.term-inputs input').nth(1).fill('法治');
    await page.locator('.term-inputs input').nth(2).fill('营商环境');
    await Promise.all([page.waitForURL(/q=.*q=/), page.locator('.research-form button').click()]);
    // the empty inputs come along in the URL; the server ignores them
    expect(new URL(page.url()).searchParams.getAll('q').filter(Boolean)).toEqual(['三项制度', '法治', '营商环境']);
    expect(await chartsDrawn()).toEqual([true, true]);
    expect(await page.locator('.dist-table').first().locator('thead .term-head').allTextContents()).toEqual(['三项制度', '法治', '营商环境']);
    expect(await page.locator('.matrix-table td.cell-none').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'trend-desktop.png'), fullPage: true });

    // a first appearance opens its report at the paragraph, the term marked
    const first = page.locator('.first-table').first().locator('a').first();
    const anchor = new URL((await first.getAttribute('href'))!, srv.base).hash.slice(1);
    await Promise.all([page.waitForURL(/\/doc\//), first.click()]);
    const target = page.locator(`[id="${anchor}"]`);
    await expect.poll(() => target.evaluate((el) => el.matches(':target'))).toBe(true);
    expect(await target.locator('mark').first().textContent()).toBe('三项制度');
    await page.goBack();

    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    expect(await chartsDrawn()).toEqual([true, true]);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0); // wide tables scroll inside their own box
    await page.screenshot({ path: join(SCREENSHOTS, 'trend-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(problems).toEqual([]);
  });

  it('KWIC sorted by the left context; a line opens its paragraph with the match marked', async () => {
    await page.goto(`${srv.base}/kwic?q=${encodeURIComponent('法治')}`);
    await Promise.all([page.waitForURL(/sort=left/), page.locator('.sort a', { hasText: '按左侧语境' }).click()]);
    expect(await page.locator('.sort [aria-current]').textContent()).toBe('按左侧语境');
    const lefts = await page.locator('table.kwic td.left').allTextContents();
    expect(lefts.length).toBe(50);
    const rev = (s: string) => Array.from(s).reverse().join('');
    for (let i = 1; i < lefts.length; i++) expect(rev(lefts[i - 1]) <= rev(lefts[i])).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'kwic-left.png'), fullPage: false });

    const row = page.locator('table.kwic tbody tr').nth(3);
    const [left, match, right] = await Promise.all(['td.left', 'td.match', 'td.right'].map((s) => row.locator(s).textContent()));
    const link = row.locator('td.match a');
    const anchor = new URL((await link.getAttribute('href'))!, srv.base).hash.slice(1);
    await Promise.all([page.waitForURL(/\/doc\//), link.click()]);
    const target = page.locator(`[id="${anchor}"]`);
    await expect.poll(() => target.evaluate((el) => el.matches(':target'))).toBe(true);
    expect(await target.textContent()).toContain(`${left}${match}${right}`);
    expect(await target.locator('mark').allTextContents()).toContain(match);
    expect(problems).toEqual([]);
  });

  it('downloads the KWIC CSV: a BOM, csv-parse reads every line, its links open the right paragraphs', async () => {
    await page.goto(`${srv.base}/kwic?q=${encodeURIComponent('三项制度')}&sort=left`);
    const total = Number(await page.locator('.stats strong').textContent());
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('.downloads a', { hasText: 'CSV' }).click()]);
    expect(dl.suggestedFilename()).toBe('kwic.csv');
    const buf = readFileSync((await dl.path())!);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(buf, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(total);
    for (const r of rows) {
      await page.goto(r['链接']);
      const anchor = new URL(r['链接']).hash.slice(1);
      const target = page.locator(`[id="${anchor}"]`);
      await expect.poll(() => target.evaluate((el) => el.matches(':target'))).toBe(true);
      expect(await target.textContent()).toContain(r['左侧语境'] + r['检索词'] + r['右侧语境']);
      expect(await target.locator('mark').allTextContents()).toContain(r['检索词']);
    }
    expect(problems).toEqual([]);
  });
});
