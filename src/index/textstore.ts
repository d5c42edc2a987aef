/**
 * Report texts, on disk in `texts.bin` and read per report when a hit or a
 * report page needs one (matching never reads texts: the postings answer it).
 *
 * Normalisation is length-preserving and changes few characters (full-width
 * punctuation, Latin case, Traditional characters), so the store keeps the
 * normalised text, deflated per report, and rebuilds the original from a
 * short list of differences kept in memory.
 *
 * Layout: deflated UTF-16LE normalised text of every report | diff positions
 * u32[] | diff chars u16[] (padded) | table f64[6 × docs] (blobStart, blobBytes,
 * chars, diffStart, diffCount, CRC32 of the deflated blob) | trailer: f64
 * diffPosAt, f64 diffCharAt, f64 tableAt, u32 docs, u32 CRC32 of everything
 * from diffPosAt to here, "RST3".
 *
 * The tables are checked at open (their CRC), each text when it is read (its
 * record's CRC): a changed byte is an IndexError, never another text.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { checksumError, crc32 } from './checksum.js';
import { charge } from './cost.js';
import { IndexError } from './format.js';
import { AppendFile } from './storage.js';
import { GrowArray } from './varint.js';

const MAGIC = 'RST3';
const TRAILER = 8 * 3 + 4 + 4 + 4;
const FIELDS = 6;
/** Fast deflate: UTF-16 Chinese text still shrinks to about 40%. */
const LEVEL = 3;

/** A report's text as the store keeps it: deflated normalised UTF-16LE plus where the original differs. */
export interface PreparedText {
  deflated: Uint8Array;
  chars: number;
  diffPos: Uint32Array;
  diffChar: Uint16Array;
}

/** The store's form of a text; pure, so worker threads can do it. `norm` must be `normalize(text)`. */
export function prepareText(text: string, norm: string): PreparedText {
  if (text.length !== norm.length) throw new Error('textstore: normalised text must have the length of the original');
  const pos: number[] = [];
  const chars: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== norm.charCodeAt(i)) {
      pos.push(i);
      chars.push(c);
    }
  }
  const d = deflateRawSync(Buffer.from(norm, 'utf16le'), { level: LEVEL });
  // A buffer of its own (not a shared pool), so it can be transferred between threads.
  const deflated = new Uint8Array(d.length);
  deflated.set(d);
  return { deflated, chars: norm.length, diffPos: Uint32Array.from(pos), diffChar: Uint16Array.from(chars) };
}

function pad8(file: AppendFile): void {
  const rem = file.bytes % 8;
  if (rem) file.write(new Uint8Array(8 - rem));
}

export class TextStoreWriter {
  private file: AppendFile;
  private diffPos = new GrowArray(new Uint32Array(1024), (n) => new Uint32Array(n));
  private diffChar = new GrowArray(new Uint16Array(1024), (n) => new Uint16Array(n));
  private table = new GrowArray(new Float64Array(1024), (n) => new Float64Array(n));
  private docs = 0;

  constructor(path: string) {
    this.file = new AppendFile(path);
  }

  /** Appends a report; `norm` must be `normalize(text)` (same length). */
  add(text: string, norm: string): void {
    this.addPrepared(prepareText(text, norm));
  }

  /** Appends a report prepared by `prepareText` (possibly on a worker thread). */
  addPrepared(p: PreparedText): void {
    const diffStart = this.diffPos.len;
    for (let i = 0; i < p.diffPos.length; i++) {
      this.diffPos.push(p.diffPos[i]);
      this.diffChar.push(p.diffChar[i]);
    }
    this.table.push(this.file.bytes);
    this.table.push(p.deflated.length);
    this.table.push(p.chars);
    this.table.push(diffStart);
    this.table.push(this.diffPos.len - diffStart);
    this.table.push(crc32(p.deflated));
    this.file.write(p.deflated);
    this.docs++;
  }

  /** Writes the tables and trailer, fsyncs and closes; returns the file size. */
  close(): number {
    const f = this.file;
    pad8(f);
    const diffPosAt = f.mark();
    f.write(this.diffPos.bytes());
    pad8(f);
    const diffCharAt = f.bytes;
    f.write(this.diffChar.bytes());
    pad8(f);
    const tableAt = f.bytes;
    f.write(this.table.bytes());
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeDoubleLE(diffPosAt, 0);
    trailer.writeDoubleLE(diffCharAt, 8);
    trailer.writeDoubleLE(tableAt, 16);
    trailer.writeUInt32LE(this.docs, 24);
    f.write(trailer.subarray(0, 28));
    // CRC32 of the tables and the trailer's numbers: the file's CRC from diffPosAt on.
    trailer.writeUInt32LE(f.checksumSince(diffPosAt), 28);
    trailer.write(MAGIC, 32, 'latin1');
    f.write(trailer.subarray(28));
    f.close();
    return f.bytes;
  }

  /** CRC32 of the whole file, valid after close. */
  get checksum(): number {
    return this.file.checksum;
  }

  /** Deletes what was written (a failed build). */
  abandon(): void {
    this.file.abandon();
  }
}

/** Reads a whole file into one Buffer, in chunks (fs.readFile stops at 2 GiB). */
export function readWholeFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafeSlow(size);
    readFully(fd, buf, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, Math.min(buf.length - off, 1 << 30), position + off);
    if (n === 0) throw new IndexError('索引：文件 texts.bin 比记录的短（索引已损坏）——请运行 npm run index 重新建立索引');
    off += n;
  }
}

