/**
 * The word index: MiniSearch over jieba words, one document per report, title
 * boosted over body, BM25 scoring. It ranks; it never decides what matches
 * (the n-gram postings and the text store do, exactly).
 *
 * A large archive would make one MiniSearch too big to serialise (its JSON
 * passes V8's longest string) and slow to load, so the index is sharded by
 * term: shard k holds the terms whose hash is k, for every report. Each shard
 * is a complete MiniSearch with the same documents, the same document count
 * and the true field lengths, so a term's BM25 score is the one a single index
 * would give. Shards load lazily, on the first query that needs them.
 *
 * Building: MiniSearch's `add` walks its radix tree once per token (150 M
 * times for 12,000 reports), so the builder counts each report's terms once
 * and writes MiniSearch's own serialisation (format 2: what `toJSON` gives and
 * `loadJSON` reads) directly. A test checks it against `add` + `toJSON`.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { verifyWhole } from './checksum.js';
import { charge } from './cost.js';
import { wordShardFile } from './format.js';
import { VarintList } from './varint.js';

export const TITLE_BOOST = 3;

/** Word shards are all loaded at start-up while their files stay under this size in all (the sample, ×10). */
export const WARM_SHARD_BYTES = 64 << 20;

/** MiniSearch's default BM25 parameters. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

interface WordDoc {
  id: number;
  title: string[];
  body: string[];
}

const FIELDS = ['title', 'body'] as const;

/** Options shared by the reference `add` path (tests) and loading: documents are arrays of analyzer words. */
export const miniSearchOptions = {
  idField: 'id',
  fields: [...FIELDS],
  extractField: (doc: unknown, field: string) => (doc as Record<string, unknown>)[field] as string,
  stringifyField: (value: unknown) => value as string,
  tokenize: (value: unknown) => (Array.isArray(value) ? (value as string[]) : [String(value)]),
  processTerm: (term: string) => term,
  searchOptions: {
    tokenize: (s: string) => [s],
    processTerm: (term: string) => term,
    prefix: false,
    fuzzy: false,
    boost: { title: TITLE_BOOST },
  },
};

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

