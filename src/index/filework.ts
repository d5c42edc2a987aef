/**
 * The per-file work of indexing, the same in a worker thread or in process:
 * ingest one file (or take it from the cache by content hash), and analyze
 * each of its reports. The result is what the builder needs and nothing more.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { analyzerFingerprint, normalize, useUserDictionary, words } from '../analyze/analyzer.js';
import { fileFingerprint, ingestFile, type DiscoveredFile } from '../ingest/index.js';
import type { ReportDocument, SkippedFile } from '../types.js';
import { analyzeGrams, type GramData } from './postings.js';
import { prepareText, type PreparedText } from './textstore.js';
import { countTerms } from './wordindex.js';
import { reportFingerprints, resolveOptions, type ReportFingerprints } from '../reuse/index.js';

/** Bump when the cache entry's shape changes: old entries are then simply not found. */
const CACHE_VERSION = 2;

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export interface FileTask {
  dataDir: string;
  file: DiscoveredFile;
  /** Where per-file results are cached by content hash; null: no cache. */
  cacheDir: string | null;
  /** The user dictionary's content (null: none): every thread segments with the build's dictionary. */
  userDict: string | null;
  /** Identifies the build: a thread's term dictionary starts afresh for each build. */
  build: string;
  /** Characters per chunk of a split file (default `CHUNK_CHARS`); files over twice that are split. */
  chunkChars?: number;
}

/** A report's counted words, compact for passing between threads: distinct terms joined by '\n', and their counts. */
export interface PackedCounts {
  title: string;
  titleFreqs: ArrayLike<number>;
  body: string;
  bodyFreqs: ArrayLike<number>;
}

/**
 * A report's counted words as ids of the thread's term dictionary: passing
 * numbers instead of strings spares the main thread a string hash per word.
 */
export interface WordIds {
  title: Uint32Array;
  titleFreqs: Uint32Array;
  body: Uint32Array;
  bodyFreqs: Uint32Array;
}

/** Everything the builder needs of one report besides its metadata, computed off the main thread. */
export interface AnalyzedText {
  words: WordIds;
  /** Distinct n-gram keys and bigram positions. */
  grams: GramData;
  /** The text store's form of the text. */
  text: PreparedText;
  /** Winnowed shingles of each paragraph, for the text-reuse index (src/reuse). */
  reuse: ReportFingerprints;
}

/** The reuse index's settings: the builder uses the same defaults (`new ReuseIndexBuilder()`). */
const REUSE_OPTIONS = resolveOptions();

/**
 * The dictionary a run of reports' word ids refer to: a thread's (ids continue
 * from that thread's previous result; `terms` are the ones it added, in
 * order) or, with `dictionary` null, the part's own (`terms` is all of it).
 */
export interface WordPart {
  dictionary: number | null;
  terms: string[];
  /** Reports of `analyzed` in this part (parts follow each other in order). */
  reports: number;
}

export interface FileResult {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  /** Per report, in the order of `docs`. */
  analyzed: AnalyzedText[];
  /** Which dictionaries the word ids refer to. */
  parts: WordPart[];
  /** Cache entry name (content hash), so the builder can drop entries no longer used. */
  cacheKey: string;
  fromCache: boolean;
}

/**
 * A large file handed back unanalyzed, so its reports are analyzed in chunks
 * by every thread (one 700 MB dataset keeps both cores busy, as 500 small
 * files do); the pool assembles the chunks into the file's `FileResult`.
 */
export interface SplitFile {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  /** Word counts from the cache entry (null: count them). */
  counts: PackedCounts[] | null;
  cacheKey: string;
  cachePath: string | null;
  fromCache: boolean;
}

/** A chunk of a split file's reports, analyzed by any thread. */
export interface ChunkTask {
  docs: ReportDocument[];
  counts: PackedCounts[] | null;
  userDict: string | null;
}

export interface ChunkResult {
  analyzed: AnalyzedText[];
  /** The chunk's own dictionary (word ids index it). */
  terms: string[];
  /** Word counts, when they were computed (for the cache entry). */
  counts: PackedCounts[] | null;
}

/** A file whose reports hold more characters than this is split into chunks of about this size. */
export const CHUNK_CHARS = 2_000_000;

export interface CacheEntry {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  counts: PackedCounts[];
}

/** Maps terms to ids: a thread's dictionary across files, or a chunk's own. */
class TermIds {
  ids = new Map<string, number>();
  added: string[] = [];

  get(packed: string | string[]): Uint32Array {
    if (!packed) return new Uint32Array(0);
    const terms = typeof packed === 'string' ? packed.split('\n') : packed;
    const out = new Uint32Array(terms.length);
    for (let i = 0; i < terms.length; i++) {
      let id = this.ids.get(terms[i]);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(terms[i], id);
        this.added.push(terms[i]);
      }
      out[i] = id;
    }
    return out;
  }
}

/** This thread's term dictionary for whole files: ids are handed out in order, new terms reported with each result. */
const dictionary = { id: threadId, build: '', terms: new TermIds() };

/**
 * Analyzes reports: gram keys and positions, the stored text, reuse
 * fingerprints, and word counts (from `cached`, or counted now) as ids of `dict`.
 */
