/**
 * The engine test suite: every backend of the engine API (src/search/engine.ts)
 * must pass it. It takes a factory that indexes a data folder with the backend
 * and returns its engine; answers are checked against a brute-force computation
 * over the ingested reports (the texts and metadata the ingest stage produces).
 *
 *   engineSuite('local', async (dataDir) => …)   // test/engine/local.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { highlightTerms, matchesQuery, parseQuery } from '../../src/query/parser.js';
import type { Engine } from '../../src/search/engine.js';
import type { CountBucket, Filters, ReportDocument, SearchQuery } from '../../src/types.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

export interface BackendUnderTest {
  engine: Engine;
  cleanup(): Promise<void>;
}

export type BackendFactory = (dataDir: string) => Promise<BackendUnderTest>;

/** Non-overlapping occurrences of each distinct term, leftmost first, summed (what Ctrl-F steps through). */
export function bruteOccurrences(norm: string, terms: string[]): Array<{ start: number; end: number; term: number }> {
  const out: Array<{ start: number; end: number; term: number }> = [];
  terms.forEach((t, k) => {
    for (let i = norm.indexOf(t); i >= 0; i = norm.indexOf(t, i + t.length)) out.push({ start: i, end: i + t.length, term: k });
  });
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

const regionPath = (d: ReportDocument) => [d.region.province, d.region.city, d.region.county].filter(Boolean).join('/');

export function engineSuite(name: string, factory: BackendFactory, dataDir = CORPUS_DIR): void {
  describe(`engine API: ${name} backend`, () => {
    let backend: BackendUnderTest;
    let engine: Engine;
    let docs: Array<ReportDocument & { norm: string; normTitle: string }>;

    beforeAll(async () => {
      backend = await factory(dataDir);
      engine = backend.engine;
      docs = (await ingestFolder(dataDir)).docs.map((d) => ({ ...d, norm: normalize(d.text), normTitle: normalize(d.title) }));
    });
    afterAll(() => backend?.cleanup());

    const query = (q: string): SearchQuery => ({ parsed: parseQuery(q), match: 'exact' });
    const none: Filters = { regions: [], years: [] };
    const passes = (d: ReportDocument, f: Filters) =>
      (f.regions.length === 0 || f.regions.some((r) => regionPath(d) === r || regionPath(d).startsWith(`${r}/`))) &&
      (f.years.length === 0 || (d.year !== null && f.years.includes(d.year)));
    /** The reports a query matches under filters, by brute force. */
    const expected = (q: string, f: Filters) => {
      const parsed = parseQuery(q);
      return docs.filter(
        (d) => passes(d, f) && (!parsed.root || matchesQuery(parsed.root, (t) => (t.field === 'title' ? d.normTitle : d.norm).includes(t.text))),
      );
    };

    const CASES: Array<[string, Filters]> = [
      ['三项制度', none],
      ['法治政府', none],
      ['发展', { regions: [], years: [2026] }],
      ['行政执法 公示', none],
      ['法律顾问 OR 公职律师', none],
      ['法治 -双随机', none],
      ['法', { regions: ['四川省', '青海省'], years: [] }],
      ['卫生健康', { regions: ['青海省/西宁市'], years: [2024] }],
      ['标题:法治 政府', none],
      ['共產黨', none],
      ['营商环境', { regions: ['全国'], years: [] }],
      ['新质生产力', none],
    ];

    it.each(CASES)('search %s %j: total, ids and facets as brute force', async (q, f) => {
      const want = expected(q, f);
      const res = await engine.search(query(q), f, { sort: 'relevance', page: 1, size: 100 });
      expect(res.total).toBe(want.length);
      expect(res.hits.map((h) => h.id).sort()).toEqual(want.map((d) => d.id).sort());
      const years = new Map<string, number>();
      for (const d of expected(q, { ...f, years: [] })) if (d.year) years.set(String(d.year), (years.get(String(d.year)) ?? 0) + 1);
      expect(Object.fromEntries(res.facets.year.map((b) => [b.value, b.count]))).toEqual(Object.fromEntries(years));
      // Passages are data: each lies in its paragraph, its ranges mark the query's terms.
      const terms = highlightTerms(parseQuery(q));
      for (const h of res.hits) {
        const d = docs.find((x) => x.id === h.id)!;
        expect(h.matchCount).toBe(bruteOccurrences(d.norm, terms).length);
        const paragraphs = d.text.split('\n');
        for (const p of h.passages) {
          expect(p.text).toBe(paragraphs[p.paragraph].slice(p.start, p.end));
          for (const [s, e] of p.ranges) {
            const marked = normalize(paragraphs[p.paragraph].slice(s, e));
            expect(terms.some((t) => marked.includes(t) || t.includes(marked))).toBe(true);
          }
        }
      }
    });

    it.each(CASES)('occurrences %s %j: every one, in report order then position', async (q, f) => {
      const terms = highlightTerms(parseQuery(q));
      const want = expected(q, f);
      const all = [];
      for await (const o of engine.streamOccurrences(query(q), f)) all.push(o);
      const brute = want.flatMap((d) => {
        const starts = d.text.split('\n').reduce<number[]>((acc, p, i) => [...acc, i === 0 ? 0 : acc[i - 1] + d.text.split('\n')[i - 1].length + 1], []);
        return bruteOccurrences(d.norm, terms).map((o) => {
          let p = starts.length - 1;
          while (starts[p] > o.start) p--;
          return { id: d.id, paragraph: p, start: o.start - starts[p], end: o.end - starts[p], term: o.term };
        });
      });
      expect(all.length).toBe(brute.length);
      // Report order is the backend's; within a report, position order — compare per report.
      const byId = (xs: typeof brute) => {
        const m = new Map<string, typeof brute>();
        for (const x of xs) m.set(x.id, [...(m.get(x.id) ?? []), x]);
        return m;
      };
      expect(byId(all)).toEqual(byId(brute));
      const order = all.map((o) => o.id).filter((id, i, a) => i === 0 || a[i - 1] !== id);
      expect(new Set(order).size).toBe(order.length); // each report's occurrences are contiguous

      // Pages give the same sequence as the stream, with its total.
      const first = await engine.occurrences(query(q), f, { page: 1, size: 1000 });
      expect(first.total).toBe(brute.length);
      expect(first.occurrences).toEqual(all.slice(0, 1000));
      const paged = [];
      for (let n = 1; n <= 5; n++) paged.push(...(await engine.occurrences(query(q), f, { page: n, size: 7 })).occurrences);
      expect(paged).toEqual(all.slice(0, 35));
    });

    const COUNTS: Array<[string, Filters, 'year' | 'region' | 'issuer', number]> = [
      ['三项制度', none, 'year', 1],
      ['发展', none, 'region', 1],
      ['法治', { regions: ['四川省'], years: [] }, 'region', 2],
      ['卫生', none, 'issuer', 1],
      ['湟中', { regions: [], years: [2024, 2026] }, 'year', 1],
    ];
    it.each(COUNTS)('countBy %s %j by %s: buckets as brute force', async (q, f, field, depth) => {
      const got = await engine.countBy(query(q), f, { field, depth });
      const terms = highlightTerms(parseQuery(q));
      const matching = new Set(expected(q, f).map((d) => d.id));
      const keyOf = (d: ReportDocument): string | null =>
        field === 'year' ? (d.year === null ? null : String(d.year)) : field === 'issuer' ? d.issuer : regionPath(d) ? regionPath(d).split('/').slice(0, depth).join('/') : null;
      const want = new Map<string | null, CountBucket>();
      for (const d of docs) {
        if (!passes(d, f)) continue;
        const k = keyOf(d);
        const b = want.get(k) ?? { key: k, reports: 0, matchingReports: 0, occurrences: 0, chars: 0 };
        b.reports++;
        b.chars += d.text.length;
        if (matching.has(d.id)) {
          b.matchingReports++;
          b.occurrences += bruteOccurrences(d.norm, terms).length;
        }
        want.set(k, b);
      }
      const sortKey = (b: CountBucket) => b.key ?? '\uffff';
      expect([...got].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual([...want.values()].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
      expect(got.some((b) => b.matchingReports > 0)).toBe(true);
    });

    const CROSS: Array<[string, Filters, number]> = [
      ['三项制度', none, 1],
      ['发展', { regions: ['青海省'], years: [] }, 2],
      ['法治 -双随机', { regions: [], years: [2023, 2024] }, 1],
    ];
    it.each(CROSS)('countBy %s %j by region (depth %d) then year: each bucket split as brute force', async (q, f, depth) => {
      const got = await engine.countBy(query(q), f, { field: 'region', depth, then: { field: 'year' } });
      const flat = await engine.countBy(query(q), f, { field: 'region', depth });
      const terms = highlightTerms(parseQuery(q));
      const matching = new Set(expected(q, f).map((d) => d.id));
      const cell = new Map<string, CountBucket>();
      for (const d of docs) {
        if (!passes(d, f)) continue;
        const r = regionPath(d) ? regionPath(d).split('/').slice(0, depth).join('/') : null;
        const k = JSON.stringify([r, d.year === null ? null : String(d.year)]);
        const b = cell.get(k) ?? { key: d.year === null ? null : String(d.year), reports: 0, matchingReports: 0, occurrences: 0, chars: 0 };
        b.reports++;
        b.chars += d.text.length;
        if (matching.has(d.id)) {
          b.matchingReports++;
          b.occurrences += bruteOccurrences(d.norm, terms).length;
        }
        cell.set(k, b);
      }
      // The outer buckets equal a count by region alone; each sub-bucket equals its cell.
      expect(got.map(({ sub: _, ...b }) => b)).toEqual(flat);
      let cells = 0;
      for (const b of got) {
        expect(b.sub!.length).toBeGreaterThan(0);
        for (const s of b.sub!) {
          expect(s).toEqual(cell.get(JSON.stringify([b.key, s.key])));
          cells++;
        }
        // years ascending, 未知 last
        const keys = b.sub!.map((s) => s.key);
        expect(keys).toEqual([...keys.filter((k) => k !== null).sort((x, y) => Number(x) - Number(y)), ...keys.filter((k) => k === null)]);
      }
      expect(cells).toBe(cell.size);
    });

    it('report and paragraphs: the stored text, split and marked', async () => {
      const d = docs.find((x) => x.norm.includes('三项制度'))!;
      const r = await engine.report(d.id);
      expect(r?.text).toBe(d.text);
      expect(r?.title).toBe(d.title);
      const view = (await engine.paragraphs(d.id, query('三项制度')))!;
      expect(view.paragraphs.map((p) => p.text)).toEqual(d.text.split('\n'));
      expect(view.matchCount).toBe(bruteOccurrences(d.norm, ['三项制度']).length);
      for (const p of view.paragraphs) for (const [s, e] of p.ranges) expect(normalize(p.text.slice(s, e))).toBe('三项制度');
      expect(await engine.report('no-such-report')).toBeNull();
      expect(await engine.paragraphs('no-such-report', null)).toBeNull();
    });

    it('refuses paging past the limits with a QueryError', async () => {
      await expect(engine.search(query('法治'), none, { sort: 'relevance', page: 1, size: 101 })).rejects.toThrow(/size/);
      await expect(engine.search(query('法治'), none, { sort: 'relevance', page: 0, size: 10 })).rejects.toThrow(/page/);
    });
  });
}
