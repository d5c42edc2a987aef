/**
 * Builds the OpenSearch index of a data folder: ingest, cleaning, metadata and
 * analysis are ours (the same `discover` + `ingestFile` + duplicate removal as
 * the local builder, `normalize` and jieba `words` in documents.ts); OpenSearch
 * receives finished documents through `_bulk` into a fresh index named after the
 * build, which the index template (opensearch/template.json) maps. When every
 * report is in, one `_aliases` call moves the alias to the new index — searchers
 * see the old archive or the new one, never half of one, as with CURRENT on disk —
 * and indices older than the one just replaced are deleted (a server may still be
 * reading that one for a moment).
 *
 * Ingest and analysis (jieba, the costly part on our side) run on the local
 * builder's worker pool, one thread per core, while the main thread removes
 * duplicates, numbers the reports and keeps one `_bulk` request in flight.
 *
 * Not incremental: every build ingests and segments the whole folder again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { analyzerFingerprint, useUserDictionary } from '../../analyze/analyzer.js';
import { USERDICT_FILE } from '../../index/format.js';
import { statFingerprint } from '../../index/fingerprint.js';
import { runTasks, type TaskKind } from '../../index/pool.js';
import { discover, FolderMerger } from '../../ingest/index.js';
import { DEFAULT_DOC_TYPES, docType, type DocTypeRule } from '../../search/doctypes.js';
import type { SkippedFile } from '../../types.js';
import { toOpenSearchReport } from './documents.js';
import { aliasTarget, ensureReachable, type BuildMeta } from './engine.js';
import type { OpenSearchHttp } from './http.js';
import { prepareFile, type PreparedFile, type PrepareTask } from './prepare.js';
import { aliasSwap, DEFAULT_ALIAS, INDEX_PREFIX, INDEX_TEMPLATE, indexNameFor, TEMPLATE_NAME, TEMPLATE_VERSION } from './template.js';

export interface OpenSearchBuildOptions {
  dataDir: string;
  http: OpenSearchHttp;
  /** The alias searches go through. Default `report-search`. */
  alias?: string;
  /** Concrete index names start with this (it must match the template's `report-search-*`). Default `report-search-`. */
  indexPrefix?: string;
  /** Show a progress bar on a terminal. */
  progress?: boolean;
  /** Bytes of NDJSON per `_bulk` request. Default 8 MB (the node accepts up to 100 MB). */
  batchBytes?: number;
  docTypes?: DocTypeRule[];
  /**
   * Worker threads for ingest + analysis. Default: one per core for archives
   * over 4 MB, none (this thread) for smaller ones — as the local builder.
   */
  workers?: number;
}

const SMALL_ARCHIVE_BYTES = 4 << 20;

const PREPARE: TaskKind<PrepareTask, PreparedFile> = {
  entry: new URL('./analyze-worker.ts', import.meta.url),
  inThread: prepareFile,
  describe: (t) => t.file.path,
};

export interface OpenSearchBuildSummary {
  index: string;
  alias: string;
  reports: number;
  found: number;
  skipped: SkippedFile[];
  duplicates: number;
  ms: number;
  /** Indices deleted after the swap. */
  deleted: string[];
}