function analyzeDocs(docs: ReportDocument[], cached: PackedCounts[] | null, dict: TermIds): { analyzed: AnalyzedText[]; counts: PackedCounts[] } {
  const counts: PackedCounts[] = [];
  const analyzed = docs.map((d, i): AnalyzedText => {
    const norm = normalize(d.text);
    let packed = cached?.[i];
    if (!packed) {
      const t = countTerms(words(normalize(d.title)));
      const b = countTerms(words(norm));
      packed = { title: t.terms.join('\n'), titleFreqs: Array.from(t.freqs), body: b.terms.join('\n'), bodyFreqs: Array.from(b.freqs) };
    }
    counts.push(packed);
    const ids: WordIds = { title: dict.get(packed.title), titleFreqs: Uint32Array.from(packed.titleFreqs), body: dict.get(packed.body), bodyFreqs: Uint32Array.from(packed.bodyFreqs) };
    return { words: ids, grams: analyzeGrams(norm), text: prepareText(d.text, norm), reuse: reportFingerprints(d.text.split('\n'), REUSE_OPTIONS) };
  });
  return { analyzed, counts };
}

/** Transferable buffers of a result, so posting it to the main thread moves them instead of copying. */
export function transferList(r: { analyzed: AnalyzedText[] }): ArrayBuffer[] {
  return r.analyzed.flatMap(
    (a) =>
      [a.grams.keys.buffer, a.grams.positions.buffer, a.text.deflated.buffer, a.text.diffPos.buffer, a.text.diffChar.buffer, a.words.title.buffer, a.words.titleFreqs.buffer, a.words.body.buffer, a.words.bodyFreqs.buffer] as ArrayBuffer[],
  );
}

/** Writes a file's cache entry (atomically: a temporary name, then rename). */
export async function writeCacheEntry(cacheDir: string, cachePath: string, entry: CacheEntry): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${cachePath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, await deflate(Buffer.from(JSON.stringify(entry)), { level: 1 }));
  await rename(tmp, cachePath);
}

/**
 * Ingests and analyzes one file, or reuses the cached result for the same
 * bytes and analyzer. With `splitChars`, a file whose reports hold more
 * characters than that (and more than one report) comes back unanalyzed, as
 * a `SplitFile`, for `analyzeChunk` on every thread.
 */
export async function processFile(task: FileTask): Promise<FileResult>;
export async function processFile(task: FileTask, splitChars: number): Promise<FileResult | SplitFile>;
export async function processFile(task: FileTask, splitChars = Infinity): Promise<FileResult | SplitFile> {
  useUserDictionary(task.userDict);
  if (dictionary.build !== task.build) {
    dictionary.build = task.build;
    dictionary.terms = new TermIds();
  }
  const fp = await fileFingerprint(task.dataDir, task.file);
  const cacheKey = createHash('sha256').update(`cache-v${CACHE_VERSION}\u0000${fp}\u0000${analyzerFingerprint()}`).digest('hex').slice(0, 40);
  const cachePath = task.cacheDir ? join(task.cacheDir, `${cacheKey}.json.z`) : null;

  let entry: CacheEntry | null = null;
  if (cachePath) {
    try {
      entry = JSON.parse((await inflate(await readFile(cachePath))).toString('utf8')) as CacheEntry;
    } catch {
      entry = null; // missing or damaged: recompute
    }
  }
  const fromCache = entry !== null;
  const { docs, skipped } = entry ?? (await ingestFile(task.dataDir, task.file));
  const cached = entry?.counts ?? null;
  let chars = 0;
  for (const d of docs) chars += d.text.length;
  if (docs.length > 1 && chars > splitChars) return { docs, skipped, counts: cached, cacheKey, cachePath, fromCache };

  const { analyzed, counts } = analyzeDocs(docs, cached, dictionary.terms);
  if (!fromCache && cachePath) await writeCacheEntry(task.cacheDir!, cachePath, { docs, skipped, counts });
  const part: WordPart = { dictionary: dictionary.id, terms: dictionary.terms.added, reports: analyzed.length };
  dictionary.terms.added = [];
  return { docs, skipped, analyzed, parts: [part], cacheKey, fromCache };
}

/** A split file's chunk tasks: consecutive reports of about `chunkChars` characters each. */
export function chunkTasks(split: SplitFile, chunkChars: number, userDict: string | null): ChunkTask[] {
  const out: ChunkTask[] = [];
  let from = 0;
  let chars = 0;
  const docs = split.docs;
  for (let i = 0; i < docs.length; i++) {
    chars += docs[i].text.length;
    if ((chars >= chunkChars && i + 1 < docs.length) || i + 1 === docs.length) {
      out.push({ docs: docs.slice(from, i + 1), counts: split.counts ? split.counts.slice(from, i + 1) : null, userDict });
      from = i + 1;
      chars = 0;
    }
  }
  return out;
}

/** A split file's result from its analyzed chunks, in order: each chunk's word ids refer to its own terms. */
export function assembleSplit(split: SplitFile, parts: ChunkResult[]): FileResult {
  return {
    docs: split.docs,
    skipped: split.skipped,
    analyzed: parts.flatMap((c) => c.analyzed),
    parts: parts.map((c) => ({ dictionary: null, terms: c.terms, reports: c.analyzed.length })),
    cacheKey: split.cacheKey,
    fromCache: split.fromCache,
  };
}

/** Analyzes a chunk of a split file's reports, with a dictionary of its own. */
export function analyzeChunk(task: ChunkTask): ChunkResult {
  useUserDictionary(task.userDict);
  const dict = new TermIds();
  const { analyzed, counts } = analyzeDocs(task.docs, task.counts, dict);
  return { analyzed, terms: dict.added, counts: task.counts ? null : counts };
}
