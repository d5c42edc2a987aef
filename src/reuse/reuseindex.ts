/**
 * The reuse index: winnowed shingle fingerprint → postings (paragraph, offset).
 *
 * Built once per generation from the reports' paragraphs; each report's
 * fingerprints depend on that report alone ({@link reportFingerprints}), so a
 * builder can keep them for unchanged reports and only fingerprint new or
 * changed ones. Fingerprints found in more reports than the boilerplate count
 * lose their postings: they never seed a candidate.
 *
 * Layout (memory and file): postings sorted by hash, as three parallel arrays
 * (hash u32, global paragraph u32, stream offset u32) — 12 bytes a posting,
 * about one posting per six characters of text — and a count-min sketch of
 * every shingle's report count (sketch.ts), which decides boilerplate. Paragraph texts are not stored:
 * the index reads them back through a {@link ParagraphSource}.
 */
import type { Region } from '../types.js';
import { boilerplateDocs, resolveOptions, windowSize, type ReuseOptions } from './options.js';
import { charStream, fingerprints, shingleHashes, type CharStream, type Fingerprints } from './shingles.js';
import { DfSketch, distinctHashes } from './sketch.js';

/** One report as the reuse engine sees it. */
export interface ReuseDoc {
  id: string;
  /** Paragraph texts; paragraph N is anchor `p-N` (ReportDocument.text split on '\n'). */
  paragraphs: string[];
  year: number | null;
  /** Region path ('四川省/达州市/通川区', '全国', '' when unknown); "other regions" compare this. */
  region: string;
  /** ISO YYYY-MM-DD or null; orders reports of one year. */
  date: string | null;
}

/**
 * The region path of a report's region, as {@link ReuseDoc.region} wants it.
 *
 * ### Examples
 * regionPath({ province: '青海省', city: '西宁市', county: '湟中区', code: '630106' }) // => '青海省/西宁市/湟中区'
 * regionPath({ province: '上海市', city: null, county: '松江区', code: null })       // => '上海市/松江区'
 */
export function regionPath(r: Pick<Region, 'province' | 'city' | 'county'>): string {
  return [r.province, r.city, r.county].filter(Boolean).join('/');
}

/** Report metadata kept by the index (no texts). */
export type ReuseDocMeta = Omit<ReuseDoc, 'paragraphs'>;

/** Reads a report's paragraphs back (the engine's text store) when the index was loaded from a file. */
export type ParagraphSource = (id: string) => string[];

/** What the index needs of one report; depends on the report and the options only. */
export interface ReportFingerprints {
  /** Winnowed fingerprints per paragraph (the postings). */
  paragraphs: Fingerprints[];
  /** Every distinct shingle hash of the report (its document-frequency contribution). */
  shingles: Uint32Array;
}

/**
 * Fingerprints of a report's paragraphs.
 *
 * ### Examples
 * reportFingerprints(['全面推行行政执法公示制度执法全过程记录制度'], resolveOptions()).paragraphs[0].positions.length // => 1
 */
export function reportFingerprints(paragraphs: string[], o: ReuseOptions): ReportFingerprints {
  const w = windowSize(o);
  const all: Uint32Array[] = [];
  const fps = paragraphs.map((p) => {
    const codes = charStream(p).codes;
    all.push(shingleHashes(codes, o.shingleSize));
    return fingerprints(codes, o.shingleSize, w);
  });
  return { paragraphs: fps, shingles: distinctHashes(all) };
}

/** Paragraph → (seed pairs) for candidates, flat `[askedPos, candidatePos, …]`. */
export type SeedMap = Map<number, number[]>;

const MAGIC = 0x55525352; // 'RSRU' little-endian
/** Bump when the file layout changes: a file of another version is refused. */
export const REUSE_FORMAT_VERSION = 2;

/** Accumulates reports, then sorts their fingerprints into a {@link ReuseIndex}. */
export class ReuseIndexBuilder {
  readonly options: ReuseOptions;
  private metas: ReuseDocMeta[] = [];
  private texts: string[][] = [];
  private paraCounts: number[] = [];
  private hashes = new Uint32Array(1 << 16);
  private paras = new Uint32Array(1 << 16);
  private offs = new Uint32Array(1 << 16);
  private n = 0;
  private paraTotal = 0;
  private sketch: DfSketch;
  private finished = false;

