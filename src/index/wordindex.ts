/**
 * The word index: MiniSearch over jieba words, one document per report, title
 * boosted over body, BM25 scoring. It ranks; it never decides what matches
 * (the n-gram postings and the text store do, exactly).
 *
 * A large archive would make one MiniSearch too big to serialise (its JSON
 * passes V8's longest string) and slow to load, so the index is sharded by
 * term: shard k holds the terms whose hash is k, for every report. Each
 * shard is a complete MiniSearch with the same documents, the same document
 * count and (fixed up on save) the true field lengths, so a term's BM25 score
 * is the one a single index would give. Shards load lazily on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { wordShardFile } from './format.js';

export const TITLE_BOOST = 3;

interface WordDoc {
  id: number;
  title: string[];
  body: string[];
}

const FIELDS = ['title', 'body'] as const;

const miniSearchOptions = {
  idField: 'id',
  fields: [...FIELDS],
  // Documents arrive as arrays of analyzer words: no second tokenizer here.
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
  private readonly shards: MiniSearch<WordDoc>[];
  /** Distinct words per report and field, as MiniSearch counts field length. */
  private readonly lengths: Array<[number, number]> = [];

  constructor(readonly shardCount: number) {
    this.shards = Array.from({ length: shardCount }, () => new MiniSearch<WordDoc>(miniSearchOptions));
  }

  /** Adds report `doc` (0, 1, 2 … in order) with its analyzer words. */
  add(doc: number, titleWords: string[], bodyWords: string[]): void {
    const k = this.shardCount;
    const parts = Array.from({ length: k }, () => ({ id: doc, title: [] as string[], body: [] as string[] }));
    for (const w of titleWords) parts[shardOf(w, k)].title.push(w);
    for (const w of bodyWords) parts[shardOf(w, k)].body.push(w);
    for (let s = 0; s < k; s++) this.shards[s].add(parts[s]);
    this.lengths[doc] = [new Set(titleWords).size, new Set(bodyWords).size];
  }

  /** Serialised shard `k` with the true field lengths of the whole report. */
  shardJSON(k: number): string {
    const js = this.shards[k].toJSON() as unknown as {
      documentIds: Record<string, number>;
      fieldLength: Record<string, number[]>;
      averageFieldLength: number[];
    };
    const n = this.lengths.length;
    const sums = [0, 0];
    const fieldLength: Record<string, number[]> = {};
    for (const [shortId, doc] of Object.entries(js.documentIds)) {
      const l = this.lengths[doc];
      fieldLength[shortId] = [l[0], l[1]];
      sums[0] += l[0];
      sums[1] += l[1];
    }
    js.fieldLength = fieldLength;
    js.averageFieldLength = n ? [sums[0] / n, sums[1] / n] : [0, 0];
    return JSON.stringify(js);
  }
}

export class WordIndex {
  private readonly loaded = new Map<number, MiniSearch<WordDoc>>();

  constructor(
    private readonly dir: string,
    readonly shardCount: number,
    private readonly docCount: number,
  ) {}

  private shard(k: number): MiniSearch<WordDoc> {
    let ms = this.loaded.get(k);
    if (!ms) {
      ms = MiniSearch.loadJSON<WordDoc>(readFileSync(join(this.dir, wordShardFile(k)), 'utf8'), miniSearchOptions);
      this.loaded.set(k, ms);
    }
    return ms;
  }

  /** Loads every shard now (a server may prefer paying this at start-up). */
  loadAll(): void {
    for (let k = 0; k < this.shardCount; k++) this.shard(k);
  }

  /**
   * BM25 scores of every report for these words (OR), as one MiniSearch would
   * compute them: the sum of the words' scores times the number of words matched.
   */
  scores(words: string[]): Float64Array {
    const raw = new Float64Array(this.docCount);
    const matched = new Uint16Array(this.docCount);
    const byShard = new Map<number, string[]>();
    for (const w of new Set(words)) {
      const k = shardOf(w, this.shardCount);
      const list = byShard.get(k);
      if (list) list.push(w);
      else byShard.set(k, [w]);
    }
    for (const [k, terms] of byShard) {
      for (const r of this.shard(k).search({ queries: terms, combineWith: 'OR' })) {
        const n = r.queryTerms.length || 1;
        raw[r.id] += r.score / n;
        matched[r.id] += n;
      }
    }
    for (let i = 0; i < raw.length; i++) raw[i] *= matched[i];
    return raw;
  }
}
