/**
 * Debian's chromium through playwright-core, for the browser tests: one
 * persistent context per test file, with the flags this offline machine
 * needs, and the page's console errors and script errors collected (a CSP
 * violation — an inline style or script — shows up there).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[test/browser] skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

export interface Browser {
  ctx: BrowserContext;
  page: Page;
  /** Console and script errors of `page`, in order. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(opts: { acceptDownloads?: boolean } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'report-search-chromium-'));
  // playwright passes --user-data-dir itself for a persistent context; the machine has no
  // network, and without these flags chromium stalls on background connections
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    acceptDownloads: opts.acceptDownloads ?? false,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return {
    ctx,
    page,
    problems,
    async close() {
      await ctx.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
