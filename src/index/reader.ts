/**
 * Reading an index generation from disk: find the live generation, check its
 * manifest against this program (format version, analyzer), and load its parts
 * behind the interfaces the engine reads (`IndexReader`). This module knows
 * files, not queries: the engine (src/search) is assembled over it elsewhere.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzerFingerprint, dictionaryHash } from '../analyze/analyzer.js';
import type { DocRecord, IndexInfo } from '../types.js';
import type { Bitset } from './bitset.js';
import { statFingerprint } from './fingerprint.js';
import { parseBlocksFile, unsealManifest, verifyWhole } from './checksum.js';
import {
  BLOCKS_FILE,
  checkManifest,
  DOCS_FILE,
  FORMAT_VERSION,
  GRAMS_FILE,
  IndexError,
  MANIFEST_FILE,
  POSITIONS_FILE,
  REUSE_FILE,
  TEXTS_FILE,
  USERDICT_FILE,
  WORDS_FILE,
  type Manifest,
} from './format.js';
import { FileSource } from './bytesource.js';
import { GramPostings } from './postings.js';
import { currentGeneration } from './storage.js';
import { TextStore, type ReportText } from './textstore.js';
import { WordIndex } from './wordindex.js';
import { ReuseIndex } from '../reuse/index.js';

/** Which reports hold a character or bigram, and where each bigram stands. */
export interface DocLists {
  /** Reports containing every key, rarest first: exact for 1–2 characters, candidates for longer terms. */
  docsWithAll(keys: number[], size: number): Bitset;
  /** Keeps the candidates whose text contains `term` (3+ code units), by bigram positions. */
  keepPhrase(term: string, candidates: Bitset): void;
  /**
   * Calls `fn` with where `term` (2+ code units) starts — every position,
   * overlapping ones included, ascending — in each of `docs` (ascending) that holds it.
   * Single characters keep no positions: nothing is called for them.
   */
  forEachTermPositions(term: string, docs: ArrayLike<number>, fn: (doc: number, positions: number[]) => void): void;
  /** Forgets cached byte ranges (the benchmark times reads, not the cache). */
  clearCache(): void;
}

/** Report texts, read on demand. */
export interface TextSource {
  /** The original text and its normalised form (same length). */
  read(doc: number): ReportText;
  /** Forgets the recently read texts (the benchmark times reads, not the cache). */
  clearCache(): void;
  close(): void;
}

/** Word statistics for ranking: BM25 over the analyzer's words. */
export interface WordStats {
  /** BM25 scores of `docs` for these words (0 for the others), indexed by report number. */
  scores(words: string[], docs: ArrayLike<number> | null): Float64Array;
  /** Forgets cached postings (the benchmark times reads, not the cache). */
  clearCache(): void;
}

/** Everything the engine reads of one index generation. */
export interface IndexReader {
  readonly info: IndexInfo;
  /** Metadata per report number. */
  readonly records: DocRecord[];
  readonly lists: DocLists;
  readonly texts: TextSource;
  readonly words: WordStats;
  /** The user dictionary the index was built with (null: none); queries must be segmented with it. */
  readonly userDictionary: string | null;
  /** The text-reuse index (read on first use: it is large, and only the precedents views need it). */
  reuse(): ReuseIndex;
  /** Reads the parts a first query would otherwise wait for (the positions file), in the background. */
  warm(): Promise<void>;
  close(): void;
}


const REBUILD = '请运行 npm run index 重新建立索引';

