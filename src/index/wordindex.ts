/**
 * The word index: BM25 statistics over the analyzer's (jieba) words, one
 * document per report, title boosted over body. It ranks; it never decides
 * what matches (the n-gram postings and the text store do, exactly).
 *
 * Scores are MiniSearch's: the same BM25 (k 1.2, b 0.7, d 0.5), the same
 * field lengths (distinct words per field), boosts and "times the number of
 * words matched" — a test checks them against MiniSearch's own `search`. The
 * statistics are not kept in MiniSearch's in-memory form: at ×100 (12,000
 * reports) its radix tree and per-term maps took 2.4 GB of heap and 342 MB of
 * JSON on disk, and loading a shard cost the first query 130–280 ms. Instead,
 * `words.bin` is a sorted term dictionary over compact postings, and only the
 * dictionary and the field lengths stay in memory; a term's postings are read
 * from the file (the page cache) when a query needs them.
 *
 * Layout of `words.bin` (little endian):
 *   header   "RSW1", u32 docs, u32 terms, u32 CRC32 of the head, f64 headBytes,
 *            f64 average title length, f64 average body length      (40 bytes)
 *   head     u32 title length[docs], u32 body length[docs],
 *            u32 term byte offset[terms + 1], f64 postings offset[terms + 1],
 *            u32 postings CRC32[terms], UTF-8 of the terms (sorted bytewise)
 *   postings per term: varint title df, varint body df, varint title bytes,
 *            then per field (doc delta − 1, frequency) varint pairs
 * The head is checked when the file is opened, each term's postings when read.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ByteReader, ByteWriter, KWayMerge, putVarint } from './bytestream.js';
import { checksumError, crc32 } from './checksum.js';
import { charge } from './cost.js';
import { IndexError, WORDS_FILE } from './format.js';
import { readVarint, varintAt, VarintList } from './varint.js';

export const TITLE_BOOST = 3;

/** MiniSearch's default BM25 parameters. */
export const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

const MAGIC = 'RSW1';
/** Bytes of decoded postings kept between queries: a few common words' lists at ×100. */
const CACHE_BYTES = 16 << 20;

const sizeOf = (p: TermPostings | null) => 64 + (p ? 8 * (p.df[0] + p.df[1]) : 0);
const HEADER_BYTES = 40;

/** A report's distinct words with their counts, one field. */
export interface TermCounts {
  terms: string[];
  freqs: ArrayLike<number>;
}

/** Counts a word list (as `words()` gives it) into distinct terms and frequencies, in first-seen order. */
export function countTerms(words: string[]): TermCounts {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { terms: [...counts.keys()], freqs: Uint32Array.from(counts.values()) };
}

export class WordIndexBuilder {
  private readonly ids = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per field, per term id: (doc delta − 1, frequency) varint pairs, the last doc added, and the df — of the current segment. */
  private lists: Array<Array<VarintList | undefined>> = [[], []];
  private last: number[][] = [[], []];
  private df: number[][] = [[], []];
  /** Per field, per doc: distinct words (MiniSearch's field length). */
  private readonly lengths: number[][] = [[], []];
  private docs = 0;
  private held = 0;
  private readonly segments: string[] = [];

