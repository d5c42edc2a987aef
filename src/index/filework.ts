/**
 * The per-file work of indexing, the same in a worker thread or in process:
 * ingest one file (or take it from the cache by content hash), and analyze
 * each of its reports. The result is what the builder needs and nothing more.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { analyzerFingerprint, loadUserDictionary, normalize, words } from '../analyze/analyzer.js';
import { fileFingerprint, ingestFile, type DiscoveredFile } from '../ingest/index.js';
import type { ReportDocument, SkippedFile } from '../types.js';
import { gramKeys } from './postings.js';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export interface FileTask {
  dataDir: string;
  file: DiscoveredFile;
  /** Where per-file results are cached by content hash; null: no cache. */
  cacheDir: string | null;
  userDict: string | null;
}

export interface FileResult {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  /** Per report: analyzer words of title and body, joined by '\n' (cheap to pass between threads). */
  words: Array<{ title: string; body: string }>;
  /** Per report: its distinct n-gram keys. */
  keys: Uint32Array[];
  /** Cache entry name (content hash), so the builder can drop entries no longer used. */
  cacheKey: string;
  fromCache: boolean;
}

interface CacheEntry {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  words: Array<{ title: string; body: string }>;
}

let dictLoaded: string | null = null;

/** Ingests and analyzes one file, or reuses the cached result for the same bytes and analyzer. */
export async function processFile(task: FileTask): Promise<FileResult> {
  if (task.userDict && dictLoaded !== task.userDict) {
    loadUserDictionary(task.userDict);
    dictLoaded = task.userDict;
  }
  const fp = await fileFingerprint(task.dataDir, task.file);
  const cacheKey = createHash('sha256').update(`${fp}\u0000${analyzerFingerprint()}`).digest('hex').slice(0, 40);
  const cachePath = task.cacheDir ? join(task.cacheDir, `${cacheKey}.json.z`) : null;

  let entry: CacheEntry | null = null;
  let fromCache = false;
  if (cachePath) {
    try {
      entry = JSON.parse((await inflate(await readFile(cachePath))).toString('utf8')) as CacheEntry;
      fromCache = true;
    } catch {
      entry = null; // missing or damaged: recompute
    }
  }
  if (!entry) {
    const r = await ingestFile(task.dataDir, task.file);
    entry = {
      docs: r.docs,
      skipped: r.skipped,
      words: r.docs.map((d) => ({ title: words(normalize(d.title)).join('\n'), body: words(normalize(d.text)).join('\n') })),
    };
    if (cachePath) {
      await mkdir(task.cacheDir!, { recursive: true });
      const tmp = `${cachePath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(tmp, await deflate(Buffer.from(JSON.stringify(entry)), { level: 1 }));
      await rename(tmp, cachePath);
    }
  }
  return { ...entry, keys: entry.docs.map((d) => gramKeys(normalize(d.text))), cacheKey, fromCache };
}