  /**
   * `expectedChars`: the archive's size in characters, to size the
   * document-frequency sketch. `keepTexts`: hold the paragraphs, so the
   * finished index can align passages without a text source; the index
   * builder, which only writes `toBuffer()`, passes false — holding them cost
   * the whole archive's text in memory.
   */
  constructor(
    opts: Partial<ReuseOptions> = {},
    expectedChars = 32 << 20,
    private readonly keepTexts = true,
  ) {
    this.options = resolveOptions(opts);
    this.sketch = DfSketch.sized(expectedChars);
    // About one fingerprint per 7 characters: sized once instead of doubled (a doubling holds old and new at once).
    // Pages never written stay unallocated, so an overestimate costs address space, not memory.
    const capacity = Math.max(1 << 16, Math.ceil(expectedChars / 5));
    this.hashes = new Uint32Array(capacity);
    this.paras = new Uint32Array(capacity);
    this.offs = new Uint32Array(capacity);
  }

  /** Adds a report; pass its fingerprints when kept from an earlier build (same options). */
  add(doc: ReuseDoc, fp: ReportFingerprints = reportFingerprints(doc.paragraphs, this.options)): void {
    if (this.finished) throw new Error('reuse: add after finish — start a new ReuseIndexBuilder');
    if (fp.paragraphs.length !== doc.paragraphs.length) {
      throw new Error(`reuse: ${doc.id} has ${doc.paragraphs.length} paragraphs but ${fp.paragraphs.length} fingerprint lists`);
    }
    this.sketch.addReport(fp.shingles);
    this.metas.push({ id: doc.id, year: doc.year, region: doc.region, date: doc.date });
    if (this.keepTexts) this.texts.push(doc.paragraphs);
    this.paraCounts.push(doc.paragraphs.length);
    for (const f of fp.paragraphs) {
      const g = this.paraTotal++;
      const m = f.hashes.length;
      this.grow(this.n + m);
      this.hashes.set(f.hashes, this.n);
      this.offs.set(f.positions, this.n);
      this.paras.fill(g, this.n, this.n + m);
      this.n += m;
    }
  }

  private grow(need: number): void {
    if (need <= this.hashes.length) return;
    let cap = this.hashes.length;
    while (cap < need) cap *= 2;
    const re = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.hashes = re(this.hashes);
    this.paras = re(this.paras);
    this.offs = re(this.offs);
  }

  /** Sorts postings by hash (stable two-pass radix sort) and sets boilerplate aside. */
  finish(): ReuseIndex {
    if (this.finished) throw new Error('reuse: finish called twice — start a new ReuseIndexBuilder');
    this.finished = true;
    const n = this.n;
    let h = this.hashes.subarray(0, n);
    let p = this.paras.subarray(0, n);
    let o = this.offs.subarray(0, n);
    let h2 = new Uint32Array(n);
    let p2 = new Uint32Array(n);
    let o2 = new Uint32Array(n);
    const count = new Uint32Array(1 << 16);
    for (const shift of [0, 16]) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[(h[i] >>> shift) & 0xffff]++;
      let sum = 0;
      for (let b = 0; b < count.length; b++) {
        const c = count[b];
        count[b] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const d = count[(h[i] >>> shift) & 0xffff]++;
        h2[d] = h[i];
        p2[d] = p[i];
        o2[d] = o[i];
      }
      [h, h2] = [h2, h];
      [p, p2] = [p2, p];
      [o, o2] = [o2, o];
    }
    const limit = boilerplateDocs(this.options, this.metas.length);
    // Drop boilerplate postings in place: they never seed a candidate.
    let w = 0;
    for (let i = 0; i < n; ) {
      let j = i;
      while (j < n && h[j] === h[i]) j++;
      if (this.sketch.count(h[i]) <= limit) {
        h.copyWithin(w, i, j);
        p.copyWithin(w, i, j);
        o.copyWithin(w, i, j);
        w += j - i;
      }
      i = j;
    }
    const texts = this.texts;
    const metas = this.metas;
    const byId = new Map(metas.map((m, d) => [m.id, d]));
    // Release the build arrays: the index keeps its own trimmed copies (and must not keep the builder alive).
    this.hashes = this.paras = this.offs = new Uint32Array(0);
    this.n = 0;
    return new ReuseIndex(
      this.options,
      this.metas,
      Uint32Array.from(this.paraCounts),
      // Views, not copies: a copy held both at once at the end of a large build.
      h.subarray(0, w),
      p.subarray(0, w),
      o.subarray(0, w),
      this.sketch,
      (id) => {
        if (!this.keepTexts) throw new Error('reuse: this builder kept no texts — open the written index with a text source');
        return texts[byId.get(id)!];
      },
      this.keepTexts ? texts : null,
    );
  }
}

