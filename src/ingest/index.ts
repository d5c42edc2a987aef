/**
 * The ingest stage: every report under a data folder → a clean ReportDocument.
 *
 *   discover(dataDir)          files under the folder (and the ones skipped on the way)
 *   ingestFile(dataDir, file)  one file → its documents (a dataset gives one per row); deterministic
 *   fileFingerprint(...)       hash of a file, its sidecars and the ingest version, for caching
 *   ingestFolder(dataDir)      all of it, exact duplicates removed, in path order
 *
 * Data flow for one file: bytes → decodeBuffer → (htmlToText | parseCsv/parseJsonl rows | text)
 * → cleanText → extractMeta → sidecar overrides → ReportDocument.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FieldOrigin, IngestResult, MetaField, ReportDocument, SkippedFile, DuplicateReport } from '../types.js';
import { cleanText, toLines } from './clean.js';
import { cell, mapColumns, parseCsv, parseJsonl, type ColumnMap, type DatasetParse } from './dataset.js';
import { parseDate, parseYear } from './dates.js';
import { decodeBuffer } from './decode.js';
import { discover as discoverFiles, type DiscoveredFile, type Discovery } from './discover.js';
import { regionFromParts, regionFromPath, EMPTY_REGION } from './gazetteer.js';
import { htmlToText } from './html.js';
import { collisionSuffix, docId } from './ids.js';
import { docNumberFrom, extractMeta, parseHeader, tidyTitle, type MetaHints } from './metadata.js';

export type { DiscoveredFile, Discovery } from './discover.js';

/** Bump when cleaning or metadata rules change: cached results of another version are stale. */
export const INGEST_VERSION = 1;

export const discover = discoverFiles;

// ---------------------------------------------------------------- sidecars

/** Overrides a user writes in `<file>.meta.json`; `rows` holds per-row overrides for a dataset, keyed by row key (r1, r2 …). */
export interface MetaSidecar {
  title?: string;
  issuer?: string | null;
  /** '青海省/西宁市/湟中区', or parts. */
  region?: string | { province?: string | null; city?: string | null; county?: string | null } | null;
  year?: number | string | null;
  date?: string | null;
  docNumber?: string | null;
  sourceUrl?: string | null;
  rows?: Record<string, Omit<MetaSidecar, 'rows'>>;
}

async function readIfExists(p: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(p);
  } catch {
    return null;
  }
}

