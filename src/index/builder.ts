/**
 * Builds an index generation from a data folder: ingest → analyze (worker
 * threads, cached per file by content hash) → write (texts, n-gram postings,
 * word index, report table) → publish atomically.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { analyzerFingerprint, useUserDictionary } from '../analyze/analyzer.js';
import { discover, FolderMerger } from '../ingest/index.js';
import type { DocRecord, SkippedFile } from '../types.js';
import type { FileTask } from './filework.js';
import { statFingerprint } from './fingerprint.js';
import {
  DOCS_FILE,
  FORMAT_VERSION,
  GRAMS_FILE,
  MANIFEST_FILE,
  POSITIONS_FILE,
  TEXTS_FILE,
  USERDICT_FILE,
  wordShardFile,
  type Manifest,
} from './format.js';
import { runFileTasks } from './pool.js';
import { PostingsBuilder } from './postings.js';
import { faultPoint, newGenerationDir, publishGeneration, pruneGenerations, writeFileDurable } from './storage.js';
import { TextStoreWriter } from './textstore.js';
import { shardCountFor, WordIndexBuilder } from './wordindex.js';

export interface BuildOptions {
  dataDir: string;
  indexDir: string;
  /** Show a progress bar on a terminal. */
  progress?: boolean;
  /**
   * Worker threads for ingest + analysis. Default: one per core for archives
   * over 4 MB, none (this thread) for smaller ones, where starting threads costs more.
   */
  workers?: number;
  /** Reuse per-file results of earlier builds by content hash (default true). */
  cache?: boolean;
}

export interface BuildSummary {
  reports: number;
  found: number;
  skipped: SkippedFile[];
  duplicates: number;
  /** Files whose ingest and analysis came from the cache (unchanged since the last build). */
  reused: number;
  ms: number;
  /** Directory of the published generation. */
  generation: string;
}

export const CACHE_DIR = 'cache';
const SMALL_ARCHIVE_BYTES = 4 << 20;

function progressBar(enabled: boolean, label: string) {
  if (!enabled || !process.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} 个文件 | 剩余 {eta_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * Builds a new generation from every report under `dataDir` and publishes it.
 * Files unchanged since an earlier build (same bytes, sidecars, ingest and
 * analyzer versions) are not ingested or segmented again; everything else is
 * rebuilt, so the result is the same as a build from scratch.
 */
export async function buildIndex(opts: BuildOptions): Promise<BuildSummary> {
  const t0 = performance.now();
  const { dataDir, indexDir } = opts;
  // The index records the dictionary it was built with; the segmenter uses exactly that one.
  const userDict = await readFile(join(dataDir, USERDICT_FILE), 'utf8').catch(() => null);
  const hasUserDict = userDict !== null;
  useUserDictionary(userDict);

  const statFp = await statFingerprint(dataDir);
  const found = await discover(dataDir);
  const totalBytes = found.files.reduce((n, f) => n + f.size, 0);
  const workers = opts.workers ?? (totalBytes < SMALL_ARCHIVE_BYTES ? 0 : availableParallelism());
  const cacheDir = opts.cache === false ? null : join(indexDir, CACHE_DIR);
  const build = `${process.pid}-${Date.now()}-${Math.random()}`;
  const tasks: FileTask[] = found.files.map((file) => ({ dataDir, file, cacheDir, userDict, build }));

  const { tmpDir, name } = await newGenerationDir(indexDir);
  try {
    const texts = new TextStoreWriter(join(tmpDir, TEXTS_FILE));
    const postings = new PostingsBuilder();
    // Shards are sized from the archive's bytes (≈ its characters ×3 in UTF-8) before reading it.
    const words = new WordIndexBuilder(shardCountFor(totalBytes / 3));
    const records: DocRecord[] = [];
    const dataHash = createHash('sha256');
    const merger = new FolderMerger(found);
    const usedCache = new Set<string>();
    const dictionaries = new Map<number, number[]>();
    let reused = 0;

    const bar = progressBar(!!opts.progress, '索引');
    bar?.start(tasks.length, 0);
    await runFileTasks(tasks, workers, (i, result) => {
      usedCache.add(`${result.cacheKey}.json.z`);
      if (result.fromCache) reused++;
      // Word ids are per thread: map this thread's new terms to the builder's ids, in the order it made them.
      let toGlobal = dictionaries.get(result.dictionary);
      if (!toGlobal) dictionaries.set(result.dictionary, (toGlobal = []));
      for (const term of result.newTerms) toGlobal.push(words.intern(term));
      const position = new Map(result.docs.map((d, k) => [d, k]));
      for (const doc of merger.add(result)) {
        const a = result.analyzed[position.get(doc)!];
        const n = records.length;
        texts.addPrepared(a.text);
        postings.add(n, a.grams);
        words.addField(n, 0, a.words.title.map((id) => toGlobal[id]), a.words.titleFreqs);
        words.addField(n, 1, a.words.body.map((id) => toGlobal[id]), a.words.bodyFreqs);
        const { text, ...meta } = doc;
        records.push({ ...meta, chars: text.length });
        dataHash.update(`${doc.id}\u0000${JSON.stringify(meta)}\u0000${text}\u0000`);
      }
      bar?.update(i + 1);
    });
    bar?.stop();

    const files: Record<string, number> = {};
    files[TEXTS_FILE] = texts.close();
    faultPoint('after-texts');
    const { grams, positions } = postings.toBuffers();
    await writeFileDurable(join(tmpDir, GRAMS_FILE), grams);
    files[GRAMS_FILE] = grams.length;
    await writeFileDurable(join(tmpDir, POSITIONS_FILE), positions);
    files[POSITIONS_FILE] = positions.length;
    for (let k = 0; k < words.shardCount; k++) {
      const json = words.shardJSON(k);
      await writeFileDurable(join(tmpDir, wordShardFile(k)), json);
      files[wordShardFile(k)] = Buffer.byteLength(json);
    }
    const docsJson = JSON.stringify(records);
    await writeFileDurable(join(tmpDir, DOCS_FILE), docsJson);
    files[DOCS_FILE] = Buffer.byteLength(docsJson);
    if (userDict !== null) await writeFileDurable(join(tmpDir, USERDICT_FILE), userDict);

    const summary = merger.summary();
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      analyzer: analyzerFingerprint(),
      reports: records.length,
      builtAt: new Date().toISOString(),
      dataFingerprint: dataHash.digest('hex').slice(0, 32),
      statFingerprint: statFp,
      wordShards: words.shardCount,
      hasUserDict,
      ingest: { found: summary.found, skipped: summary.skipped.length, duplicates: summary.duplicates.length },
      files,
    };
    // The manifest is written last: a generation without one was never finished.
    await writeFileDurable(join(tmpDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    faultPoint('before-publish');
    const generation = await publishGeneration(indexDir, tmpDir, name);
    await pruneGenerations(indexDir, [name]);
    if (cacheDir) await pruneCache(cacheDir, usedCache);
    return {
      reports: records.length,
      found: summary.found,
      skipped: summary.skipped,
      duplicates: summary.duplicates.length,
      reused,
      ms: performance.now() - t0,
      generation,
    };
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

/** Drops cache entries of files that are gone or changed. */
async function pruneCache(cacheDir: string, used: Set<string>): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !used.has(n)).map((n) => rm(join(cacheDir, n), { force: true })));
}
