/**
 * Incremental builds and the reuse index: a build after changing one file
 * (the others from the per-file cache; their fingerprints are recomputed on
 * the worker threads, which costs less than caching them would on disk)
 * writes a reuse.bin byte-identical to a build from scratch.
 */
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { REUSE_FILE } from '../../src/index/format.js';
import { currentGeneration } from '../../src/index/storage.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-reuse-incremental-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const reuseBin = async (indexDir: string) => readFile(join((await currentGeneration(indexDir))!, REUSE_FILE));

describe('reuse.bin in incremental builds', () => {
  it('after changing one file: the bytes of a full rebuild', async () => {
    const data = join(work, 'data');
    await cp(CORPUS_DIR, data, { recursive: true });
    const incremental = join(work, 'index-incremental');
    // worker threads on, as on a large archive: the fingerprints travel from the threads
    const first = await buildIndex({ dataDir: data, indexDir: incremental, workers: 2 });
    expect(first.reused).toBe(0);
    const before = await reuseBin(incremental);

    // The change adds reuse: a long paragraph of another report copied into this one.
    const docs = (await ingestFolder(data)).docs;
    const donor = docs.find((d) => d.id.startsWith('provincial-2026'))!;
    const copied = donor.text.split('\n').filter((p) => p.length > 150)[2];
    expect(copied).toBeDefined();
    await appendFile(join(data, 'seeds', '001_9142c4c7e365e737.txt'), `\n${copied}\n`);

    const second = await buildIndex({ dataDir: data, indexDir: incremental, workers: 2 });
    expect(second.reused).toBe(first.reports - 1);
    const scratch = join(work, 'index-scratch');
    await buildIndex({ dataDir: data, indexDir: scratch, workers: 0, cache: false });
    const inc = await reuseBin(incremental);
    expect(inc.equals(await reuseBin(scratch))).toBe(true);
    // and the change is in it: the index before the change differs
    expect(inc.equals(before)).toBe(false);

  });
});
