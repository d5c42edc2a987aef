/**
 * Where the postings files' bytes come from: the file itself, read by range
 * when a query needs a key's list or position blocks (the page cache keeps
 * what is hot; the process holds only a bounded cache), or a Buffer (tests,
 * freshly built postings). Either way a range is verified against the
 * per-block CRC32s (blocks.bin) before its bytes are used.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { BlockChecksums } from './checksum.js';

export interface ByteSource {
  readonly length: number;
  /** Bytes [start, end) of the file, checked; a view that stays valid while the caller holds it. */
  read(start: number, end: number): Uint8Array;
  /** Reads the whole file once in the background, so the page cache holds it for the first queries. */
  prefetch(): Promise<void>;
  /** Forgets cached ranges (the benchmark times reads, not the cache). */
  clearCache(): void;
  close(): void;
}

/** A file already in memory. */
export class MemorySource implements ByteSource {
  constructor(
    private readonly data: Uint8Array,
    private readonly blocks: BlockChecksums | null = null,
  ) {
    blocks?.fits(data.length);
  }

  get length(): number {
    return this.data.length;
  }

  read(start: number, end: number): Uint8Array {
    this.blocks?.verify(this.data, start, end);
    return this.data.subarray(start, end);
  }

  async prefetch(): Promise<void> {}

  clearCache(): void {}

  close(): void {}
}

/** Bytes of verified ranges kept per file, most recently used last. */
const CACHE_BYTES = 48 << 20;
const PREFETCH_CHUNK = 8 << 20;
const readAsync = promisify(read);

/**
 * A file read by range. Each read covers whole checksum blocks (64 KiB), which
 * are verified every time they are read from the file: a range is checked
 * once per read, and a cache of recent ranges spares the repeated ones.
 */
export class FileSource implements ByteSource {
  private fd: number | null;
  readonly length: number;
  private readonly cache = new Map<number, { end: number; bytes: Uint8Array }>();
  private cached = 0;

  constructor(
    readonly path: string,
    private readonly blocks: BlockChecksums | null = null,
  ) {
    this.fd = openSync(path, 'r');
    this.length = fstatSync(this.fd).size;
    try {
      blocks?.fits(this.length);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private pread(buf: Uint8Array, position: number): void {
    if (this.fd === null) throw new Error(`index: ${this.path} was closed`);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(this.fd, buf, off, buf.length - off, position + off);
      if (n === 0) throw new Error(`index: ${this.path} ended at ${position + off}`);
      off += n;
    }
  }

  read(start: number, end: number): Uint8Array {
    if (end <= start) return new Uint8Array(0);
    const hit = this.cache.get(start);
    if (hit && hit.end === end) {
      this.cache.delete(start);
      this.cache.set(start, hit);
      return hit.bytes;
    }
    let bytes: Uint8Array;
    if (this.blocks) {
      // Whole blocks, so each can be checked against its CRC32.
      const bs = this.blocks.blockSize;
      const from = Math.floor(start / bs) * bs;
      const to = Math.min(this.length, Math.ceil(end / bs) * bs);
      const buf = Buffer.allocUnsafeSlow(to - from);
      this.pread(buf, from);
      this.blocks.verifyRange(buf, from);
      bytes = buf.subarray(start - from, end - from);
    } else {
      bytes = Buffer.allocUnsafeSlow(end - start);
      this.pread(bytes, start);
    }
    if (bytes.length <= CACHE_BYTES / 8) {
      this.cache.set(start, { end, bytes });
      this.cached += bytes.buffer.byteLength;
      while (this.cached > CACHE_BYTES) {
        const [oldest, value] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        this.cached -= value.bytes.buffer.byteLength;
      }
    }
    return bytes;
  }

  async prefetch(): Promise<void> {
    const buf = Buffer.allocUnsafeSlow(PREFETCH_CHUNK);
    for (let at = 0; at < this.length && this.fd !== null; at += PREFETCH_CHUNK) {
      // On the thread pool: requests are served meanwhile.
      await readAsync(this.fd, buf, 0, Math.min(PREFETCH_CHUNK, this.length - at), at).catch(() => undefined);
    }
  }

  clearCache(): void {
    this.cache.clear();
    this.cached = 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