/** Turns a failure while reading a part into the Chinese IndexError that says what to run. */
function damaged(file: string, err: unknown): IndexError {
  if (err instanceof IndexError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new IndexError(`索引：文件 ${file} 已损坏或无法读取（${why}）——${REBUILD}`);
}

export async function readManifest(genDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(genDir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new IndexError(`索引：${genDir} 缺少或无法读取 ${MANIFEST_FILE}——${REBUILD}`);
  }
  try {
    return unsealManifest<Manifest>(text, MANIFEST_FILE, FORMAT_VERSION);
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(`索引：${genDir} 中的 ${MANIFEST_FILE} 已损坏——${REBUILD}`);
  }
}

/** Opens the live generation of `indexDir`. Throws IndexError (Chinese, with the fix) when it cannot. */
export async function openIndexReader(indexDir: string): Promise<IndexReader> {
  const genDir = await currentGeneration(indexDir);
  if (!genDir) throw new IndexError(`索引：${indexDir} 中还没有索引——请先运行 npm run index`);
  const manifest = await readManifest(genDir);
  if (manifest.formatVersion !== FORMAT_VERSION) checkManifest(manifest, manifest.analyzer);
  for (const [name, bytes] of Object.entries(manifest.files ?? {})) {
    const s = await stat(join(genDir, name)).catch(() => null);
    if (!s || s.size !== bytes) {
      throw new IndexError(`索引：文件 ${name} 缺失或大小不符（索引已损坏）——${REBUILD}`);
    }
  }
  const sums = manifest.checksums ?? {};
  const userDictBytes = manifest.hasUserDict ? await readFile(join(genDir, USERDICT_FILE)).catch(() => null) : null;
  if (manifest.hasUserDict && userDictBytes === null) throw damaged(USERDICT_FILE, new Error('missing'));
  if (userDictBytes) verifyWhole(USERDICT_FILE, userDictBytes, sums[USERDICT_FILE]);
  const userDictionary = userDictBytes ? userDictBytes.toString('utf8') : null;
  // The analyzer that built the index, with the index's own dictionary, must be this program's.
  checkManifest(manifest, analyzerFingerprint(dictionaryHash(userDictionary)));

  // Small files are checked whole now; grams.bin and positions.bin per block as they are read.
  const [docsBytes, blocksBytes] = await Promise.all([readFile(join(genDir, DOCS_FILE)), readFile(join(genDir, BLOCKS_FILE))]);
  verifyWhole(DOCS_FILE, docsBytes, sums[DOCS_FILE]);
  verifyWhole(BLOCKS_FILE, blocksBytes, sums[BLOCKS_FILE]);
  const blocks = parseBlocksFile(blocksBytes, GRAMS_FILE, POSITIONS_FILE);
  let records: DocRecord[];
  try {
    records = JSON.parse(docsBytes.toString('utf8')) as DocRecord[];
    if (!Array.isArray(records) || records.length !== manifest.reports) throw new Error(`${manifest.reports} reports expected`);
  } catch (err) {
    throw damaged(DOCS_FILE, err);
  }
  let texts: TextStore;
  try {
    texts = TextStore.open(join(genDir, TEXTS_FILE));
  } catch (err) {
    throw damaged(TEXTS_FILE, err);
  }
  if (texts.docCount !== records.length) {
    texts.close();
    throw damaged(TEXTS_FILE, new Error(`${texts.docCount} texts for ${records.length} reports`));
  }
  // The postings files stay on disk: a query reads a key's list and position blocks by range.
  const sources: FileSource[] = [];
  let grams: GramPostings;
  let opening = GRAMS_FILE;
  try {
    sources.push(new FileSource(join(genDir, GRAMS_FILE), blocks.grams));
    opening = POSITIONS_FILE;
    sources.push(new FileSource(join(genDir, POSITIONS_FILE), blocks.positions));
    // (GramPostings names the file itself when a header is wrong.)
    grams = new GramPostings(sources[0], sources[1]);
  } catch (err) {
    texts.close();
    for (const s of sources) s.close();
    throw damaged(opening, err);
  }
  let words: WordIndex;
  try {
    words = WordIndex.open(genDir, records.length);
  } catch (err) {
    texts.close();
    for (const s of sources) s.close();
    throw damaged(WORDS_FILE, err);
  }
  let warming: Promise<void> | null = null;
  let reuseIndex: ReuseIndex | null = null;
  return {
    info: {
      dir: genDir,
      formatVersion: manifest.formatVersion,
      analyzer: manifest.analyzer,
      reports: manifest.reports,
      builtAt: manifest.builtAt,
      dataFingerprint: manifest.dataFingerprint,
    },
    records,
    lists: grams,
    texts,
    words,
    userDictionary,
    reuse() {
      if (!reuseIndex) {
        const buf = readFileSync(join(genDir, REUSE_FILE));
        verifyWhole(REUSE_FILE, buf, sums[REUSE_FILE]);
        const byId = new Map(records.map((r, i) => [r.id, i]));
        try {
          reuseIndex = ReuseIndex.fromBuffer(buf, (id) => texts.read(byId.get(id)!).text.split('\n'));
        } catch (err) {
          throw damaged(REUSE_FILE, err);
        }
      }
      return reuseIndex;
    },
    warm() {
      // Into the page cache, not the heap: the first queries then read from memory.
      warming ??= (async () => {
        for (const s of sources) await s.prefetch();
      })();
      return warming;
    },
    close() {
      texts.close();
      words.close();
      for (const s of sources) s.close();
    },
  };
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
  // The fingerprint covers the user dictionary: the data folder's, compared with the index's.
  const dict = await readFile(join(dataDir, USERDICT_FILE), 'utf8').catch(() => null);
  if (manifest.analyzer !== analyzerFingerprint(dictionaryHash(dict))) return '分词器已变化';
  if (manifest.statFingerprint !== (await statFingerprint(dataDir))) return '数据文件夹有变化';
  return null;
}
