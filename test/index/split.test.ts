/**
 * Work is split by report, not by file: a dataset with many reports is read
 * by one thread and analyzed in chunks by every thread. The index must be the
 * one a single thread builds — byte for byte — whether the file is read fresh
 * or from the per-file cache (word counts then come from the cache entry).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { DOCS_FILE, GRAMS_FILE, POSITIONS_FILE, REUSE_FILE, TEXTS_FILE, WORDS_FILE } from '../../src/index/format.js';
import { currentGeneration } from '../../src/index/storage.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

let work: string;
let data: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-split-'));
  data = join(work, 'data');
  await mkdir(data);
  // One dataset of every sample report, and a small file beside it.
  const docs = (await ingestFolder(CORPUS_DIR)).docs;
  const lines = docs.map((d) => JSON.stringify({ id: d.id, title: d.title, text: d.text, province: d.region?.province, city: d.region?.city, county: d.region?.county, year: d.year, date: d.date, issuer: d.issuer }));
  await writeFile(join(data, 'all.jsonl'), lines.join('\n') + '\n');
  await writeFile(join(data, 'z-note.txt'), '关于推进三项制度的补充说明\n全面推行行政执法公示制度。');
});
afterAll(() => rm(work, { recursive: true, force: true }));

const FILES = [DOCS_FILE, TEXTS_FILE, GRAMS_FILE, POSITIONS_FILE, WORDS_FILE, REUSE_FILE];
async function files(indexDir: string): Promise<Map<string, Buffer>> {
  const gen = (await currentGeneration(indexDir))!;
  return new Map(await Promise.all(FILES.map(async (f) => [f, await readFile(join(gen, f))] as const)));
}

describe('a large file analyzed in chunks on every thread', () => {
  it('writes the index one thread writes, fresh and from the cache', async () => {
    const single = join(work, 'single');
    const s = await buildIndex({ dataDir: data, indexDir: single, workers: 0, cache: false });
    expect(s.reports).toBeGreaterThan(30);
    const expected = await files(single);

    const split = join(work, 'split');
    // ~40 k characters a chunk: the dataset's 36 reports go out in about a dozen chunks over two threads.
    const fresh = await buildIndex({ dataDir: data, indexDir: split, workers: 2, chunkChars: 40_000 });
    expect(fresh.reports).toBe(s.reports);
    expect(fresh.reused).toBe(0);
    expect(fresh.chunks).toBeGreaterThan(8);
    for (const [name, bytes] of await files(split)) expect(bytes.equals(expected.get(name)!), name).toBe(true);

    // Again, from the cache the first split build wrote (word counts taken from it).
    const again = await buildIndex({ dataDir: data, indexDir: split, workers: 2, chunkChars: 40_000 });
    expect(again.reused).toBe(2);
    expect(again.chunks).toBe(fresh.chunks);
    for (const [name, bytes] of await files(split)) expect(bytes.equals(expected.get(name)!), name).toBe(true);
  });
});
