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
import { prepareText, type PreparedText } from './textstore.js';
import { countTerms, type TermCounts } from './wordindex.js';

/** Bump when the cache entry's shape changes: old entries are then simply not found. */
const CACHE_VERSION = 2;

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export interface FileTask {
  dataDir: string;
  file: DiscoveredFile;
  /** Where per-file results are cached by content hash; null: no cache. */
  cacheDir: string | null;
  userDict: string | null;
}

/** A report's counted words, compact for passing between threads: distinct terms joined by '\n', and their counts. */
export interface PackedCounts {
  title: string;
  titleFreqs: ArrayLike<number>;
  body: string;
  bodyFreqs: ArrayLike<number>;
}

/** Everything the builder needs of one report besides its metadata, computed off the main thread. */
export interface AnalyzedText {
  counts: PackedCounts;
  /** Distinct n-gram keys. */
  keys: Uint32Array;
  /** The text store's form of the text. */
  text: PreparedText;
}

export interface FileResult {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  /** Per report, in the order of `docs`. */
  analyzed: AnalyzedText[];
  /** Cache entry name (content hash), so the builder can drop entries no longer used. */
  cacheKey: string;
  fromCache: boolean;
}

interface CacheEntry {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  counts: PackedCounts[];
}

function packCounts(title: string, text: string): PackedCounts {
  const t = countTerms(words(normalize(title)));
  const b = countTerms(words(normalize(text)));
  return { title: t.terms.join('\n'), titleFreqs: Array.from(t.freqs), body: b.terms.join('\n'), bodyFreqs: Array.from(b.freqs) };
}

/** Unpacks what packCounts made (after a trip through a thread or the cache). */
export function unpackCounts(p: PackedCounts): { title: TermCounts; body: TermCounts } {
  return {
    title: { terms: p.title ? p.title.split('\n') : [], freqs: p.titleFreqs },
    body: { terms: p.body ? p.body.split('\n') : [], freqs: p.bodyFreqs },
  };
}

/** Transferable buffers of a result, so posting it to the main thread moves them instead of copying. */
export function transferList(r: FileResult): ArrayBuffer[] {
  return r.analyzed.flatMap((a) => [a.keys.buffer, a.text.norm.buffer, a.text.diffPos.buffer, a.text.diffChar.buffer] as ArrayBuffer[]);
}

let dictLoaded: string | null = null;

/** Ingests and analyzes one file, or reuses the cached result for the same bytes and analyzer. */
export async function processFile(task: FileTask): Promise<FileResult> {
  if (task.userDict && dictLoaded !== task.userDict) {
    loadUserDictionary(task.userDict);
    dictLoaded = task.userDict;
  }
  const fp = await fileFingerprint(task.dataDir, task.file);
  const cacheKey = createHash('sha256').update(`cache-v${CACHE_VERSION}\u0000${fp}\u0000${analyzerFingerprint()}`).digest('hex').slice(0, 40);
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
      counts: r.docs.map((d) => packCounts(d.title, d.text)),
    };
    if (cachePath) {
      await mkdir(task.cacheDir!, { recursive: true });
      const tmp = `${cachePath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(tmp, await deflate(Buffer.from(JSON.stringify(entry)), { level: 1 }));
      await rename(tmp, cachePath);
    }
  }
  const analyzed = entry.docs.map((d, i): AnalyzedText => {
    const norm = normalize(d.text);
    return { counts: entry!.counts[i], keys: gramKeys(norm), text: prepareText(d.text, norm) };
  });
  return { docs: entry.docs, skipped: entry.skipped, analyzed, cacheKey, fromCache };
}