  /** The builder's id of a term, interning it when new. */
  intern(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  /** Bytes of postings held for the current segment (an estimate: list bytes plus per-list overhead). */
  get memoryBytes(): number {
    return this.held;
  }

  /**
   * Adds one field of report `doc` (reports in increasing order): its distinct
   * words as interned ids and their frequencies.
   */
  addField(doc: number, field: 0 | 1, termIds: ArrayLike<number>, freqs: ArrayLike<number>): void {
    const lists = this.lists[field];
    const last = this.last[field];
    const df = this.df[field];
    this.lengths[field][doc] = termIds.length;
    for (let i = 0; i < termIds.length; i++) {
      const id = termIds[i];
      let list = lists[id];
      if (list === undefined) {
        list = lists[id] = new VarintList();
        last[id] = -1;
        df[id] = 0;
        this.held += 96;
      }
      list.push(doc - last[id] - 1);
      list.push(freqs[i]);
      last[id] = doc;
      df[id]++;
    }
    this.held += 3 * termIds.length;
    if (doc + 1 > this.docs) this.docs = doc + 1;
  }

  /** Adds report `doc` from counted words (strings): the simple path, used by tests. */
  add(doc: number, title: TermCounts, body: TermCounts): void {
    this.addField(doc, 0, title.terms.map((t) => this.intern(t)), title.freqs);
    this.addField(doc, 1, body.terms.map((t) => this.intern(t)), body.freqs);
  }

  /**
   * Writes the postings held so far to a segment file and forgets them. A
   * segment is a stream of records in term order (UTF-8 bytes): varint term
   * bytes, the term, then per field varint df, varint last report, varint list
   * bytes; then both lists. Reports keep their archive numbers.
   */
  flushSegment(path: string): void {
    const ids: number[] = [];
    for (let id = 0; id < this.terms.length; id++) if (this.lists[0][id] || this.lists[1][id]) ids.push(id);
    const utf8 = ids.map((id) => Buffer.from(this.terms[id], 'utf8'));
    const order = ids.map((_, i) => i).sort((x, y) => Buffer.compare(utf8[x], utf8[y]));
    const w = new ByteWriter(path);
    try {
      const empty = new Uint8Array(0);
      for (const i of order) {
        const id = ids[i];
        w.varint(utf8[i].length);
        w.write(utf8[i]);
        const parts = [this.lists[0][id]?.bytes() ?? empty, this.lists[1][id]?.bytes() ?? empty];
        for (let f = 0; f < 2; f++) {
          w.varint(this.df[f][id] ?? 0);
          w.varint(parts[f].length ? this.last[f][id] : 0);
          w.varint(parts[f].length);
        }
        w.write(parts[0]);
        w.write(parts[1]);
      }
      w.close();
    } catch (err) {
      w.abandon();
      throw err;
    }
    this.segments.push(path);
    this.lists = [[], []];
    this.last = [[], []];
    this.df = [[], []];
    this.held = 0;
  }

  /**
   * Writes `words.bin` to `path` (segments written before are merged in and
   * deleted; `tmpDir` holds the last segment and the postings while the head
   * is assembled); returns its size and CRC32 (for the manifest).
   */
  write(path: string, tmpDir = dirname(path)): { bytes: number; checksum: number } {
    if (this.held > 0 || this.segments.length === 0) this.flushSegment(join(tmpDir, `words-seg-${this.segments.length}.tmp`));
    return mergeWordSegments(this.segments, this.lengths, this.docs, path, join(tmpDir, 'words-postings.tmp'));
  }
}

/** Per field: df, last report, list bytes — of one segment's record. */
interface FieldPart {
  df: number;
  last: number;
  list: Uint8Array;
}

/**
 * Merges word segments (in report order) into `words.bin`: a term's parts are
 * concatenated per field, the first delta of each part rebased on the last
 * report of the one before. The postings go to `postingsTmp` first (the head,
 * with the dictionary, comes before them in the file).
 */
function mergeWordSegments(segments: string[], fieldLengths: number[][], n: number, path: string, postingsTmp: string): { bytes: number; checksum: number } {
  const readers = segments.map((p) => new ByteReader(p));
  const postings = new ByteWriter(postingsTmp);
  const termOffsets: number[] = [0];
  const postOffsets: number[] = [];
  const postCrcs: number[] = [];
  const termChunks: Buffer[] = [];
  let termBytes = 0;
  try {
    const merge = new KWayMerge<Buffer>(
      segments.length,
      (s) => (readers[s].done ? null : Buffer.from(readers[s].bytes(readers[s].varint()))),
      (a, b) => Buffer.compare(a, b),
    );
    const record = new VarintList();
    const scratch = new Uint8Array(10);
    for (let next = merge.next(); next; next = merge.next()) {
      const parts: FieldPart[][] = [[], []];
      for (const s of next.streams) {
        const r = readers[s];
        const meta = [0, 1].map(() => ({ df: r.varint(), last: r.varint(), bytes: r.varint() }));
        for (let f = 0; f < 2; f++) {
          // Copies: the reader's view is reused by its next read.
          const list = Uint8Array.from(r.bytes(meta[f].bytes));
          if (meta[f].df) parts[f].push({ df: meta[f].df, last: meta[f].last, list });
        }
        merge.advance(s);
      }
      const fields = parts.map((ps) => {
        const out = new VarintList();
        let prevLast = -1;
        for (const p of ps) {
          // Every part counts its first delta from −1; rebase it on the part before.
          const firstDoc = readVarint(p.list, 0);
          const rest = varintAt.end;
          out.append(scratch.subarray(0, putVarint(scratch, 0, firstDoc - prevLast - 1)));
          out.append(p.list.subarray(rest));
          prevLast = p.last;
        }
        return { df: ps.reduce((sum, p) => sum + p.df, 0), bytes: out.bytes() };
      });
      record.len = 0;
      record.push(fields[0].df);
      record.push(fields[1].df);
      record.push(fields[0].bytes.length);
      record.append(fields[0].bytes);
      record.append(fields[1].bytes);
      const rec = record.bytes();
      postOffsets.push(postings.bytes);
      postCrcs.push(crc32(rec));
      postings.write(rec);
      termChunks.push(next.key);
      termBytes += next.key.length;
      termOffsets.push(termBytes);
    }
    postOffsets.push(postings.bytes);
    postings.close();

    const t = postCrcs.length;
    const lengths = new Uint32Array(2 * n);
    const sums = [0, 0];
    for (let f = 0; f < 2; f++) {
      for (let d = 0; d < n; d++) {
        const l = fieldLengths[f][d] ?? 0;
        lengths[f * n + d] = l;
        sums[f] += l;
      }
    }
    // The head: u32/f64 arrays first (f64 aligned at 8 from the start of the file), then the term bytes.
    const u32Bytes = 4 * (2 * n + t + 1);
    const pad = (HEADER_BYTES + u32Bytes) % 8 ? 4 : 0;
    const headBytes = u32Bytes + pad + 8 * (t + 1) + 4 * t + termBytes;
    const head = Buffer.alloc(headBytes);
    let h = 0;
    const put = (arr: Uint32Array | Float64Array) => {
      head.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), h);
      h += arr.byteLength;
    };
    put(lengths);
    put(Uint32Array.from(termOffsets));
    h += pad;
    put(Float64Array.from(postOffsets));
    put(Uint32Array.from(postCrcs));
    for (const chunk of termChunks) {
      head.set(chunk, h);
      h += chunk.length;
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(n, 4);
    header.writeUInt32LE(t, 8);
    header.writeUInt32LE(crc32(head), 12);
    header.writeDoubleLE(headBytes, 16);
    header.writeDoubleLE(n ? sums[0] / n : 0, 24);
    header.writeDoubleLE(n ? sums[1] / n : 0, 32);

    const file = new ByteWriter(path);
    try {
      file.write(header);
      file.write(head);
      file.copyFrom(postingsTmp);
      const out = file.close();
      return { bytes: out.bytes, checksum: out.checksum };
    } catch (err) {
      file.abandon();
      throw err;
    }
  } catch (err) {
    postings.abandon();
    throw err;
  } finally {
    for (const r of readers) r.remove();
    rmSync(postingsTmp, { force: true });
  }
}

