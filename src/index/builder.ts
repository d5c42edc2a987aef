/**
 * Builds an index generation from a data folder: ingest → analyze (worker
 * threads, cached per file by content hash) → write (texts, n-gram postings,
 * word index, report table) → publish atomically.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { analyzerFingerprint, useUserDictionary } from '../analyze/analyzer.js';
import { discover, FolderMerger } from '../ingest/index.js';
import type { DocRecord, SkippedFile } from '../types.js';
import type { FileTask } from './filework.js';
import { blocksFile, crc32, sealManifest } from './checksum.js';
import { ByteWriter } from './bytestream.js';
import { statFingerprint } from './fingerprint.js';
import {
  BLOCKS_FILE,
  DOCS_FILE,
  FORMAT_VERSION,
  GRAMS_FILE,
  MANIFEST_FILE,
  POSITIONS_FILE,
  REUSE_FILE,
  TEXTS_FILE,
  USERDICT_FILE,
  WORDS_FILE,
  IndexError,
  type Manifest,
} from './format.js';
import { runFileTasks } from './pool.js';
import { mergePostings, PostingsBuilder, type PostingsSegment } from './postings.js';
import { readManifest } from './reader.js';
import {
  currentGeneration,
  discardGenerationDir,
  faultPoint,
  newGenerationDir,
  publishGeneration,
  pruneGenerations,
  removeDeadLeftovers,
  writeFileDurable,
} from './storage.js';
import { TextStoreWriter } from './textstore.js';
import { regionPath, ReuseIndexBuilder } from '../reuse/index.js';
import { WordIndexBuilder } from './wordindex.js';

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
  /**
   * Stops the build (Ctrl+C): workers finish the file they are on, the
   * partial generation is deleted, and the promise rejects with `BuildAborted`.
   */
  signal?: AbortSignal;
  /** Postings held in memory before a segment is written (default `SEGMENT_BYTES`; tests use tiny ones). */
  segmentBytes?: number;
  /** Characters per chunk when a large file's reports are analyzed on every thread (default `CHUNK_CHARS`; tests use tiny ones). */
  chunkChars?: number;
}

/** A build that could not finish (a full disk, a write error); the message (Chinese) names the folder and the fix. */
export class BuildError extends IndexError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

/** The build was interrupted on purpose (Ctrl+C, SIGTERM). */
export class BuildAborted extends Error {
  constructor() {
    super('索引：建立索引已中断，未完成的文件已删除，原有索引未受影响');
    this.name = 'BuildAborted';
  }
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
  /** Segments the postings were written in before the merge. */
  segments: number;
  /** Chunks of large files analyzed on any thread (0: every file went whole to one thread). */
  chunks: number;
}

export const CACHE_DIR = 'cache';
const SMALL_ARCHIVE_BYTES = 4 << 20;
/**
 * Postings held before a segment is written (pairs, position blocks, word
 * lists): the build's memory is bounded by this, not by the archive. ≈ 1,300
 * reports of 20 k characters; each segment adds one merge input at the end.
 */
