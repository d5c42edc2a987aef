/**
 * The research views against brute force, over real HTTP on real indexes: for
 * every term and filter, the distribution buckets (/api/trend by year and by
 * region), the coverage matrix and first appearances, and every KWIC line
 * (/api/kwic: total, contexts, both context sorts) equal what a plain scan of
 * the ingested texts and metadata gives — on the sample archive and on a
 * generated one with reports of unknown year and region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app.js';
import { regionDepth, trendOverview, type TrendBucket } from '../../src/research/trend.js';
import { toQuery } from '../../src/research/params.js';
import type { Filters } from '../../src/types.js';
import { getJson, qs, serve, type Served } from '../helpers/http.js';
import { bruteContext, generatedArchive, matching, occurrencesOf, passes, regionPath, sampleArchive, type Archive, type Doc } from './archives.js';

type Case = [string, Filters];
const none: Filters = { regions: [], years: [] };

/** ≥ 10 terms: common, rare, two characters, boolean, Traditional, with filters (regions picked from the archive). */
function cases(a: Archive): Case[] {
  const provinces = new Map<string, number>();
  for (const d of a.docs) if (d.region.province) provinces.set(d.region.province, (provinces.get(d.region.province) ?? 0) + 1);
  const top = [...provinces.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
  const city = a.docs.find((d) => d.region.province === top && d.region.city)?.region.city;
  const years = [...new Set(a.docs.map((d) => d.year).filter((y): y is number => y !== null))].sort();
  return [
    ['发展', none],
    ['法治', none],
    ['三项制度', none],
    ['湟中', none],
    ['执法', none],
    ['营商环境', none],
    ['行政执法 公示', none],
    ['法律顾问 OR 公职律师', none],
    ['共產黨', none],
    ['发展', { regions: [top], years: [] }],
    ['法治', { regions: [], years: years.slice(-2) }],
    ['卫生', { regions: city ? [`${top}/${city}`] : [top], years: [] }],
    ['改革', { regions: [top], years: years.slice(0, 3) }],
  ];
}

function bruteBuckets(docs: Doc[], q: string, f: Filters, keyOf: (d: Doc) => string | null): TrendBucket[] {
  const hits = new Set(matching(docs, q, f).map((d) => d.id));
  const out = new Map<string | null, TrendBucket>();
  for (const d of docs) {
    if (!passes(d, f)) continue;
    const k = keyOf(d);
    const b = out.get(k) ?? { key: k, reports: 0, matchingReports: 0, occurrences: 0, chars: 0 };
    b.reports++;
    b.chars += d.text.length;
    if (hits.has(d.id)) {
      b.matchingReports++;
      b.occurrences += occurrencesOf(d, q).length;
    }
    out.set(k, b);
  }
  return [...out.values()];
}

const byKey = (a: TrendBucket, b: TrendBucket) => (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff');
const yearKey = (d: Doc) => (d.year === null ? null : String(d.year));
const regionKeyAt = (depth: number) => (d: Doc) => {
  const p = regionPath(d);
  return p ? p.split('/').slice(0, depth).join('/') : null;
};
const filterPairs = (f: Filters): Array<[string, string | number]> => [...f.regions.map((r): [string, string] => ['region', r]), ...f.years.map((y): [string, number] => ['year', y])];
/** Code-unit order of a string read backwards by code point. */
const rev = (s: string) => Array.from(s).reverse().join('');

for (const load of [sampleArchive, generatedArchive]) {
  describe(`research views over the ${load === sampleArchive ? 'sample' : 'generated'} archive`, () => {
    let a: Archive;
    let srv: Served;
    beforeAll(async () => {
      a = await load();
      srv = await serve(createApp({ handle: { current: () => a.engine } }));
    }, 120_000);
    afterAll(async () => {
      await srv?.close();
      await a?.cleanup();
    });

    it('the archive exercises what the views must handle', () => {
      expect(a.docs.length).toBeGreaterThan(20);
      if (load === generatedArchive) {
        expect(a.docs.some((d) => d.year === null)).toBe(true);
        expect(a.docs.some((d) => regionPath(d) === null)).toBe(true);
        expect(a.docs.some((d) => d.region.county)).toBe(true);
      }
      expect(cases(a).length).toBeGreaterThanOrEqual(10);
    });

    it('distributions by year and by region (at the facet depth) equal brute force, 未知 kept', async () => {
      for (const [q, f] of cases(a)) {
        const year = (await getJson(srv.base, `/api/trend?${qs([['q', q], ['by', 'year'], ...filterPairs(f)])}`)).body;
        expect(year.query).toBe(q);
        expect(year.by).toBe('year');
        const want = bruteBuckets(a.docs, q, f, yearKey).sort((x, y) => (x.key === null ? 1 : y.key === null ? -1 : Number(x.key) - Number(y.key)));
        expect(year.buckets, `${q} ${JSON.stringify(f)} by year`).toEqual(want);
        expect(year.buckets.some((b: TrendBucket) => b.matchingReports > 0), `${q} matches somewhere`).toBe(true);

        const region = (await getJson(srv.base, `/api/trend?${qs([['q', q], ['by', 'region'], ...filterPairs(f)])}`)).body;
        const depth = f.regions.length ? f.regions[0].split('/').length + 1 : 1;
        expect(regionDepth(f.regions)).toBe(Math.min(3, depth));
        expect([...region.buckets].sort(byKey), `${q} ${JSON.stringify(f)} by region`).toEqual(bruteBuckets(a.docs, q, f, regionKeyAt(Math.min(3, depth))).sort(byKey));
      }
      if (load === generatedArchive) {
        const all = (await getJson(srv.base, `/api/trend?${qs([['q', '发展'], ['by', 'region']])}`)).body;
        expect(all.buckets.at(-1).key).toBeNull(); // 未知 last, not dropped
      }
    });

    it('coverage matrix and first appearances equal brute force', async () => {
      for (const [q, f] of cases(a)) {
        const o = await trendOverview(a.engine, q, toQuery(q), f);
        const depth = regionDepth(f.regions);
        const keyR = regionKeyAt(depth);
        const hits = matching(a.docs, q, f);
        // cells: null exactly where the archive has no report of that region and year
        for (const row of o.matrix) {
          row.cells.forEach((c, i) => {
            const y = o.years[i];
            const inCell = a.docs.filter((d) => passes(d, f) && keyR(d) === row.region && yearKey(d) === y);
            if (inCell.length === 0) expect(c, `${q} ${row.region} ${y}`).toBeNull();
            else {
              expect(c!.reports).toBe(inCell.length);
              expect(c!.matchingReports).toBe(inCell.filter((d) => hits.includes(d)).length);
            }
          });
        }
        // first appearances: one per region with a match, at its earliest year
        const regions = new Set(hits.map(keyR));
        expect(o.firstAppearances.map((x) => x.region).sort()).toEqual([...regions].sort());
        for (const fa of o.firstAppearances) {
          const mine = hits.filter((d) => keyR(d) === fa.region);
          const years = mine.map((d) => d.year).filter((y): y is number => y !== null);
          expect(fa.year, `${q} ${fa.region}`).toBe(years.length ? Math.min(...years) : null);
          if (fa.year === null) continue;
          const ofYear = mine.filter((d) => d.year === fa.year);
          const dates = ofYear.map((d) => d.date).filter((x): x is string => x !== null).sort();
          const earliest = ofYear.filter((d) => d.date === (dates[0] ?? null));
          expect(fa.report, `${q} ${fa.region}: a report`).not.toBeNull();
          expect(earliest.map((d) => d.id)).toContain(fa.report!.id);
          const first = occurrencesOf(a.docs.find((d) => d.id === fa.report!.id)!, q)[0];
          expect(fa.report!.paragraph).toBe(first.paragraph);
        }
        const ys = o.firstAppearances.map((x) => x.year ?? Infinity);
        expect(ys).toEqual([...ys].sort((x, y) => x - y));
      }
    });

    it('KWIC: every occurrence, its contexts in characters within the paragraph, totals; sorted by left and right contexts', async () => {
      let n = 0;
      for (const [q, f] of cases(a)) {
        const context = [10, 30, 100][n++ % 3];
        const want = matching(a.docs, q, f).flatMap((d) =>
          occurrencesOf(d, q).map((o) => ({ id: d.id, anchor: `p-${o.paragraph}`, ...bruteContext(d.paragraphs[o.paragraph], o.start, o.end, context), year: d.year, region: regionPath(d), title: d.title })),
        );
        const got: any[] = [];
        for (let page = 1; ; page++) {
          const body = (await getJson(srv.base, `/api/kwic?${qs([['q', q], ['context', context], ['size', 1000], ['page', page], ...filterPairs(f)])}`)).body;
          expect(body.total, `${q} ${JSON.stringify(f)} total`).toBe(want.length);
          got.push(...body.hits);
          if (body.hits.length < 1000) break;
        }
        const strip = (l: any) => ({ id: l.id, anchor: l.anchor, left: l.left, match: l.match, right: l.right, year: l.year, region: l.region, title: l.title });
        // the engine's report order is its own; within a report, position order
        const group = (ls: any[]) => {
          const m = new Map<string, any[]>();
          for (const l of ls) m.set(l.id, [...(m.get(l.id) ?? []), strip(l)]);
          return m;
        };
        expect(group(got), `${q} ${JSON.stringify(f)} lines`).toEqual(group(want));
        for (const l of got) expect(l.url).toMatch(new RegExp(`/doc/${encodeURIComponent(l.id)}\\?q=.+#${l.anchor}$`));

        if (want.length > 3000) continue; // sorting is checked on the smaller sets
        for (const sort of ['left', 'right'] as const) {
          const sorted = (await getJson(srv.base, `/api/kwic?${qs([['q', q], ['context', context], ['size', 1000], ['sort', sort], ...filterPairs(f)])}`)).body;
          expect(sorted.total).toBe(want.length);
          const lines = sorted.hits.map(strip);
          const key = (l: any) => (sort === 'left' ? [rev(l.left), l.match] : [l.match, l.right]);
          for (let i = 1; i < lines.length; i++) {
            const [a1, b1] = key(lines[i - 1]);
            const [a2, b2] = key(lines[i]);
            expect(a1 < a2 || (a1 === a2 && b1 <= b2), `${q} sort=${sort} line ${i}`).toBe(true);
          }
          const asSet = (ls: any[]) => ls.map((l) => JSON.stringify(strip(l))).sort();
          if (want.length <= 1000) expect(asSet(lines)).toEqual(asSet(want));
          else expect(lines.length).toBe(1000);
        }
      }
    });
  });
}
