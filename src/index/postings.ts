/**
 * Character n-gram postings: for every character (unigram) and every pair of
 * adjacent characters (bigram) of the normalised texts, the sorted list of
 * reports that contain it. Any substring of two or more characters has a
 * complete candidate set (the reports holding all of its bigrams); one- and
 * two-character strings are answered exactly. This is what makes phrase
 * search exact without positions in MiniSearch.
 *
 * Layout (little endian), one file `grams.bin`:
 *   header   magic "RSG1", u32 keyCount, u32 docCount, u32 reserved
 *   keys     u32[keyCount]  sorted gram keys (unigram: code unit; bigram: hi << 16 | lo)
 *   counts   u32[keyCount]  document frequency of each key
 *   offsets  u32[keyCount + 1] byte offset of each key's list in `lists`; u32 suffices
 *            up to 4 GiB of lists (≈ 25× the ×100 benchmark corpus)
 *   lists    doc ids as delta-encoded LEB128 varints
 */
import { Bitset } from './bitset.js';
import { VarintList } from './varint.js';

/** '\n' separates paragraphs: no query term contains it, so no gram crosses it. */
const NEWLINE = 10;

/** The key of a gram; bigram keys are ≥ 0x10000 because NUL never occurs in texts. */
export function bigramKey(hi: number, lo: number): number {
  return ((hi << 16) | lo) >>> 0;
}

/**
 * Distinct gram keys of a normalised text, sorted ascending.
 * Unigrams of every code unit, bigrams of every adjacent pair inside a paragraph.
 */
export function gramKeys(normText: string): Uint32Array {
  const n = normText.length;
  const all = new Uint32Array(2 * n);
  let m = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const c = normText.charCodeAt(i);
    if (c === NEWLINE || c === 0) {
      prev = -1;
      continue;
    }
    all[m++] = c;
    if (prev > 0) all[m++] = ((prev << 16) | c) >>> 0;
    prev = c;
  }
  const keys = all.subarray(0, m).sort();
  let k = 0;
  for (let i = 0; i < m; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[k++] = keys[i];
  return keys.slice(0, k);
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
export const MAX_DOCS = DOC_SPAN;

/** Buckets in key order: unigrams by their high byte, bigrams by their top 12 bits. */
const BUCKETS = 256 + 4096;
const bucketOf = (key: number) => (key < 0x10000 ? key >>> 8 : 256 + (key >>> 20));

/**
 * Accumulates (key, doc) pairs and turns them into postings at the end.
 *
 * Inserting each pair into a per-key list touches scattered memory (a hash
 * slot, a list object, its buffer) and cost ~0.7 µs a pair — most of a build's
 * main-thread time. Instead each pair is appended, packed in a double, to one
 * of a few thousand buckets in key order (sequential writes); at the end each
 * bucket is sorted natively and its lists encoded in one pass.
 */
export class PostingsBuilder {
  private readonly buckets: Float64Array[] = Array.from({ length: BUCKETS }, () => new Float64Array(16));
  private readonly fill = new Uint32Array(BUCKETS);
  private docCount = 0;

  /** Adds one report; documents must be added in increasing id order. */
  add(docId: number, keys: Uint32Array): void {
    if (docId >= DOC_SPAN) throw new Error(`index: more than ${DOC_SPAN} reports in one index`);
    const base = docId;
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
      arr[n] = key * DOC_SPAN + base;
      this.fill[b] = n + 1;
    }
    if (docId + 1 > this.docCount) this.docCount = docId + 1;
  }

  /** Serialises to the grams.bin layout. */
  toBuffer(): Buffer {
    const keys: number[] = [];
    const counts: number[] = [];
    const offsets: number[] = [];
    const lists = new VarintList();
    for (let b = 0; b < BUCKETS; b++) {
      const pairs = this.buckets[b].subarray(0, this.fill[b]).sort();
      this.buckets[b] = new Float64Array(0); // release as we go
      let i = 0;
      while (i < pairs.length) {
        const key = Math.floor(pairs[i] / DOC_SPAN);
        keys.push(key);
        offsets.push(lists.len);
        let last = -1;
        let count = 0;
        while (i < pairs.length && Math.floor(pairs[i] / DOC_SPAN) === key) {
          const doc = pairs[i] - key * DOC_SPAN;
          lists.push(doc - last - 1);
          last = doc;
          count++;
          i++;
        }
        counts.push(count);
      }
    }
    const k = keys.length;
    const headerBytes = 16 + 4 * k * 2 + 4 * (k + 1);
    const out = Buffer.alloc(headerBytes + lists.len);
    out.write('RSG1', 0, 'latin1');
    out.writeUInt32LE(k, 4);
    out.writeUInt32LE(this.docCount, 8);
    const view = new Uint32Array(out.buffer, out.byteOffset + 16, k * 3 + 1);
    view.set(keys, 0);
    view.set(counts, k);
    view.set(offsets, 2 * k);
    view[3 * k] = lists.len;
    out.set(lists.bytes(), headerBytes);
    return out;
  }
}

/** Read side of grams.bin, over one Buffer kept off the JS heap. */
export class GramPostings {
  readonly docCount: number;
  private readonly keys: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly lists: Uint8Array;

  constructor(buf: Buffer) {
    if (buf.length < 16 || buf.toString('latin1', 0, 4) !== 'RSG1') throw new Error('index: grams.bin is damaged (bad magic)');
    // Typed arrays need 4-byte alignment; a Buffer from readFile may not start aligned.
    const data = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
    const k = data.readUInt32LE(4);
    this.docCount = data.readUInt32LE(8);
    const base = data.byteOffset + 16;
    this.keys = new Uint32Array(data.buffer, base, k);
    this.counts = new Uint32Array(data.buffer, base + 4 * k, k);
    this.offsets = new Uint32Array(data.buffer, base + 8 * k, k + 1);
    const listStart = 16 + 12 * k + 4;
    this.lists = new Uint8Array(data.buffer, data.byteOffset + listStart, this.offsets[k]);
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
    const lists = this.lists;
    const words = into.words;
    let p = this.offsets[i];
    const end = this.offsets[i + 1];
    let doc = -1;
    while (p < end) {
      let b = lists[p++];
      let v = b & 0x7f;
      let shift = 7;
      while (b & 0x80) {
        b = lists[p++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
      }
      doc += v + 1;
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
}