const SEGMENT_BYTES = 256 << 20;

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
  const dataStat = await stat(dataDir).catch(() => null);
  if (!dataStat?.isDirectory()) {
    throw new BuildError(`索引：数据文件夹 ${dataDir} 不存在或不是文件夹——请用 --data 指定报告所在的文件夹（或设置 DATA_DIR）`);
  }
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
  const tasks: FileTask[] = found.files.map((file) => ({ dataDir, file, cacheDir, userDict, build, chunkChars: opts.chunkChars }));

  // A dead build's leftovers go first: they may hold the space this build needs.
  await removeDeadLeftovers(indexDir);
  const { tmpDir, name } = await newGenerationDir(indexDir);
  let texts: TextStoreWriter | null = null;
  try {
    texts = new TextStoreWriter(join(tmpDir, TEXTS_FILE));
    // Postings and word statistics are written in segments of bounded size and merged at the end.
    const postings = new PostingsBuilder();
    const words = new WordIndexBuilder();
    const segments: PostingsSegment[] = [];
    const segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
    const flushSegment = (nextBase: number) => {
      words.flushSegment(join(tmpDir, `words-seg-${segments.length}.tmp`));
      segments.push(postings.flushSegment(join(tmpDir, `postings-seg-${segments.length}.tmp`), nextBase));
    };
    // Text reuse: every report's winnowed shingles, in the same pass (src/reuse).
    const reuse = new ReuseIndexBuilder(undefined, Math.max(1 << 20, Math.round(totalBytes / 3)), false);
    const records: DocRecord[] = [];
    const dataHash = createHash('sha256');
    const merger = new FolderMerger(found);
    const usedCache = new Set<string>();
    const dictionaries = new Map<number, number[]>();
    let reused = 0;

    const bar = progressBar(!!opts.progress, '索引');
    bar?.start(tasks.length, 0);
    const pool = await runFileTasks(
      tasks,
      workers,
      (i, result) => {
      usedCache.add(`${result.cacheKey}.json.z`);
      if (result.fromCache) reused++;
      // Word ids are a thread's (its new terms, in the order it made them, extend its map) or a chunk's own.
      const partOf: number[][] = [];
      for (const part of result.parts) {
        let toGlobal: number[];
        if (part.dictionary === null) toGlobal = part.terms.map((t) => words.intern(t));
        else {
          toGlobal = dictionaries.get(part.dictionary) ?? [];
          dictionaries.set(part.dictionary, toGlobal);
          for (const term of part.terms) toGlobal.push(words.intern(term));
        }
        for (let r = 0; r < part.reports; r++) partOf.push(toGlobal);
      }
      const position = new Map(result.docs.map((d, k) => [d, k]));
      for (const doc of merger.add(result)) {
        const k = position.get(doc)!;
        const a = result.analyzed[k];
        const toGlobal = partOf[k];
        const n = records.length;
        texts!.addPrepared(a.text);
        postings.add(n, a.grams);
        words.addField(n, 0, a.words.title.map((id) => toGlobal[id]), a.words.titleFreqs);
        words.addField(n, 1, a.words.body.map((id) => toGlobal[id]), a.words.bodyFreqs);
        const { text, ...meta } = doc;
        records.push({ ...meta, chars: text.length });
        // fingerprints were taken on the worker thread with the same (default) settings
        reuse.add({ id: doc.id, paragraphs: text.split('\n'), year: doc.year, region: regionPath(doc.region), date: doc.date }, a.reuse);
        dataHash.update(`${doc.id}\u0000${JSON.stringify(meta)}\u0000${text}\u0000`);
        if (postings.memoryBytes + words.memoryBytes > segmentBytes) flushSegment(records.length);
      }
        bar?.update(i + 1);
      },
      opts.signal,
    ).finally(() => bar?.stop());

    const files: Record<string, number> = {};
    const checksums: Record<string, number> = {};
    const put = async (file: string, data: string | Uint8Array) => {
      opts.signal?.throwIfAborted();
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await writeFileDurable(join(tmpDir, file), bytes);
      files[file] = bytes.length;
      checksums[file] = crc32(bytes);
    };
    files[TEXTS_FILE] = texts.close();
    checksums[TEXTS_FILE] = texts.checksum;
    faultPoint('after-texts');
    opts.signal?.throwIfAborted();
    flushSegment(records.length);
    const merged = mergePostings(segments, join(tmpDir, GRAMS_FILE), join(tmpDir, POSITIONS_FILE), join(tmpDir, 'lists.tmp'));
    files[GRAMS_FILE] = merged.grams.bytes;
    checksums[GRAMS_FILE] = merged.grams.checksum;
    files[POSITIONS_FILE] = merged.positions.bytes;
    checksums[POSITIONS_FILE] = merged.positions.checksum;
    await put(BLOCKS_FILE, blocksFile(merged.grams.blocks, merged.positions.blocks));
    opts.signal?.throwIfAborted();
    const w = words.write(join(tmpDir, WORDS_FILE));
    files[WORDS_FILE] = w.bytes;
    checksums[WORDS_FILE] = w.checksum;
    await put(DOCS_FILE, JSON.stringify(records));
    // Streamed section by section: joined into one Buffer, the reuse index was held twice at the end of the build.
    const reuseOut = new ByteWriter(join(tmpDir, REUSE_FILE));
    for (const part of reuse.finish().toParts()) reuseOut.write(part);
    const reuseFile = reuseOut.close();
    files[REUSE_FILE] = reuseFile.bytes;
    checksums[REUSE_FILE] = reuseFile.checksum;
    if (userDict !== null) await put(USERDICT_FILE, userDict);

    const summary = merger.summary();
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      analyzer: analyzerFingerprint(),
      reports: records.length,
      builtAt: new Date().toISOString(),
      dataFingerprint: dataHash.digest('hex').slice(0, 32),
      statFingerprint: statFp,
      hasUserDict,
      ingest: { found: summary.found, skipped: summary.skipped.length, duplicates: summary.duplicates.length },
      files,
      checksums,
    };
    // The manifest is written last: a generation without one was never finished.
    opts.signal?.throwIfAborted();
    await writeFileDurable(join(tmpDir, MANIFEST_FILE), sealManifest(manifest));
    faultPoint('before-publish');
    opts.signal?.throwIfAborted();
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
      segments: segments.length,
      chunks: pool.chunks,
    };
  } catch (err) {
    texts?.abandon();
    await discardGenerationDir(tmpDir);
    if (opts.signal?.aborted) throw new BuildAborted();
    throw await explainWriteError(err, indexDir, totalBytes);
  }
}

