/**
 * Opening an index: find the live generation, check its manifest against this
 * program (format version, analyzer), load its parts, and hand out an Engine.
 * IndexHandle swaps in a newly published generation atomically: a request
 * takes `current()` once and sees one snapshot, old or new, never a mix.
 */
import { watchFile, unwatchFile } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzerFingerprint, loadUserDictionary } from '../analyze/analyzer.js';
import type { Engine } from '../search/engine.js';
import { Searcher } from '../search/searcher.js';
import type { DocRecord } from './builder.js';
import { statFingerprint } from './fingerprint.js';
import {
  checkManifest,
  CURRENT_FILE,
  DOCS_FILE,
  FORMAT_VERSION,
  GRAMS_FILE,
  IndexError,
  MANIFEST_FILE,
  POSITIONS_FILE,
  TEXTS_FILE,
  USERDICT_FILE,
  type Manifest,
} from './format.js';
import { GramPostings } from './postings.js';
import { currentGeneration } from './storage.js';
import { readWholeFile, TextStore } from './textstore.js';
import { WordIndex } from './wordindex.js';

/** Reads a file asynchronously, or in chunks where fs.readFile stops (2 GiB). */
async function readLarge(path: string): Promise<Buffer> {
  const { size } = await stat(path);
  return size < 2 ** 31 - 1 ? readFile(path) : readWholeFile(path);
}

/** How long a replaced snapshot stays open for requests still using it. */
const RETIRE_AFTER_MS = 60_000;

export async function readManifest(genDir: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(join(genDir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    throw new IndexError(`索引：${genDir} 缺少或无法读取 ${MANIFEST_FILE}——请运行 npm run index 重新建立索引`);
  }
}

/** Opens the live generation of `indexDir`. Throws IndexError (Chinese, with the fix) when it cannot. */
export async function openIndex(indexDir: string): Promise<Engine> {
  const genDir = await currentGeneration(indexDir);
  if (!genDir) throw new IndexError(`索引：${indexDir} 中还没有索引——请先运行 npm run index`);
  const manifest = await readManifest(genDir);
  if (manifest.formatVersion !== FORMAT_VERSION) checkManifest(manifest, manifest.analyzer);
  for (const [name, bytes] of Object.entries(manifest.files)) {
    const s = await stat(join(genDir, name)).catch(() => null);
    if (!s || s.size !== bytes) {
      throw new IndexError(`索引：文件 ${name} 缺失或大小不符（索引已损坏）——请运行 npm run index 重新建立索引`);
    }
  }
  // Start reading the big files on the thread pool, then load jieba (synchronous,
  // about a second) for the analyzer check while they arrive: cold start pays once.
  const reads = Promise.all([readLarge(join(genDir, GRAMS_FILE)), readFile(join(genDir, DOCS_FILE), 'utf8')]);
  reads.catch(() => undefined); // awaited below; keep an early failure from going unhandled meanwhile
  if (manifest.hasUserDict) loadUserDictionary(join(genDir, USERDICT_FILE));
  checkManifest(manifest, analyzerFingerprint());
  const [gramsBuf, docsJson] = await reads;
  const records = JSON.parse(docsJson) as DocRecord[];
  const texts = TextStore.open(join(genDir, TEXTS_FILE));
  // The positions file, the largest, arrives in the background; a phrase query
  // that comes first reads it synchronously instead of waiting for the promise.
  const positionsPath = join(genDir, POSITIONS_FILE);
  let positions: Buffer | null = null;
  readLarge(positionsPath).then(
    (buf) => (positions ??= buf),
    () => undefined, // the synchronous read below reports the error, if it recurs
  );
  const grams = new GramPostings(gramsBuf, () => (positions ??= readWholeFile(positionsPath)));
  const words = new WordIndex(genDir, manifest.wordShards, records.length);
  return new Searcher({
    info: {
      dir: genDir,
      formatVersion: manifest.formatVersion,
      analyzer: manifest.analyzer,
      reports: manifest.reports,
      builtAt: manifest.builtAt,
      dataFingerprint: manifest.dataFingerprint,
    },
    records,
    texts,
    grams,
    words,
  });
}

/** Why an index must be (re)built before serving, or null when it is up to date. */
export async function staleReason(dataDir: string, indexDir: string): Promise<string | null> {
  const genDir = await currentGeneration(indexDir);
  if (!genDir) return '索引不存在';
  let manifest: Manifest;
  try {
    manifest = await readManifest(genDir);
  } catch {
    return '索引不完整';
  }
  if (manifest.formatVersion !== FORMAT_VERSION) return '索引格式版本已变化';
  // The fingerprint covers the user dictionary: compare with the one the index was built with.
  if (manifest.hasUserDict) loadUserDictionary(join(genDir, USERDICT_FILE));
  if (manifest.analyzer !== analyzerFingerprint()) return '分词器已变化';
  if (manifest.statFingerprint !== (await statFingerprint(dataDir))) return '数据文件夹有变化';
  return null;
}

/**
 * The live index of a folder, swapped atomically when a rebuild publishes a
 * new generation (CURRENT changes). A failed reload keeps the old snapshot.
 */
export class IndexHandle {
  private engine: Engine;
  private watching = false;
  private reloading: Promise<void> | null = null;

  private constructor(
    readonly indexDir: string,
    engine: Engine,
  ) {
    this.engine = engine;
  }

  static async open(indexDir: string, opts: { watch?: boolean; onReload?: (e: Engine | Error) => void } = {}): Promise<IndexHandle> {
    const handle = new IndexHandle(indexDir, await openIndex(indexDir));
    if (opts.watch) handle.watch(opts.onReload);
    return handle;
  }

  /** The snapshot to use for one request. */
  current(): Engine {
    return this.engine;
  }

  /** Opens the live generation again and swaps it in if it changed. */
  async reload(): Promise<Engine> {
    const genDir = await currentGeneration(this.indexDir);
    if (genDir && genDir !== this.engine.info.dir) {
      const old = this.engine;
      this.engine = await openIndex(this.indexDir);
      // Requests that took the old snapshot finish within this grace period.
      setTimeout(() => old.close(), RETIRE_AFTER_MS).unref();
    }
    return this.engine;
  }

  private watch(onReload?: (e: Engine | Error) => void): void {
    this.watching = true;
    watchFile(join(this.indexDir, CURRENT_FILE), { interval: 1000 }, () => {
      if (this.reloading) return;
      this.reloading = this.reload()
        .then((e) => onReload?.(e))
        .catch((err: Error) => onReload?.(err))
        .finally(() => {
          this.reloading = null;
        });
    });
  }

  /** Stops watching and closes the current snapshot. */
  close(): void {
    if (this.watching) unwatchFile(join(this.indexDir, CURRENT_FILE));
    this.watching = false;
    this.engine.close();
  }
}
