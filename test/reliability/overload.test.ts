/**
 * Issue 14: ten clients send the worst query shape (20 single characters joined
 * by OR, size=100) to a real server over a generated archive while one client
 * sends normal queries. The latency a normal query keeps is measured by
 * `npm run soak` and written in bench/RELIABILITY.md; this test proves, without
 * timing anything, the mechanism that bound rests on:
 *
 * - the expensive lane never runs more than its bound at once, and never holds
 *   more than its queue: the excess gets the Chinese 503 at once;
 * - normal queries never queue behind expensive ones (their lane is their own,
 *   here with a single slot, which an expensive search would otherwise take);
 * - an expensive search lets normal ones run between its units of work: normal
 *   queries are answered while an expensive search that started before them is
 *   still running, seen both by the server's counters (/healthz) and by the
 *   engine itself;
 * - every answer is either the right one or that 503: the same totals and hits
 *   as the engine gives with no load at all.
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus } from '../../bench/corpus.js';
import { buildIndex } from '../../src/index/builder.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { createHttpServer, type AccessStats } from '../../src/web/access.js';
import { createApp } from '../../src/web/app.js';
import { CORPUS_DIR, search } from '../helpers/fixture-index.js';

const WORST = '法 OR 治 OR 政 OR 府 OR 建 OR 设 OR 行 OR 执 OR 公 OR 示 OR 制 OR 度 OR 改 OR 革 OR 监 OR 督 OR 服 OR 务 OR 依 OR 规';
const WORST_PATH = `/api/search?q=${encodeURIComponent(WORST)}&size=100`;
const NORMAL = ['法治', '行政执法 公示', '"重大行政决策"', '政府'];
const CLIENTS = 10;
/** The attacking clients go on, each sending its next request as soon as it has an answer, until this many were answered (200). */
const ANSWERED = 12;
const MIN_NORMAL = 12;
/** The expensive lane: one at a time, three waiting; the normal lane: one slot (see the header). */
const LANES = { maxExpensive: 1, maxExpensiveQueued: 3, maxConcurrent: 1 };

let work: string;
let engine: Engine;
let server: ReturnType<typeof createHttpServer>;
let base: string;
/** Searches inside the engine right now, as the engine sees them (not the gate). */
const inEngine = { expensive: new Set<number>(), maxExpensive: 0, normalPassed: 0, seq: 0 };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-overload-'));
  // 60 synthetic reports of 15,000–25,000 characters from the sample archive's paragraphs (bench/corpus.ts)
  const corpus = await ensureCorpus({ scale: 0.5, archiveDir: CORPUS_DIR, workDir: work, log: () => undefined });
  await buildIndex({ dataDir: corpus.dataDir, indexDir: join(work, 'index'), progress: false });
  engine = await openEngine(join(work, 'index'));
  // The real engine, watched: which searches overlap inside it.
  const observed = new Proxy(engine, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key !== 'search') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Engine['search']>) => {
        const expensive = args[2].size === 100;
        const n = ++inEngine.seq;
        const before = [...inEngine.expensive];
        if (expensive) {
          inEngine.expensive.add(n);
          inEngine.maxExpensive = Math.max(inEngine.maxExpensive, inEngine.expensive.size);
        }
        try {
          return await target.search(...args);
        } finally {
          if (expensive) inEngine.expensive.delete(n);
          else if (before.some((e) => inEngine.expensive.has(e))) inEngine.normalPassed++;
        }
      };
    },
  });
  // sliceMs 0: the engine lets others run at every pause point, so the interleaving does not hang on the clock
  const app = createApp({ handle: { current: () => observed }, access: { ratePerMinute: 0, ...LANES, budget: { sliceMs: 0 } } });
  server = createHttpServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  engine?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { total?: number; hits?: Array<{ id: string }>; error?: string };
}

async function get(path: string): Promise<Answer> {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const lanes = async () => ((await get('/healthz')).body as unknown as { lanes: AccessStats }).lanes;

describe('ten clients sending the worst query shape', () => {
  it('bounded expensive lane, the excess refused in Chinese, normal queries never queued behind it and answered right', async () => {
    const expected = await search(engine, { q: WORST, size: 100 });
    expect(expected.total).toBeGreaterThan(20); // a long page of hits over long texts: the shape is expensive here too
    const normalExpected = new Map<string, { total: number; ids: string[] }>();
    for (const q of NORMAL) {
      const r = await search(engine, { q });
      normalExpected.set(q, { total: r.total, ids: r.hits.map((h) => h.id) });
    }
    const before = await lanes();

    const expensive: Answer[] = [];
    let answered = 0;
    const attack = Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (answered < ANSWERED) {
          const a = await get(WORST_PATH);
          expensive.push(a);
          if (a.status === 200) answered++;
        }
      }),
    );
    let attacking = true;
    void attack.finally(() => (attacking = false));
    const normal: Array<Answer & { q: string }> = [];
    for (let i = 0; attacking || normal.length < MIN_NORMAL; i++) {
      const q = NORMAL[i % NORMAL.length];
      normal.push({ q, ...(await get(`/api/search?q=${encodeURIComponent(q)}`)) });
    }
    await attack;
    const after = await lanes();
    const delta = (lane: 'normal' | 'expensive', k: 'admitted' | 'queued' | 'refused' | 'timedOut') => after[lane][k] - before[lane][k];

    // Every expensive answer is the right page or the Chinese 503 of a full lane.
    const ok = expensive.filter((a) => a.status === 200);
    const busy = expensive.filter((a) => a.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(ANSWERED);
    for (const a of ok) {
      expect(a.body.total).toBe(expected.total);
      expect(a.body.hits!.map((h) => h.id)).toEqual(expected.hits.map((h) => h.id));
    }
    for (const a of busy) {
      expect(a.status).toBe(503);
      expect(a.body.error).toMatch(/^服务器繁忙：复杂的检索正在排队.*缩小范围/);
    }

    // The expensive lane held its bounds, and refused the excess at once rather than queueing it.
    expect(after.expensive.maxActive).toBe(LANES.maxExpensive);
    expect(after.expensive.maxWaiting).toBeLessThanOrEqual(LANES.maxExpensiveQueued);
    expect(inEngine.maxExpensive).toBe(LANES.maxExpensive);
    expect(delta('expensive', 'refused')).toBeGreaterThan(0);
    expect(delta('expensive', 'refused') + delta('expensive', 'timedOut')).toBe(busy.length);
    expect(delta('expensive', 'admitted') + delta('expensive', 'queued')).toBe(ok.length);

    // Normal queries: all answered, right, never queued (their one slot is never an expensive search's).
    expect(normal.length).toBeGreaterThanOrEqual(MIN_NORMAL);
    for (const a of normal) {
      expect(a.status).toBe(200);
      expect(a.body.total).toBe(normalExpected.get(a.q)!.total);
      expect(a.body.hits!.map((h) => h.id)).toEqual(normalExpected.get(a.q)!.ids);
    }
    expect(delta('normal', 'admitted')).toBe(normal.length);
    expect(delta('normal', 'queued') + delta('normal', 'refused') + delta('normal', 'timedOut')).toBe(0);

    // …and answered while an expensive search that began before them was still running:
    // they waited for a slice of it, not for all of it.
    expect(after.normal.passedExpensive - before.normal.passedExpensive).toBeGreaterThan(0);
    expect(inEngine.normalPassed).toBeGreaterThan(0);
    expect(after.expensive.active + after.expensive.waiting + after.normal.active + after.normal.waiting).toBe(0);
  }, 120_000);
});
