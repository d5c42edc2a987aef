/**
 * Issue 14: damaged bytes never become a wrong answer. Bytes of every index
 * file are changed in place (size kept) at offsets drawn from a seeded
 * generator; then 20 queries and the texts of their hits either give exactly
 * the undamaged answers or fail with the Chinese IndexError that says to
 * re-index — and `check` finds every change.
 */
import { cp, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { checkIndex } from '../../src/index/check.js';
import { IndexError } from '../../src/index/format.js';
import { currentGeneration } from '../../src/index/storage.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { CORPUS_DIR, search, type TestRequest } from '../helpers/fixture-index.js';
import { mulberry32 } from '../../bench/corpus.js';

const QUERIES: TestRequest[] = [
  '三项制度', '重大行政决策', '法治政府建设', '行政执法公示', '"法治 政府"', '营商环境', '法律顾问 OR 公职律师',
  '标题:法治', '湟中', '法治政府 -双随机', '行政复议', '政务公开', '依法行政', '执法', '法', '政府', '2025',
  '普法', '信用', '公平竞争审查',
].map((q) => ({ q, size: 50 }));

/** Every answer the engine gives for the queries, the texts of the hits included. */
async function answers(engine: Engine) {
  const out: unknown[] = [];
  for (const r of QUERIES) {
    const res = await search(engine, r);
    out.push({ ...res, tookMs: 0 });
    for (const h of res.hits.slice(0, 5)) out.push(await engine.paragraphs(h.id, null));
    // the reuse index is read by the precedents views: damaged, it must be refused there too
    if (res.hits.length && engine.similar) out.push(await engine.similar(res.hits[0].id, 0));
  }
  return out;
}

/** The benchmark's seeded generator (mulberry32), so a failure can be replayed. */
const rng = mulberry32;

let work: string;
let indexDir: string;
let baseline: unknown[];
let files: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-damage-'));
  indexDir = join(work, 'index');
  await buildIndex({ dataDir: CORPUS_DIR, indexDir });
  const engine = await openEngine(indexDir, { warm: false });
  baseline = await answers(engine);
  engine.close();
  files = (await readdir((await currentGeneration(indexDir))!)).filter((f) => f !== 'userdict.txt');
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('damaged bytes', () => {
  it('the undamaged index passes check', async () => {
    const r = await checkIndex(indexDir);
    expect(r.problems).toEqual([]);
    expect(r.files).toBe(7); // texts, grams, positions, blocks, words-0, docs, reuse (the manifest checks itself)
  });

  it('every file, 4 seeded offsets each: the same answers or an IndexError, never a wrong answer; check finds each', async () => {
    const random = rng(14);
    const outcomes: Record<string, { refused: number; same: number }> = {};
    for (const file of files) {
      outcomes[file] = { refused: 0, same: 0 };
      for (let n = 0; n < 4; n++) {
        const dir = join(work, `d-${file}-${n}`);
        await cp(indexDir, dir, { recursive: true });
        const path = join((await currentGeneration(dir))!, file);
        const fh = await open(path, 'r+');
        const { size } = await fh.stat();
        const at = Math.floor(random() * size);
        const old = Buffer.alloc(1);
        await fh.read(old, 0, 1, at);
        // a different byte, never the same one
        await fh.write(Buffer.from([old[0] ^ (1 + Math.floor(random() * 255))]), 0, 1, at);
        await fh.close();

        let engine: Engine | null = null;
        const got = await (async () => {
          engine = await openEngine(dir, { warm: false });
          return answers(engine);
        })().catch((e: unknown) => e);
        (engine as Engine | null)?.close();
        if (got instanceof Error) {
          expect(got, `${file} @${at}: ${got.stack}`).toBeInstanceOf(IndexError);
          expect(got.message).toMatch(/索引.*npm run index/);
          outcomes[file].refused++;
        } else {
          expect(got, `${file} @${at} answered differently`).toEqual(baseline);
          outcomes[file].same++;
        }
        const report = await checkIndex(dir);
        expect(report.problems.length, `check missed ${file} @${at}`).toBeGreaterThan(0);
        await rm(dir, { recursive: true, force: true });
      }
    }
    console.log('[damage] outcomes per file', outcomes);
  }, 300_000);
});
