/**
 * `report-search check`: verifies a whole generation — the manifest's own
 * checksum, the size and CRC32 of every file, every block of the postings,
 * every text record (its CRC32, and that it inflates), the report table and
 * every term's word postings. What start-up checks lazily, this checks all at once.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileCrc32, parseBlocksFile } from './checksum.js';
import { BLOCKS_FILE, DOCS_FILE, FORMAT_VERSION, GRAMS_FILE, IndexError, POSITIONS_FILE, TEXTS_FILE, WORDS_FILE, type Manifest } from './format.js';
import { readManifest } from './reader.js';
import { currentGeneration } from './storage.js';
import { readWholeFile, TextStore } from './textstore.js';
import { WordIndex } from './wordindex.js';

export interface CheckReport {
  /** The generation checked (null: none). */
  generation: string | null;
  /** Files verified. */
  files: number;
  reports: number;
  bytes: number;
  /** Chinese, one line each; empty when the index is sound. */
  problems: string[];
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function checkIndex(indexDir: string): Promise<CheckReport> {
  const report: CheckReport = { generation: null, files: 0, reports: 0, bytes: 0, problems: [] };
  const genDir = await currentGeneration(indexDir);
  if (!genDir) {
    report.problems.push(`索引：${indexDir} 中还没有索引——请先运行 npm run index`);
    return report;
  }
  report.generation = genDir;
  let manifest: Manifest;
  try {
    manifest = await readManifest(genDir);
  } catch (err) {
    report.problems.push(message(err));
    return report;
  }
  if (manifest.formatVersion !== FORMAT_VERSION || !manifest.checksums) {
    report.problems.push(`索引：该索引的格式版本为 ${manifest.formatVersion}，本程序读取版本 ${FORMAT_VERSION}——请运行 npm run index 重新建立索引`);
    return report;
  }
  report.reports = manifest.reports;
  const sound = new Set<string>();
  for (const [name, bytes] of Object.entries(manifest.files ?? {})) {
    const path = join(genDir, name);
    const s = await stat(path).catch(() => null);
    if (!s || s.size !== bytes) {
      report.problems.push(`索引：文件 ${name} 缺失或大小不符（记录 ${bytes} 字节，实际 ${s ? s.size : '无此文件'}）`);
      continue;
    }
    report.bytes += s.size;
    if (fileCrc32(path) !== manifest.checksums[name]) {
      report.problems.push(`索引：文件 ${name} 的校验和不符，索引已损坏`);
      continue;
    }
    sound.add(name);
    report.files++;
  }
  if (!manifest.files?.[BLOCKS_FILE]) report.problems.push(`索引：清单中缺少 ${BLOCKS_FILE}`);

  // Inner checks, each the reader's: what a query would meet.
  const inner = async (name: string, fn: () => void | Promise<void>) => {
    if (!sound.has(name)) return;
    try {
      await fn();
    } catch (err) {
      report.problems.push(err instanceof IndexError ? err.message : `索引：文件 ${name} 无法读取（${message(err)}）`);
    }
  };
  await inner(BLOCKS_FILE, async () => {
    const blocks = parseBlocksFile(await readFile(join(genDir, BLOCKS_FILE)), GRAMS_FILE, POSITIONS_FILE);
    if (sound.has(GRAMS_FILE)) blocks.grams.verifyAll(readWholeFile(join(genDir, GRAMS_FILE)));
    if (sound.has(POSITIONS_FILE)) blocks.positions.verifyAll(readWholeFile(join(genDir, POSITIONS_FILE)));
  });
  await inner(DOCS_FILE, async () => {
    const docs = JSON.parse(await readFile(join(genDir, DOCS_FILE), 'utf8'));
    if (!Array.isArray(docs) || docs.length !== manifest.reports) throw new Error(`应有 ${manifest.reports} 篇报告`);
  });
  await inner(TEXTS_FILE, () => {
    const store = TextStore.open(join(genDir, TEXTS_FILE));
    try {
      if (store.docCount !== manifest.reports) throw new Error(`${store.docCount} 篇正文，应有 ${manifest.reports} 篇`);
      for (let d = 0; d < store.docCount; d++) store.read(d);
    } finally {
      store.close();
    }
  });
  await inner(WORDS_FILE, () => {
    const words = WordIndex.open(genDir, manifest.reports);
    try {
      words.verifyAll();
    } finally {
      words.close();
    }
  });
  if (report.problems.length) report.problems.push('——请运行 npm run index 重新建立索引');
  return report;
}
