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
import { CLEAN_RULE_LABELS, cleanText, toLines, type CleanRule } from './clean.js';
import { cell, mapColumns, parseCsv, parseJsonl, type ColumnMap, type DatasetParse } from './dataset.js';
import { parseDate, parseYear } from './dates.js';
import { decodeBuffer } from './decode.js';
import { discover as discoverFiles, isAuxiliaryFile, REPORT_EXTENSIONS, unsupportedReason, type DiscoveredFile, type Discovery } from './discover.js';
import { extract, unzip, type SandboxKind } from './sandbox.js';
import { regionFromParts, regionFromPath, EMPTY_REGION } from './gazetteer.js';
import { htmlToText } from './html.js';
import { collisionSuffix, docId } from './ids.js';
import { docNumberFrom, extractMeta, parseHeader, tidyTitle, type MetaHints } from './metadata.js';

export type { DiscoveredFile, Discovery } from './discover.js';

/** Bump when cleaning or metadata rules change: cached results of another version are stale. */
export const INGEST_VERSION = 2;

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
): { doc: ReportDocument; removed: RemovedChars } | { reason: string; removed: RemovedChars } {
  const lines = toLines(raw);
  const headerTitle = opts.hints?.title || parseHeader(lines).title || null;
  const cleaned = cleanText(raw, { title: headerTitle });
  if (cleaned.paragraphs.length === 0) return { reason: '清理页面杂项后没有正文', removed: cleaned.removed };
  // Cleaning never drops text silently: a rule that took more than a few lines says so on the report.
  const cleanWarnings = cleaned.removals
    .filter((r) => r.chars > REMOVAL_WARNING_CHARS)
    .map((r) => `清洗时按“${CLEAN_RULE_LABELS[r.rule]}”规则去掉了 ${r.chars.toLocaleString('en-US')} 字（从“${r.first}”起），如有正文被误删请告知`);
  const { meta, titleSpan, warnings } = extractMeta(lines, cleaned.paragraphs, opts.hints ?? null, opts.relPath);
  let paras = cleaned.paragraphs;
  // A title written over two lines is one heading: one paragraph, so anchors stay meaningful.
  if (titleSpan) paras = [...paras.slice(0, titleSpan[0]), meta.title, ...paras.slice(titleSpan[1])];
  const doc: ReportDocument = {
    id: docId(opts.relPath, opts.rowKey),
    path: opts.relPath,
    ...meta,
    text: paras.join('\n'),
    warnings: [...(opts.warnings ?? []), ...cleanWarnings, ...warnings],
  };
  return { doc, removed: cleaned.removed };
}

/** A rule that removes more than this many characters from one report says so in the report's warnings. */
export const REMOVAL_WARNING_CHARS = 200;

/** Characters removed per cleaning rule. */
export type RemovedChars = Partial<Record<CleanRule, number>>;

function addRemoved(into: RemovedChars, more: RemovedChars | undefined): void {
  if (!more) return;
  for (const [k, v] of Object.entries(more) as Array<[CleanRule, number]>) into[k] = (into[k] ?? 0) + v;
}

/**
 * One line for a summary: what cleaning removed, per rule.
 *
 * ### Examples
 * ```ts
 * formatRemoved({ chrome: 1234, tail: 56 }) // => '清洗去掉：网页框架和导航 1,234 字，页面尾部（相关报道、责任编辑、版权信息等） 56 字'
 * formatRemoved({})                         // => '清洗去掉：无'
 * ```
 */
