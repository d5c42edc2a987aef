/**
 * Character n-gram postings: for every character (unigram) and every pair of
 * adjacent characters (bigram) of the normalised texts, the sorted list of
 * reports that contain it, and for bigrams where in each report they stand.
 * One- and two-character strings are answered by the lists alone; a longer
 * string is found where its bigrams stand at consecutive offsets — exact,
 * without reading the texts. This is what makes phrase search exact and fast
 * when MiniSearch's words cannot be (jieba keeps 全面推行 as one word).
 *
 * `grams.bin` (little endian):
 *   header     magic "RSG2", u32 keyCount, u32 docCount, u32 reserved
 *   posStart   f64[keyCount]  where each key's position blocks start in positions.bin
 *   keys       u32[keyCount]  sorted gram keys (unigram: code unit; bigram: hi << 16 | lo)
 *   counts     u32[keyCount]  document frequency of each key
 *   offsets    u32[keyCount + 1] byte offset of each key's list in `lists`
 *   lists      doc ids as delta-encoded LEB128 varints
 * Both files are checked per 64 KiB block (src/index/checksum.ts): the header
 * and tables of grams.bin at open, a key's list and position blocks each time
 * a query reads them from the file.
 * `positions.bin`: magic "RSP2" + 4 bytes, then for each bigram key, for each of
 *   its documents in order, a block: byte length (varint), then the positions of
 *   the bigram in that document's normalised text, delta-encoded varints.
 */
import type { ByteSource } from './bytesource.js';
import { charge, CHARGE_EVERY } from './cost.js';
import { IndexError } from './format.js';
import { Bitset } from './bitset.js';
import { GrowArray, readVarint, varintAt, VarintList } from './varint.js';
import { rmSync } from 'node:fs';
import { ByteReader, ByteWriter, KWayMerge, putVarint } from './bytestream.js';

/** '\n' separates paragraphs: no query term contains it, so no gram crosses it. */
const NEWLINE = 10;

/** The key of a gram; bigram keys are ≥ 0x10000 because NUL never occurs in texts. */
export function bigramKey(hi: number, lo: number): number {
  return ((hi << 16) | lo) >>> 0;
}

/**
 * Distinct gram keys of a normalised text, sorted ascending: unigrams of every
 * code unit, bigrams of every adjacent pair inside a paragraph.
 */
export function gramKeys(normText: string): Uint32Array {
  return analyzeGrams(normText).keys;
}

/** Positions within one report are packed with their key into a double while sorting. */
const POS_SPAN = 2 ** 21;
let seenStamp = new Uint32Array(0x10000);
let stamp = 0;

/** A report's distinct gram keys (sorted) and the position blocks of its bigram keys, in key order. */
export interface GramData {
  keys: Uint32Array;
  positions: Uint8Array;
}

/** Keys and bigram positions of a normalised text (what the index stores of it). */
export function analyzeGrams(normText: string): GramData {
  const n = normText.length;
  if (++stamp === 0xffffffff) {
    seenStamp = new Uint32Array(0x10000);
    stamp = 1;
  }
  const unigrams: number[] = [];
  const pairs = new Float64Array(n);
  let m = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const c = normText.charCodeAt(i);
    if (c === NEWLINE || c === 0) {
      prev = -1;
      continue;
    }
    if (seenStamp[c] !== stamp) {
      seenStamp[c] = stamp;
      unigrams.push(c);
    }
    if (prev > 0) pairs[m++] = (((prev << 16) | c) >>> 0) * POS_SPAN + (i - 1);
    prev = c;
  }
  let sorted: Float64Array;
  if (n < POS_SPAN) sorted = pairs.subarray(0, m).sort();
  else {
    // A text too long to pack positions: sort by key, then position, with a comparator.
    const keyOf = (v: number) => Math.floor(v / POS_SPAN);
    sorted = Float64Array.from(pairs.subarray(0, m)).sort((a, b) => keyOf(a) - keyOf(b) || a - b);
  }
  unigrams.sort((a, b) => a - b);
  const bigrams: number[] = [];
  const out = new VarintList();
  const block = new VarintList();
  let i = 0;
  while (i < m) {
    const key = Math.floor(sorted[i] / POS_SPAN);
    bigrams.push(key);
    block.len = 0;
    let last = 0;
    while (i < m && Math.floor(sorted[i] / POS_SPAN) === key) {
      const pos = sorted[i] - key * POS_SPAN;
      block.push(pos - last);
      last = pos;
      i++;
    }
    out.push(block.len);
    out.append(block.bytes());
  }
  const keys = new Uint32Array(unigrams.length + bigrams.length);
  keys.set(unigrams);
  keys.set(bigrams, unigrams.length);
  return { keys, positions: out.bytes().slice() };
}

