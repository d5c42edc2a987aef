/**
 * Sequential binary files for the build: a buffered writer (with the running
 * CRC32 of the file and of every 64 KiB block, for the manifest and
 * blocks.bin) and a buffered reader. Segments are written and merged through
 * them, so a build streams its postings instead of holding them.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { BLOCK_SIZE, crc32 } from './checksum.js';
import { AppendFile } from './storage.js';

const WRITE_BUFFER = 1 << 20; // a multiple of BLOCK_SIZE: block CRCs are taken per flushed buffer

export class ByteWriter {
  private readonly file: AppendFile;
  private buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private len = 0;
  private readonly blockCrcs: number[] | null;

  /** `blocks`: also keep one CRC32 per 64 KiB block. */
  constructor(
    readonly path: string,
    blocks = false,
  ) {
    this.file = new AppendFile(path);
    this.blockCrcs = blocks ? [] : null;
  }

  /** Bytes written so far (buffered ones included). */
  get bytes(): number {
    return this.file.bytes + this.len;
  }

  private flush(): void {
    if (this.len === 0) return;
    const chunk = this.buf.subarray(0, this.len);
    if (this.blockCrcs) for (let s = 0; s < chunk.length; s += BLOCK_SIZE) this.blockCrcs.push(crc32(chunk.subarray(s, Math.min(chunk.length, s + BLOCK_SIZE))));
    this.file.write(chunk);
    this.len = 0;
  }

  write(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      const n = Math.min(data.length - off, WRITE_BUFFER - this.len);
      this.buf.set(data.subarray(off, off + n), this.len);
      this.len += n;
      off += n;
      if (this.len === WRITE_BUFFER) this.flush();
    }
  }

  varint(v: number): void {
    if (this.len + 10 > WRITE_BUFFER) this.flush();
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  u32(v: number): void {
    if (this.len + 4 > WRITE_BUFFER) this.flush();
    this.buf.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }

  /** Copies a whole file into this one, in chunks. */
  copyFrom(path: string): void {
    const r = new ByteReader(path);
    try {
      for (let chunk = r.chunk(); chunk.length; chunk = r.chunk()) this.write(chunk);
    } finally {
      r.close();
    }
  }

  /** Flushes, fsyncs, closes; the file's size and CRC32, and its block CRCs when kept. */
  close(): { bytes: number; checksum: number; blocks: Uint32Array } {
    this.flush();
    this.file.close();
    return { bytes: this.file.bytes, checksum: this.file.checksum, blocks: Uint32Array.from(this.blockCrcs ?? []) };
  }

  abandon(): void {
    this.file.abandon();
  }
}

const READ_BUFFER = 1 << 20;

export class ByteReader {
  private fd: number | null;
  private buf = Buffer.allocUnsafe(READ_BUFFER);
  private pos = 0;
  private len = 0;
  private fileAt = 0;
  private eof = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /** Makes at least `n` bytes available (fewer only at the end of the file). */
  private fill(n: number): void {
    if (this.len - this.pos >= n || this.eof) return;
    const rest = this.len - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else this.buf.copy(this.buf, 0, this.pos, this.len);
    this.pos = 0;
    this.len = rest;
    while (this.len < n && !this.eof) {
      const got = readSync(this.fd!, this.buf, this.len, this.buf.length - this.len, this.fileAt);
      if (got === 0) this.eof = true;
      this.fileAt += got;
      this.len += got;
    }
  }

  /** True when every byte has been read. */
  get done(): boolean {
    this.fill(1);
    return this.pos >= this.len;
  }

  varint(): number {
    this.fill(10);
    let b = this.buf[this.pos++];
    let v = b & 0x7f;
    let shift = 7;
    while (b & 0x80) {
      b = this.buf[this.pos++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    }
    return v;
  }

  u32(): number {
    this.fill(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** The next `n` bytes: a view valid until the next read. */
  bytes(n: number): Uint8Array {
    this.fill(n);
    if (this.len - this.pos < n) throw new Error(`index: ${this.path} ended early`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The rest of the buffer, or of the file: for copying. Empty at the end. */
  chunk(): Uint8Array {
    this.fill(READ_BUFFER);
    const out = this.buf.subarray(this.pos, this.len);
    this.pos = this.len;
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Closes and deletes the file (a segment, once merged). */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}

/** Encodes a varint into `out` at `p`; returns the position after it. */
export function putVarint(out: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    out[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[p++] = v;
  return p;
}

/**
 * A k-way merge over sorted streams: `next()` gives the indices of the
 * streams whose current head is the smallest (ascending stream order), or
 * null when all are exhausted. `compare` orders heads; `advance` moves a
 * stream on and returns false at its end.
 */
export class KWayMerge<K> {
  private readonly heads: Array<K | null>;

  constructor(
    count: number,
    private readonly head: (s: number) => K | null,
    private readonly compare: (a: K, b: K) => number,
  ) {
    this.heads = Array.from({ length: count }, (_, s) => head(s));
  }

  /** The streams holding the smallest head, and that head; the caller consumes them, then calls `advance`. */
  next(): { key: K; streams: number[] } | null {
    let best: K | null = null;
    let streams: number[] = [];
    for (let s = 0; s < this.heads.length; s++) {
      const h = this.heads[s];
      if (h === null) continue;
      const c = best === null ? -1 : this.compare(h, best);
      if (c < 0) {
        best = h;
        streams = [s];
      } else if (c === 0) streams.push(s);
    }
    return best === null ? null : { key: best, streams };
  }

  /** Reads the next head of stream `s`. */
  advance(s: number): void {
    this.heads[s] = this.head(s);
  }
}
