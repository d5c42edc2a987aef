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

/** A document list under construction: doc-id deltas, plus what the header needs. */
class DocList extends VarintList {
  last = -1;
  count = 0;
}

/**
 * An open-addressing map from gram key to a dense list number. Half of all CJK
 * bigram keys exceed 2^31 and would be heap numbers as keys of a JS Map, which
 * made the Map the most expensive part of a build; typed arrays avoid that.
 */
class KeyTable {
  private keys = new Uint32Array(1 << 16);
  private ids = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  /** The list number of `key` (≠ 0), adding it when new. */
  idOf(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k === key) return this.ids[i];
      if (k === 0) {
        this.keys[i] = key;
        this.ids[i] = this.size++;
        if (this.size * 2 > this.mask) this.grow();
        return this.size - 1;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = oldKeys.length * 2;
    this.keys = new Uint32Array(cap);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === 0) continue;
      let i = Math.imul(k, 0x9e3779b1) >>> 0 & this.mask;
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.ids[i] = oldIds[j];
    }
  }
}

/** Accumulates postings in compressed form, so memory stays near the final size. */
export class PostingsBuilder {
  private table = new KeyTable();
  private keyOf: number[] = [];
  private lists: DocList[] = [];
  private docCount = 0;

  /** Adds one report; documents must be added in increasing id order. */
  add(docId: number, keys: Uint32Array): void {
    const lists = this.lists;
    for (let i = 0; i < keys.length; i++) {
      const id = this.table.idOf(keys[i]);
      let list = lists[id];
      if (list === undefined) {
        list = lists[id] = new DocList();
        this.keyOf[id] = keys[i];
      }
      list.push(docId - list.last - 1);
      list.last = docId;
      list.count++;
    }
    if (docId + 1 > this.docCount) this.docCount = docId + 1;
  }

  /** Serialises to the grams.bin layout. */
  toBuffer(): Buffer {
    const order = Array.from(this.keyOf.keys()).sort((a, b) => this.keyOf[a] - this.keyOf[b]);
    const k = order.length;
    let listBytes = 0;
    for (const list of this.lists) listBytes += list.len;
    const headerBytes = 16 + 4 * k * 2 + 4 * (k + 1);
    const out = Buffer.alloc(headerBytes + listBytes);
    out.write('RSG1', 0, 'latin1');
    out.writeUInt32LE(k, 4);
    out.writeUInt32LE(this.docCount, 8);
    const view = new Uint32Array(out.buffer, out.byteOffset + 16, k * 3 + 1);
    let pos = 0;
    for (let i = 0; i < k; i++) {
      const list = this.lists[order[i]];
      view[i] = this.keyOf[order[i]];
      view[k + i] = list.count;
      view[2 * k + i] = pos;
      out.set(list.buf.subarray(0, list.len), headerBytes + pos);
      pos += list.len;
    }
    view[3 * k] = pos;
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
