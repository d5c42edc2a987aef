/**
 * The word index writes MiniSearch's serialisation itself (counting each
 * report's words once instead of MiniSearch's per-token add). It must be what
 * MiniSearch's own add + toJSON would give: same documents, field lengths and
 * postings, and, once loaded, the same scores.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { wordShardFile } from '../../src/index/format.js';
import { countTerms, miniSearchOptions, shardOf, WordIndex, WordIndexBuilder } from '../../src/index/wordindex.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

type Doc = { id: number; title: string[]; body: string[] };
let docs: Doc[];

beforeAll(async () => {
  const ingested = (await ingestFolder(CORPUS_DIR)).docs;
  docs = ingested.map((d, id) => ({ id, title: words(normalize(d.title)), body: words(normalize(d.text)) }));
});

function build(shards: number): WordIndexBuilder {
  const b = new WordIndexBuilder(shards);
  for (const d of docs) b.add(d.id, countTerms(d.title), countTerms(d.body));
  return b;
}

describe('WordIndexBuilder', () => {
  it('writes what MiniSearch add + toJSON writes (one shard)', () => {
    const reference = new MiniSearch<Doc>(miniSearchOptions);
    reference.addAll(docs);
    const ref = JSON.parse(JSON.stringify(reference));
    const ours = JSON.parse(build(1).shardJSON(0));
    expect(ours.documentCount).toBe(ref.documentCount);
    expect(ours.documentIds).toEqual(ref.documentIds);
    expect(ours.fieldIds).toEqual(ref.fieldIds);
    expect(ours.fieldLength).toEqual(ref.fieldLength);
    ours.averageFieldLength.forEach((v: number, i: number) => expect(v).toBeCloseTo(ref.averageFieldLength[i], 9));
    expect(ours.serializationVersion).toBe(ref.serializationVersion);
    const asMap = (index: Array<[string, unknown]>) => new Map(index);
    expect(asMap(ours.index)).toEqual(asMap(ref.index));
    expect(ours.index.length).toBeGreaterThan(1000);
  });

  it('sharded by term, scores equal those of one MiniSearch over everything', () => {
    const reference = new MiniSearch<Doc>(miniSearchOptions);
    reference.addAll(docs);
    const dir = mkdtempSync(join(tmpdir(), 'rs-words-'));
    const b = build(5);
    for (let k = 0; k < 5; k++) writeFileSync(join(dir, wordShardFile(k)), b.shardJSON(k));
    const index = new WordIndex(dir, 5, docs.length);
    const queries = [['法治', '政府'], ['三项', '制度'], ['湟中'], ['发展', '营商', '环境', '改革'], ['不存在的词']];
    expect(new Set(queries.flat().map((w) => shardOf(w, 5))).size).toBeGreaterThan(1);
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
  });
});
