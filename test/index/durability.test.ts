/**
 * Save → load gives identical answers; an index that fails to write, or a
 * build killed mid-write, leaves the previous index loadable; an index of
 * another format or analyzer is refused with a message that says to re-index.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { sealManifest } from '../../src/index/checksum.js';
import { MANIFEST_FILE } from '../../src/index/format.js';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { IndexError } from '../../src/index/format.js';
import { staleReason } from '../../src/index/reader.js';
import { currentGeneration } from '../../src/index/storage.js';
import type { Engine } from '../../src/search/engine.js';
import { IndexWatcher, openEngine as openIndex, watchIndex } from '../../src/search/open.js';
import { CORPUS_DIR, search, type TestRequest } from '../helpers/fixture-index.js';
import { passageHtml } from '../../src/web/html.js';

const REQUESTS: TestRequest[] = [
  { q: '三项制度' },
  { q: '"重大行政决策" -营商', size: 50 },
  { q: '法治 OR 发展', regions: ['四川省'], sort: 'date-desc' },
  { q: '标题:政府工作报告', years: [2026], page: 2, size: 5 },
  { q: '' },
];

/** Responses without the timing, which is the only thing allowed to differ. */
async function answers(engine: Engine) {
  const out = [];
  for (const r of REQUESTS) out.push({ ...(await search(engine, r)), tookMs: 0 });
  return out;
}

let work: string;
let indexDir: string;
let baseline: Awaited<ReturnType<typeof answers>>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-durability-'));
  indexDir = join(work, 'index');
  await buildIndex({ dataDir: CORPUS_DIR, indexDir });
  baseline = await answers(await openIndex(indexDir));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('save → load', () => {
  it('a second build of the same data answers every request identically', async () => {
    const other = join(work, 'index-2');
    await buildIndex({ dataDir: CORPUS_DIR, indexDir: other });
    expect(await answers(await openIndex(other))).toEqual(baseline);
    expect(baseline[0].total).toBeGreaterThan(0);
    expect(passageHtml(baseline[0].hits[0].passages[0])).toContain('<mark>三项制度</mark>');
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
    expect(await answers(await openIndex(indexDir))).toEqual(baseline);
  });

  it('a build that fails (unreadable data folder) changes nothing', async () => {
    const before = await currentGeneration(indexDir);
    await expect(buildIndex({ dataDir: join(work, 'no-such-folder'), indexDir })).rejects.toThrow();
    expect(await currentGeneration(indexDir)).toBe(before);
    expect(await answers(await openIndex(indexDir))).toEqual(baseline);
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
    // sealed again, as another program version would write it
    const { crc: _, ...rest } = m;
    await writeFile(join(gen, MANIFEST_FILE), sealManifest({ ...rest, analyzer: 'analyzer-v0-000000000000-dict-none' }));
    await expect(openIndex(dir)).rejects.toThrow(/分词器.*npm run index/);
  });

  it('a truncated file', async () => {
    const { dir, gen } = await copyIndex('index-truncated');
    await truncate(join(gen, 'grams.bin'), 100);
    await expect(openIndex(dir)).rejects.toThrow(/grams\.bin.*npm run index/);
  });

  it.each([
    ['grams.bin', 0],
    ['positions.bin', 0],
    ['texts.bin', -8],
    ['docs.json', 0],
  ])('a damaged %s (bytes changed, size kept) is a Chinese IndexError, not a crash', async (file, at) => {
    const { dir, gen } = await copyIndex(`index-damaged-${file}`);
    const path = join(gen, file);
    const fh = await open(path, 'r+');
    const { size } = await fh.stat();
    await fh.write(Buffer.from('XXXX'), 0, 4, at < 0 ? size + at : at);
    await fh.close();
    const err = await (async () => {
      const engine = await openIndex(dir, { warm: false });
      // positions.bin is read by the first phrase of three or more characters
      await search(engine, { q: '重大行政决策' });
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexError);
    expect((err as Error).message).toMatch(new RegExp(`${file.replace('.', '\\.')}.*npm run index`));
  });

  it('no index at all', async () => {
    await expect(openIndex(join(work, 'empty'))).rejects.toThrow(/还没有索引.*npm run index/);
  });
});

describe('IndexWatcher', () => {
  it('swaps in a new generation; a snapshot taken before keeps answering', async () => {
    const data = join(work, 'data-swap');
    await cp(CORPUS_DIR, data, { recursive: true });
    const dir = join(work, 'index-swap');
    await buildIndex({ dataDir: data, indexDir: dir });
    const handle = new IndexWatcher(dir, await openIndex(dir));
    const old = handle.current();
    const reports = old.info.reports;
    await writeFile(join(data, '新增报告.txt'), '某某县卫生健康局2025年法治政府建设情况报告\n今年我们落实了独一无二的测试短语。');
    await buildIndex({ dataDir: data, indexDir: dir });
    const fresh = await handle.reload();
    expect(handle.current()).toBe(fresh);
    expect(fresh.info.reports).toBe(reports + 1);
    expect((await search(fresh, { q: '独一无二的测试短语' })).total).toBe(1);
    expect((await search(old, { q: '独一无二的测试短语' })).total).toBe(0);
    expect((await search(old, { q: '三项制度' })).hits.length).toBeGreaterThan(0);
    handle.close();
  });

  it('serves an index built with a smaller user dictionary, and segments queries with it', async () => {
    const data = join(work, 'data-dict');
    await cp(CORPUS_DIR, data, { recursive: true });
    // A made-up word jieba would never keep whole on its own, in one report.
    const WORD = '湟鲸跃龙门计划';
    await writeFile(join(data, 'dict-report.txt'), `某县卫生健康局2025年法治政府建设情况报告\n今年启动${WORD}，${WORD}进展顺利。`);
    await writeFile(join(data, 'userdict.txt'), `${WORD}\n三项制度\n`);
    const dir = join(work, 'index-dict');
    await buildIndex({ dataDir: data, indexDir: dir });
    const reloads: Array<Engine | Error> = [];
    const handle = await watchIndex(dir, { onReload: (e) => reloads.push(e) });
    expect(words(normalize(WORD))).toEqual([WORD]);
    const analyzerBefore = handle.current().info.analyzer;
    const before = await search(handle.current(), { q: WORD });
    expect(before.total).toBe(1);

    // The word leaves the dictionary; the index is rebuilt while the server runs.
    await writeFile(join(data, 'userdict.txt'), '三项制度\n');
    await buildIndex({ dataDir: data, indexDir: dir });
    for (let i = 0; i < 100 && reloads.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).not.toBeInstanceOf(Error);
    const fresh = handle.current();
    expect(fresh).toBe(reloads[0]);
    expect(fresh.info.analyzer).not.toBe(analyzerBefore);
    // Queries are now cut as the new index was built: the word is gone from the segmenter.
    expect(words(normalize(WORD))).not.toEqual([WORD]);
    const after = await search(fresh, { q: WORD });
    expect(after.total).toBe(1);
    // Ranking uses the new words: the report's score is computed from the split words.
    expect(after.hits[0].score).toBeGreaterThan(0);
    expect(after.hits[0].score).not.toBe(before.hits[0].score);
    handle.close();
  });
});