/** The keys a term needs: its bigrams (or its single unigram), distinct. */
export function termKeys(term: string): number[] {
  if (term.length === 1) return [term.charCodeAt(0)];
  const keys = new Set<number>();
  for (let i = 0; i + 1 < term.length; i++) keys.add(bigramKey(term.charCodeAt(i), term.charCodeAt(i + 1)));
  return [...keys];
}

/** Documents per index are limited so that (key, doc) packs exactly into a double. */
const DOC_BITS = 21;
const DOC_SPAN = 2 ** DOC_BITS;

/** Buckets in key order: unigrams by their high byte, bigrams by their top 12 bits. */
const BUCKETS = 256 + 4096;
const bucketOf = (key: number) => (key < 0x10000 ? key >>> 8 : 256 + (key >>> 20));

/**
 * Accumulates (key, doc) pairs and each report's position blocks, and turns
 * them into postings — in memory (`toBuffers`) or, for an archive of any
 * size, as segments on disk merged at the end (`flushSegment`, `mergePostings`):
 * the builder's memory is bounded by one segment, not by the archive.
 *
 * Inserting each pair into a per-key list touches scattered memory (a hash
 * slot, a list object, its buffer) and cost ~0.7 µs a pair — most of a build's
 * main-thread time. Instead each pair is appended, packed in a double, to one
 * of a few thousand buckets in key order (sequential writes); at the end each
 * bucket is sorted natively and its lists encoded in one pass. A report's
 * blocks are in key order too, so a cursor per report finds each in turn.
 */
export class PostingsBuilder {
  private buckets: Float64Array[] = [];
  private fill = new Uint32Array(BUCKETS);
  private docPositions: Uint8Array[] = [];
  private positionBytes = 0;
  private pairs = 0;
  /** The first report of the current segment, and how many it holds. */
  private base = 0;
  private docCount = 0;

  constructor() {
    this.reset();
  }

  private reset(): void {
    this.buckets = Array.from({ length: BUCKETS }, () => new Float64Array(16));
    this.fill = new Uint32Array(BUCKETS);
    this.docPositions = [];
    this.positionBytes = 0;
    this.pairs = 0;
    this.docCount = 0;
  }

  /** Bytes held for the current segment (pairs and position blocks). */
  get memoryBytes(): number {
    return 8 * this.pairs + this.positionBytes;
  }

