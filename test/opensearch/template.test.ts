/**
 * The index template against a real OpenSearch node (npm run opensearch; CI starts
 * one). The contract under test: match_phrase on `text` finds exactly the documents
 * whose normalised text contains the normalised query — the engine's exact-match
 * contract — for substrings with spaces, punctuation, digits, Latin letters and
 * characters outside the BMP; path_hierarchy gives counts per region level; BM25
 * on the pre-segmented `words` ranks. Skips with a notice when no node answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { regionPath, toOpenSearchReport } from '../../src/backends/opensearch/documents.js';
import { openSearchHttp } from '../../src/backends/opensearch/http.js';
import { aliasSwap, INDEX_PREFIX, INDEX_TEMPLATE, TEMPLATE_NAME } from '../../src/backends/opensearch/template.js';
import type { Region, ReportDocument } from '../../src/types.js';

const os = openSearchHttp();
const up = await os.ready();
if (!up) console.warn(`[test/opensearch] 已跳过：${os.url} 没有 OpenSearch 节点应答（先运行 npm run opensearch，或设置 OPENSEARCH_URL）`);

const CORPUS = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

/** A small deterministic PRNG, so a failure can be replayed from the printed seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.OPENSEARCH_TEST_SEED ?? 20261201);
const rand = mulberry32(SEED);
const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const REGIONS: Region[] = [
  { province: '青海省', city: '西宁市', county: '湟中区', code: '630106' },
  { province: '青海省', city: '西宁市', county: null, code: '630100' },
  { province: '青海省', city: '海东市', county: '乐都区', code: '630202' },
  { province: '青海省', city: null, county: null, code: '630000' },
  { province: '上海市', city: null, county: '松江区', code: '310117' },
  { province: '全国', city: null, county: null, code: null },
];

interface TestDoc {
  id: string;
  /** As read or generated; indexed through toOpenSearchReport, which normalises. */
  raw: string;
  rawTitle: string;
  /** normalize(raw): what the brute-force includes() runs on. */
  text: string;
  title: string;
  region: Region;
}

function testDoc(id: string, raw: string, rawTitle: string, region: Region): TestDoc {
  return { id, raw, rawTitle, text: normalize(raw), title: normalize(rawTitle), region };
}

/** Real paragraphs: seed reports (TXT) and the 2026 provincial reports (CSV, full_text column). */
function realParagraphs(limit: number): string[] {
  const paras: string[] = [];
  const seeds = join(CORPUS, 'seeds');
  for (const f of readdirSync(seeds).filter((f) => f.endsWith('.txt')).sort()) {
    paras.push(...readFileSync(join(seeds, f), 'utf8').split('\n'));
  }
  const prov = join(CORPUS, 'provincial-2026');
  for (const f of readdirSync(prov).filter((f) => f.endsWith('.csv')).sort()) {
    const rows: Array<Record<string, string>> = parse(readFileSync(join(prov, f), 'utf8'), { columns: true, bom: true });
    for (const r of rows) paras.push(...(r.full_text ?? '').split('\n'));
  }
  const usable = paras.map((p) => p.trim()).filter((p) => p.length >= 8);
  // An even spread over the corpus rather than the first files only.
  const step = Math.max(1, Math.floor(usable.length / limit));
  return usable.filter((_, i) => i % step === 0).slice(0, limit);
}

/** Generated text that stresses the tokenizer: runs of spaces, ASCII and CJK punctuation, digits, Latin, astral characters, line breaks. */
function generatedText(): string {
  const pieces = [
    '法治政府', '建设', '行政执法', '公示', '２０２１年', '2021-2025', 'ABC', 'abc', 'COVID-19', 'e.g.', '  ', ' ', '\t',
    '，', '。', '、', '（一）', '(二)', '《纲要》', '“三项制度”', '%', '100℃', '+', '/', '\\', '"', "'", '𠀀', '𡈽', '😀',
    '湟中', '區', '發展', '\n', '1', '0', 'x', '-', '.', '·', '—',
  ];
  let s = '';
  const n = int(5, 40);
  for (let i = 0; i < n; i++) s += pick(pieces);
  return s;
}

