import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitset } from '../../src/index/bitset.js';
import { MemorySource } from '../../src/index/bytesource.js';
import { analyzeGrams, bigramKey, GramPostings, gramKeys, PostingsBuilder, termKeys } from '../../src/index/postings.js';

function open(b: PostingsBuilder): GramPostings {
  const { grams, positions } = b.toBuffers();
  return new GramPostings(new MemorySource(grams), new MemorySource(positions));
}

describe('gramKeys', () => {
  it('lists unigrams and in-paragraph bigrams, sorted and distinct', () => {
    const keys = [...gramKeys('法治法\n治')];
    const c = (s: string) => s.charCodeAt(0);
    const expected = [c('法'), c('治'), bigramKey(c('法'), c('治')), bigramKey(c('治'), c('法'))].sort((a, b) => a - b);
    expect(keys).toEqual(expected);
  });

  it('never makes a bigram across a paragraph break', () => {
    const keys = new Set(gramKeys('甲\n乙'));
    expect(keys.has(bigramKey('甲'.charCodeAt(0), '乙'.charCodeAt(0)))).toBe(false);
  });
});

describe('PostingsBuilder → GramPostings', () => {
  it('round-trips random document sets exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 40, unit: fc.constantFrom('法', '治', '政', '府', 'a', '\n') }), { maxLength: 60 }), (texts) => {
        const b = new PostingsBuilder();
        texts.forEach((t, i) => b.add(i, analyzeGrams(t)));
        const p = open(b);
        for (const term of ['法', '法治', '政府', 'a法', '治治']) {
          const got = p.docsWithAll(termKeys(term), texts.length).toArray();
          const keys = termKeys(term);
          const expected = texts.map((t, i) => [t, i] as const).filter(([t]) => {
            const ks = new Set(gramKeys(t));
            return keys.every((k) => ks.has(k));
          });
          expect([...got]).toEqual(expected.map(([, i]) => i));
          if (term.length <= 2) expect([...got]).toEqual(texts.flatMap((t, i) => (t.includes(term) ? [i] : [])));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('encodes large document ids (multi-byte varints)', () => {
    const b = new PostingsBuilder();
    const ids = [0, 127, 128, 16_383, 16_384, 2_000_000];
    for (const id of ids) b.add(id, analyzeGrams('法治'));
    const p = open(b);
    const set = new Bitset(2_000_001);
    p.addDocsTo(termKeys('法治')[0], set);
    expect([...set.toArray()]).toEqual(ids);
    expect(p.count(termKeys('法治')[0])).toBe(ids.length);
  });
});

describe('positions', () => {
  const alphabet = fc.constantFrom('法', '治', '政', '府', 'a', '\n', '😀');
  it('analyzeGrams gives every unigram and in-paragraph bigram once, sorted', () => {
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 200 }), (t) => {
      const expected = new Set<number>();
      for (const para of t.split('\n')) {
        for (let i = 0; i < para.length; i++) {
          expected.add(para.charCodeAt(i));
          if (i > 0) expected.add(bigramKey(para.charCodeAt(i - 1), para.charCodeAt(i)));
        }
      }
      expect([...analyzeGrams(t).keys]).toEqual([...expected].sort((a, b) => a - b));
    }));
  });

  it('keepPhrase keeps exactly the reports containing the phrase', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: alphabet, maxLength: 300 }), { minLength: 1, maxLength: 40 }),
        fc.string({ unit: fc.constantFrom('法', '治', '政', '府', 'a', '😀'), minLength: 3, maxLength: 8 }),
        (texts, term) => {
          const b = new PostingsBuilder();
          texts.forEach((t, i) => b.add(i, analyzeGrams(t)));
          const p = open(b);
          const set = p.docsWithAll(termKeys(term), texts.length);
          p.keepPhrase(term, set);
          expect([...set.toArray()]).toEqual(texts.flatMap((t, i) => (t.includes(term) ? [i] : [])));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds a phrase repeated many times in one long report', () => {
    const long = '法治'.repeat(50_000) + '政府' + '法治'.repeat(40_000);
    const b = new PostingsBuilder();
    b.add(0, analyzeGrams(long));
    b.add(1, analyzeGrams('法治法治'));
    const p = open(b);
    for (const [term, expected] of [['治政府', [0]], ['法治法', [0, 1]], ['府法治法治', [0]], ['政府政', []]] as const) {
      const set = p.docsWithAll(termKeys(term), 2);
      p.keepPhrase(term, set);
      expect([...set.toArray()]).toEqual(expected);
    }
  });
});

describe('Bitset', () => {
  it('agrees with a Set on and / or / andNot / count', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(199)), fc.array(fc.nat(199)), (xs, ys) => {
        const a = new Bitset(200);
        const b = new Bitset(200);
        xs.forEach((x) => a.add(x));
        ys.forEach((y) => b.add(y));
        const A = new Set(xs);
        const B = new Set(ys);
        const sorted = (s: Iterable<number>) => [...s].sort((p, q) => p - q);
        expect([...a.clone().and(b).toArray()]).toEqual(sorted([...A].filter((x) => B.has(x))));
        expect([...a.clone().or(b).toArray()]).toEqual(sorted(new Set([...A, ...B])));
        expect([...a.clone().andNot(b).toArray()]).toEqual(sorted([...A].filter((x) => !B.has(x))));
        expect(a.count()).toBe(A.size);
        expect(Bitset.full(200).count()).toBe(200);
      }),
    );
  });
});