  /** Adds one report; reports must be added in increasing id order, from the segment's first one on. */
  add(docId: number, grams: GramData): void {
    const local = docId - this.base;
    if (local < 0) throw new Error(`index: report ${docId} added after its segment was written`);
    if (local >= DOC_SPAN) throw new Error(`index: more than ${DOC_SPAN} reports in one segment`);
    const keys = grams.keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const b = bucketOf(key);
      let arr = this.buckets[b];
      const n = this.fill[b];
      if (n === arr.length) {
        const next = new Float64Array(arr.length * 2);
        next.set(arr);
        this.buckets[b] = arr = next;
      }
      arr[n] = key * DOC_SPAN + local;
      this.fill[b] = n + 1;
    }
    this.pairs += keys.length;
    this.docPositions[local] = grams.positions;
    this.positionBytes += grams.positions.length;
    if (local + 1 > this.docCount) this.docCount = local + 1;
  }

  /**
   * Calls `fn` for every key of the segment in key order: its document count,
   * its last report (segment-local), its list (delta varints from −1) and its
   * position blocks (empty for unigrams). The views are reused between calls.
   */
  private forEachKey(fn: (key: number, count: number, last: number, list: Uint8Array, positions: Uint8Array) => void): void {
    const list = new VarintList();
    let pos = new Uint8Array(1 << 16);
    const cursor = new Float64Array(this.docCount);
    for (let b = 0; b < BUCKETS; b++) {
      const pairs = this.buckets[b].subarray(0, this.fill[b]).sort();
      this.buckets[b] = new Float64Array(0); // release as we go
      let i = 0;
      while (i < pairs.length) {
        const key = Math.floor(pairs[i] / DOC_SPAN);
        const bigram = key >= 0x10000;
        list.len = 0;
        let posLen = 0;
        let last = -1;
        let count = 0;
        while (i < pairs.length && Math.floor(pairs[i] / DOC_SPAN) === key) {
          const doc = pairs[i] - key * DOC_SPAN;
          list.push(doc - last - 1);
          if (bigram) {
            // This report's next block is this key's: blocks are in key order.
            const src = this.docPositions[doc];
            const at = cursor[doc];
            const end = readVarint(src, at) + varintAt.end;
            if (posLen + (end - at) > pos.length) {
              const grown = new Uint8Array(Math.max(pos.length * 2, posLen + (end - at)));
              grown.set(pos.subarray(0, posLen));
              pos = grown;
            }
            // Blocks are mostly a few bytes: a loop beats allocating a subarray for set().
            for (let j = at; j < end; j++) pos[posLen++] = src[j];
            cursor[doc] = end;
          }
          last = doc;
          count++;
          i++;
        }
        fn(key, count, last, list.bytes(), pos.subarray(0, posLen));
      }
    }
  }

  /** Serialises to grams.bin and positions.bin in memory (one segment: tests and small tools). */
  toBuffers(): { grams: Buffer; positions: Buffer } {
    const keys: number[] = [];
    const counts: number[] = [];
    const offsets: number[] = [];
    const posStart: number[] = [];
    const lists = new VarintList();
    const positions = Buffer.alloc(8 + this.positionBytes);
    positions.write('RSP2', 0, 'latin1');
    let posLen = 8;
    this.forEachKey((key, count, _last, list, pos) => {
      keys.push(key);
      counts.push(count);
      offsets.push(lists.len);
      posStart.push(posLen);
      lists.append(list);
      positions.set(pos, posLen);
      posLen += pos.length;
    });
    const k = keys.length;
    const headerBytes = 16 + 8 * k + 4 * k * 2 + 4 * (k + 1);
    const grams = Buffer.alloc(headerBytes + lists.len);
    grams.write('RSG2', 0, 'latin1');
    grams.writeUInt32LE(k, 4);
    grams.writeUInt32LE(this.docCount, 8);
    new Float64Array(grams.buffer, grams.byteOffset + 16, k).set(posStart);
    const view = new Uint32Array(grams.buffer, grams.byteOffset + 16 + 8 * k, k * 3 + 1);
    view.set(keys, 0);
    view.set(counts, k);
    view.set(offsets, 2 * k);
    view[3 * k] = lists.len;
    grams.set(lists.bytes(), headerBytes);
    return { grams, positions: positions.subarray(0, posLen) };
  }

  /**
   * Writes the current segment to `path` and starts the next one at report
   * `nextBase`. A segment is a stream of records in key order: u32 key,
   * varint count, varint last report, varint list bytes, the list, varint
   * position bytes, the blocks. Returns the segment for `mergePostings`.
   */
  flushSegment(path: string, nextBase: number): PostingsSegment {
    const w = new ByteWriter(path);
    try {
      this.forEachKey((key, count, last, list, pos) => {
        w.u32(key);
        w.varint(count);
        w.varint(last);
        w.varint(list.length);
        w.write(list);
        w.varint(pos.length);
        w.write(pos);
      });
      w.close();
    } catch (err) {
      w.abandon();
      throw err;
    }
    const segment = { path, base: this.base, docs: nextBase - this.base };
    this.reset();
    this.base = nextBase;
    return segment;
  }
}

/** A segment written by `flushSegment`: its file and its reports [base, base + docs). */
export interface PostingsSegment {
  path: string;
  base: number;
  docs: number;
}

/** What `mergePostings` wrote: sizes, CRC32s and block CRCs of grams.bin and positions.bin. */
export interface MergedPostings {
  grams: { bytes: number; checksum: number; blocks: Uint32Array };
  positions: { bytes: number; checksum: number; blocks: Uint32Array };
}

/**
 * Merges segments (in report order) into grams.bin and positions.bin,
 * streaming: a key's lists are concatenated, the first delta of each
 * segment's part rebased on the reports before it, and its position blocks
 * copied as they are (they are in report order already). Only the tables
 * (24 bytes a key) are held; the lists go through `listsTmp` first because
 * grams.bin puts the tables before them. The segment files are deleted.
 */
