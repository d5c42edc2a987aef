/**
 * The search UI in a real browser: Debian's chromium driven by playwright-core.
 * Skipped, with a visible notice, where /usr/bin/chromium (or $CHROMIUM_PATH) is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { serve, type Served } from '../helpers/http.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[test/browser] skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

describe.skipIf(!hasChromium)('search UI in chromium', () => {
  let fx: FixtureIndex;
  let srv: Served;
  let profile: string;
  let ctx: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    fx = await buildFixtureIndex();
    srv = await serve(createApp({ handle: { current: () => fx.engine } }));
    profile = await mkdtemp(join(tmpdir(), 'report-search-chromium-'));
    // playwright passes --user-data-dir itself for a persistent context; the machine has no
    // network, and without these flags chromium stalls on background connections
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    // a CSP violation or a script error shows up here
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
    await srv?.close();
    await fx?.cleanup();
    if (profile) await rm(profile, { recursive: true, force: true });
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

  it('is usable on a phone: no horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${srv.base}/?q=${encodeURIComponent('三项制度')}`);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
