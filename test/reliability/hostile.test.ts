/**
 * Issue 14, hostile requests over real HTTP (raw sockets where a client
 * library would clean the request up): oversized heads get Chinese 414/431
 * pages, slow clients are cut off, a 10,000-character query is a fast 400,
 * prototype keys, arrays and objects where strings belong and path traversal
 * in every route parameter and in static files are 400/404 — never 500, never
 * a file's content. Also: a query over its budget is a Chinese 503, a damaged
 * index met by a request is a 503 that says what to run.
 */
import { cp, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentGeneration } from '../../src/index/storage.js';
import { openEngine } from '../../src/search/open.js';
import { createHttpServer } from '../../src/web/access.js';
import { createApp } from '../../src/web/app.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';

let fx: FixtureIndex;
let server: ReturnType<typeof createHttpServer>;
let port: number;

beforeAll(async () => {
  fx = await buildFixtureIndex();
  const app = createApp({ handle: { current: () => fx.engine }, access: { ratePerMinute: 0 } });
  server = createHttpServer(app, { headersTimeout: 1000, requestTimeout: 3000 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await fx?.cleanup();
});

/** Sends raw bytes; resolves with what came back when the server closes (or after `waitMs`). */
function raw(request: string | Buffer, waitMs = 5000): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = connect(port, '127.0.0.1');
    let data = '';
    const done = () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, text: data, ms: performance.now() - t0 });
    };
    sock.setEncoding('utf8');
    sock.on('data', (d) => (data += d));
    sock.on('close', done);
    sock.on('error', () => undefined);
    sock.write(request);
    setTimeout(() => sock.destroy(), waitMs).unref();
  });
}
const get = (path: string, headers = '') => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n${headers}Connection: close\r\n\r\n`);

describe('oversized and slow requests', () => {
  it('a Chinese query whose address passes the 16 KB head limit: a Chinese 414 page', async () => {
    const q = encodeURIComponent('法治政府建设'.repeat(500)); // ≈ 27 KB encoded
    const res = await get(`/?q=${q}`);
    expect(res.status).toBe(414);
    expect(res.text).toContain('地址太长');
    expect(res.text).toContain('charset=utf-8');
  });

  it('headers over the limit: a Chinese 431 page', async () => {
    const res = await get('/?q=法治'.replace('法治', encodeURIComponent('法治')), `Cookie: a=${'x'.repeat(20_000)}\r\n`);
    expect(res.status).toBe(431);
    expect(res.text).toContain('请求头太大');
  });

  it('a client that never finishes its headers is cut off (408) after the headers timeout', async () => {
    const res = await raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1', 8000);
    expect(res.ms).toBeLessThan(4000);
    expect(res.status).toBe(408);
    expect(res.text).toContain('请求超时');
  });

  // 10,000 Chinese characters are 90 KB percent-encoded: past the head limit, a 414 (above); 10,000 Latin ones fit in it.
  it('a 10,000-character query is a 400 in under 50 ms, without segmenting it', async () => {
    const q = 'fazhi'.repeat(2_000);
    await get(`/api/search?q=${encodeURIComponent('法治')}`); // warm
    const times: number[] = [];
    let res = { status: 0, text: '', ms: 0 };
    for (let i = 0; i < 5; i++) {
      res = await raw(`GET /api/search?q=${q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      times.push(res.ms);
    }
    console.log('[hostile] 10,000-character query, ms per request:', times.map((t) => t.toFixed(1)).join(' '));
    const ms = Math.min(...times.slice(1));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/查询过长/);
    expect(ms).toBeLessThan(50);
  });
});

describe('parameters that are not what they should be', () => {
  const cases = [
    '/?__proto__=x',
    '/?__proto__[polluted]=1',
    '/?constructor=x',
    '/?constructor[prototype][polluted]=1',
    '/?q[__proto__]=x',
    '/?q=a&q=b',
    '/?q[a]=b',
    '/?q[]=a',
    '/?region[toString]=x',
    '/?year[]=2024&year[x]=1',
    '/?page[]=1',
    '/?size=1e3',
    '/?sort[]=relevance',
    '/?q=%E6%B3%95&page=-1',
    '/?q=%',
    '/?q=%E6',
    '/api/search?__proto__[x]=1&q=%E6%B3%95',
    '/api/search?size[]=1',
    '/api/search?q[]=1',
    '/doc/x?q[]=1',
    '/doc/x?q[__proto__]=1',
  ];
  it.each(cases)('%s: 200 or 400, never 500', async (path) => {
    const res = await get(path);
    expect([200, 400, 404]).toContain(res.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('path traversal', () => {
  const cases = [
    '/doc/..%2F..%2Fpackage.json',
    '/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/doc/../../etc/passwd',
    '/doc/..%5c..%5cpackage.json',
    '/doc/%00',
    '/doc/%',
    '/api/doc/..%2F..%2Fpackage.json',
    '/api/doc/%2e%2e',
    '/static/../package.json',
    '/static/..%2fpackage.json',
    '/static/%2e%2e/%2e%2e/package.json',
    '/static/..%5cpackage.json',
    '/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/static//etc/passwd',
    '/static/style.css%00.txt',
    '/..%2f..%2fpackage.json',
  ];
  it.each(cases)('%s: 400 or 404 and no file content', async (path) => {
    const res = await get(path);
    expect([400, 404]).toContain(res.status);
    expect(res.text).not.toContain('"report-search"');
    expect(res.text).not.toContain('root:');
  });
});

describe('bounded cost and damaged bytes', () => {
  it('a search over its budget is a Chinese 503 (JSON on /api), and a normal one is not', async () => {
    const app = createApp({ handle: { current: () => fx.engine }, access: { ratePerMinute: 0, budget: { maxText: 50_000 } } });
    const srv = createHttpServer(app);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      const worst = '法 OR 治 OR 政 OR 府 OR 建 OR 设 OR 行 OR 执 OR 公 OR 示 OR 制 OR 度 OR 改 OR 革 OR 监 OR 督 OR 服 OR 务 OR 依 OR 规';
      const res = await fetch(`${base}/api/search?q=${encodeURIComponent(worst)}&size=100`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/查询太复杂.*缩小范围/);
      const page = await fetch(`${base}/?q=${encodeURIComponent(worst)}&size=100`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('查询太复杂');
      const normal = await fetch(`${base}/api/search?q=${encodeURIComponent('三项制度')}&size=1`);
      expect(normal.status).toBe(200);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });

  it('a damaged text met by a request: 503 with what to run, never a 200 with a wrong text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rs-hostile-damaged-'));
    await cp(fx.indexDir, dir, { recursive: true });
    const fh = await open(join((await currentGeneration(dir))!, 'texts.bin'), 'r+');
    await fh.write(Buffer.from('XXXXXXXX'), 0, 8, 200); // inside the first report's text
    await fh.close();
    const engine = await openEngine(dir, { warm: false });
    const app = createApp({ handle: { current: () => engine }, access: { ratePerMinute: 0 } });
    const srv = createHttpServer(app);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      // report number 0 is the damaged one: a list that shows it, and its page, are never a 200
      const damagedId = JSON.parse(await readFile(join((await currentGeneration(dir))!, 'docs.json'), 'utf8'))[0].id as string;
      const list = await fetch(`${base}/api/search?q=&size=100`);
      expect(list.status).toBe(503);
      const res = await fetch(`${base}/api/doc/${encodeURIComponent(damagedId)}`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/texts\.bin.*npm run index/);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
      engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