/** Error codes of a write that failed because of the disk, not the data. */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'EFBIG', 'EMFILE', 'ENFILE']);

const mb = (bytes: number) => `${Math.max(1, Math.ceil(bytes / 2 ** 20)).toLocaleString('en-US')} MB`;

/**
 * A failed write as a message a person can act on: which folder, how much
 * space a generation needs (the live one's size, or about the data's size for
 * a first build) and how much is free. Other errors pass through.
 */
async function explainWriteError(err: unknown, indexDir: string, dataBytes: number): Promise<unknown> {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (!code || !DISK_CODES.has(code)) return err;
  const keep = '已删除本次未完成的文件，原有索引未受影响';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    let need = Math.ceil(dataBytes * INDEX_BYTES_PER_DATA_BYTE);
    const live = await currentGeneration(indexDir);
    if (live) {
      const m = await readManifest(live).catch(() => null);
      if (m) need = Object.values(m.files ?? {}).reduce((a, b) => a + b, 0);
    }
    const fs = await statfs(indexDir).catch(() => null);
    const free = fs ? `现有可用空间约 ${mb(fs.bavail * fs.bsize)}，` : '';
    return new BuildError(
      `索引：磁盘空间不足，无法在 ${indexDir} 写入新索引——新索引约需 ${mb(need)}，${free}请腾出空间（或用 --index 指定空间足够的文件夹）后重新运行 npm run index；${keep}`,
      code,
    );
  }
  const why = (err as Error).message;
  return new BuildError(`索引：无法在 ${indexDir} 写入索引（${code}：${why}）——请检查该文件夹的权限和磁盘后重新运行 npm run index；${keep}`, code);
}

/** Index bytes per byte of data: 5.3 MB for the 1.9 MB sample archive (a first build's estimate). */
const INDEX_BYTES_PER_DATA_BYTE = 3;

/** Drops cache entries of files that are gone or changed. */
async function pruneCache(cacheDir: string, used: Set<string>): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !used.has(n)).map((n) => rm(join(cacheDir, n), { force: true })));
}
