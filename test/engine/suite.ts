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
import { isFuzzyIgnorable } from '../../src/search/fuzzy.js';
import { nearOccurrences } from '../../src/search/proximity.js';
import type { Engine } from '../../src/search/engine.js';
import { docType } from '../../src/search/doctypes.js';
import { levelOf } from '../../src/search/filters.js';
import type { CountBucket, Filters, MatchMode, NearNode, QueryNode, ReportDocument, SearchQuery } from '../../src/types.js';
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

/**
 * Fuzzy occurrences by brute force: each paragraph with its ignorable characters
 * (src/search/fuzzy.ts `isFuzzyIgnorable`) dropped, searched for the term so
 * reduced; spans from the first to the last matched character.
 */
export function bruteFuzzy(norm: string, term: string): Array<[number, number]> {
  const strip = (s: string) => [...s].filter((ch) => !isFuzzyIgnorable(ch.codePointAt(0)!)).join('');
  const key = strip(term);
  const out: Array<[number, number]> = [];
  if (!key) return out;
  let base = 0;
  for (const para of norm.split('\n')) {
    const chars: string[] = [];
    const at: number[] = [];
    let i = 0;
    for (const ch of para) {
      if (!isFuzzyIgnorable(ch.codePointAt(0)!)) for (let k = 0; k < ch.length; k++) (chars.push(ch[k]), at.push(base + i + k));
      i += ch.length;
    }
    const v = chars.join('');
    for (let j = v.indexOf(key); j >= 0; j = v.indexOf(key, j + key.length)) out.push([at[j], at[j + key.length - 1] + 1]);
    base += para.length + 1;
  }
  return out;
}