/** FNV-1a: a stable hash, so a term's shard does not depend on the run. */
export function shardOf(term: string, shards: number): number {
  if (shards === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/** How many shards for an archive of this many characters (≈ 4 M characters a shard, at most 64). */
export function shardCountFor(totalChars: number): number {
  return Math.max(1, Math.min(64, Math.ceil(totalChars / 4_000_000)));
}

export class WordIndexBuilder {
  private readonly ids = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per field, per term id: (doc delta, frequency) varint pairs, and the last doc added. */
  private readonly lists: Array<Array<VarintList | undefined>> = [[], []];
  private readonly last: number[][] = [[], []];
  /** Per field, per doc: distinct words (MiniSearch's field length). */
  private readonly lengths: number[][] = [[], []];
  private docs = 0;

  constructor(readonly shardCount: number) {}

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

  /**
   * Adds one field of report `doc` (reports in increasing order): its distinct
   * words as interned ids and their frequencies.
   */
  addField(doc: number, field: 0 | 1, termIds: ArrayLike<number>, freqs: ArrayLike<number>): void {
    const lists = this.lists[field];
    const last = this.last[field];
    this.lengths[field][doc] = termIds.length;
    for (let i = 0; i < termIds.length; i++) {
      const id = termIds[i];
      let list = lists[id];
      if (list === undefined) {
        list = lists[id] = new VarintList();
        last[id] = -1;
      }
      list.push(doc - last[id] - 1);
      list.push(freqs[i]);
      last[id] = doc;
    }
    if (doc + 1 > this.docs) this.docs = doc + 1;
  }

  /** Adds report `doc` from counted words (strings): the simple path, used by tests. */
  add(doc: number, title: TermCounts, body: TermCounts): void {
    this.addField(doc, 0, title.terms.map((t) => this.intern(t)), title.freqs);
    this.addField(doc, 1, body.terms.map((t) => this.intern(t)), body.freqs);
  }

  /** Shard `k` in MiniSearch's serialisation format 2. */
  shardJSON(k: number): string {
    const n = this.docs;
    const ids: string[] = [];
    const lengths: string[] = [];
    const sums = [0, 0];
    for (let d = 0; d < n; d++) {
      const t = this.lengths[0][d] ?? 0;
      const b = this.lengths[1][d] ?? 0;
      ids.push(`"${d}":${d}`);
      lengths.push(`"${d}":[${t},${b}]`);
      sums[0] += t;
      sums[1] += b;
    }
    const entries: string[] = [];
    for (let id = 0; id < this.terms.length; id++) {
      const term = this.terms[id];
      if (shardOf(term, this.shardCount) !== k) continue;
      const fields: string[] = [];
      for (let f = 0; f < 2; f++) {
        const list = this.lists[f][id];
        if (!list) continue;
        const parts: string[] = [];
        let doc = -1;
        list.forEachPair((delta, freq) => {
          doc += delta + 1;
          parts.push(`"${doc}":${freq}`);
        });
        fields.push(`"${f}":{${parts.join(',')}}`);
      }
      entries.push(`[${JSON.stringify(term)},{${fields.join(',')}}]`);
    }
    const avg = n ? [sums[0] / n, sums[1] / n] : [0, 0];
    return (
      `{"documentCount":${n},"nextId":${n},"documentIds":{${ids.join(',')}},"fieldIds":{"title":0,"body":1},` +
      `"fieldLength":{${lengths.join(',')}},"averageFieldLength":${JSON.stringify(avg)},"storedFields":{},"dirtCount":0,` +
      `"index":[${entries.join(',')}],"serializationVersion":2}`
    );
  }
}

/**
 * A loaded shard: MiniSearch itself, plus read access to the term data its own
 * `termResults` reads. A subclass, so that access is type-checked against
 * MiniSearch's declared (protected) members: an upgrade that renames or
 * reshapes them fails `npm run typecheck`, and the score test against
 * `search` catches a change of meaning.
 */
export class WordShard extends MiniSearch<WordDoc> {
  /**
   * Loads a shard from MiniSearch's serialisation. `loadJSON` always builds a
   * plain MiniSearch; the subclass adds methods only (no fields), so the loaded
   * object is given its prototype.
   */
  static fromJSON(json: string): WordShard {
    return Object.setPrototypeOf(MiniSearch.loadJSON<WordDoc>(json, miniSearchOptions), WordShard.prototype) as WordShard;
  }

  /** Per field id, the reports holding `word` and its frequency in each. */
  termData(word: string): ReadonlyMap<number, ReadonlyMap<number, number>> | undefined {
    return this._index.get(word);
  }

  /** Distinct words per field of each report (the same in every shard). */
  fieldLengths(): ReadonlyMap<number, number[]> {
    return this._fieldLength;
  }

  averageFieldLength(field: number): number {
    return this._avgFieldLength[field];
  }
}

export class WordIndex {
  private readonly loaded = new Map<number, WordShard>();
  private lengths: Float64Array[] | null = null;

  /** `checksums`: CRC32 per file name (the manifest's); each shard is checked when it is read. */
  constructor(
    private readonly dir: string,
    readonly shardCount: number,
    private readonly docCount: number,
    private readonly checksums: Record<string, number> | null = null,
  ) {}

  private parse(k: number, bytes: Buffer): WordShard {
    const name = wordShardFile(k);
    if (this.checksums) verifyWhole(name, bytes, this.checksums[name]);
    return WordShard.fromJSON(bytes.toString('utf8'));
  }

  private shard(k: number): WordShard {
    let ms = this.loaded.get(k);
    if (!ms) {
      ms = this.parse(k, readFileSync(join(this.dir, wordShardFile(k))));
      this.loaded.set(k, ms);
    }
    return ms;
  }

  /**
   * Loads shards now, reading the files off the main thread (a server warms up
   * after start) — all of them while their files stay under `maxBytes` in all;
   * a larger archive loads shard 0 only (for the field lengths) and the rest on
   * demand: a loaded shard holds several times its file size in the heap, and
   * serving memory matters more than the first query's tens of milliseconds.
   */
  async warm(maxBytes = WARM_SHARD_BYTES): Promise<void> {
    let total = 0;
    for (let k = 0; k < this.shardCount; k++) total += (await stat(join(this.dir, wordShardFile(k)))).size;
    const upTo = total <= maxBytes ? this.shardCount : 1;
    for (let k = 0; k < upTo; k++) {
      if (this.loaded.has(k)) continue;
      const bytes = await readFile(join(this.dir, wordShardFile(k)));
      if (!this.loaded.has(k)) this.loaded.set(k, this.parse(k, bytes));
      // Let requests in between shards: parsing one is a few milliseconds of main-thread work.
      await new Promise((r) => setImmediate(r));
    }
    this.fieldLengths(this.shard(0));
  }

  /** Field lengths per report (the same in every shard), as typed arrays for the scoring loop. */
  private fieldLengths(ms: WordShard): Float64Array[] {
    if (!this.lengths) {
      const lengths = [new Float64Array(this.docCount), new Float64Array(this.docCount)];
      for (const [doc, l] of ms.fieldLengths()) {
        lengths[0][doc] = l[0];
        lengths[1][doc] = l[1];
      }
      this.lengths = lengths;
    }
    return this.lengths;
  }

  /**
   * BM25 scores of `docs` for these words (OR), as one MiniSearch would compute
   * them in `search`: per word and field, BM25 (k 1.2, b 0.7, d 0.5) times the
   * field's boost, summed, times the number of words matched. Reports outside
   * `docs` score 0.
   *
   * It reads the shard's term data the way MiniSearch's own `termResults`
   * does instead of calling `search`, which builds a result object per
   * matching report and sorts them all; and it visits only the given reports
   * when they are fewer than the word's postings (a filtered query). A test
   * checks the scores against `search`.
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
      const ms = this.shard(shardOf(word, this.shardCount));
      const data = ms.termData(word);
      if (!data) continue;
      const lengths = this.fieldLengths(ms);
      for (const [fieldId, postings] of data) {
        const avg = ms.averageFieldLength(fieldId);
        const df = postings.size;
        charge('postings', docs && docs.length < df ? docs.length : df);
        const idf = Math.log(1 + (ms.documentCount - df + 0.5) / (df + 0.5));
        const weight = boosts[fieldId] * idf;
        const len = lengths[fieldId];
        const add = (doc: number, tf: number) => {
          raw[doc] += weight * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * len[doc]) / avg)));
          if (stamp[doc] !== w) {
            stamp[doc] = w;
            matched[doc]++;
          }
        };
        if (docs && docs.length < df) {
          for (let i = 0; i < docs.length; i++) {
            const tf = postings.get(docs[i]);
            if (tf !== undefined) add(docs[i], tf);
          }
        } else {
          for (const [doc, tf] of postings) if (!inDocs || inDocs[doc]) add(doc, tf);
        }
      }
    }
    for (let i = 0; i < raw.length; i++) raw[i] *= matched[i];
    return raw;
  }
}