/** Both forms of a report's text. */
export interface ReportText {
  text: string;
  norm: string;
}

/** UTF-16 code units of recently read texts kept in memory, counted by `charsHeld`: at most 32 MB. */
const RECENT_CHARS = 16_000_000;

/** Both forms, even when they are one string (no diffs): an upper bound, and no comparison of long strings. */
const charsHeld = (r: ReportText) => r.text.length + r.norm.length;

export class TextStore {
  readonly docCount: number;
  private fd: number | null;
  private readonly diffPos: Uint32Array;
  private readonly diffChar: Uint16Array;
  private readonly table: Float64Array;
  /**
   * Texts read lately, least recently used first, up to `RECENT_CHARS`: a hit
   * list, then the report page of one of its hits; the same page of 100 hits
   * asked again (64 texts in arrival order, as before, missed every time).
   */
  private readonly recent = new Map<number, ReportText>();
  private recentChars = 0;

  private constructor(fd: number) {
    this.fd = fd;
    const size = fstatSync(fd).size;
    const trailer = Buffer.alloc(TRAILER);
    if (size < TRAILER) throw new IndexError('索引：文件 texts.bin 已损坏（太短）——请运行 npm run index 重新建立索引');
    readFully(fd, trailer, size - TRAILER);
    if (trailer.toString('latin1', 32) !== MAGIC) throw new IndexError('索引：文件 texts.bin 已损坏（文件尾不符）——请运行 npm run index 重新建立索引');
    const diffPosAt = trailer.readDoubleLE(0);
    const diffCharAt = trailer.readDoubleLE(8);
    const tableAt = trailer.readDoubleLE(16);
    this.docCount = trailer.readUInt32LE(24);
    if (!(diffPosAt >= 0 && diffPosAt <= diffCharAt && diffCharAt <= tableAt && tableAt + this.docCount * FIELDS * 8 === size - TRAILER)) {
      throw checksumError('texts.bin', '文件尾');
    }
    const meta = Buffer.allocUnsafeSlow(size - TRAILER - diffPosAt);
    readFully(fd, meta, diffPosAt);
    if (crc32(trailer.subarray(0, 28), crc32(meta)) !== trailer.readUInt32LE(28)) throw checksumError('texts.bin', '报告表');
    const ab = meta.buffer;
    const base = meta.byteOffset;
    this.diffPos = new Uint32Array(ab, base, (diffCharAt - diffPosAt) >>> 2);
    this.diffChar = new Uint16Array(ab, base + (diffCharAt - diffPosAt), (tableAt - diffCharAt) >>> 1);
    this.table = new Float64Array(ab, base + (tableAt - diffPosAt), this.docCount * FIELDS);
  }

  /** Opens the store; texts are read on demand. Close it when the snapshot is retired. */
  static open(path: string): TextStore {
    const fd = openSync(path, 'r');
    try {
      return new TextStore(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  length(doc: number): number {
    return this.table[doc * FIELDS + 2];
  }

  /** The original text (as ingested) and its normalised form. */
  read(doc: number): ReportText {
    const hit = this.recent.get(doc);
    // a text costs its length whether it comes from disk or from the recent ones: the caller works over it
    charge('text', this.table[doc * FIELDS + 2] ?? 0);
    if (hit) {
      this.recent.delete(doc);
      this.recent.set(doc, hit);
      return hit;
    }
    if (this.fd === null) throw new Error('index: the text store was closed');
    const t = doc * FIELDS;
    const blob = Buffer.allocUnsafe(this.table[t + 1]);
    readFully(this.fd, blob, this.table[t]);
    if (crc32(blob) !== this.table[t + 5]) throw checksumError('texts.bin', `第 ${doc + 1} 篇报告的正文`);
    let normBytes: Buffer;
    try {
      normBytes = inflateRawSync(blob);
    } catch {
      throw new IndexError(`索引：文件 texts.bin 中第 ${doc + 1} 篇报告的正文已损坏——请运行 npm run index 重新建立索引`);
    }
    const norm = normBytes.toString('utf16le');
    const diffStart = this.table[t + 3];
    const diffCount = this.table[t + 4];
    let text = norm;
    if (diffCount > 0) {
      const units = new Uint16Array(normBytes.buffer.slice(normBytes.byteOffset, normBytes.byteOffset + normBytes.byteLength));
      for (let i = diffStart; i < diffStart + diffCount; i++) units[this.diffPos[i]] = this.diffChar[i];
      text = Buffer.from(units.buffer).toString('utf16le');
    }
    const r = { text, norm };
    this.recent.set(doc, r);
    this.recentChars += charsHeld(r);
    while (this.recentChars > RECENT_CHARS && this.recent.size > 1) {
      const [oldest, old] = this.recent.entries().next().value!;
      this.recent.delete(oldest);
      this.recentChars -= charsHeld(old);
    }
    return r;
  }

  normText(doc: number): string {
    return this.read(doc).norm;
  }

  /** The cleaned text as ingested. */
  originalText(doc: number): string {
    return this.read(doc).text;
  }

  clearCache(): void {
    this.recent.clear();
    this.recentChars = 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.clearCache();
  }
}