export function formatRemoved(removed: RemovedChars): string {
  const parts = (Object.keys(CLEAN_RULE_LABELS) as CleanRule[])
    .filter((k) => removed[k])
    .map((k) => `${CLEAN_RULE_LABELS[k]} ${removed[k]!.toLocaleString('en-US')} 字`);
  return `清洗去掉：${parts.length ? parts.join('，') : '无'}`;
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

/** What one file gives: its documents, what was skipped, and what cleaning removed (per rule, characters). */
export interface FileResult {
  docs: ReportDocument[];
  skipped: SkippedFile[];
  removed?: RemovedChars;
}

/** Single-report text files larger than this are read up to it, with a warning. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;
/** Datasets larger than this are skipped. */
export const MAX_DATASET_BYTES = 256 * 1024 * 1024;
/** Binary files (PDF, DOCX, OFD, images, archives) larger than this are skipped. */
export const MAX_BINARY_BYTES = 200 * 1024 * 1024;
/** Archives inside archives are opened this many levels deep. */
export const MAX_ZIP_DEPTH = 3;
/** A line longer than this is split after its sentences (a file written without line breaks). */
export const MAX_LINE_CHARS = 10_000;

const BINARY_KINDS: Record<string, Exclude<SandboxKind, 'zip'>> = {
  '.docx': 'docx',
  '.pdf': 'pdf',
  '.ofd': 'ofd',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.tif': 'image',
  '.tiff': 'image',
  '.doc': 'doc',
  '.wps': 'wps',
};

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** Lines of more than MAX_LINE_CHARS characters cut after a sentence, so a report written on one line still has paragraphs. */
function splitLongLines(raw: string, warnings: string[]): string {
  if (raw.length <= MAX_LINE_CHARS) return raw;
  let split = 0;
  const out = raw.split('\n').map((line) => {
    if (line.length <= MAX_LINE_CHARS) return line;
    split++;
    const parts: string[] = [];
    let from = 0;
    while (line.length - from > MAX_LINE_CHARS) {
      const window = line.slice(from + MAX_LINE_CHARS / 2, from + MAX_LINE_CHARS);
      const m = /[。！？；.!?;](?![^。！？；.!?;]*[。！？；.!?;])/.exec(window);
      const cut = m ? from + MAX_LINE_CHARS / 2 + m.index + 1 : from + MAX_LINE_CHARS;
      parts.push(line.slice(from, cut));
      from = cut;
    }
    parts.push(line.slice(from));
    return parts.join('\n');
  });
  if (split) warnings.push(`有 ${split} 行超过 ${MAX_LINE_CHARS.toLocaleString('en-US')} 字，已在句末分段`);
  return out.join('\n');
}

/**
 * The 1-based page where each paragraph starts: its first characters looked
 * up in the pages' texts, in order (whitespace ignored). A paragraph not found
 * (a title joined from two lines) takes the page of the one before.
 */
export function assignPages(paragraphs: string[], pageTexts: string[]): number[] {
  const squash = (s: string) => s.replace(/[\s\u3000]+/g, '');
  let all = '';
  const starts: number[] = [];
  for (const t of pageTexts) {
    starts.push(all.length);
    all += squash(t) + '\u0000';
  }
  const pageAt = (pos: number) => {
    let p = 0;
    while (p + 1 < starts.length && starts[p + 1] <= pos) p++;
    return p + 1;
  };
  let cursor = 0;
  let last = 1;
  return paragraphs.map((para) => {
    const key = squash(para).slice(0, 24);
    let at = key ? all.indexOf(key, cursor) : -1;
    if (at < 0 && key) at = all.indexOf(key);
    if (at < 0) return last;
    cursor = at + key.length;
    last = pageAt(at);
    return last;
  });
}

/** A title a file's own properties state, kept only when the text shows it too (Word's core title is often stale). */
function confirmedTitle(title: string | null | undefined, raw: string): string | null {
  if (!title || title.length < 4 || /^(?:microsoft word|wps|untitled|无标题|文档\d*$|新建)/i.test(title)) return null;
  const head = raw.slice(0, 2000).replace(/[\s\u3000]+/g, '');
  return head.includes(title.replace(/[\s\u3000]+/g, '')) ? title : null;
}

interface Unit {
  relPath: string;
  ext: string;
  bytes: Buffer;
  /** The file's full size, when only its head was read. */
  size?: number;
  depth: number;
  /** Only for a file of the data folder (not an archive's entry). */
  absPath?: string;
  sidecar?: MetaSidecar | null;
  warnings: string[];
}

async function ingestUnit(u: Unit): Promise<FileResult> {
  const skip = (reason: string, p = u.relPath): FileResult => ({ docs: [], skipped: [{ path: p, reason }] });
  if (u.bytes.length === 0) return skip('空文件');
  if (u.ext === '.zip') return ingestZip(u);
  const kind = BINARY_KINDS[u.ext];
  if (kind) return ingestBinary(u, kind);

  const removed: RemovedChars = {};
  const isDataset = u.ext === '.csv' || u.ext === '.jsonl';
  let bytes = u.bytes;
  const warnings = [...u.warnings];
  if (isDataset && bytes.length > MAX_DATASET_BYTES) return skip(`数据文件过大（${mb(bytes.length)}），上限 ${mb(MAX_DATASET_BYTES)}：请拆成几个文件`);
  if (!isDataset && bytes.length > MAX_TEXT_BYTES) {
    // Cut at a line break (0x0A is never part of a multi-byte UTF-8 or GB18030 character; for UTF-16 keep the code unit whole).
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    let cut = bytes.lastIndexOf(0x0a, MAX_TEXT_BYTES);
    if (utf16) cut = cut - (cut % 2) + (bytes[0] === 0xff ? 2 : 1) > MAX_TEXT_BYTES ? MAX_TEXT_BYTES - (MAX_TEXT_BYTES % 2) : cut - (cut % 2);
    if (cut <= 0) cut = MAX_TEXT_BYTES;
    warnings.push(`文件过大（${mb(u.size ?? bytes.length)}），只读取了前 ${mb(cut)}`);
    bytes = bytes.subarray(0, cut);
  }
  const decoded = decodeBuffer(bytes);
  if (!decoded.ok) return skip(decoded.reason);
  if (decoded.text.trim() === '') return skip('文件只有空白字符，没有内容');
  const docs: ReportDocument[] = [];
  const skipped: SkippedFile[] = [];

  if (isDataset) {
    const mapping = (u.absPath ? await readJsonSidecar<ColumnMap>(u.absPath, '.mapping.json', warnings) : null) ?? {};
    const parsed: DatasetParse = u.ext === '.csv' ? parseCsv(decoded.text) : parseJsonl(decoded.text);
    if (parsed.fatal) return skip(parsed.fatal);
    for (const b of parsed.bad) skipped.push({ path: `${u.relPath}#row=${b.n}`, reason: b.reason });
    const csvCols = u.ext === '.csv' && parsed.rows.length ? mapColumns(Object.keys(parsed.rows[0].record), mapping) : null;
    if (csvCols && !csvCols.text) {
      return skip('找不到正文列（content/text/full_text/body/正文），可在 <文件名>.mapping.json 中指定，例如 {"text": "内容"}');
    }
    const usedKeys = new Set<string>();
    for (const row of parsed.rows) {
      const cols = csvCols ?? mapColumns(Object.keys(row.record), mapping);
      const rowPath = `${u.relPath}#row=${row.n}`;
      const text = cell(row.record, cols.text);
      if (!text) {
        skipped.push({ path: rowPath, reason: cols.text ? '这一行的正文为空' : '找不到正文字段（content/text/full_text/body/正文）' });
        continue;
      }
      const idCell = cell(row.record, cols.id);
      let rowKey = idCell && !usedKeys.has(idCell) ? idCell : `r${row.n}`;
      usedKeys.add(rowKey);
      const rowWarnings = [...warnings];
      const built = buildDocument(splitLongLines(text, rowWarnings), { relPath: u.relPath, rowKey, hints: hintsFromRow(row.record, cols), warnings: rowWarnings });
      addRemoved(removed, built.removed);
      if ('reason' in built) {
        skipped.push({ path: rowPath, reason: built.reason });
        continue;
      }
      applySidecar(built.doc, u.sidecar ?? undefined);
      applySidecar(built.doc, u.sidecar?.rows?.[rowKey]);
      docs.push(built.doc);
    }
    if (docs.length === 0 && skipped.length === 0) return skip('数据文件中没有任何记录');
    return { docs, skipped, removed };
  }

  let raw = decoded.text;
  let hints: MetaHints | null = null;
  if (u.ext === '.html' || u.ext === '.htm') {
    const h = htmlToText(raw);
    raw = h.text;
    hints = h.hints;
    if (raw.trim() === '') return skip('网页正文为空');
  }
  raw = splitLongLines(raw, warnings);
  const built = buildDocument(raw, { relPath: u.relPath, hints, warnings });
  if ('reason' in built) return { ...skip(built.reason), removed: built.removed };
  applySidecar(built.doc, u.sidecar ?? undefined);
  return { docs: [built.doc], skipped, removed: built.removed };
}

async function ingestBinary(u: Unit, kind: Exclude<SandboxKind, 'zip'>): Promise<FileResult> {
  const skip = (reason: string): FileResult => ({ docs: [], skipped: [{ path: u.relPath, reason }] });
  if (u.bytes.length > MAX_BINARY_BYTES) return skip(`文件过大（${mb(u.bytes.length)}），上限 ${mb(MAX_BINARY_BYTES)}`);
  const res = await extract(kind, u.ext, u.bytes);
  if (!res.ok) return skip(res.reason);
  const warnings = [...u.warnings, ...res.warnings];
  const ocrAll = Boolean(res.ocrPages?.length) && (!res.pageTexts || res.ocrPages!.length >= res.pageTexts.filter((t) => t.trim()).length);
  if (res.ocrPages?.length) {
    warnings.push(
      res.pageTexts
        ? `第 ${res.ocrPages.join('、')} 页是扫描件，正文由文字识别（OCR）得到，可能有识别错误`
        : '正文由文字识别（OCR）从图片得到，可能有识别错误',
    );
  }
  const raw = splitLongLines(res.text, warnings);
  const title = confirmedTitle(res.hints?.title, raw);
  const built = buildDocument(raw, { relPath: u.relPath, hints: title ? { origin: 'header', title } : null, warnings });
  if ('reason' in built) return { ...skip(built.reason), removed: built.removed };
  const doc = built.doc;
  if (res.pageTexts) doc.pages = assignPages(doc.text.split('\n'), res.pageTexts);
  if (ocrAll) {
    // Every field read from the text was read from recognised text: say so.
    for (const [f, o] of Object.entries(doc.sources) as Array<[MetaField, FieldOrigin]>) if (o === 'body' || o === 'title' || o === 'signature') doc.sources[f] = 'ocr';
  }
  applySidecar(doc, u.sidecar ?? undefined);
  return { docs: [doc], skipped: [], removed: built.removed };
}

async function ingestZip(u: Unit): Promise<FileResult> {
  const skip = (reason: string): FileResult => ({ docs: [], skipped: [{ path: u.relPath, reason }] });
  if (u.depth >= MAX_ZIP_DEPTH) return skip(`压缩包嵌套超过 ${MAX_ZIP_DEPTH} 层，未打开`);
  if (u.bytes.length > MAX_BINARY_BYTES) return skip(`文件过大（${mb(u.bytes.length)}），上限 ${mb(MAX_BINARY_BYTES)}`);
  const z = await unzip(u.bytes);
  if (!z.ok) return skip(z.reason);
  const out: FileResult = { docs: [], skipped: z.skipped.map((s) => ({ path: `${u.relPath}/${s.name}`, reason: s.reason })), removed: {} };
  const entries = z.entries
    .filter((e) => !e.name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX') && !isAuxiliaryFile(e.name.split('/').pop()!))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const relPath = `${u.relPath}/${e.name}`;
    const ext = path.extname(e.name).toLowerCase();
    if (!(REPORT_EXTENSIONS as readonly string[]).includes(ext)) {
      out.skipped.push({ path: relPath, reason: unsupportedReason(ext) });
      continue;
    }
    const r = await ingestUnit({ relPath, ext, bytes: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength), depth: u.depth + 1, warnings: [] });
    out.docs.push(...r.docs);
    out.skipped.push(...r.skipped);
    addRemoved(out.removed!, r.removed);
  }
  if (out.docs.length === 0 && out.skipped.length === 0) return skip('压缩包中没有文件');
  return out;
}

