/**
 * Checksums of the index files, after Lucene's codec footers and per-block
 * checks: every file has a CRC32 in the manifest (checked in full at open for
 * the small files, by `report-search check` for all); the two large postings
 * files also have one CRC32 per 64 KiB block (`blocks.bin`), checked the first
 * time a query reads a block; every text record has its own CRC32 in the text
 * table. A mismatch is an IndexError: damaged bytes never become an answer.
 *
 * `blocks.bin` (little endian): magic "RSB1", u32 blockSize, u32 gramsBlocks,
 * u32 positionsBlocks, then u32 CRC32 per block of grams.bin, then of positions.bin.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { closeSync, openSync, readSync } from 'node:fs';
import { IndexError } from './format.js';

export const BLOCK_SIZE = 64 * 1024;
export const REBUILD = '请运行 npm run index 重新建立索引';

/** CRC32 (IEEE, as zlib and gzip), continuing from `prev`. */
export function crc32(data: Uint8Array | string, prev = 0): number {
  return zlibCrc32(data, prev) >>> 0;
}

/** The IndexError for bytes that do not match their checksum. */
export function checksumError(file: string, where = ''): IndexError {
  return new IndexError(`索引：文件 ${file} 的校验和不符${where ? `（${where}）` : ''}，索引已损坏——${REBUILD}`);
}

/** Throws when `data` is not what the manifest recorded for `file`. */
export function verifyWhole(file: string, data: Uint8Array | string, expected: number | undefined): void {
  if (expected === undefined) throw new IndexError(`索引：清单中缺少文件 ${file} 的校验和（索引已损坏）——${REBUILD}`);
  if (crc32(data) !== expected) throw checksumError(file);
}

/** CRC32 of a file of any size, read in chunks. */
export function fileCrc32(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    let crc = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return crc;
      crc = crc32(buf.subarray(0, n), crc);
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** One CRC32 per block of `blockSize` bytes. */
export function blockCrcs(data: Uint8Array, blockSize = BLOCK_SIZE): Uint32Array {
  const n = Math.ceil(data.length / blockSize);
  const out = new Uint32Array(n);
  for (let b = 0; b < n; b++) out[b] = crc32(data.subarray(b * blockSize, Math.min(data.length, (b + 1) * blockSize)));
  return out;
}

/**
 * The block checksums of one in-memory file, verified lazily: a range is
 * checked when first read, each block once (the bytes are in memory and do
 * not change after).
 */
export class BlockChecksums {
  private readonly verified: Uint8Array;

  constructor(
    readonly file: string,
    readonly blockSize: number,
    readonly crcs: Uint32Array,
  ) {
    this.verified = new Uint8Array(crcs.length);
  }

  /** Checks that the table fits a file of this length. */
  fits(length: number): void {
    if (Math.ceil(length / this.blockSize) !== this.crcs.length) throw checksumError(this.file, '块数不符');
  }

  /** Verifies the blocks covering bytes [start, end) of `data` (the whole file). */
  verify(data: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    const bs = this.blockSize;
    const last = Math.floor((end - 1) / bs);
    for (let b = Math.floor(start / bs); b <= last; b++) {
      if (this.verified[b]) continue;
      const s = b * bs;
      if (b >= this.crcs.length || crc32(data.subarray(s, Math.min(data.length, s + bs))) !== this.crcs[b]) {
        throw checksumError(this.file, `第 ${b + 1} 块`);
      }
      this.verified[b] = 1;
    }
  }

  /**
   * Verifies freshly read bytes: `data` holds whole blocks of the file from
   * `fileOffset` (a block boundary) on; each is checked now (nothing is memoised:
   * the caller read them from the file, not from checked memory).
   */
  verifyRange(data: Uint8Array, fileOffset: number): void {
    const bs = this.blockSize;
    const first = fileOffset / bs;
    for (let s = 0; s < data.length; s += bs) {
      const b = first + s / bs;
      if (b >= this.crcs.length || crc32(data.subarray(s, Math.min(data.length, s + bs))) !== this.crcs[b]) {
        throw checksumError(this.file, `第 ${b + 1} 块`);
      }
    }
  }

  verifyAll(data: Uint8Array): void {
    this.fits(data.length);
    this.verify(data, 0, data.length);
  }
}

/** Serialises the block checksums of grams.bin and positions.bin. */
export function blocksFile(grams: Uint32Array, positions: Uint32Array, blockSize = BLOCK_SIZE): Buffer {
  const out = Buffer.alloc(16 + 4 * (grams.length + positions.length));
  out.write('RSB1', 0, 'latin1');
  out.writeUInt32LE(blockSize, 4);
  out.writeUInt32LE(grams.length, 8);
  out.writeUInt32LE(positions.length, 12);
  let at = 16;
  for (const arr of [grams, positions]) for (const v of arr) at = out.writeUInt32LE(v, at);
  return out;
}

/** Parses blocks.bin (already verified against the manifest). */
export function parseBlocksFile(buf: Buffer, gramsName: string, positionsName: string): { grams: BlockChecksums; positions: BlockChecksums } {
  if (buf.length < 16 || buf.toString('latin1', 0, 4) !== 'RSB1') throw checksumError('blocks.bin', '文件头不符');
  const bs = buf.readUInt32LE(4);
  const g = buf.readUInt32LE(8);
  const p = buf.readUInt32LE(12);
  if (bs === 0 || buf.length !== 16 + 4 * (g + p)) throw checksumError('blocks.bin', '长度不符');
  const read = (from: number, n: number) => {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = buf.readUInt32LE(from + 4 * i);
    return a;
  };
  return {
    grams: new BlockChecksums(gramsName, bs, read(16, g)),
    positions: new BlockChecksums(positionsName, bs, read(16 + 4 * g, p)),
  };
}

/**
 * The manifest checks itself: `crc` is the CRC32 of its JSON without that
 * field, so a changed digit (a size, a checksum) is caught too.
 */
export function sealManifest<T extends object>(m: T): string {
  const body = JSON.stringify(m, null, 2);
  return JSON.stringify({ ...m, crc: crc32(body) }, null, 2);
}

/** The manifest without its `crc`, or an IndexError when it does not match. */
export function unsealManifest<T extends { formatVersion?: number }>(text: string, where: string, version: number): T {
  const parsed = JSON.parse(text) as T & { crc?: number };
  // Another format version: its version check says what to do, whatever its seal.
  if (parsed.formatVersion !== version) return parsed;
  const { crc, ...rest } = parsed;
  if (crc32(JSON.stringify(rest, null, 2)) !== crc) throw checksumError(`${where}`);
  return rest as T;
}