/** One term's postings: per field, the reports (ascending) and the frequency in each. */
export interface TermPostings {
  df: [number, number];
  docs: [Uint32Array, Uint32Array];
  freqs: [Uint32Array, Uint32Array];
}

/** Decodes a term's record (checked by the caller). */
function decodePostings(rec: Uint8Array): TermPostings {
  const dfTitle = readVarint(rec, 0);
  const dfBody = readVarint(rec, varintAt.end);
  readVarint(rec, varintAt.end);
  let p = varintAt.end;
  const out: TermPostings = {
    df: [dfTitle, dfBody],
    docs: [new Uint32Array(dfTitle), new Uint32Array(dfBody)],
    freqs: [new Uint32Array(dfTitle), new Uint32Array(dfBody)],
  };
  for (let f = 0; f < 2; f++) {
    const docs = out.docs[f];
    const freqs = out.freqs[f];
    let doc = -1;
    for (let i = 0; i < docs.length; i++) {
      doc += readVarint(rec, p) + 1;
      freqs[i] = readVarint(rec, varintAt.end);
      p = varintAt.end;
      docs[i] = doc;
    }
  }
  if (p !== rec.length) throw new Error('postings do not end where the record does');
  return out;
}

/**
 * `words.bin`, open: the term dictionary and field lengths in memory, the
 * postings read per term from the file.
 */
