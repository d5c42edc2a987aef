/**
 * Incremental re-indexing: after adding, changing and deleting files, a build
 * that reuses the per-file cache answers exactly like a build from scratch,
 * and re-processes only the files that changed.
 */
import { appendFile, cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { MANIFEST_FILE } from '../../src/index/format.js';
import { currentGeneration } from '../../src/index/storage.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { CORPUS_DIR, search } from '../helpers/fixture-index.js';

const QUERIES = ['三项制度', '"重大行政决策"', '法治 OR 发展', '增量索引测试短语', '新增段落用于检验', '锡林郭勒', '标题:政府工作报告', ''];

async function answers(engine: Engine) {
  return Promise.all(QUERIES.map(async (q) => ({ ...(await search(engine, { q, size: 100 })), tookMs: 0 })));
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-incremental-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('incremental re-index', () => {
  it('add, change and delete files: same answers as a full rebuild, only changed files re-processed', async () => {
    const data = join(work, 'data');
    await cp(CORPUS_DIR, data, { recursive: true });
    const incremental = join(work, 'index-incremental');

    // Worker threads on, as on a large archive, so that path is the one tested.
    const first = await buildIndex({ dataDir: data, indexDir: incremental, workers: 2 });
    expect(first.reused).toBe(0);
    expect(first.reports).toBe(36);

    await writeFile(join(data, 'seeds', '005_added.txt'), '某某县卫生健康局2025年法治政府建设情况报告\n\n今年开展了增量索引测试短语相关工作。\n\n某某县卫生健康局\n2026年1月5日\n');
    await appendFile(join(data, 'seeds', '001_9142c4c7e365e737.txt'), '\n新增段落用于检验修改后的文件会被重新处理。\n');
    await unlink(join(data, 'seeds', '000_abd99ba7655eaa30.txt'));

    const second = await buildIndex({ dataDir: data, indexDir: incremental, workers: 2 });
    expect(second.reports).toBe(36);
    // 36 files before; one deleted, one changed, one added: 34 reused.
    expect(second.reused).toBe(34);

    const scratch = join(work, 'index-scratch');
    const full = await buildIndex({ dataDir: data, indexDir: scratch, workers: 0, cache: false });
    expect(full.reused).toBe(0);

    const inc = await openEngine(incremental);
    const ref = await openEngine(scratch);
    expect(await answers(inc)).toEqual(await answers(ref));

    const manifest = async (dir: string) => JSON.parse(await readFile(join((await currentGeneration(dir))!, MANIFEST_FILE), 'utf8'));
    expect((await manifest(incremental)).dataFingerprint).toBe((await manifest(scratch)).dataFingerprint);

    expect((await search(inc, { q: '增量索引测试短语' })).hits.map((h) => h.id)).toEqual(['seeds-005_added']);
    expect((await search(inc, { q: '新增段落用于检验' })).hits.map((h) => h.id)).toEqual(['seeds-001_9142c4c7e365e737']);
    expect(await inc.report('seeds-000_abd99ba7655eaa30')).toBeNull();
    expect((await search(inc, { q: '锡林郭勒' })).hits.map((h) => h.id)).not.toContain('seeds-000_abd99ba7655eaa30');
  });
});
