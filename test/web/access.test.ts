/**
 * Issue 14, access: a server on the network needs a token or an explicit
 * --public; with a token, requests without it get 401 (JSON on /api, the
 * login page otherwise) and with it 200 — over real HTTP, against the app and
 * against the real `serve` command; the login page sets an HttpOnly cookie
 * (in chromium too); too many requests get a Chinese 429; the access log can
 * leave query text out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyGate, isExpensive, SESSION_COOKIE, safeNext, sameSecret } from '../../src/web/access.js';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, CORPUS_DIR, type FixtureIndex } from '../helpers/fixture-index.js';
import { serve, type Served } from '../helpers/http.js';

const TOKEN = 'test-token-0123456789abcdef';
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

let fx: FixtureIndex;
beforeAll(async () => {
  fx = await buildFixtureIndex();
});
afterAll(() => fx?.cleanup());

function cli(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  for (const k of ['HOST', 'PUBLIC', 'AUTH_TOKEN', 'PORT', 'DEBUG']) delete clean[k];
  return spawnSync(process.execPath, [...CLI, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('serve refuses the network without an access setting', () => {
  it.each([['0.0.0.0'], ['::'], ['192.168.1.10']])('HOST=%s without AUTH_TOKEN or --public: exit 1 and a Chinese line saying how', (host) => {
    const run = cli(['serve', '--data', CORPUS_DIR, '--index', fx.indexDir], { HOST: host, PORT: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/开放给网络上的任何人.*AUTH_TOKEN.*--public/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).not.toMatch(/已启动/);
  });

  it('a token shorter than 16 characters is refused', () => {
    const run = cli(['serve', '--index', fx.indexDir], { HOST: '0.0.0.0', AUTH_TOKEN: 'short' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/AUTH_TOKEN 太短.*至少 16 个字符/);
  });
});

describe('the real serve command with AUTH_TOKEN (127.0.0.1, random port)', () => {
  let child: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AUTH_TOKEN: TOKEN, PORT: '0', HOST: '127.0.0.1', LOG_QUERIES: '0' };
    delete env.PUBLIC;
    child = spawn(process.execPath, [...CLI, 'serve', '--data', CORPUS_DIR, '--index', fx.indexDir], { env });
    child.stderr!.on('data', (d) => (output += d));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        output += d;
        const m = /http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('without the token: 401 with a Chinese {error}; with it: 200 and the real answer', async () => {
    const no = await fetch(`${base}/api/search?q=三项制度`);
    expect(no.status).toBe(401);
    expect(no.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(((await no.json()) as any).error).toMatch(/需要登录.*Authorization: Bearer/);

    const wrong = await fetch(`${base}/api/search?q=三项制度`, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(wrong.status).toBe(401);

    const yes = await fetch(`${base}/api/search?q=三项制度`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(yes.status).toBe(200);
    const body = (await yes.json()) as any;
    expect(body.total).toBeGreaterThan(0);
    expect(body.hits[0].passages[0].html).toContain('<mark>三项制度</mark>');
  });

  it('the search page without a session is the Chinese login page (401); static files stay reachable', async () => {
    const res = await fetch(`${base}/?q=法治`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('请登录');
    expect(html).toContain('name="next" value="/?q=');
    expect((await fetch(`${base}/static/style.css`)).status).toBe(200);
  });

  it('the access log has no query text with LOG_QUERIES=0', async () => {
    await fetch(`${base}/api/search?q=独一无二的日志测试`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((r) => setTimeout(r, 200));
    expect(output).toMatch(/GET \/api\/search 200/);
    expect(output).not.toContain('独一无二');
    expect(output).not.toContain(encodeURIComponent('独一无二'));
  });
});

describe('token, login page and cookie (the app over HTTP)', () => {
  let srv: Served;
  beforeAll(async () => {
    srv = await serve(createApp({ handle: { current: () => fx.engine }, access: { token: TOKEN } }));
  });
  afterAll(() => srv?.close());

  it('a wrong token on the login page is a 401 form with a message; the right one sets an HttpOnly cookie that opens the site', async () => {
    const post = (token: string, next = '/?q=三项制度') =>
      fetch(`${srv.base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, next }).toString(),
      });
    const bad = await post('not-the-token');
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('口令不正确');

    const good = await post(TOKEN);
    expect(good.status).toBe(303);
    expect(decodeURIComponent(good.headers.get('location')!)).toBe('/?q=三项制度');
    const setCookie = good.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0];
    const page = await fetch(`${srv.base}/?q=三项制度`, { headers: { cookie, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<mark>三项制度</mark>');
    const forged = await fetch(`${srv.base}/`, { headers: { cookie: `${SESSION_COOKIE}=forged`, accept: 'text/html' } });
    expect(forged.status).toBe(401);
  });

  it('the login redirect stays on this site', () => {
    expect(safeNext('/doc/abc?q=1')).toBe('/doc/abc?q=1');
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', 42, undefined]) expect(safeNext(bad)).toBe('/');
  });

  it('secrets are compared whatever their lengths', () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameSecret('', TOKEN)).toBe(false);
  });
});

describe('rate limit and concurrency', () => {
  it('past the limit per address: 429 with a Chinese message (JSON on /api, a page otherwise)', async () => {
    const srv = await serve(createApp({ handle: { current: () => fx.engine }, access: { ratePerMinute: 3 } }));
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${srv.base}/api/search?q=法治`)).status).toBe(200);
      const api = await fetch(`${srv.base}/api/search?q=法治`);
      expect(api.status).toBe(429);
      expect(((await api.json()) as any).error).toMatch(/请求太频繁/);
      expect(api.headers.get('ratelimit-policy') ?? api.headers.get('ratelimit')).toBeTruthy();
      const page = await fetch(`${srv.base}/?q=法治`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(429);
      expect(await page.text()).toContain('请求太频繁');
    } finally {
      await srv.close();
    }
  });

  it('expensive searches are told from normal ones by their parameters', () => {
    const req = (url: string) => ({ originalUrl: url }) as any;
    const worst = encodeURIComponent('法 OR 治 OR 政 OR 府 OR 建');
    expect(isExpensive(req(`/api/search?q=${worst}`))).toBe(true);
    expect(isExpensive(req(`/?q=${encodeURIComponent('法 治 政 府')}`))).toBe(true);
    expect(isExpensive(req(`/api/search?q=${encodeURIComponent('三项制度')}&size=100`))).toBe(true);
    expect(isExpensive(req(`/?q=${encodeURIComponent('三项制度 湟中')}&size=20`))).toBe(false);
    expect(isExpensive(req(`/?q=${encodeURIComponent('法律顾问 OR 公职律师')}`))).toBe(false);
    expect(isExpensive(req('/doc/abc'))).toBe(false);
  });

  it('the gate lets N in, queues a bounded number for a bounded time, refuses the rest', async () => {
    const gate = new ConcurrencyGate(1, 1, 100);
    const first = await gate.enter();
    expect(first).toBeTypeOf('function');
    const second = gate.enter(); // queued
    expect(await gate.enter()).toBeNull(); // queue full: refused at once
    first!();
    const got = await second;
    expect(got).toBeTypeOf('function');
    const third = gate.enter();
    expect(await third).toBeNull(); // waited 100 ms behind `got`, then refused
    got!();
    expect(gate.stats).toEqual({ active: 0, waiting: 0, maxActive: 1, maxWaiting: 1, admitted: 1, queued: 1, refused: 1, timedOut: 1 });
  });

  it('first come, first served: a newcomer never takes the slot a waiter is owed', async () => {
    const gate = new ConcurrencyGate(1, 2, 1000);
    const first = (await gate.enter())!;
    const order: string[] = [];
    const waiter = gate.enter().then((r) => (order.push('waiter'), r));
    first(); // the slot passes to the waiter, who starts on the next turn of the event loop
    const newcomer = gate.enter().then((r) => (order.push('newcomer'), r)); // arrives in between
    const w = await waiter;
    expect(w).toBeTypeOf('function');
    expect(gate.stats).toMatchObject({ active: 1, waiting: 1 });
    w!();
    const n = await newcomer;
    expect(order).toEqual(['waiter', 'newcomer']);
    n!();
    expect(gate.stats).toMatchObject({ active: 0, waiting: 0, maxActive: 1, admitted: 1, queued: 2, refused: 0, timedOut: 0 });
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[test/web/access] browser login skipped: no chromium at ${CHROMIUM}`);

describe.skipIf(!hasChromium)('login in chromium', () => {
  it('the login page asks for the token, then shows the search the user came for', async () => {
    const srv = await serve(createApp({ handle: { current: () => fx.engine }, access: { token: TOKEN } }));
    const profile = await mkdtemp(join(tmpdir(), 'report-search-login-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      locale: 'zh-CN',
    });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      const first = await page.goto(`${srv.base}/?q=${encodeURIComponent('三项制度')}`);
      expect(first!.status()).toBe(401);
      await expect(page.locator('h1').textContent()).resolves.toBe('请登录');
      await page.fill('#token', 'wrong-token-0123456789');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
      expect(await page.locator('.login-error').textContent()).toContain('口令不正确');
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(/\?q=/), page.click('button[type=submit]')]);
      expect(decodeURIComponent(page.url())).toContain('?q=三项制度');
      expect(await page.locator('mark').first().textContent()).toBe('三项制度');
      // the session cookie is HttpOnly: scripts on the page cannot read it
      expect(await page.evaluate(() => (globalThis as any).document.cookie as string)).not.toContain(SESSION_COOKIE_NAME);
      const cookies = await ctx.cookies();
      expect(cookies.find((c) => c.name === 'rs_session')?.httpOnly).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
      await srv.close();
      await rm(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
const SESSION_COOKIE_NAME = 'rs_session';