async function readJsonSidecar<T>(absPath: string, suffix: string, warnings: string[]): Promise<T | null> {
  const buf = await readIfExists(absPath + suffix);
  if (!buf) return null;
  try {
    const decoded = decodeBuffer(buf);
    if (!decoded.ok) throw new Error(decoded.reason);
    const v = JSON.parse(decoded.text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('不是 JSON 对象');
    return v as T;
  } catch (e) {
    warnings.push(`${path.basename(absPath)}${suffix} 无法解析，已忽略：${(e as Error).message}`);
    return null;
  }
}

function applySidecar(doc: ReportDocument, s: Omit<MetaSidecar, 'rows'> | undefined): void {
  if (!s) return;
  const set = (f: MetaField) => ((doc.sources as Record<string, FieldOrigin>)[f] = 'sidecar');
  if (typeof s.title === 'string' && s.title.trim()) {
    doc.title = tidyTitle(s.title);
    set('title');
  }
  if (s.issuer !== undefined) {
    doc.issuer = s.issuer ? String(s.issuer).trim() : null;
    set('issuer');
  }
  // A parsed field: `null` clears it; a value that does not parse is ignored with a warning.
  const parsed = <F extends 'region' | 'year' | 'date'>(field: F, raw: unknown, parse: (v: NonNullable<unknown>) => ReportDocument[F] | null, cleared: ReportDocument[F], label: string) => {
    if (raw === undefined) return;
    const value = raw === null ? cleared : parse(raw);
    if (raw !== null && value === null) {
      doc.warnings.push(`元数据文件中的${label}“${typeof raw === 'string' || typeof raw === 'number' ? raw : JSON.stringify(raw)}”无法识别，已忽略`);
      return;
    }
    doc[field] = value as ReportDocument[F];
    set(field);
  };
  parsed('region', s.region, (v) => (typeof v === 'string' ? regionFromPath(v) : regionFromParts(v as Parameters<typeof regionFromParts>[0])), { ...EMPTY_REGION }, '地区');
  parsed('year', s.year, (v) => parseYear(v as string | number) || null, null, '年份');
  parsed('date', s.date, (v) => parseDate(v as string) || null, null, '日期');
  if (s.docNumber !== undefined) {
    doc.docNumber = s.docNumber === null ? null : (docNumberFrom(s.docNumber) ?? String(s.docNumber).trim());
    set('docNumber');
  }
  if (s.sourceUrl !== undefined) {
    doc.sourceUrl = s.sourceUrl ? String(s.sourceUrl).trim() : null;
    set('sourceUrl');
  }
  // A field set to null by the user has no origin.
  for (const f of ['issuer', 'year', 'date', 'docNumber', 'sourceUrl'] as const) if (doc[f] === null) delete doc.sources[f];
  if (doc.region.province === null) delete doc.sources.region;
}

// ---------------------------------------------------------------- one document

/** Text → document, or a reason it is not one. Pure apart from its arguments. */
export function buildDocument(
  raw: string,
  opts: { relPath: string; rowKey?: string; hints?: MetaHints | null; warnings?: string[] },
): { doc: ReportDocument } | { reason: string } {
  const lines = toLines(raw);
  const headerTitle = opts.hints?.title || parseHeader(lines).title || null;
  const cleaned = cleanText(raw, { title: headerTitle });
  if (cleaned.paragraphs.length === 0) return { reason: '清理页面杂项后没有正文' };
  const { meta, titleSpan, warnings } = extractMeta(lines, cleaned.paragraphs, opts.hints ?? null, opts.relPath);
  let paras = cleaned.paragraphs;
  // A title written over two lines is one heading: one paragraph, so anchors stay meaningful.
  if (titleSpan) paras = [...paras.slice(0, titleSpan[0]), meta.title, ...paras.slice(titleSpan[1])];
  const doc: ReportDocument = {
    id: docId(opts.relPath, opts.rowKey),
    path: opts.relPath,
    ...meta,
    text: paras.join('\n'),
    warnings: [...(opts.warnings ?? []), ...warnings],
  };
  return { doc };
}

function hintsFromRow(record: Record<string, unknown>, cols: ColumnMap): MetaHints {
  return {
    origin: 'dataset',
    title: cell(record, cols.title),
    issuer: cell(record, cols.issuer),
    province: cell(record, cols.province),
    city: cell(record, cols.city),
    county: cell(record, cols.county),
    region: cell(record, cols.region),
    year: cell(record, cols.year),
    date: cell(record, cols.date),
    docNumber: cell(record, cols.docNumber),
    sourceUrl: cell(record, cols.url),
  };
}

// ---------------------------------------------------------------- one file

/**
 * Hash of a file's bytes, its sidecars and the ingest version: equal
 * fingerprints mean `ingestFile` returns equal documents.
 */
export async function fileFingerprint(dataDir: string, file: DiscoveredFile): Promise<string> {
  const h = createHash('sha256');
  h.update(`ingest-v${INGEST_VERSION}\0${file.path}\0`);
  for (const p of [file.absPath, file.absPath + '.meta.json', file.absPath + '.mapping.json']) {
    const buf = await readIfExists(p);
    h.update(buf ? `${buf.length}\0` : 'none\0');
    if (buf) h.update(buf);
  }
  return h.digest('hex');
}

/** One file → its documents (a dataset gives one per row) and what was skipped. No cross-file de-duplication. */
export async function ingestFile(dataDir: string, file: DiscoveredFile): Promise<{ docs: ReportDocument[]; skipped: SkippedFile[] }> {
  const skip = (reason: string) => ({ docs: [], skipped: [{ path: file.path, reason }] });
  let buf: Buffer;
  try {
    buf = await fs.readFile(file.absPath);
  } catch (e) {
    return skip(`无法读取文件：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.length === 0) return skip('空文件');
  const decoded = decodeBuffer(buf);
  if (!decoded.ok) return skip(decoded.reason);
  if (decoded.text.trim() === '') return skip('文件只有空白字符，没有内容');

  const fileWarnings: string[] = [];
  const sidecar = await readJsonSidecar<MetaSidecar>(file.absPath, '.meta.json', fileWarnings);
  const ext = path.extname(file.path).toLowerCase();
  const docs: ReportDocument[] = [];
  const skipped: SkippedFile[] = [];

  if (ext === '.csv' || ext === '.jsonl') {
    const mapping = (await readJsonSidecar<ColumnMap>(file.absPath, '.mapping.json', fileWarnings)) ?? {};
    const parsed: DatasetParse = ext === '.csv' ? parseCsv(decoded.text) : parseJsonl(decoded.text);
    if (parsed.fatal) return skip(parsed.fatal);
    for (const b of parsed.bad) skipped.push({ path: `${file.path}#row=${b.n}`, reason: b.reason });
    const csvCols = ext === '.csv' && parsed.rows.length ? mapColumns(Object.keys(parsed.rows[0].record), mapping) : null;
    if (csvCols && !csvCols.text) {
      return skip('找不到正文列（content/text/full_text/body/正文），可在 <文件名>.mapping.json 中指定，例如 {"text": "内容"}');
    }
    const usedKeys = new Set<string>();
    for (const row of parsed.rows) {
      const cols = csvCols ?? mapColumns(Object.keys(row.record), mapping);
      const rowPath = `${file.path}#row=${row.n}`;
      const text = cell(row.record, cols.text);
      if (!text) {
        skipped.push({ path: rowPath, reason: cols.text ? '这一行的正文为空' : '找不到正文字段（content/text/full_text/body/正文）' });
        continue;
      }
      const idCell = cell(row.record, cols.id);
      let rowKey = idCell && !usedKeys.has(idCell) ? idCell : `r${row.n}`;
      usedKeys.add(rowKey);
      const built = buildDocument(text, { relPath: file.path, rowKey, hints: hintsFromRow(row.record, cols), warnings: fileWarnings });
      if ('reason' in built) {
        skipped.push({ path: rowPath, reason: built.reason });
        continue;
      }
      applySidecar(built.doc, sidecar ?? undefined);
      applySidecar(built.doc, sidecar?.rows?.[rowKey]);
      docs.push(built.doc);
    }
    if (docs.length === 0 && skipped.length === 0) return skip('数据文件中没有任何记录');
    return { docs, skipped };
  }

  let raw = decoded.text;
  let hints: MetaHints | null = null;
  if (ext === '.html' || ext === '.htm') {
    const h = htmlToText(raw);
    raw = h.text;
    hints = h.hints;
    if (raw.trim() === '') return skip('网页正文为空');
  }
  const built = buildDocument(raw, { relPath: file.path, hints, warnings: fileWarnings });
  if ('reason' in built) return skip(built.reason);
  applySidecar(built.doc, sidecar ?? undefined);
  return { docs: [built.doc], skipped };
}

// ---------------------------------------------------------------- the folder

export interface IngestFolderOptions {
  /** Called after each file: files done, files in total, the file's path. */
  onFile?: (done: number, total: number, path: string) => void;
}

/**
 * Folds per-file results, in path order, into one archive: exact duplicates
 * (same cleaned text) kept once — the first by path order — and reported, and
 * ids that two paths slug to alike (a/b.txt, a-b.txt) made unique. Streaming,
 * so the indexer can feed it results as its workers finish them.
 */
export class FolderMerger {
  readonly skipped: SkippedFile[];
  readonly duplicates: DuplicateReport[] = [];
  private readonly byText = new Map<string, string>();
  private readonly ids = new Set<string>();
  accepted = 0;

  constructor(readonly found: Discovery) {
    this.skipped = [...found.skipped];
  }

  /** Adds one file's result; returns the documents kept, with their final ids. */
  add(r: { docs: ReportDocument[]; skipped: SkippedFile[] }): ReportDocument[] {
    this.skipped.push(...r.skipped);
    const kept: ReportDocument[] = [];
    for (const d of r.docs) {
      const key = createHash('sha1').update(d.text).digest('hex');
      const first = this.byText.get(key);
      if (first) {
        const row = /-r(\d+)$/.exec(d.id);
        const rowPath = row && /\.(csv|jsonl)$/i.test(d.path) ? `${d.path}#row=${row[1]}` : d.path;
        this.duplicates.push({ path: rowPath, duplicateOf: first });
        continue;
      }
      if (this.ids.has(d.id)) {
        const rowKey = /\.(csv|jsonl)$/i.test(d.path) ? d.id : undefined;
        d.id = `${d.id}-${collisionSuffix(d.path, rowKey)}`;
      }
      this.ids.add(d.id);
      this.byText.set(key, d.id);
      kept.push(d);
    }
    this.accepted += kept.length;
    return kept;
  }

  /** Files found (datasets count once, skipped ones included) and the skips, sorted by path. */
  summary(): Omit<IngestResult, 'docs'> {
    const skipped = [...this.skipped].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { found: this.found.files.length + this.found.skipped.length, skipped, duplicates: this.duplicates };
  }
}

/**
 * Every report under `dataDir`, sorted by path (dataset rows in order), exact
 * duplicates (same cleaned text) kept once — the first by path order — and reported.
 */
export async function ingestFolder(dataDir: string, opts: IngestFolderOptions = {}): Promise<IngestResult> {
  const found = await discover(dataDir);
  const merger = new FolderMerger(found);
  const docs: ReportDocument[] = [];
  let done = 0;
  for (const file of found.files) {
    docs.push(...merger.add(await ingestFile(dataDir, file)));
    opts.onFile?.(++done, found.files.length, file.path);
  }
  return { docs, ...merger.summary() };
}
