/**
 * The word index keeps BM25 statistics in its own compact file, but ranks as
 * MiniSearch (the project's ranking library) does: the scores must be those
 * of one MiniSearch over the whole archive, built with MiniSearch's own `add`
 * and queried with its own `search`. Damaged bytes must be an IndexError.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { IndexError, WORDS_FILE } from '../../src/index/format.js';
import { countTerms, TITLE_BOOST, WordIndex, WordIndexBuilder } from '../../src/index/wordindex.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

type Doc = { id: number; title: string[]; body: string[] };
let docs: Doc[];
let dir: string;

/** MiniSearch over pre-segmented words: the reference ranking. */
const miniSearchOptions = {
  idField: 'id',
  fields: ['title', 'body'],
  extractField: (doc: unknown, field: string) => (doc as Record<string, unknown>)[field] as string,
  stringifyField: (value: unknown) => value as string,
  tokenize: (value: unknown) => (Array.isArray(value) ? (value as string[]) : [String(value)]),
  processTerm: (term: string) => term,
  searchOptions: { tokenize: (s: string) => [s], processTerm: (t: string) => t, prefix: false, fuzzy: false, boost: { title: TITLE_BOOST } },
};

beforeAll(async () => {
  const ingested = (await ingestFolder(CORPUS_DIR)).docs;
  docs = ingested.map((d, id) => ({ id, title: words(normalize(d.title)), body: words(normalize(d.text)) }));
  const b = new WordIndexBuilder();
  for (const d of docs) b.add(d.id, countTerms(d.title), countTerms(d.body));
  dir = mkdtempSync(join(tmpdir(), 'rs-words-'));
  b.write(join(dir, WORDS_FILE));
});

describe('WordIndex', () => {
  it('scores as one MiniSearch over every report does, filtered or not', () => {
    const reference = new MiniSearch<Doc>(miniSearchOptions);
    reference.addAll(docs);
    const index = WordIndex.open(dir, docs.length);
    const queries = [['法治', '政府'], ['三项', '制度'], ['湟中'], ['发展', '营商', '环境', '改革'], ['不存在的词'], ['报告']];
    for (const q of queries) {
      const scores = index.scores(q);
      const expected = new Float64Array(docs.length);
      for (const r of reference.search({ queries: q, combineWith: 'OR' })) expected[r.id] = r.score;
      for (let d = 0; d < docs.length; d++) expect(scores[d]).toBeCloseTo(expected[d], 9);
      // Restricted to some reports (a filtered query): the same scores there, 0 elsewhere.
      const some = [0, 3, 7, 11, 20, 35].filter((d) => d < docs.length);
      const restricted = index.scores(q, some);
      for (let d = 0; d < docs.length; d++) expect(restricted[d]).toBeCloseTo(some.includes(d) ? expected[d] : 0, 9);
    }
    expect(index.scores(['法治'])).not.toEqual(new Float64Array(docs.length));
    index.close();
  });

  it('finds every term of the archive, with its exact reports and counts, and nothing else', () => {
    const index = WordIndex.open(dir, docs.length);
    const truth = new Map<string, Map<number, number>[]>();
    for (const d of docs) {
      [d.title, d.body].forEach((field, f) => {
        for (const w of field) {
          let per = truth.get(w);
          if (!per) truth.set(w, (per = [new Map(), new Map()]));
          per[f].set(d.id, (per[f].get(d.id) ?? 0) + 1);
        }
      });
    }
    expect(index.termCount).toBe(truth.size);
    for (const [term, per] of truth) {
      const p = index.postings(term)!;
      for (let f = 0; f < 2; f++) {
        expect([...p.docs[f]]).toEqual([...per[f].keys()].sort((a, b) => a - b));
        expect([...p.freqs[f]]).toEqual([...p.docs[f]].map((doc) => per[f].get(doc)));
      }
    }
    for (const absent of ['不存在的词', '', 'zzzz', '\uffff']) expect(index.postings(absent)).toBeNull();
    index.close();
  });

  it('a changed byte in the dictionary or in a term\'s postings is an IndexError, never another score', () => {
    const good = readFileSync(join(dir, WORDS_FILE));
    const damagedDir = mkdtempSync(join(tmpdir(), 'rs-words-bad-'));
    // In the head (the dictionary): caught at open.
    const head = Buffer.from(good);
    head[60] ^= 0xff;
    writeFileSync(join(damagedDir, WORDS_FILE), head);
    expect(() => WordIndex.open(damagedDir, docs.length)).toThrow(IndexError);
    // The last byte is in the last term's postings: caught when that term is read.
    const tail = Buffer.from(good);
    tail[tail.length - 1] ^= 0x01;
    writeFileSync(join(damagedDir, WORDS_FILE), tail);
    const index = WordIndex.open(damagedDir, docs.length);
    const sorted = [...new Set(docs.flatMap((d) => [...d.title, ...d.body]))].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(() => index.scores([sorted.at(-1)!])).toThrow(/校验和不符/);
    expect(() => index.scores([sorted[0]])).not.toThrow();
    index.close();
    // Another report count than the report table's: refused.
    writeFileSync(join(damagedDir, WORDS_FILE), good);
    expect(() => WordIndex.open(damagedDir, docs.length + 1)).toThrow(IndexError);
  });
});