/** One file → its documents (a dataset gives one per row, an archive one per report inside) and what was skipped. No cross-file de-duplication. */
export async function ingestFile(dataDir: string, file: DiscoveredFile): Promise<FileResult> {
  const skip = (reason: string): FileResult => ({ docs: [], skipped: [{ path: file.path, reason }] });
  const ext = path.extname(file.path).toLowerCase();
  let buf: Buffer;
  let size: number;
  try {
    const st = await fs.stat(file.absPath);
    size = st.size;
    const binary = ext === '.zip' || BINARY_KINDS[ext];
    if (binary && st.size > MAX_BINARY_BYTES) return skip(`文件过大（${mb(st.size)}），上限 ${mb(MAX_BINARY_BYTES)}`);
    if ((ext === '.csv' || ext === '.jsonl') && st.size > MAX_DATASET_BYTES) return skip(`数据文件过大（${mb(st.size)}），上限 ${mb(MAX_DATASET_BYTES)}：请拆成几个文件`);
    buf = binary || ext === '.csv' || ext === '.jsonl' || st.size <= MAX_TEXT_BYTES ? await fs.readFile(file.absPath) : await readHead(file.absPath, MAX_TEXT_BYTES + 1, st.size);
  } catch (e) {
    return skip(`无法读取文件：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const warnings: string[] = [];
  const sidecar = await readJsonSidecar<MetaSidecar>(file.absPath, '.meta.json', warnings);
  return ingestUnit({ relPath: file.path, ext, bytes: buf, size, depth: 0, absPath: file.absPath, sidecar, warnings });
}

/** The first `n` bytes of a large file (a 100 MB text file is not read whole to keep 16 MB of it). */
async function readHead(p: string, n: number, size: number): Promise<Buffer> {
  const fh = await fs.open(p, 'r');
  try {
    const buf = Buffer.alloc(Math.min(n, size));
    await fh.read(buf, 0, buf.length, 0);
    return buf;
  } finally {
    await fh.close();
  }
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
  /** Characters removed by each cleaning rule, over every file added. */
  readonly removed: RemovedChars = {};

  add(r: FileResult): ReportDocument[] {
    this.skipped.push(...r.skipped);
    addRemoved(this.removed, r.removed);
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
  summary(): Omit<FolderResult, 'docs'> {
    const skipped = [...this.skipped].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { found: this.found.files.length + this.found.skipped.length, skipped, duplicates: this.duplicates, removed: { ...this.removed } };
  }
}

/**
 * Every report under `dataDir`, sorted by path (dataset rows in order), exact
 * duplicates (same cleaned text) kept once — the first by path order — and reported.
 */
/** An ingest result with what cleaning removed, per rule (characters), for the summary line (see formatRemoved). */
export interface FolderResult extends IngestResult {
  removed: RemovedChars;
}

export async function ingestFolder(dataDir: string, opts: IngestFolderOptions = {}): Promise<FolderResult> {
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