export function mergePostings(segments: PostingsSegment[], gramsPath: string, positionsPath: string, listsTmp: string): MergedPostings {
  const readers = segments.map((s) => new ByteReader(s.path));
  const heads = new Float64Array(segments.length);
  const lists = new ByteWriter(listsTmp);
  const positions = new ByteWriter(positionsPath, true);
  const u32 = () => new GrowArray(new Uint32Array(1 << 16), (n) => new Uint32Array(n));
  const keys = u32();
  const counts = u32();
  const offsets = u32();
  const posStart = new GrowArray(new Float64Array(1 << 16), (n) => new Float64Array(n));
  let docCount = 0;
  for (const s of segments) docCount = Math.max(docCount, s.base + s.docs);
  try {
    const header = Buffer.alloc(8);
    header.write('RSP2', 0, 'latin1');
    positions.write(header);
    const merge = new KWayMerge<number>(segments.length, (s) => (readers[s].done ? null : readers[s].u32()), (a, b) => a - b);
    const first = new Uint8Array(10);
    for (let next = merge.next(); next; next = merge.next()) {
      keys.push(next.key);
      offsets.push(lists.bytes);
      posStart.push(positions.bytes);
      let count = 0;
      let prevLast = -1;
      for (const s of next.streams) {
        const r = readers[s];
        const base = segments[s].base;
        count += r.varint();
        const last = r.varint();
        const list = r.bytes(r.varint());
        // The segment's first delta counts from −1 in segment numbers; rebase it on the merged list.
        const firstLocal = readVarint(list, 0);
        const rest = varintAt.end;
        lists.write(first.subarray(0, putVarint(first, 0, base + firstLocal - prevLast - 1)));
        lists.write(list.subarray(rest));
        prevLast = base + last;
        positions.write(r.bytes(r.varint()));
        merge.advance(s);
      }
      counts.push(count);
    }
    offsets.push(lists.bytes);
    const listsOut = lists.close();
    const posOut = positions.close();
    const k = keys.len;
    if (listsOut.bytes >= 2 ** 32) throw new Error('index: document lists over 4 GiB in one index');
    const grams = new ByteWriter(gramsPath, true);
    try {
      const head = Buffer.alloc(16);
      head.write('RSG2', 0, 'latin1');
      head.writeUInt32LE(k, 4);
      head.writeUInt32LE(docCount, 8);
      grams.write(head);
      grams.write(posStart.bytes());
      grams.write(keys.bytes());
      grams.write(counts.bytes());
      grams.write(offsets.bytes());
      grams.copyFrom(listsTmp);
      const gramsOut = grams.close();
      return { grams: gramsOut, positions: posOut };
    } catch (err) {
      grams.abandon();
      throw err;
    }
  } catch (err) {
    positions.abandon();
    throw err;
  } finally {
    for (const r of readers) r.remove();
    rmSync(listsTmp, { force: true });
  }
}

/** A walk through one bigram's documents and their position blocks, in document order. */
class PositionCursor {
  doc = -1;
  private p: number;
  private readonly end: number;
  /** Start of the current document's block (its length varint). */
  private block: number;

  constructor(
    private readonly lists: Uint8Array,
    private readonly positions: Uint8Array,
    listStart: number,
    listEnd: number,
    posStart: number,
  ) {
    this.p = listStart;
    this.end = listEnd;
    this.block = posStart;
    this.advance(true);
  }

  private advance(first: boolean): boolean {
    if (!first) {
      // Skip the current document's block.
      const len = readVarint(this.positions, this.block);
      this.block = varintAt.end + len;
    }
    if (this.p >= this.end) {
      this.doc = Infinity;
      return false;
    }
    const delta = readVarint(this.lists, this.p);
    this.p = varintAt.end;
    this.doc += delta + 1;
    return true;
  }

  /** Moves to the first document ≥ target; true when it is target. */
  seek(target: number): boolean {
    while (this.doc < target) if (!this.advance(false)) return false;
    return this.doc === target;
  }

  private pos = 0;
  private posEnd = 0;
  private value = 0;

  /** Starts streaming the current document's positions. */
  begin(): void {
    const len = readVarint(this.positions, this.block);
    this.pos = varintAt.end;
    this.posEnd = this.pos + len;
    this.value = 0;
  }

