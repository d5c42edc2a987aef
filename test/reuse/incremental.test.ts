/**
 * Incremental builds and the reuse index: an unchanged file's reuse
 * fingerprints come from the per-file cache, and a build after changing one
 * file writes a reuse.bin byte-identical to a build from scratch. A cache entry
 * whose fingerprint block is damaged is recomputed, not trusted.
 */
import { appendFile, cp, mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, CACHE_DIR } from '../../src/index/builder.js';
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
  it('after changing one file: the cached fingerprints of the others give the bytes of a full rebuild', async () => {
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

    // A damaged fingerprint block (cut short) is not trusted: that file is processed again, the bytes stay the same.
    const cache = join(incremental, CACHE_DIR);
    const entries = await readdir(cache);
    expect(entries.length).toBeGreaterThan(1);
    const victim = join(cache, entries[0]);
    const bytes = await readFile(victim);
    const jsonEnd = 4 + bytes.readUInt32LE(0);
    expect(bytes.length).toBeGreaterThan(jsonEnd); // the block is there
    await truncate(victim, bytes.length - 4);
    const third = await buildIndex({ dataDir: data, indexDir: incremental, workers: 0 });
    expect(third.reused).toBe(first.reports - 1);
    expect((await reuseBin(incremental)).equals(inc)).toBe(true);
  });
});
