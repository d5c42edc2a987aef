/**
 * Save → load gives identical answers; an index that fails to write, or a
 * build killed mid-write, leaves the previous index loadable; an index of
 * another format or analyzer is refused with a message that says to re-index.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { MANIFEST_FILE } from '../../src/index/format.js';
import { IndexHandle, openIndex, staleReason } from '../../src/index/reader.js';
import { currentGeneration } from '../../src/index/storage.js';
import type { Engine } from '../../src/search/engine.js';
import type { SearchRequest } from '../../src/types.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

const REQUESTS: SearchRequest[] = [
  { q: '三项制度' },
  { q: '"重大行政决策" -营商', size: 50 },
  { q: '法治 OR 发展', regions: ['四川省'], sort: 'date-desc' },
  { q: '标题:政府工作报告', years: [2026], page: 2, size: 5 },
  { q: '' },
];

/** Responses without the timing, which is the only thing allowed to differ. */
function answers(engine: Engine) {
  return REQUESTS.map((r) => ({ ...engine.search(r), tookMs: 0 }));
}

let work: string;
let indexDir: string;
let baseline: ReturnType<typeof answers>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-durability-'));
  indexDir = join(work, 'index');
  await buildIndex({ dataDir: CORPUS_DIR, indexDir });
  baseline = answers(await openIndex(indexDir));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('save → load', () => {
  it('a second build of the same data answers every request identically', async () => {
    const other = join(work, 'index-2');
    await buildIndex({ dataDir: CORPUS_DIR, indexDir: other });
    expect(answers(await openIndex(other))).toEqual(baseline);
    expect(baseline[0].total).toBeGreaterThan(0);
    expect(baseline[0].hits[0].passages[0].html).toContain('<mark>三项制度</mark>');
  });

  it('the index is up to date with its data folder, and stale after a change', async () => {
    const data = join(work, 'data-copy');
    await cp(CORPUS_DIR, data, { recursive: true });
    const dir = join(work, 'index-stale');
    expect(await staleReason(data, dir)).toBe('索引不存在');
    await buildIndex({ dataDir: data, indexDir: dir });
    expect(await staleReason(data, dir)).toBeNull();
    await writeFile(join(data, 'new.txt'), '关于2025年某县法治政府建设情况的报告\n正文。');
    expect(await staleReason(data, dir)).toBe('数据文件夹有变化');
  });
});

describe('crash safety', () => {
  it.each(['after-texts', 'before-publish'])('a build killed at %s leaves the previous index live and intact', async (point) => {
    const before = await currentGeneration(indexDir);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', '--data', CORPUS_DIR, '--index', indexDir], {
      env: { ...process.env, REPORT_SEARCH_FAULT: point },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(await currentGeneration(indexDir)).toBe(before);
    const leftovers = (await readdir(indexDir)).filter((n) => n.startsWith('.tmp-gen-'));
    expect(leftovers.length).toBeGreaterThan(0);
    expect(answers(await openIndex(indexDir))).toEqual(baseline);
  });

  it('a build that fails (unreadable data folder) changes nothing', async () => {
    const before = await currentGeneration(indexDir);
    await expect(buildIndex({ dataDir: join(work, 'no-such-folder'), indexDir })).rejects.toThrow();
    expect(await currentGeneration(indexDir)).toBe(before);
    expect(answers(await openIndex(indexDir))).toEqual(baseline);
  });
});

describe('refusing an index it cannot read', () => {
  async function copyIndex(name: string): Promise<{ dir: string; gen: string }> {
    const dir = join(work, name);
    await cp(indexDir, dir, { recursive: true });
    return { dir, gen: (await currentGeneration(dir))! };
  }

  it('another format version', async () => {
    const { dir, gen } = await copyIndex('index-v999');
    const m = JSON.parse(await readFile(join(gen, MANIFEST_FILE), 'utf8'));
    await writeFile(join(gen, MANIFEST_FILE), JSON.stringify({ ...m, formatVersion: 999 }));
    await expect(openIndex(dir)).rejects.toThrow(/格式版本为 999.*npm run index/);
  });

  it('another analyzer', async () => {
    const { dir, gen } = await copyIndex('index-analyzer');
    const m = JSON.parse(await readFile(join(gen, MANIFEST_FILE), 'utf8'));
    await writeFile(join(gen, MANIFEST_FILE), JSON.stringify({ ...m, analyzer: 'analyzer-v0-000000000000-dict-none' }));
    await expect(openIndex(dir)).rejects.toThrow(/分词器.*npm run index/);
  });

  it('a truncated file', async () => {
    const { dir, gen } = await copyIndex('index-truncated');
    await truncate(join(gen, 'grams.bin'), 100);
    await expect(openIndex(dir)).rejects.toThrow(/grams\.bin.*npm run index/);
  });

  it('no index at all', async () => {
    await expect(openIndex(join(work, 'empty'))).rejects.toThrow(/还没有索引.*npm run index/);
  });
});

describe('IndexHandle', () => {
  it('swaps in a new generation; a snapshot taken before keeps answering', async () => {
    const data = join(work, 'data-swap');
    await cp(CORPUS_DIR, data, { recursive: true });
    const dir = join(work, 'index-swap');
    await buildIndex({ dataDir: data, indexDir: dir });
    const handle = await IndexHandle.open(dir);
    const old = handle.current();
    const reports = old.info.reports;
    await writeFile(join(data, '新增报告.txt'), '某某县卫生健康局2025年法治政府建设情况报告\n今年我们落实了独一无二的测试短语。');
    await buildIndex({ dataDir: data, indexDir: dir });
    const fresh = await handle.reload();
    expect(handle.current()).toBe(fresh);
    expect(fresh.info.reports).toBe(reports + 1);
    expect(fresh.search({ q: '独一无二的测试短语' }).total).toBe(1);
    expect(old.search({ q: '独一无二的测试短语' }).total).toBe(0);
    expect(old.search({ q: '三项制度' }).hits.length).toBeGreaterThan(0);
    handle.close();
  });
});