  /** The next position of the stream, or -1 at its end (decoded lazily: a match stops early). */
  next(): number {
    if (this.pos >= this.posEnd) return -1;
    this.value += readVarint(this.positions, this.pos);
    this.pos = varintAt.end;
    return this.value;
  }
}

/** Read side of grams.bin and positions.bin: the tables in memory, lists and position blocks read by range. */
export class GramPostings {
  readonly docCount: number;
  private readonly keys: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly posStart: Float64Array;
  /** Where the lists start in grams.bin. */
  private readonly listStart: number;
  private vals = new Float64Array(8);

  /**
   * `grams` and `positions` are the two files (src/index/bytesource.ts):
   * the header and tables of grams.bin are read now — every query uses them;
   * a key's document list and its position blocks when a query needs them.
   */
  constructor(
    private readonly grams: ByteSource,
    private readonly positions: ByteSource,
  ) {
    const damaged = (why: string) => new IndexError(`索引：文件 grams.bin 已损坏（${why}）——请运行 npm run index 重新建立索引`);
    if (grams.length < 16) throw damaged('文件头不符');
    const head = Buffer.from(grams.read(0, 16));
    if (head.toString('latin1', 0, 4) !== 'RSG2') throw damaged('文件头不符');
    const k = head.readUInt32LE(4);
    this.docCount = head.readUInt32LE(8);
    const listStart = 16 + 8 * k + 8 * k + 4 * (k + 1);
    if (listStart > grams.length) throw damaged('表长度不符');
    // A copy, aligned for the typed arrays whatever the source's offsets.
    const tables = new Uint8Array(listStart - 16);
    tables.set(grams.read(16, listStart));
    this.posStart = new Float64Array(tables.buffer, 0, k);
    this.keys = new Uint32Array(tables.buffer, 8 * k, k);
    this.counts = new Uint32Array(tables.buffer, 12 * k, k);
    this.offsets = new Uint32Array(tables.buffer, 16 * k, k + 1);
    if (listStart + this.offsets[k] !== grams.length) throw damaged('长度不符');
    this.listStart = listStart;
    if (positions.length < 8 || Buffer.from(positions.read(0, 8)).toString('latin1', 0, 4) !== 'RSP2') {
      throw new IndexError('索引：文件 positions.bin 已损坏（文件头不符）——请运行 npm run index 重新建立索引');
    }
  }

  /** Key i's document list (checked). */
  private list(i: number): Uint8Array {
    return this.grams.read(this.listStart + this.offsets[i], this.listStart + this.offsets[i + 1]);
  }

  /** Key i's position blocks (checked): from its start to the next key's. */
  private blocksOf(i: number): Uint8Array {
    const end = i + 1 < this.posStart.length ? this.posStart[i + 1] : this.positions.length;
    return this.positions.read(this.posStart[i], end);
  }

  /** Forgets the ranges cached by the sources. */
  clearCache(): void {
    this.grams.clearCache();
    this.positions.clearCache();
  }

  get keyCount(): number {
    return this.keys.length;
  }

  private find(key: number): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.keys[mid];
      if (v === key) return mid;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Document frequency of a key (0 when absent). */
  count(key: number): number {
    const i = this.find(key);
    return i < 0 ? 0 : this.counts[i];
  }

  /** Adds every document holding `key` to `into`. */
  addDocsTo(key: number, into: Bitset): void {
    const i = this.find(key);
    if (i < 0) return;
    const lists = this.list(i);
    const words = into.words;
    let p = 0;
    const end = lists.length;
    charge('postings', end);
    let doc = -1;
    while (p < end) {
      doc += readVarint(lists, p) + 1;
      p = varintAt.end;
      words[doc >>> 5] |= 1 << (doc & 31);
    }
  }

  /**
   * Reports that contain every key (the candidates of a term), rarest key first.
   * Exact for a one- or two-character term; a superset for longer ones.
   */
  docsWithAll(keys: number[], size: number): Bitset {
    const sorted = [...keys].sort((a, b) => this.count(a) - this.count(b));
    const result = new Bitset(size);
    if (sorted.length === 0 || this.count(sorted[0]) === 0) return result;
    this.addDocsTo(sorted[0], result);
    for (let i = 1; i < sorted.length; i++) {
      const next = new Bitset(size);
      this.addDocsTo(sorted[i], next);
      result.and(next);
    }
    return result;
  }