function paraDocs(paraCounts: ArrayLike<number>): Uint32Array {
  let total = 0;
  for (let d = 0; d < paraCounts.length; d++) total += paraCounts[d];
  const out = new Uint32Array(total);
  let g = 0;
  for (let d = 0; d < paraCounts.length; d++) for (let i = 0; i < paraCounts[d]; i++) out[g++] = d;
  return out;
}

/** First index in sorted `a` with `a[i] >= x`. */
function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An immutable reuse index over an archive.
 *
 * ### Examples
 * const index = ReuseIndex.build([{ id: 'a', paragraphs: ['…'], year: 2023, region: '四川省', date: null }, …]);
 * const buf = index.toBuffer();
 * const again = ReuseIndex.fromBuffer(buf, (id) => texts.get(id)!.split('\n'));
 */
export class ReuseIndex {
  /** Report index of each global paragraph. */
  readonly paraDoc: Uint32Array;
  /** Global number of each report's first paragraph (length = reports + 1). */
  readonly docPara: Uint32Array;
  /** Reports above which a fingerprint is boilerplate, for this archive. */
  readonly boilerplateDocs: number;
  private idToDoc = new Map<string, number>();
  private cache = new Map<number, string[]>();

  constructor(
    readonly options: ReuseOptions,
    readonly docs: ReuseDocMeta[],
    readonly paraCounts: Uint32Array,
    private readonly hashes: Uint32Array,
    private readonly paras: Uint32Array,
    private readonly offs: Uint32Array,
    private readonly sketch: DfSketch,
    private readonly source: ParagraphSource,
    private readonly held: string[][] | null = null,
  ) {
    this.paraDoc = paraDocs(paraCounts);
    this.docPara = new Uint32Array(docs.length + 1);
    for (let d = 0; d < docs.length; d++) this.docPara[d + 1] = this.docPara[d] + paraCounts[d];
    docs.forEach((m, d) => this.idToDoc.set(m.id, d));
    this.boilerplateDocs = boilerplateDocs(options, docs.length);
  }

  /** Builds an index over reports in memory (it keeps references to their paragraphs). */
  static build(docs: ReuseDoc[], opts: Partial<ReuseOptions> = {}): ReuseIndex {
    let chars = 0;
    for (const d of docs) for (const p of d.paragraphs) chars += p.length;
    const b = new ReuseIndexBuilder(opts, chars);
    for (const d of docs) b.add(d);
    return b.finish();
  }

  get reportCount(): number {
    return this.docs.length;
  }

  /** Bytes held in the index's arrays (postings, sketch, paragraph maps); texts not included. */
  get byteSize(): number {
    return (
      this.hashes.byteLength + this.paras.byteLength + this.offs.byteLength + this.sketch.counters.byteLength + this.paraDoc.byteLength + this.docPara.byteLength
    );
  }

  /** Postings held (boilerplate ones excluded). */
  get postingCount(): number {
    return this.hashes.length;
  }

  /** Report index of an id, or -1. */
  docIndex(id: string): number {
    return this.idToDoc.get(id) ?? -1;
  }