function progressBar(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    { format: 'OpenSearch 索引 [{bar}] {percentage}% | {value}/{total} 个文件 | 剩余 {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

export async function buildOpenSearchIndex(opts: OpenSearchBuildOptions): Promise<OpenSearchBuildSummary> {
  const t0 = performance.now();
  const { dataDir, http } = opts;
  const alias = opts.alias ?? DEFAULT_ALIAS;
  const rules = opts.docTypes ?? DEFAULT_DOC_TYPES;
  const batchBytes = opts.batchBytes ?? 8 << 20;
  await ensureReachable(http);

  const userDict = await readFile(join(dataDir, USERDICT_FILE), 'utf8').catch(() => null);
  useUserDictionary(userDict);
  const statFp = await statFingerprint(dataDir);
  const found = await discover(dataDir);

  await http.request('PUT', `/_index_template/${TEMPLATE_NAME}`, INDEX_TEMPLATE);
  const index = indexNameFor(new Date(), opts.indexPrefix ?? INDEX_PREFIX);
  // No refreshes and no replica while loading: one segment build at the end instead of one per second.
  await http.request('PUT', `/${index}`, { settings: { index: { refresh_interval: '-1', auto_expand_replicas: false, number_of_replicas: 0 } } });
  try {
    const merger = new FolderMerger(found);
    const dataHash = createHash('sha256');
    let seq = 0;
    let batch: Array<{ _id: string } & Record<string, unknown>> = [];
    let bytes = 0;
    let inFlight: Promise<void> = Promise.resolve();
    // One bulk request in flight while the next batch is ingested and segmented.
    const flush = async () => {
      const docs = batch;
      batch = [];
      bytes = 0;
      await inFlight;
      inFlight = http.bulkIndex(index, docs);
      // Its failure is thrown where it is awaited (the next flush); until then it must not count as unhandled.
      inFlight.catch(() => undefined);
    };
    const bar = progressBar(!!opts.progress);
    bar?.start(found.files.length, 0);
    const totalBytes = found.files.reduce((n, f) => n + f.size, 0);
    const workers = opts.workers ?? (totalBytes < SMALL_ARCHIVE_BYTES ? 0 : availableParallelism());
    const tasks: PrepareTask[] = found.files.map((file) => ({ dataDir, file, userDict }));
    await runTasks(PREPARE, tasks, workers, async (i, result) => {
      // The merger may rename a report (an id collision): the document is assembled after it, with the final id.
      const position = new Map(result.docs.map((d, k) => [d, k]));
      for (const doc of merger.add(result)) {
        const { text, ...meta } = doc;
        dataHash.update(`${doc.id}\u0000${JSON.stringify(meta)}\u0000${text}\u0000`);
        const os = toOpenSearchReport(doc, docType(doc.title, rules), seq++, result.analyzed[position.get(doc)!]);
        batch.push({ _id: doc.id, ...os });
        bytes += os.text.length * 6 + 1000;
        // Waiting here holds the workers back: at most one request in flight and one batch in memory.
        if (bytes >= batchBytes) await flush();
      }
      bar?.update(i + 1);
    }, { maxPending: Math.max(1, workers) }).finally(() => bar?.stop());
    if (batch.length) await flush();
    await inFlight;

    const summary = merger.summary();
    const meta: BuildMeta = {
      templateVersion: TEMPLATE_VERSION,
      analyzer: analyzerFingerprint(),
      reports: seq,
      builtAt: new Date().toISOString(),
      dataFingerprint: dataHash.digest('hex').slice(0, 32),
      statFingerprint: statFp,
      userDict,
      ingest: { found: summary.found, skipped: summary.skipped.length, duplicates: summary.duplicates.length },
    };
    await http.request('PUT', `/${index}/_mapping`, { _meta: meta });
    await http.request('PUT', `/${index}/_settings`, { index: { refresh_interval: null, auto_expand_replicas: '0-1' } });
    await http.request('POST', `/${index}/_refresh`);
    await http.request('GET', `/_cluster/health/${index}?wait_for_status=yellow&timeout=60s`);

    // The swap: one _aliases call. Then delete what is older than the index just replaced.
    const old = await aliasIndices(http, alias);
    await http.request('POST', '/_aliases', aliasSwap(alias, index, old));
    const prefix = opts.indexPrefix ?? INDEX_PREFIX;
    const existing = Object.keys(await http.request<Record<string, unknown>>('GET', `/${prefix}*/_alias`)).filter((n) => n.startsWith(prefix));
    const keep = new Set([index, ...old.sort().slice(-1)]);
    // Only this builder's own names (prefix + timestamp), older than the new one.
    const ours = (n: string) => /^\d{8}t\d{9}$/.test(n.slice(prefix.length));
    const deleted = existing.filter((n) => ours(n) && !keep.has(n) && n < index);
    for (const n of deleted) await http.request('DELETE', `/${n}`);
    return {
      index,
      alias,
      reports: seq,
      found: summary.found,
      skipped: summary.skipped,
      duplicates: summary.duplicates.length,
      ms: performance.now() - t0,
      deleted,
    };
  } catch (e) {
    // A half-built index is never aliased; remove it so it cannot be mistaken for one.
    await http.request('DELETE', `/${index}`).catch(() => undefined);
    throw e;
  }
}

/** Every index the alias points at (one, after a build; none before the first). */
async function aliasIndices(http: OpenSearchHttp, alias: string): Promise<string[]> {
  const one = await aliasTarget(http, alias);
  if (!one) return [];
  return Object.keys(await http.request<Record<string, unknown>>('GET', `/_alias/${encodeURIComponent(alias)}`));
}

/** Why the OpenSearch index must be (re)built before serving `dataDir`, or null when it is up to date. */
export async function openSearchStaleReason(http: OpenSearchHttp, dataDir: string, alias = DEFAULT_ALIAS): Promise<string | null> {
  await ensureReachable(http);
  const index = await aliasTarget(http, alias);
  if (!index) return 'OpenSearch 索引不存在';
  const mapping = await http.request<Record<string, any>>('GET', `/${encodeURIComponent(index)}/_mapping`);
  const meta = Object.values(mapping)[0]?.mappings?._meta as BuildMeta | undefined;
  if (!meta?.analyzer) return 'OpenSearch 索引不完整';
  if (meta.templateVersion !== TEMPLATE_VERSION) return 'OpenSearch 索引模板版本已变化';
  const dict = await readFile(join(dataDir, USERDICT_FILE), 'utf8').catch(() => null);
  if ((meta.userDict ?? null) !== dict) return '分词器已变化';
  if (meta.statFingerprint !== (await statFingerprint(dataDir))) return '数据文件夹有变化';
  return null;
}
