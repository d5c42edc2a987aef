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

export interface FileResult {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  /** Per report, in the order of `docs`. */
  analyzed: AnalyzedText[];
  /** Which thread's dictionary the word ids refer to, and the terms it added (ids continue from its previous result). */
  dictionary: number;
  newTerms: string[];
  /** Cache entry name (content hash), so the builder can drop entries no longer used. */
  cacheKey: string;
  fromCache: boolean;
}

interface CacheEntry {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  counts: PackedCounts[];
}

/** A report's counted words, as the cache keeps them and as ids for the builder. */
function countWords(title: string, norm: string): { packed: PackedCounts; ids: WordIds } {
  const t = countTerms(words(normalize(title)));
  const b = countTerms(words(norm));
  return {
    packed: { title: t.terms.join('\n'), titleFreqs: Array.from(t.freqs), body: b.terms.join('\n'), bodyFreqs: Array.from(b.freqs) },
    ids: { title: termIds(t.terms), titleFreqs: Uint32Array.from(t.freqs), body: termIds(b.terms), bodyFreqs: Uint32Array.from(b.freqs) },
  };
}

/** This thread's term dictionary: ids are handed out in order, new terms reported with each result. */
const dictionary = { id: threadId, build: '', ids: new Map<string, number>(), added: [] as string[] };

function termIds(packed: string | string[]): Uint32Array {
  if (!packed) return new Uint32Array(0);
  const terms = typeof packed === 'string' ? packed.split('\n') : packed;
  const out = new Uint32Array(terms.length);
  for (let i = 0; i < terms.length; i++) {
    let id = dictionary.ids.get(terms[i]);
    if (id === undefined) {
      id = dictionary.ids.size;
      dictionary.ids.set(terms[i], id);
      dictionary.added.push(terms[i]);
    }
    out[i] = id;
  }
  return out;
}

function toWordIds(p: PackedCounts): WordIds {
  return { title: termIds(p.title), titleFreqs: Uint32Array.from(p.titleFreqs), body: termIds(p.body), bodyFreqs: Uint32Array.from(p.bodyFreqs) };
}

/** Transferable buffers of a result, so posting it to the main thread moves them instead of copying. */
export function transferList(r: FileResult): ArrayBuffer[] {
  return r.analyzed.flatMap(
    (a) =>
      [a.grams.keys.buffer, a.grams.positions.buffer, a.text.deflated.buffer, a.text.diffPos.buffer, a.text.diffChar.buffer, a.words.title.buffer, a.words.titleFreqs.buffer, a.words.body.buffer, a.words.bodyFreqs.buffer] as ArrayBuffer[],
  );
}

/** Ingests and analyzes one file, or reuses the cached result for the same bytes and analyzer. */
export async function processFile(task: FileTask): Promise<FileResult> {
  useUserDictionary(task.userDict);
  if (dictionary.build !== task.build) {
    dictionary.build = task.build;
    dictionary.ids = new Map();
    dictionary.added = [];
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
  let analyzed: AnalyzedText[];
  if (entry) {
    analyzed = entry.docs.map((d, i): AnalyzedText => {
      const norm = normalize(d.text);
      return { words: toWordIds(entry!.counts[i]), grams: analyzeGrams(norm), text: prepareText(d.text, norm), reuse: reportFingerprints(d.text.split('\n'), REUSE_OPTIONS) };
    });
  } else {
    const r = await ingestFile(task.dataDir, task.file);
    const counts: PackedCounts[] = [];
    analyzed = r.docs.map((d): AnalyzedText => {
      const norm = normalize(d.text);
      const w = countWords(d.title, norm);
      counts.push(w.packed);
      return { words: w.ids, grams: analyzeGrams(norm), text: prepareText(d.text, norm), reuse: reportFingerprints(d.text.split('\n'), REUSE_OPTIONS) };
    });
    entry = { docs: r.docs, skipped: r.skipped, counts };
    if (cachePath) {
      await mkdir(task.cacheDir!, { recursive: true });
      const tmp = `${cachePath}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(tmp, await deflate(Buffer.from(JSON.stringify(entry)), { level: 1 }));
      await rename(tmp, cachePath);
    }
  }
  const newTerms = dictionary.added;
  dictionary.added = [];
  return { docs: entry.docs, skipped: entry.skipped, analyzed, dictionary: dictionary.id, newTerms, cacheKey, fromCache };
}