/** A query's counted occurrences by brute force (plain terms in full; proximity terms where the condition holds). */
export function bruteQueryOccurrences(norm: string, q: string, mode: MatchMode): Array<{ start: number; end: number; term: number }> {
  const parsed = parseQuery(q);
  const terms = highlightTerms(parsed);
  const plain = new Set<string>();
  const near: NearNode[] = [];
  const walk = (n: QueryNode) => {
    if (n.type === 'not') return;
    if (n.type === 'term') return void (n.field === 'body' && plain.add(n.text));
    if (n.type === 'near') return void near.push(n);
    n.children.forEach(walk);
  };
  if (parsed.root) walk(parsed.root);
  if (plain.size === 0 && near.length === 0) terms.forEach((t) => plain.add(t));
  const find = (text: string, t: string): Array<[number, number]> =>
    mode === 'fuzzy' ? bruteFuzzy(text, t) : bruteOccurrences(text, [t]).map((o) => [o.start, o.end]);
  const out = new Map<string, { start: number; end: number; term: number }>();
  for (const t of plain) for (const [start, end] of find(norm, t)) out.set(`${start}:${end}:${t}`, { start, end, term: terms.indexOf(t) });
  for (const n of near) {
    const { left, right } = nearOccurrences(norm, n, find);
    n.children.forEach((c, side) => {
      if (plain.has(c.text)) return;
      for (const [start, end] of side ? right : left) out.set(`${start}:${end}:${c.text}`, { start, end, term: terms.indexOf(c.text) });
    });
  }
  return [...out.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.term - b.term);
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

    const query = (q: string, match: MatchMode = 'exact'): SearchQuery => ({ parsed: parseQuery(q), match });
    const none: Filters = { regions: [], years: [] };
    type Dim = 'region' | 'year' | 'issuer' | 'type' | 'level' | 'time';
    const inRegion = (d: ReportDocument, r: string) =>
      r === '未知' ? regionPath(d) === '' : r.endsWith('/本级') ? regionPath(d) === r.slice(0, -3) : regionPath(d) === r || regionPath(d).startsWith(`${r}/`);
    const ymd = (s: string, end: boolean) => (s.length === 4 ? `${s}-${end ? '12-31' : '01-01'}` : s);
    const inTime = (d: ReportDocument, f: Filters) => {
      if (!f.from && !f.to) return true;
      const lo = f.from ? ymd(f.from, false) : '0000-00-00';
      const hi = f.to ? ymd(f.to, true) : '9999-99-99';
      const yearsOnly = (!f.from || f.from.length === 4) && (!f.to || f.to.length === 4);
      if (yearsOnly || !d.date) {
        if (d.year === null) return false;
        const [first, last] = [`${d.year}-01-01`, `${d.year}-12-31`];
        return yearsOnly ? first >= lo && last <= hi : last >= lo && first <= hi;
      }
      return d.date >= lo && d.date <= hi;
    };
    const passDim = (d: ReportDocument, f: Filters, dim: Dim): boolean => {
      switch (dim) {
        case 'region':
          return f.regions.length === 0 || f.regions.some((r) => inRegion(d, r));
        case 'year':
          return f.years.length === 0 || (d.year !== null && f.years.includes(d.year));
        case 'issuer':
          return !f.issuers?.length || (d.issuer !== null && f.issuers.includes(d.issuer));
        case 'type':
          return !f.types?.length || f.types.includes(docType(d.title) ?? '');
        case 'level':
          return !f.levels?.length || f.levels.includes(levelOf(d.region)!);
        case 'time':
          return inTime(d, f);
      }
    };
    const DIMS: Dim[] = ['region', 'year', 'issuer', 'type', 'level', 'time'];
    const passes = (d: ReportDocument, f: Filters, except?: Dim) => DIMS.every((dim) => dim === except || passDim(d, f, dim));
    /** The reports a query matches under filters (all, or all but one dimension's), by brute force. */
    const expectedExcept = (q: string, f: Filters, except?: Dim, mode: MatchMode = 'exact') => {
      const parsed = parseQuery(q);
      const has = (text: string, t: string) => (mode === 'fuzzy' ? bruteFuzzy(text, t).length > 0 : text.includes(t));
      return docs.filter(
        (d) =>
          passes(d, f, except) &&
          (!parsed.root ||
            matchesQuery(
              parsed.root,
              (t) => has(t.field === 'title' ? d.normTitle : d.norm, t.text),
              (n) => nearOccurrences(d.norm, n, (text, t) => (mode === 'fuzzy' ? bruteFuzzy(text, t) : bruteOccurrences(text, [t]).map((o): [number, number] => [o.start, o.end]))).left.length > 0,
            )),
      );
    };
    const expected = (q: string, f: Filters, mode: MatchMode = 'exact') => expectedExcept(q, f, undefined, mode);

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
      ['营商环境', { regions: ['上海市'], years: [] }],
      ['发展', { regions: ['青海省/本级'], years: [] }],
      ['', { regions: ['青海省/西宁市/湟中区'], years: [] }],
      ['卫生', { regions: [], years: [], from: '2022', to: '2024' }],
      ['卫生', { regions: [], years: [], from: '2022-03-01', to: '2025-01-31' }],
      ['法治', { regions: [], years: [], levels: ['县级', '市级'] }],
      ['政府', { regions: [], years: [], types: ['政府工作报告'] }],
      ['', { regions: [], years: [], issuers: ['湟中区卫生健康局', '达州市卫生健康委员会'] }],
      ['工作', { regions: ['四川省'], years: [2026], levels: ['省级'], types: ['政府工作报告'] }],
      ['新质生产力', none],
    ];
    /** Proximity and fuzzy matching: each against its brute force, in both modes where it differs. */
    const MODE_CASES: Array<[string, Filters, MatchMode]> = [
      ['法治 /SEN 政府', none, 'exact'],
      ['营商 /NEAR 5 环境', none, 'exact'],
      ['双随机 /PRG 公开', none, 'exact'],
      ['三项制度 /SEN 执法', { regions: ['青海省'], years: [] }, 'exact'],
      ['法治 /SEN 法治', none, 'exact'],
      ['双随机一公开', none, 'fuzzy'],
      ['放管服改革', none, 'fuzzy'],
      ['“三项制度”', none, 'fuzzy'],
      ['双随机一公开 /PRG 监管', none, 'fuzzy'],
      ['标题:法治政府建设情况报告', none, 'fuzzy'],
    ];

    it.each(MODE_CASES)('search %s %j (%s): the set, counts and marks as brute force', async (q, f, mode) => {
      const want = expected(q, f, mode);
      const res = await engine.search(query(q, mode), f, { sort: 'relevance', page: 1, size: 100 });
      expect(res.total).toBe(want.length);
      expect(res.hits.map((h) => h.id).sort()).toEqual(want.map((d) => d.id).sort());
      for (const h of res.hits) {
        const d = docs.find((x) => x.id === h.id)!;
        const occ = bruteQueryOccurrences(d.norm, q, mode);
        expect(h.matchCount).toBe(occ.length);
        expect(occ.length).toBeGreaterThan(0);
      }
      const all = [];
      for await (const o of engine.streamOccurrences(query(q, mode), f)) all.push(o);
      const total = want.reduce((n, d) => n + bruteQueryOccurrences(d.norm, q, mode).length, 0);
      expect(all.length).toBe(total);
      expect((await engine.occurrences(query(q, mode), f, { page: 1, size: 10 })).total).toBe(total);
    });

    it('fuzzy finds what exact misses, and never less', async () => {
      const exact = await engine.search(query('双随机一公开'), none, { sort: 'relevance', page: 1, size: 100 });
      const fuzzy = await engine.search(query('双随机一公开', 'fuzzy'), none, { sort: 'relevance', page: 1, size: 100 });
      expect(fuzzy.total).toBeGreaterThan(exact.total);
      for (const h of exact.hits) expect(fuzzy.hits.map((x) => x.id)).toContain(h.id);
      // The mark covers the original span, punctuation inside included: 双随机、一公开.
      const marked = fuzzy.hits.flatMap((h) => h.passages.flatMap((p) => p.ranges.map(([s, e]) => p.text.slice(s - p.start, e - p.start))));
      expect(marked.length).toBeGreaterThan(0);
      for (const m of marked) expect(m.replace(/[、，,\s“”"]/g, '')).toBe('双随机一公开');
      expect(marked.some((m) => m !== '双随机一公开')).toBe(true);
    });

    it.each(CASES)('search %s %j: total, ids and facets as brute force', async (q, f) => {
      const want = expected(q, f);
      const res = await engine.search(query(q), f, { sort: 'relevance', page: 1, size: 100 });
      expect(res.total).toBe(want.length);
      expect(res.hits.map((h) => h.id).sort()).toEqual(want.map((d) => d.id).sort());
      // Every facet: the matches passing every filter but its own, by value.
      const facet = (dim: Dim, key: (d: ReportDocument) => string | null) => {
        const m = new Map<string, number>();
        for (const d of expectedExcept(q, f, dim)) {
          const k = key(d);
          if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
        }
        return Object.fromEntries(m);
      };
      const asMap = (b: Array<{ value: string; count: number }>) => Object.fromEntries(b.map((x) => [x.value, x.count]));
      expect(asMap(res.facets.year)).toEqual(facet('year', (d) => (d.year ? String(d.year) : null)));
      expect(asMap(res.facets.issuer)).toEqual(facet('issuer', (d) => d.issuer));
      expect(asMap(res.facets.type)).toEqual(facet('type', (d) => docType(d.title)));
      expect(asMap(res.facets.level)).toEqual(facet('level', (d) => levelOf(d.region)));
      // Region: children of the selection's common ancestor, 本级 for the ancestor itself, 未知 at the top.
      const segs = f.regions.map((r) => (r === '未知' ? [] : r.split('/').filter((x) => x !== '本级')));
      let depth = 0;
      while (segs.length && depth < segs[0].length && segs.every((x) => x[depth] === segs[0][depth])) depth++;
      const ancestor = segs.length ? segs[0].slice(0, depth) : [];
      const regionFacet = facet('region', (d) => {
        const path = regionPath(d) ? regionPath(d).split('/') : [];
        if (ancestor.some((x, i) => path[i] !== x)) return null;
        if (path.length === ancestor.length) return ancestor.length ? `${ancestor.join('/')}/本级` : '未知';
        return path.slice(0, ancestor.length + 1).join('/');
      });
      expect(asMap(res.facets.region)).toEqual(regionFacet);
      // The region buckets add up to the matches inside the ancestor.
      const inside = expectedExcept(q, f, 'region').filter((d) => ancestor.every((x, i) => regionPath(d).split('/')[i] === x)).length;
      expect(res.facets.region.reduce((n, b) => n + b.count, 0)).toBe(inside);
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

    it('refuses a region the archive does not have, naming the nearest ones', async () => {
      await expect(engine.search(query('法治'), { regions: ['青海'], years: [] }, { sort: 'relevance', page: 1, size: 10 })).rejects.toThrow(
        /青海.*您是不是要找：青海省/,
      );
    });

    it('refuses paging past the limits with a QueryError', async () => {
      await expect(engine.search(query('法治'), none, { sort: 'relevance', page: 1, size: 101 })).rejects.toThrow(/size/);
      await expect(engine.search(query('法治'), none, { sort: 'relevance', page: 0, size: 10 })).rejects.toThrow(/page/);
    });
  });
}