  /** Paragraphs of report d (from memory, or the paragraph source, cached for the last few reports). */
  paragraphs(d: number): string[] {
    if (this.held) return this.held[d];
    let ps = this.cache.get(d);
    if (!ps) {
      ps = this.source(this.docs[d].id);
      if (!ps || ps.length !== this.paraCounts[d]) {
        throw new Error(`reuse: report ${this.docs[d].id} has ${ps?.length ?? 0} paragraphs, the index expects ${this.paraCounts[d]} — rebuild the reuse index`);
      }
      if (this.cache.size >= 512) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(d, ps);
    }
    return ps;
  }

  /** Text of global paragraph g. */
  paragraphText(g: number): string {
    const d = this.paraDoc[g];
    return this.paragraphs(d)[g - this.docPara[d]];
  }

  /** Stream of global paragraph g. */
  paragraphStream(g: number): CharStream {
    return charStream(this.paragraphText(g));
  }

  /** Reports holding a shingle (count-min estimate, never below the truth). */
  documentFrequency(hash: number): number {
    return this.sketch.count(hash);
  }

  /** Whether a shingle is boilerplate (found in more reports than the boilerplate count). */
  isBoilerplate(hash: number): boolean {
    return this.sketch.count(hash) > this.boilerplateDocs;
  }

  /**
   * Prefix sums of boilerplate characters of a stream: `c[j] - c[i]` is how
   * many of `codes[i .. j)` lie in a boilerplate shingle.
   */
  boilerplatePrefix(codes: Uint16Array): Uint32Array {
    const k = this.options.shingleSize;
    const h = shingleHashes(codes, k);
    const out = new Uint32Array(codes.length + 1);
    let reach = 0; // first character not yet covered
    for (let i = 0; i < codes.length; i++) {
      if (i < h.length && this.isBoilerplate(h[i])) reach = i + k;
      out[i + 1] = out[i] + (i < reach ? 1 : 0);
    }
    return out;
  }

  /**
   * Seeds against the archive for some fingerprints: candidate paragraph →
   * flat `[askedPos, candidatePos, …]`. `accept(doc)` filters reports (the
   * asked report itself, or only later ones for the corpus-wide pass).
   */
  seeds(fp: Fingerprints, accept: (doc: number) => boolean): SeedMap {
    const out: SeedMap = new Map();
    const { hashes, paras, offs } = this;
    for (let j = 0; j < fp.hashes.length; j++) {
      const hash = fp.hashes[j];
      for (let i = lowerBound(hashes, hash); i < hashes.length && hashes[i] === hash; i++) {
        const g = paras[i];
        if (!accept(this.paraDoc[g])) continue;
        const l = out.get(g);
        if (l) l.push(fp.positions[j], offs[i]);
        else out.set(g, [fp.positions[j], offs[i]]);
      }
    }
    return out;
  }