export class WordIndex {
  private fd: number | null;
  readonly docCount: number;
  readonly termCount: number;
  private readonly avg: [number, number];
  /** Title lengths then body lengths, per report. */
  private readonly lengths: Float64Array[];
  private readonly termOffsets: Uint32Array;
  private readonly postOffsets: Float64Array;
  private readonly postCrcs: Uint32Array;
  private readonly termBytes: Buffer;
  private readonly postingsAt: number;
  /** Recently used terms' postings (a query's words repeat across pages and facets), at most `CACHE_BYTES`. */
  private readonly cache = new Map<string, TermPostings | null>();
  private cacheBytes = 0;

  private constructor(
    private readonly path: string,
    expectedDocs: number,
  ) {
    this.fd = openSync(path, 'r');
    try {
      const header = this.readAt(0, HEADER_BYTES);
      if (header.length < HEADER_BYTES || header.toString('latin1', 0, 4) !== MAGIC) throw checksumError(WORDS_FILE, '文件头不符');
      this.docCount = header.readUInt32LE(4);
      this.termCount = header.readUInt32LE(8);
      const headCrc = header.readUInt32LE(12);
      const headBytes = header.readDoubleLE(16);
      this.avg = [header.readDoubleLE(24), header.readDoubleLE(32)];
      if (this.docCount !== expectedDocs) throw new IndexError(`索引：文件 ${WORDS_FILE} 记录了 ${this.docCount} 份报告，应为 ${expectedDocs} 份（索引已损坏）——请运行 npm run index 重新建立索引`);
      const head = this.readAt(HEADER_BYTES, headBytes);
      if (head.length !== headBytes || crc32(head) !== headCrc) throw checksumError(WORDS_FILE, '词典');
      const n = this.docCount;
      const t = this.termCount;
      // Copies, so the arrays are aligned whatever the head's offset in its pool.
      const u32 = (at: number, count: number) => new Uint32Array(head.buffer.slice(head.byteOffset + at, head.byteOffset + at + 4 * count));
      this.lengths = [Float64Array.from(u32(0, n)), Float64Array.from(u32(4 * n, n))];
      let h = 8 * n;
      this.termOffsets = u32(h, t + 1);
      h += 4 * (t + 1);
      if ((HEADER_BYTES + h) % 8) h += 4;
      this.postOffsets = new Float64Array(head.buffer.slice(head.byteOffset + h, head.byteOffset + h + 8 * (t + 1)));
      h += 8 * (t + 1);
      this.postCrcs = u32(h, t);
      h += 4 * t;
      this.termBytes = Buffer.from(head.subarray(h));
      if (this.termBytes.length !== this.termOffsets[t]) throw checksumError(WORDS_FILE, '词典长度不符');
      this.postingsAt = HEADER_BYTES + headBytes;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Opens `words.bin` of a generation holding `docs` reports. */
  static open(dir: string, docs: number): WordIndex {
    return new WordIndex(join(dir, WORDS_FILE), docs);
  }

  private readAt(position: number, length: number): Buffer {
    if (this.fd === null) throw new Error('index: the word index was closed');
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    while (off < length) {
      const got = readSync(this.fd, buf, off, length - off, position + off);
      if (got === 0) break;
      off += got;
    }
    return off === length ? buf : buf.subarray(0, off);
  }

  /** The dictionary slot of `word`, or -1: binary search over the UTF-8 bytes. */
  private find(word: string): number {
    const key = Buffer.from(word, 'utf8');
    let lo = 0;
    let hi = this.termCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(this.termBytes.subarray(this.termOffsets[mid], this.termOffsets[mid + 1]), key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The postings of `word`, or null when no report holds it. */
  postings(word: string): TermPostings | null {
    const hit = this.cache.get(word);
    if (hit !== undefined) {
      // Most recently used last.
      this.cache.delete(word);
      this.cache.set(word, hit);
      return hit;
    }
    const slot = this.find(word);
    let result: TermPostings | null = null;
    if (slot >= 0) {
      const start = this.postOffsets[slot];
      const length = this.postOffsets[slot + 1] - start;
      const rec = this.readAt(this.postingsAt + start, length);
      if (rec.length !== length || crc32(rec) !== this.postCrcs[slot]) throw checksumError(WORDS_FILE, `词“${word}”`);
      try {
        result = decodePostings(rec);
      } catch {
        throw checksumError(WORDS_FILE, `词“${word}”`);
      }
    }
    this.cache.set(word, result);
    this.cacheBytes += sizeOf(result);
    while (this.cacheBytes > CACHE_BYTES && this.cache.size > 1) {
      const [oldest, value] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.cacheBytes -= sizeOf(value);
    }
    return result;
  }

  /** Reads and checks every term's postings (`report-search check`). */
  verifyAll(): void {
    for (let slot = 0; slot < this.termCount; slot++) {
      const term = this.termBytes.toString('utf8', this.termOffsets[slot], this.termOffsets[slot + 1]);
      if (this.find(term) !== slot) throw checksumError(WORDS_FILE, '词典顺序不符');
      this.postings(term);
    }
    this.clearCache();
  }

  /** Forgets the cached postings (the benchmark times reads, not the cache). */
  clearCache(): void {
    this.cache.clear();
    this.cacheBytes = 0;
  }

  /**
   * BM25 scores of `docs` for these words (OR), as one MiniSearch over the
   * archive would compute them in `search`: per word and field, BM25 (k 1.2,
   * b 0.7, d 0.5) times the field's boost, summed, times the number of words
   * matched. Reports outside `docs` score 0; when `docs` are fewer than a
   * word's postings, only they are looked up (a filtered query).
   */
  scores(words: string[], docs: ArrayLike<number> | null = null): Float64Array {
    const raw = new Float64Array(this.docCount);
    const matched = new Uint16Array(this.docCount);
    const stamp = new Uint32Array(this.docCount);
    let inDocs: Uint8Array | null = null;
    if (docs) {
      inDocs = new Uint8Array(this.docCount);
      for (let i = 0; i < docs.length; i++) inDocs[docs[i]] = 1;
    }
    const boosts = [TITLE_BOOST, 1];
    let w = 0;
    for (const word of new Set(words)) {
      w++;
      const data = this.postings(word);
      if (!data) continue;
      for (let f = 0; f < 2; f++) {
        const df = data.df[f];
        if (df === 0) continue;
        const avg = this.avg[f];
        charge('postings', docs && docs.length < df ? docs.length : df);
        const idf = Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5));
        const weight = boosts[f] * idf;
        const len = this.lengths[f];
        const list = data.docs[f];
        const freqs = data.freqs[f];
        const add = (doc: number, tf: number) => {
          raw[doc] += weight * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * len[doc]) / avg)));
          if (stamp[doc] !== w) {
            stamp[doc] = w;
            matched[doc]++;
          }
        };
        if (docs && docs.length < df) {
          // Few reports: look each up in the sorted list.
          for (let i = 0; i < docs.length; i++) {
            const k = lowerBound(list, docs[i]);
            if (k < list.length && list[k] === docs[i]) add(docs[i], freqs[k]);
          }
        } else {
          for (let i = 0; i < list.length; i++) if (!inDocs || inDocs[list[i]]) add(list[i], freqs[i]);
        }
      }
    }
    for (let i = 0; i < raw.length; i++) raw[i] *= matched[i];
    return raw;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function lowerBound(a: Uint32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
