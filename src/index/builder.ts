/**
 * Builds an index generation from a data folder: ingest → analyze → write
 * (texts, n-gram postings, word index, report table) → publish atomically.
 */
import { createHash } from 'node:crypto';
import { copyFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { analyzerFingerprint, loadUserDictionary } from '../analyze/analyzer.js';
import { ingestFolder } from '../ingest/index.js';
import type { ReportDocument, SkippedFile } from '../types.js';
import { analyzeReport } from './analysis.js';
import { statFingerprint } from './fingerprint.js';
import {
  DOCS_FILE,
  FORMAT_VERSION,
  GRAMS_FILE,
  MANIFEST_FILE,
  TEXTS_FILE,
  USERDICT_FILE,
  wordShardFile,
  type Manifest,
} from './format.js';
import { PostingsBuilder } from './postings.js';
import { newGenerationDir, publishGeneration, pruneGenerations, writeFileDurable } from './storage.js';
import { TextStoreWriter } from './textstore.js';
import { shardCountFor, WordIndexBuilder } from './wordindex.js';

export interface BuildOptions {
  dataDir: string;
  indexDir: string;
  /** Show a progress bar on a terminal. */
  progress?: boolean;
}

export interface BuildSummary {
  reports: number;
  found: number;
  skipped: SkippedFile[];
  duplicates: number;
  ms: number;
  /** Directory of the published generation. */
  generation: string;
}

/** What docs.json stores per report: its metadata without the text. */
export type DocRecord = Omit<ReportDocument, 'text'> & { chars: number };

function progressBar(enabled: boolean, label: string) {
  if (!enabled || !process.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

export async function buildIndex(opts: BuildOptions): Promise<BuildSummary> {
  const t0 = performance.now();
  const { dataDir, indexDir } = opts;
  const userDict = join(dataDir, USERDICT_FILE);
  const hasUserDict = await stat(userDict).then((s) => s.isFile()).catch(() => false);
  if (hasUserDict) loadUserDictionary(userDict);

  const statFp = await statFingerprint(dataDir);
  const ingestBar = progressBar(!!opts.progress, '读取');
  let started = false;
  const ingest = await ingestFolder(dataDir, {
    onFile: (done, total) => {
      if (!ingestBar) return;
      if (!started) ingestBar.start(total, 0);
      started = true;
      ingestBar.update(done);
    },
  });
  ingestBar?.stop();

  const docs = ingest.docs;
  const { tmpDir, name } = await newGenerationDir(indexDir);
  try {
    const texts = new TextStoreWriter(join(tmpDir, TEXTS_FILE));
    const postings = new PostingsBuilder();
    const totalChars = docs.reduce((n, d) => n + d.text.length, 0);
    const words = new WordIndexBuilder(shardCountFor(totalChars));
    const records: DocRecord[] = [];
    const dataHash = createHash('sha256');

    const bar = progressBar(!!opts.progress, '索引');
    bar?.start(docs.length, 0);
    docs.forEach((doc, i) => {
      const a = analyzeReport(doc.title, doc.text);
      texts.add(doc.text, a.norm);
      postings.add(i, a.keys);
      words.add(i, a.titleWords, a.bodyWords);
      const { text, ...meta } = doc;
      records.push({ ...meta, chars: text.length });
      dataHash.update(`${doc.id}\u0000${JSON.stringify(meta)}\u0000${text}\u0000`);
      if (bar && (i % 16 === 0 || i === docs.length - 1)) bar.update(i + 1);
    });
    bar?.stop();

    const files: Record<string, number> = {};
    files[TEXTS_FILE] = texts.close();
    const grams = postings.toBuffer();
    await writeFileDurable(join(tmpDir, GRAMS_FILE), grams);
    files[GRAMS_FILE] = grams.length;
    for (let k = 0; k < words.shardCount; k++) {
      const json = words.shardJSON(k);
      await writeFileDurable(join(tmpDir, wordShardFile(k)), json);
      files[wordShardFile(k)] = Buffer.byteLength(json);
    }
    const docsJson = JSON.stringify(records);
    await writeFileDurable(join(tmpDir, DOCS_FILE), docsJson);
    files[DOCS_FILE] = Buffer.byteLength(docsJson);
    if (hasUserDict) await copyFile(userDict, join(tmpDir, USERDICT_FILE));

    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      analyzer: analyzerFingerprint(),
      reports: docs.length,
      builtAt: new Date().toISOString(),
      dataFingerprint: dataHash.digest('hex').slice(0, 32),
      statFingerprint: statFp,
      wordShards: words.shardCount,
      hasUserDict,
      ingest: { found: ingest.found, skipped: ingest.skipped.length, duplicates: ingest.duplicates.length },
      files,
    };
    // The manifest is written last: a generation without one was never finished.
    await writeFileDurable(join(tmpDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    const generation = await publishGeneration(indexDir, tmpDir, name);
    await pruneGenerations(indexDir, [name]);
    return {
      reports: docs.length,
      found: ingest.found,
      skipped: ingest.skipped,
      duplicates: ingest.duplicates.length,
      ms: performance.now() - t0,
      generation,
    };
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
}
