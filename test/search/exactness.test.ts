/**
 * The matching contract on the real corpus: the hits of a phrase are exactly
 * the reports whose normalised text contains it — recall and precision 100%.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { ingestFolder } from '../../src/ingest/index.js';
import type { Engine } from '../../src/search/engine.js';
import type { ReportDocument } from '../../src/types.js';
import { buildFixtureIndex, CORPUS_DIR, search, type FixtureIndex } from '../helpers/fixture-index.js';
import { passageHtml } from '../../src/web/html.js';

// Generated sizes at their largest: long strings and big numbers, not toy cases.
fc.configureGlobal({ baseSize: 'xlarge' });

let fx: FixtureIndex;
let engine: Engine;
let docs: ReportDocument[];
let norms: Array<{ id: string; norm: string; title: string }>;

beforeAll(async () => {
  fx = await buildFixtureIndex();
  engine = fx.engine;
  docs = (await ingestFolder(CORPUS_DIR)).docs;
  norms = docs.map((d) => ({ id: d.id, norm: normalize(d.text), title: normalize(d.title) }));
});
afterAll(() => fx.cleanup());

async function hitIds(q: string, extra: { regions?: string[]; years?: number[] } = {}): Promise<string[]> {
  const res = await search(engine, { q, size: 100, ...extra });
  expect(res.total).toBe(res.hits.length); // the corpus is smaller than one page
  return res.hits.map((h) => h.id).sort();
}

function bruteForce(phrase: string): string[] {
  const p = normalize(phrase);
  return norms.filter((d) => d.norm.includes(p)).map((d) => d.id).sort();
}

/** A substring a user could type: no whitespace or quote characters (the query syntax splits on them). */
const typeable = (s: string) => !/[\s"“”「」『』＂]/.test(s) && !/^-/.test(s) && !/^(or|OR)$/.test(s) && !/[:：]/.test(s);

describe('phrases match exactly what the text contains', () => {
  it.each(['三项制度', '法治政府', '双随机', '湟中', '新县', '营商环境', '重大行政决策', '习近平法治思想', '具体负责'])(
    '%s, quoted and unquoted',
    async (phrase) => {
      const expected = bruteForce(phrase);
      expect(await hitIds(`"${phrase}"`)).toEqual(expected);
      expect(await hitIds(phrase)).toEqual(expected);
    },
  );

  /** A slice of a real report's text, `min`–`max` characters long. */
  const slice = (min: number, max: number) =>
    fc.record({ doc: fc.nat(), start: fc.nat(), len: fc.integer({ min, max }) }).map(({ doc, start, len }) => {
      const text = docs[doc % docs.length].text;
      const s = start % Math.max(1, text.length - len);
      return text.slice(s, s + len);
    });

  it('random substrings of the real reports (2–12 characters, across word boundaries)', async () => {
    const substring = slice(2, 12)
      .filter((s) => s.trim().length >= 2 && typeable(s) && !s.includes('\n'));
    await fc.assert(
      fc.asyncProperty(substring, async (phrase) => {
        const expected = bruteForce(phrase);
        expect(expected.length).toBeGreaterThan(0);
        expect(await hitIds(`"${phrase}"`)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('strings spliced from two reports (mostly absent: precision)', async () => {
    const piece = slice(1, 6);
    const spliced = fc.tuple(piece, piece).map(([a, b]) => a + b).filter((s) => s.length >= 2 && typeable(s) && !s.includes('\n'));
    await fc.assert(
      fc.asyncProperty(spliced, async (phrase) => {
        expect(await hitIds(`"${phrase}"`)).toEqual(bruteForce(phrase));
      }),
      { numRuns: 300 },
    );
  });

  it('random strings over the corpus alphabet, as large as fast-check makes them', async () => {
    const alphabet = [...new Set(docs.flatMap((d) => [...d.text.slice(0, 400)]))].filter((c) => typeable(c) && c !== '\n');
    const word = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 2, maxLength: 12, size: 'max' });
    await fc.assert(
      fc.asyncProperty(word, async (phrase) => {
        expect(await hitIds(`"${phrase}"`)).toEqual(bruteForce(phrase));
      }),
      { numRuns: 300 },
    );
  });

  it('a Traditional-Chinese query finds the Simplified text', async () => {
    expect(await hitIds('"法治政府建設"')).toEqual(bruteForce('法治政府建设'));
    expect(bruteForce('法治政府建设').length).toBeGreaterThan(0);
    expect(await hitIds('營商環境')).toEqual(bruteForce('营商环境'));
  });

  it('full-width and half-width forms of the same text match each other', async () => {
    expect(await hitIds('"（一）"')).toEqual(bruteForce('(一)'));
    expect(bruteForce('(一)').length).toBeGreaterThan(0);
  });
});

describe('boolean operators follow set algebra', () => {
  const A = '法治政府';
  const B = '营商环境';
  const set = (ids: string[]) => new Set(ids);

  it('AND, OR, NOT', async () => {
    const a = set(bruteForce(A));
    const b = set(bruteForce(B));
    expect(await hitIds(`${A} ${B}`)).toEqual([...a].filter((x) => b.has(x)).sort());
    expect(await hitIds(`${A} OR ${B}`)).toEqual([...new Set([...a, ...b])].sort());
    expect(await hitIds(`${A} -${B}`)).toEqual([...a].filter((x) => !b.has(x)).sort());
    expect(await hitIds(`-${B}`)).toEqual(norms.map((d) => d.id).filter((x) => !b.has(x)).sort());
  });

  it('title scope matches the title only', async () => {
    const expected = norms.filter((d) => d.title.includes('法治')).map((d) => d.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await hitIds('标题:法治')).toEqual(expected);
    expect(await hitIds('title:法治')).toEqual(expected);
  });
});

// Facets and filters against brute force: test/engine/suite.ts (every backend).

describe('hits', () => {
  it('count every occurrence and mark only query terms', async () => {
    const res = await search(engine, { q: '"三项制度"', size: 100 });
    for (const h of res.hits) {
      const d = norms.find((n) => n.id === h.id)!;
      expect(h.matchCount).toBe(d.norm.split('三项制度').length - 1);
      expect(h.passages.length).toBeGreaterThan(0);
      expect(h.passages.length).toBeLessThanOrEqual(3);
      for (const p of h.passages) {
        const marks = [...passageHtml(p).matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
        expect(marks.length).toBeGreaterThan(0);
        for (const m of marks) expect(normalize(m)).toBe('三项制度');
      }
    }
  });

  it('rank a report with the words together above reports with them apart', async () => {
    const res = await search(engine, { q: '行政执法 公示', size: 100 });
    const together = new Set(bruteForce('行政执法公示'));
    expect(together.size).toBeGreaterThan(0);
    const ranks = res.hits.map((h) => together.has(h.id));
    const lastTogether = ranks.lastIndexOf(true);
    const firstApart = ranks.indexOf(false);
    // Not a strict partition (BM25 still matters), but the best hit has the words together.
    expect(ranks[0]).toBe(true);
    expect(lastTogether).toBeGreaterThanOrEqual(0);
    expect(firstApart === -1 || firstApart > 0).toBe(true);
  });

  it('sort by date, newest or oldest first, undated last', async () => {
    const desc = (await search(engine, { q: '法治', sort: 'date-desc', size: 100 })).hits.map((h) => h.date);
    const asc = (await search(engine, { q: '法治', sort: 'date-asc', size: 100 })).hits.map((h) => h.date);
    const dated = (xs: Array<string | null>) => xs.filter((x): x is string => x !== null);
    expect(dated(desc)).toEqual([...dated(desc)].sort().reverse());
    expect(dated(asc)).toEqual([...dated(asc)].sort());
    expect(desc.indexOf(null) === -1 || desc.slice(desc.indexOf(null)).every((x) => x === null)).toBe(true);
  });

  it('page through all hits without gaps or repeats', async () => {
    const all = (await search(engine, { q: '发展', size: 100 })).hits.map((h) => h.id);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 7); page++) paged.push(...(await search(engine, { q: '发展', size: 7, page })).hits.map((h) => h.id));
    expect(paged).toEqual(all);
  });
});