function buildDocs(): TestDoc[] {
  const docs: TestDoc[] = [];
  for (const [i, p] of realParagraphs(300).entries()) {
    docs.push(testDoc(`real-${i}`, p, p.slice(0, 20), REGIONS[i % REGIONS.length]));
  }
  for (let i = 0; i < 120; i++) {
    docs.push(testDoc(`gen-${i}`, generatedText(), generatedText(), REGIONS[(i * 7) % REGIONS.length]));
  }
  return docs;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** A substring on code-point boundaries (a query is typed text; half a surrogate pair is not). */
function substringAt(text: string, start: number, len: number): string {
  if (start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
  let end = Math.min(text.length, start + len);
  if (end < text.length && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
  return text.slice(start, end);
}

/** Random substrings; at least a share of each kind the brief names, plus strings that occur nowhere. */
function queries(docs: TestDoc[], n: number): string[] {
  const kinds: Array<[string, RegExp]> = [
    ['space', / /],
    ['punctuation', /[\p{P}\p{S}]/u],
    ['digit', /[0-9]/],
    ['latin', /[a-z]/],
    ['astral', /[\u{10000}-\u{10ffff}]/u],
  ];
  const out: string[] = [];
  const randomSub = (maxLen = 12) => {
    const d = pick(docs);
    return substringAt(d.text, int(0, d.text.length - 1), int(1, maxLen));
  };
  for (const [, re] of kinds) {
    let found = 0;
    for (let tries = 0; found < 25 && tries < 20_000; tries++) {
      const q = randomSub();
      if (re.test(q)) {
        out.push(q);
        found++;
      }
    }
  }
  // Spliced: two pieces of different documents, mostly occurring nowhere.
  for (let i = 0; i < 40; i++) out.push(randomSub(6) + randomSub(6));
  while (out.length < n) out.push(randomSub());
  return out.filter((q) => q.length > 0);
}

describe.skipIf(!up)('OpenSearch index template (real node)', () => {
  const run = `${INDEX_PREFIX}test-${process.pid}-${Date.now()}`;
  const index = `${run}-a`;
  const docs = buildDocs();

  beforeAll(async () => {
    await os.request('PUT', `/_index_template/${TEMPLATE_NAME}`, INDEX_TEMPLATE);
    await os.request('PUT', `/${index}`);
    await os.bulkIndex(
      index,
      docs.map((d) => {
        const report: ReportDocument = {
          id: d.id,
          path: `${d.id}.txt`,
          title: d.rawTitle,
          issuer: null,
          region: d.region,
          year: 2026,
          date: '2026-02-09',
          docNumber: null,
          sourceUrl: null,
          sources: {},
          text: d.raw,
          warnings: [],
        };
        return { _id: d.id, ...toOpenSearchReport(report) };
      }),
      true,
    );
  });

  afterAll(async () => {
    await os.request('DELETE', `/${run}-*`).catch(() => {});
  });

  it('applies the template by name and indexes every document', async () => {
    const mapping = await os.request('GET', `/${index}/_mapping`);
    expect(mapping[index].mappings.properties.text.analyzer).toBe('rs_exact');
    const count = await os.request('GET', `/${index}/_count`);
    expect(count.count).toBe(docs.length);
    // dynamic: strict — a misspelt field is refused, not silently mapped.
    await expect(os.request('POST', `/${index}/_doc`, { txet: 'x' })).rejects.toThrow(/strict/);
  });

  it('cuts text into one token per code point, keeping spaces, punctuation and line breaks, with UTF-16 offsets', async () => {
    const sample = normalize('a B,1 \n法𠀀。 Ｘ（一）');
    const res = await os.request('POST', `/${index}/_analyze`, { field: 'text', text: sample });
    const expected = [...sample].map((ch, i) => ({ token: ch, position: i }));
    expect(res.tokens.map((t: any) => ({ token: t.token, position: t.position }))).toEqual(expected);
    // Offsets are Java string (UTF-16) offsets, the same unit as JS string indices.
    for (const t of res.tokens) expect(sample.slice(t.start_offset, t.end_offset)).toBe(t.token);
  });

  it('match_phrase on text returns exactly the documents whose normalised text contains the query', async () => {
    const qs = queries(docs, 260);
    expect(qs.length).toBeGreaterThanOrEqual(200);
    const answers = await os.msearch(
      index,
      qs.map((q) => ({
        query: { match_phrase: { text: q } },
        _source: false,
        size: docs.length,
        track_total_hits: true,
      })),
    );
    const mismatches: string[] = [];
    let nonEmpty = 0;
    for (const [i, q] of qs.entries()) {
      const want = docs.filter((d) => d.text.includes(q)).map((d) => d.id).sort();
      const got = answers[i].hits.hits.map((h: any) => h._id).sort();
      if (want.length > 0) nonEmpty++;
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        mismatches.push(`${JSON.stringify(q)}: expected ${want.length} [${want.slice(0, 3)}], got ${got.length} [${got.slice(0, 3)}]`);
      }
    }
    console.info(`[test/opensearch] ${qs.length} queries over ${docs.length} documents (seed ${SEED}), ${nonEmpty} with matches, ${mismatches.length} mismatches`);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
    // The sample must exercise both outcomes, else the comparison proves little.
    expect(nonEmpty).toBeGreaterThan(150);
    expect(qs.length - nonEmpty).toBeGreaterThan(10);
  });

  it('match_phrase on title follows the same contract', async () => {
    const qs = Array.from({ length: 30 }, () => {
      const d = pick(docs);
      return substringAt(d.title, int(0, Math.max(0, d.title.length - 1)), int(1, 8));
    }).filter(Boolean);
    const answers = await os.msearch(index, qs.map((q) => ({ query: { match_phrase: { title: q } }, _source: false, size: docs.length })));
    for (const [i, q] of qs.entries()) {
      const want = docs.filter((d) => d.title.includes(q)).map((d) => d.id).sort();
      expect(answers[i].hits.hits.map((h: any) => h._id).sort(), JSON.stringify(q)).toEqual(want);
    }
  });

  it('counts reports per region level with path_hierarchy, and drills down by prefix', async () => {
    const want = new Map<string, number>();
    for (const d of docs) {
      const segs = regionPath(d.region).path!.split('/');
      for (let k = 1; k <= segs.length; k++) {
        const p = segs.slice(0, k).join('/');
        want.set(p, (want.get(p) ?? 0) + 1);
      }
    }
    const all = await os.request('POST', `/${index}/_search`, {
      size: 0,
      aggs: { region: { terms: { field: 'region_path', size: 100 } } },
    });
    const got = new Map<string, number>(all.aggregations.region.buckets.map((b: any) => [b.key, b.doc_count]));
    expect(got).toEqual(want);
    // Every report under 青海省/西宁市 (the city itself and its counties), and the next level down only.
    const drill = await os.request('POST', `/${index}/_search`, {
      size: 0,
      track_total_hits: true,
      query: { term: { region_path: '青海省/西宁市' } },
      aggs: { child: { terms: { field: 'region_path', include: '青海省/西宁市/[^/]+', size: 100 } } },
    });
    expect(drill.hits.total.value).toBe(want.get('青海省/西宁市'));
    expect(drill.aggregations.child.buckets).toEqual([{ key: '青海省/西宁市/湟中区', doc_count: want.get('青海省/西宁市/湟中区') }]);
    // The search side is not split: a filter on a province does not match a similarly named prefix.
    const none = await os.request('POST', `/${index}/_count`, { query: { term: { region_path: '青海' } } });
    expect(none.count).toBe(0);
  });

  it('ranks with BM25 on the pre-segmented words, finding exactly the reports that have the word', async () => {
    const word = '法治';
    const res = await os.request('POST', `/${index}/_search`, {
      query: { match: { words: word } },
      _source: false,
      size: docs.length,
      track_total_hits: true,
    });
    const want = docs.filter((d) => words(d.text).includes(word)).map((d) => d.id).sort();
    expect(want.length).toBeGreaterThan(3);
    expect(res.hits.hits.map((h: any) => h._id).sort()).toEqual(want);
    const scores = res.hits.hits.map((h: any) => h._score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // BM25, not a constant: the best document uses the word more densely than the worst.
    const density = (id: string) => {
      const w = words(docs.find((d) => d.id === id)!.text);
      return w.filter((x) => x === word).length / w.length;
    };
    expect(density(res.hits.hits[0]._id)).toBeGreaterThan(density(res.hits.hits.at(-1)._id));
  });

  it('swaps an alias from one index to another in one atomic call', async () => {
    const alias = `${run}-alias`;
    const next = `${run}-b`;
    await os.request('PUT', `/${next}`);
    await os.request('POST', '/_aliases', aliasSwap(alias, index, []));
    await os.request('POST', '/_aliases', aliasSwap(alias, next, [index]));
    const res = await os.request('GET', `/_alias/${alias}`);
    expect(Object.keys(res)).toEqual([next]);
  });
});
