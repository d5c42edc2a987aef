/**
 * Issue 14, crash safety at any moment: `report-search index` is SIGKILLed
 * at 30 moments drawn from a seeded generator over a build's duration; after
 * each, CURRENT opens, passes `check`, and answers exactly as before the build
 * or as after it. The next build removes what the dead one left, whatever its
 * age. Ctrl+C (SIGINT) during index removes its partial files itself.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { checkIndex } from '../../src/index/check.js';
import { currentGeneration, removeDeadLeftovers } from '../../src/index/storage.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { CORPUS_DIR, search, type TestRequest } from '../helpers/fixture-index.js';
import { mulberry32 } from '../../bench/corpus.js';

const REQUESTS: TestRequest[] = [{ q: '三项制度' }, { q: '独一无二的崩溃测试短语' }, { q: '法治 OR 发展', size: 50 }, { q: '' }];
const KILLS = 30;

async function answers(indexDir: string) {
  const engine: Engine = await openEngine(indexDir, { warm: false });
  try {
    const out = [];
    for (const r of REQUESTS) out.push({ ...(await search(engine, r)), tookMs: 0 });
    return JSON.stringify(out);
  } finally {
    engine.close();
  }
}

/** The benchmark's seeded generator (mulberry32), so a failure can be replayed. */
const rng = mulberry32;

/** Runs `index`; kills it with `signal` after `afterMs` (or when `when` resolves). */
function runIndex(dataDir: string, indexDir: string, kill?: { afterMs?: number; when?: Promise<void>; signal: NodeJS.Signals }) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }>((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', '--data', dataDir, '--index', indexDir], {
      env: { ...process.env, REPORT_SEARCH_FAULT: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    if (kill?.afterMs !== undefined) setTimeout(() => child.kill(kill.signal), kill.afterMs);
    kill?.when?.then(() => child.kill(kill.signal));
    child.on('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - t0, stderr }));
  });
}

const tmpLeftovers = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith('.tmp-gen-') || n.startsWith('CURRENT.tmp'));

let work: string;
let dataA: string;
let dataB: string;
let before: string;
let after: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-crash-'));
  dataA = join(work, 'data-a');
  dataB = join(work, 'data-b');
  await cp(CORPUS_DIR, dataA, { recursive: true });
  await cp(CORPUS_DIR, dataB, { recursive: true });
  await writeFile(join(dataB, '崩溃测试报告.txt'), '某某县司法局2025年法治政府建设情况报告\n今年落实了独一无二的崩溃测试短语。');
  await buildIndex({ dataDir: dataA, indexDir: join(work, 'ref-a') });
  await buildIndex({ dataDir: dataB, indexDir: join(work, 'ref-b') });
  before = await answers(join(work, 'ref-a'));
  after = await answers(join(work, 'ref-b'));
  expect(before).not.toBe(after);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('SIGKILL at any moment', () => {
  it(`${KILLS} kills at seeded moments: CURRENT always opens, passes check and answers as before or as after`, async () => {
    const indexDir = join(work, 'index');
    await buildIndex({ dataDir: dataA, indexDir });
    // How long a whole `index` run takes here (process start included), with a warm cache.
    const full = await runIndex(dataB, join(work, 'timing'));
    expect(full.code).toBe(0);
    const random = rng(20261201);
    const outcomes = { before: 0, after: 0, completed: 0, leftoversSeen: 0 };
    let state = before;
    for (let i = 0; i < KILLS; i++) {
      // Each run goes from the state it finds to the other one.
      const target = state === before ? dataB : dataA;
      const at = Math.floor(random() * full.ms);
      const run = await runIndex(target, indexDir, { afterMs: at, signal: 'SIGKILL' });
      if (run.signal === null) {
        expect(run.code, run.stderr).toBe(0);
        outcomes.completed++;
      }
      outcomes.leftoversSeen = Math.max(outcomes.leftoversSeen, (await tmpLeftovers(indexDir)).length);
      const got = await answers(indexDir);
      expect([before, after], `run ${i}: killed at ${at} ms of ${Math.round(full.ms)}`).toContain(got);
      expect((await checkIndex(indexDir)).problems).toEqual([]);
      if (got === before) outcomes.before++;
      else outcomes.after++;
      state = got;
    }
    // A build that runs to the end removes every dead build's leftovers (minutes old, not hours) and keeps at most two generations.
    const last = await runIndex(dataA, indexDir);
    expect(last.code).toBe(0);
    expect(outcomes.leftoversSeen).toBeGreaterThan(0);
    expect(await tmpLeftovers(indexDir)).toEqual([]);
    expect((await readdir(indexDir)).filter((n) => n.startsWith('gen-')).length).toBeLessThanOrEqual(2);
    expect(await answers(indexDir)).toBe(before);
    console.log(`[crash] ${KILLS} SIGKILLs over ${Math.round(full.ms)} ms runs:`, outcomes);
  }, 600_000);
});

describe('leftovers', () => {
  it('a dead build\'s temporary generation is removed whatever its age; a live build\'s is kept', async () => {
    const indexDir = join(work, 'index-leftovers');
    await buildIndex({ dataDir: dataA, indexDir });
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    const liveDir = `.tmp-gen-20261201T000000-${sleeper.pid}-live01`;
    const deadDir = `.tmp-gen-20261201T000000-${dead.pid}-dead01`;
    await mkdir(join(indexDir, liveDir));
    await mkdir(join(indexDir, deadDir));
    await writeFile(join(indexDir, `CURRENT.tmp-${dead.pid}`), 'gen-x\n');
    expect(await removeDeadLeftovers(indexDir)).toBe(2);
    expect(await tmpLeftovers(indexDir)).toEqual([liveDir]);
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    await buildIndex({ dataDir: dataA, indexDir });
    expect(await tmpLeftovers(indexDir)).toEqual([]);
  });
});

describe('Ctrl+C during index', () => {
  it('SIGINT: exit 130, a Chinese line, no partial files, CURRENT unchanged', async () => {
    const indexDir = join(work, 'index-sigint');
    await buildIndex({ dataDir: dataA, indexDir });
    const gen = await currentGeneration(indexDir);
    // Interrupt as soon as the temporary generation exists: mid-build.
    let stop = false;
    const appeared = (async () => {
      while (!stop && (await tmpLeftovers(indexDir)).length === 0) await new Promise((r) => setTimeout(r, 20));
    })();
    const run = await runIndex(dataB, indexDir, { when: appeared, signal: 'SIGINT' });
    stop = true;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/中断/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await tmpLeftovers(indexDir)).toEqual([]);
    expect(await currentGeneration(indexDir)).toBe(gen);
    expect(await answers(indexDir)).toBe(before);
  }, 120_000);
});