  private cursor(key: number): PositionCursor | null {
    const i = this.find(key);
    if (i < 0 || key < 0x10000) return null;
    const list = this.list(i);
    charge('postings', list.length);
    return new PositionCursor(list, this.blocksOf(i), 0, list.length, 0);
  }

  /** The bigrams whose positions locate `term` (3+ code units): at offsets 0, 2, 4 … and length − 2, which cover every character. */
  private phraseCursors(term: string): { offsets: number[]; cursors: PositionCursor[] } | null {
    const L = term.length;
    const offsets: number[] = [];
    for (let o = 0; o + 2 <= L; o += 2) offsets.push(o);
    if (offsets[offsets.length - 1] !== L - 2) offsets.push(L - 2);
    const cursors = offsets.map((o) => this.cursor(bigramKey(term.charCodeAt(o), term.charCodeAt(o + 1))));
    return cursors.some((c) => c === null) ? null : { offsets, cursors: cursors as PositionCursor[] };
  }

  /**
   * Keeps in `candidates` only the reports whose text contains `term` (three
   * or more code units): the term stands at p exactly when each of its
   * covering bigrams stands at p + offset.
   */
  keepPhrase(term: string, candidates: Bitset): void {
    const pc = this.phraseCursors(term);
    if (!pc) {
      candidates.words.fill(0);
      return;
    }
    const words = candidates.words;
    let walked = 0;
    for (let w = 0; w < words.length; w++) {
      let v = words[w];
      while (v !== 0) {
        if (++walked % CHARGE_EVERY === 0) charge('candidates', CHARGE_EVERY);
        const t = v & -v;
        const doc = (w << 5) + (31 - Math.clz32(t));
        if (!this.phraseAt(doc, pc.offsets, pc.cursors, null)) words[w] &= ~t;
        v ^= t;
      }
    }
  }

  /** Calls `fn` with the positions of `term` in each of `docs` (ascending report numbers) that holds it. */
  forEachTermPositions(term: string, docs: ArrayLike<number>, fn: (doc: number, positions: number[]) => void): void {
    if (term.length < 2) return;
    if (term.length === 2) {
      const c = this.cursor(bigramKey(term.charCodeAt(0), term.charCodeAt(1)));
      if (!c) return;
      for (let i = 0; i < docs.length; i++) {
        if (i % CHARGE_EVERY === CHARGE_EVERY - 1) charge('candidates', CHARGE_EVERY);
        if (!c.seek(docs[i])) continue;
        c.begin();
        const out: number[] = [];
        for (let v = c.next(); v >= 0; v = c.next()) out.push(v);
        fn(docs[i], out);
      }
      return;
    }
    const pc = this.phraseCursors(term);
    if (!pc) return;
    for (let i = 0; i < docs.length; i++) {
      if (i % CHARGE_EVERY === CHARGE_EVERY - 1) charge('candidates', CHARGE_EVERY);
      const out: number[] = [];
      if (this.phraseAt(docs[i], pc.offsets, pc.cursors, out)) fn(docs[i], out);
    }
  }

  /**
   * Whether the bigrams stand at p + offset for some p in `doc`: a leapfrog
   * join over the position streams, each shifted by its offset. Without `all`
   * it stops at the first p where all agree (most positions are never decoded);
   * with it, it collects every such p.
   */
  private phraseAt(doc: number, offsets: number[], cursors: PositionCursor[], all: number[] | null): boolean {
    const vals = this.vals.length >= cursors.length ? this.vals : (this.vals = new Float64Array(cursors.length));
    for (let j = 0; j < cursors.length; j++) {
      if (!cursors[j].seek(doc)) return false;
      cursors[j].begin();
      const v = cursors[j].next();
      if (v < 0) return false;
      vals[j] = v - offsets[j];
    }
    for (;;) {
      let target = vals[0];
      for (let j = 1; j < cursors.length; j++) if (vals[j] > target) target = vals[j];
      let agree = true;
      for (let j = 0; j < cursors.length; j++) {
        while (vals[j] < target) {
          const v = cursors[j].next();
          if (v < 0) return all !== null && all.length > 0;
          vals[j] = v - offsets[j];
        }
        if (vals[j] !== target) agree = false;
      }
      if (agree) {
        if (!all) return true;
        all.push(target);
        // Move past this p: the first stream steps on and the others follow it.
        const v = cursors[0].next();
        if (v < 0) return true;
        vals[0] = v - offsets[0];
      }
    }
  }
}