  /** The sections of `toBuffer`, in order: a writer can stream them to a file without joining them. */
  toParts(): Uint8Array[] {
    const n = this.hashes.length;
    let maxOff = 0;
    for (let i = 0; i < n; i++) if (this.offs[i] > maxOff) maxOff = this.offs[i];
    const offsBytes = maxOff < 0x10000 ? 2 : 4;
    // Sized exactly (a first pass counts the bytes): 5 bytes a posting would be half a GB at ×300.
    let size = 0;
    for (let i = 0, last = 0; i < n; i++) {
      const d = this.hashes[i] - last;
      last = this.hashes[i];
      size += d < 0x80 ? 1 : d < 0x4000 ? 2 : d < 0x200000 ? 3 : d < 0x10000000 ? 4 : 5;
    }
    const deltas = Buffer.alloc(size);
    let dl = 0;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      let d = this.hashes[i] - prev; // sorted: never negative
      prev = this.hashes[i];
      while (d >= 0x80) {
        deltas[dl++] = (d & 0x7f) | 0x80;
        d = Math.floor(d / 128);
      }
      deltas[dl++] = d;
    }
    const header = Buffer.from(
      JSON.stringify({
        options: this.options,
        docs: this.docs,
        paraCounts: Array.from(this.paraCounts),
        postings: n,
        offsBytes,
        hashBytes: dl,
        sketch: this.sketch.counters.length,
      }),
      'utf8',
    );
    const offs = offsBytes === 2 ? Uint16Array.from(this.offs) : this.offs;
    const parts = [
      this.paras,
      this.sketch.counters,
      offs,
    ].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    const head = Buffer.alloc(12);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(REUSE_FORMAT_VERSION, 4);
    head.writeUInt32LE(header.length, 8);
    return [head, header, ...parts, deltas.subarray(0, dl)];
  }

  /**
   * The index as one binary file (no texts), little-endian: magic, format
   * version, a JSON header (options, report metadata, section sizes), then the
   * postings' paragraphs (u32), the sketch (u16), the postings' offsets (u16
   * when every offset fits, else u32) and the sorted hashes as varint deltas
   * (about 1.3 bytes each instead of 4).
   */
  toBuffer(): Buffer {
    return Buffer.concat(this.toParts());
  }

  /**
   * Reads a file written by {@link toBuffer}. Fails loudly on another format
   * version or on other options than `expect` (when given): results would differ.
   */
  static fromBuffer(buf: Buffer, source: ParagraphSource, expect?: Partial<ReuseOptions>): ReuseIndex {
    if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new Error('reuse: not a reuse index file — rebuild the index');
    const version = buf.readUInt32LE(4);
    if (version !== REUSE_FORMAT_VERSION) {
      throw new Error(`reuse: index written with format ${version}, this version reads ${REUSE_FORMAT_VERSION} — rebuild the index`);
    }
    const hl = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + hl)) as {
      options: ReuseOptions;
      docs: ReuseDocMeta[];
      paraCounts: number[];
      postings: number;
      offsBytes: 2 | 4;
      hashBytes: number;
      sketch: number;
    };
    if (expect) {
      const want = resolveOptions(expect);
      for (const key of Object.keys(want) as Array<keyof ReuseOptions>) {
        if (want[key] !== header.options[key]) {
          throw new Error(`reuse: index built with ${key}=${header.options[key]}, asked for ${want[key]} — rebuild the index`);
        }
      }
    }
    let at = 12 + hl;
    // Copied out: the Buffer may be a slice of a pooled or unaligned allocation.
    const truncated = () => new Error(`reuse: index file of ${buf.length} bytes is truncated — rebuild the index`);
    const read = <T extends Uint32Array | Uint16Array>(a: T): T => {
      if (at + a.byteLength > buf.length) throw truncated();
      Buffer.from(a.buffer).set(buf.subarray(at, at + a.byteLength));
      at += a.byteLength;
      return a;
    };
    const n = header.postings;
    const paras = read(new Uint32Array(n));
    const sketch = new DfSketch(read(new Uint16Array(header.sketch)));
    const offs = header.offsBytes === 2 ? Uint32Array.from(read(new Uint16Array(n))) : read(new Uint32Array(n));
    const hashes = new Uint32Array(n);
    if (at + header.hashBytes !== buf.length) throw truncated();
    // Unrolled varint decoding (deltas < 2^32, at most 5 bytes). Reading past the
    // end yields undefined, which ends a number; the length check below catches it.
    let h = 0;
    let q = at;
    for (let i = 0; i < n; i++) {
      let b = buf[q++];
      let d = b & 0x7f;
      if (b >= 0x80) {
        b = buf[q++];
        d |= (b & 0x7f) << 7;
        if (b >= 0x80) {
          b = buf[q++];
          d |= (b & 0x7f) << 14;
          if (b >= 0x80) {
            b = buf[q++];
            d |= (b & 0x7f) << 21;
            if (b >= 0x80) d += (buf[q++] & 0x7f) * 2 ** 28;
          }
        }
      }
      h += d;
      hashes[i] = h;
    }
    if (q !== buf.length) throw truncated();
    return new ReuseIndex(header.options, header.docs, Uint32Array.from(header.paraCounts), hashes, paras, offs, sketch, source);
  }
}
