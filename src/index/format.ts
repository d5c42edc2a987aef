/**
 * The on-disk index format: names, the manifest and its checks.
 *
 * index/
 *   CURRENT            name of the live generation (replaced atomically by rename)
 *   gen-<stamp>/       one complete, immutable index
 *     manifest.json    written last: a generation without one is incomplete
 *     docs.json        report metadata, in report-number order
 *     texts.bin        normalised texts (UTF-16LE) + the differences to the originals
 *     grams.bin        character n-gram postings (which reports hold each gram)
 *     positions.bin    where each bigram stands in each report
 *     words.bin        word statistics for BM25 ranking: term dictionary + postings
 *     userdict.txt     copy of the data folder's user dictionary, when there is one
 *     blocks.bin       CRC32 of every 64 KiB block of grams.bin and positions.bin
 *
 * Every file's CRC32 is in the manifest, which carries a CRC32 of itself.
 */

/** Bump on any change of layout or meaning of the files above. */
export const FORMAT_VERSION = 5;

export const CURRENT_FILE = 'CURRENT';
export const MANIFEST_FILE = 'manifest.json';
export const DOCS_FILE = 'docs.json';
export const TEXTS_FILE = 'texts.bin';
export const GRAMS_FILE = 'grams.bin';
export const POSITIONS_FILE = 'positions.bin';
export const USERDICT_FILE = 'userdict.txt';
export const BLOCKS_FILE = 'blocks.bin';
/** The text-reuse index (src/reuse): winnowed shingles of every paragraph, for similar passages and the draft check. */
export const REUSE_FILE = 'reuse.bin';
/** Word statistics for ranking (src/index/wordindex.ts). */
export const WORDS_FILE = 'words.bin';

export interface Manifest {
  formatVersion: number;
  analyzer: string;
  reports: number;
  builtAt: string;
  /** Hash of every report file's path and content hash: what the index was built from. */
  dataFingerprint: string;
  /** Hash of paths, sizes and modification times under the data folder: a cheap staleness check. */
  statFingerprint: string;
  hasUserDict: boolean;
  ingest: { found: number; skipped: number; duplicates: number };
  /** Byte size of each file of the generation, checked on load to catch truncation. */
  files: Record<string, number>;
  /** CRC32 of each file of the generation (format 3). */
  checksums: Record<string, number>;
}

/** A problem with the index on disk; the message (Chinese) says how to fix it. */
export class IndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexError';
  }
}

export function checkManifest(m: Manifest, analyzer: string): void {
  if (m.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(
      `索引：该索引的格式版本为 ${m.formatVersion}，本程序读取版本 ${FORMAT_VERSION}——请运行 npm run index 重新建立索引`,
    );
  }
  if (m.analyzer !== analyzer) {
    throw new IndexError(
      `索引：该索引由另一版本的分词器建立（${m.analyzer}，当前 ${analyzer}）——请运行 npm run index 重新建立索引`,
    );
  }
}
