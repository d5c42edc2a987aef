/**
 * Report texts, kept off the JS heap in one file `texts.bin`.
 *
 * Normalisation is length-preserving and changes few characters (full-width
 * punctuation, Latin case, Traditional characters), so the store keeps the
 * normalised text — what matching needs — and rebuilds the original from a
 * short list of differences. ≈ 2.1 bytes per character for both.
 *
 * Layout: norm UTF-16LE of every report | diff positions u32[] | diff chars u16[]
 * (padded) | doc table f64[4 × docs] (normStart in chars, length, diffStart, diffCount)
 * | trailer: f64 diffPosAt, f64 diffCharAt, f64 tableAt, u32 docs, "RST1".
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AppendFile } from './storage.js';

const MAGIC = 'RST1';
const TRAILER = 8 * 3 + 4 + 4;

class GrowArray<T extends Uint32Array | Uint16Array | Float64Array> {
  len = 0;
  constructor(public arr: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.len === this.arr.length) {
      const next = this.make(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.len++] = v;
  }
  view(): T {
    return this.arr.subarray(0, this.len) as T;
  }
}

function pad8(file: AppendFile): void {
  const rem = file.bytes % 8;
  if (rem) file.write(new Uint8Array(8 - rem));
}

/** A report's text as the store keeps it: normalised UTF-16LE plus where the original differs. */
export interface PreparedText {
  norm: Uint8Array;
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
  // A buffer of its own (not Buffer's shared pool), so it can be transferred between threads.
  const bytes = new Uint8Array(norm.length * 2);
  Buffer.from(bytes.buffer).write(norm, 'utf16le');
  return { norm: bytes, diffPos: Uint32Array.from(pos), diffChar: Uint16Array.from(chars) };
}

export class TextStoreWriter {
  private file: AppendFile;
  private chars = 0;
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
    this.file.write(p.norm);
    const length = p.norm.length / 2;
    this.table.push(this.chars);
    this.table.push(length);
    this.table.push(diffStart);
    this.table.push(this.diffPos.len - diffStart);
    this.chars += length;
    this.docs++;
  }

  /** Writes the tables and trailer, fsyncs and closes; returns the file size. */
  close(): number {
    const f = this.file;
    pad8(f);
    const diffPosAt = f.bytes;
    f.write(new Uint8Array(this.diffPos.view().buffer, 0, this.diffPos.len * 4));
    pad8(f);
    const diffCharAt = f.bytes;
    f.write(new Uint8Array(this.diffChar.view().buffer, 0, this.diffChar.len * 2));
    pad8(f);
    const tableAt = f.bytes;
    f.write(new Uint8Array(this.table.view().buffer, 0, this.table.len * 8));
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeDoubleLE(diffPosAt, 0);
    trailer.writeDoubleLE(diffCharAt, 8);
    trailer.writeDoubleLE(tableAt, 16);
    trailer.writeUInt32LE(this.docs, 24);
    trailer.write(MAGIC, 28, 'latin1');
    f.write(trailer);
    f.close();
    return f.bytes;
  }
}

/** Reads a whole file into one Buffer, in chunks (fs.readFile stops at 2 GiB). */
export function readWholeFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafeSlow(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, Math.min(size - off, 1 << 30), off);
      if (n === 0) throw new Error(`index: ${path} ended early`);
      off += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

export class TextStore {
  readonly docCount: number;
  private readonly buf: Buffer;
  private readonly diffPos: Uint32Array;
  private readonly diffChar: Uint16Array;
  private readonly table: Float64Array;

  constructor(buf: Buffer) {
    if (buf.length < TRAILER || buf.toString('latin1', buf.length - 4) !== MAGIC) {
      throw new Error('index: texts.bin is damaged (bad trailer)');
    }
    const t = buf.length - TRAILER;
    const diffPosAt = buf.readDoubleLE(t);
    const diffCharAt = buf.readDoubleLE(t + 8);
    const tableAt = buf.readDoubleLE(t + 16);
    this.docCount = buf.readUInt32LE(t + 24);
    this.buf = buf;
    const ab = buf.buffer;
    const base = buf.byteOffset;
    this.diffPos = new Uint32Array(ab, base + diffPosAt, (diffCharAt - diffPosAt) >>> 2);
    this.diffChar = new Uint16Array(ab, base + diffCharAt, (tableAt - diffCharAt) >>> 1);
    this.table = new Float64Array(ab, base + tableAt, this.docCount * 4);
  }

  static load(path: string): TextStore {
    return new TextStore(readWholeFile(path));
  }

  length(doc: number): number {
    return this.table[doc * 4 + 1];
  }

  /** Total characters of all reports. */
  totalChars(): number {
    const n = this.docCount;
    return n === 0 ? 0 : this.table[(n - 1) * 4] + this.table[(n - 1) * 4 + 1];
  }

  normText(doc: number): string {
    const start = this.table[doc * 4] * 2;
    return this.buf.toString('utf16le', start, start + this.table[doc * 4 + 1] * 2);
  }

  /** The cleaned text as ingested (normalised text with the differences put back). */
  originalText(doc: number): string {
    const start = this.table[doc * 4] * 2;
    const len = this.table[doc * 4 + 1];
    const diffStart = this.table[doc * 4 + 2];
    const diffCount = this.table[doc * 4 + 3];
    const units = new Uint16Array(len);
    new Uint8Array(units.buffer).set(this.buf.subarray(start, start + len * 2));
    for (let i = diffStart; i < diffStart + diffCount; i++) units[this.diffPos[i]] = this.diffChar[i];
    return Buffer.from(units.buffer).toString('utf16le');
  }

  /**
   * Whether the normalised text of `doc` contains `needle` (UTF-16LE bytes).
   * Byte search can match across a character boundary, so odd offsets are skipped.
   */
  contains(doc: number, needle: Buffer): boolean {
    const start = this.table[doc * 4] * 2;
    const hay = this.buf.subarray(start, start + this.table[doc * 4 + 1] * 2);
    let from = 0;
    for (;;) {
      const at = hay.indexOf(needle, from);
      if (at < 0) return false;
      if ((at & 1) === 0) return true;
      from = at + 1;
    }
  }
}
