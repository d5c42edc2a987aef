/**
 * Segments: a build that writes its postings and word statistics in many
 * small segments and merges them must write the very files a build holding
 * everything in one segment writes — byte for byte — and so answer the same.
 */
import { readFile, rm, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { GRAMS_FILE, POSITIONS_FILE, WORDS_FILE, BLOCKS_FILE } from '../../src/index/format.js';
import { currentGeneration } from '../../src/index/storage.js';
import { openEngine } from '../../src/search/open.js';
import { parseQuery } from '../../src/query/parser.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-segments-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('segmented build', () => {
  it('many segments merged = one segment, byte for byte; no segment file is left behind', async () => {
    const one = join(work, 'one');
    const many = join(work, 'many');
    expect((await buildIndex({ dataDir: CORPUS_DIR, indexDir: one, workers: 0, cache: false })).segments).toBe(1);
    // ~64 KB of postings a segment: the 36 reports are written in more than ten segments.
    const built = await buildIndex({ dataDir: CORPUS_DIR, indexDir: many, workers: 0, cache: false, segmentBytes: 64 << 10 });
    expect(built.segments).toBeGreaterThan(10);
    const genOne = (await currentGeneration(one))!;
    const genMany = (await currentGeneration(many))!;
    for (const file of [GRAMS_FILE, POSITIONS_FILE, WORDS_FILE, BLOCKS_FILE]) {
      const a = await readFile(join(genOne, file));
      const b = await readFile(join(genMany, file));
      expect(b.length, file).toBe(a.length);
      expect(b.equals(a), file).toBe(true);
    }
    expect((await readdir(genMany)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // And the engine over it answers as over the other (the files are the same; this checks the reader too).
    const e1 = await openEngine(one);
    const e2 = await openEngine(many);
    for (const q of ['三项制度', '"重大行政决策"', '行政执法 公示', '湟中 OR 新县']) {
      const query = { parsed: parseQuery(q), match: 'exact' as const };
      const r1 = await e1.search(query, { regions: [], years: [] }, { sort: 'relevance', page: 1, size: 20 });
      const r2 = await e2.search(query, { regions: [], years: [] }, { sort: 'relevance', page: 1, size: 20 });
      expect(r2.total).toBe(r1.total);
      expect(r2.hits.map((h) => h.id)).toEqual(r1.hits.map((h) => h.id));
    }
    e1.close();
    e2.close();
  });
});
