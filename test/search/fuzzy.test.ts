import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { FUZZY_KEPT_MARKS, fuzzyContains, fuzzyKey, fuzzyOccurrences, fuzzyView, isFuzzyIgnorable, type Range } from '../../src/search/fuzzy.js';

// ---------------------------------------------------------------- brute force, written differently

/** Punctuation that stands for a word or a unit, kept (stated here, not imported: the test is the spec). */
const KEPT = '%‰‱#&@*/\\§′″‴';

/** Ignored: punctuation, format characters, whitespace, except the kept marks (a regex over code points). */
const strip = (s: string) => s.replace(/[\p{P}\p{Cf}\s]/gu, (c) => (KEPT.includes(c) ? c : ''));

/**
 * Spans by code points: per paragraph, the kept characters with their offsets; the key
 * compared element by element at every start, stepping past a match.
 */
function bruteSpans(text: string, term: string): Range[] {
  const key = [...strip(term)];
  const out: Range[] = [];
  if (key.length === 0) return out;
  let base = 0;
  for (const para of text.split('\n')) {
    const kept: Array<{ ch: string; at: number }> = [];
    let at = base;
    for (const ch of para) {
      if (strip(ch) !== '') kept.push({ ch, at });
      at += ch.length;
    }
    let i = 0;
    while (i + key.length <= kept.length) {
      if (key.every((ch, k) => kept[i + k].ch === ch)) {
        const last = kept[i + key.length - 1];
        out.push([kept[i].at, last.at + last.ch.length]);
        i += key.length;
      } else i++;
    }
    base += para.length + 1;
  }
  return out;
}

function containsCodePoints(hay: string, needle: string): boolean {
  const h = [...hay];
  const n = [...needle];
  for (let i = 0; i + n.length <= h.length; i++) if (n.every((c, k) => h[i + k] === c)) return true;
  return false;
}

// ---------------------------------------------------------------- properties

const PIECES = ['双', '随', '机', '一', '公', '开', 'a', '、', '，', '“', '”', '"', ' ', '　', '\n', '\u200b', '+', '%', '.', '5', '😀', '\ud83d', '‘'];
const texts = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => normalize(a.join('')));
const terms = fc.array(fc.constantFrom(...PIECES.filter((p) => p !== '\n')), { minLength: 1, maxLength: 6 }).map((a) => normalize(a.join('')));

describe('fuzzy matching against brute force', () => {
  it('keeps exactly the documented marks', () => {
    expect(FUZZY_KEPT_MARKS).toBe(KEPT);
    expect([...KEPT].every((c) => /\p{P}/u.test(c))).toBe(true);
  });

  it('the key is the term without punctuation, format characters and whitespace, kept marks aside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (term) => {
        expect(fuzzyKey(term)).toBe(strip(term));
      }),
      { numRuns: 3000 },
    );
  });

  it('every BMP character is ignored exactly when the regex says so', () => {
    for (let cu = 0; cu < 0x10000; cu++) {
      if (cu >= 0xd800 && cu <= 0xdfff) continue;
      const ch = String.fromCharCode(cu);
      expect(isFuzzyIgnorable(cu), `U+${cu.toString(16)}`).toBe(strip(ch) === '');
    }
  });

  it('spans equal the brute force; a paragraph matches exactly when its stripped text holds the key', () => {
    fc.assert(
      fc.property(texts, terms, (text, term) => {
        const spans = fuzzyOccurrences(text, term);
        expect(spans).toEqual(bruteSpans(text, term));
        const key = strip(term);
        const paragraphs = text.split('\n');
        let base = 0;
        for (const para of paragraphs) {
          const inside = spans.filter(([s]) => s >= base && s <= base + para.length);
          // by code points: a lone surrogate in the key never matches half of an emoji
          expect(inside.length > 0, JSON.stringify({ para, key })).toBe(key !== '' && containsCodePoints(strip(para), key));
          base += para.length + 1;
        }
        for (const [s, e] of spans) {
          const slice = text.slice(s, e);
          expect(strip(slice)).toBe(key);
          expect(slice).not.toContain('\n');
          // ignored characters inside, never at the ends
          expect(strip([...slice][0])).not.toBe('');
          expect(strip([...slice].at(-1)!)).not.toBe('');
        }
        expect(fuzzyContains(text, term)).toBe(spans.length > 0);
        expect(fuzzyOccurrences(fuzzyView(text), term)).toEqual(spans);
      }),
      { numRuns: 5000 },
    );
  });
});

// ---------------------------------------------------------------- real report text

const report = normalize(readFileSync(new URL('../fixtures/corpus/seeds/002_2bba1cb4cd6e5587.txt', import.meta.url), 'utf8'));
const gansu = normalize(readFileSync(new URL('../fixtures/corpus/provincial-2026/2026_甘肃省_政府工作报告.csv', import.meta.url), 'utf8'));

describe('fuzzy matching on real reports', () => {
  const texts = (t: string, term: string) => fuzzyOccurrences(t, normalize(term)).map(([s, e]) => t.slice(s, e));

  it('双随机一公开 = 双随机、一公开 = “双随机、一公开” (湟中 report: 3 places, exact finds none for the first)', () => {
    expect(report.includes('双随机一公开')).toBe(false);
    const want = ['双随机、一公开', '双随机、一公开', '双随机、一公开'];
    expect(texts(report, '双随机一公开')).toEqual(want);
    expect(texts(report, '双随机、一公开')).toEqual(want);
    expect(texts(report, '“双随机、一公开”')).toEqual(want);
    expect(texts(report, '双随机 一公开')).toEqual(want);
    expect(texts(report, '「双随机，一公开」')).toEqual(want);
  });

  it('a quote pasted in or left out is the same: 坚持两个毫不动摇 finds 坚持“两个毫不动摇”', () => {
    expect(gansu.includes('坚持两个毫不动摇')).toBe(false);
    expect(texts(gansu, '坚持两个毫不动摇')).toEqual(['坚持“两个毫不动摇']);
    expect(texts(gansu, '坚持“两个毫不动摇”')).toEqual(['坚持“两个毫不动摇']);
  });

  it('characters are still exact: 双随机一公示 and 双随机二公开 find nothing; a symbol or % is not ignored', () => {
    expect(fuzzyOccurrences(report, '双随机一公示')).toEqual([]);
    expect(fuzzyOccurrences(report, '双随机二公开')).toEqual([]);
    expect(fuzzyKey(normalize('互联网＋、100℃，5％'))).toBe('互联网+100℃5%');
    expect(fuzzyOccurrences('完成率100%', '完成率100')).toEqual([[0, 6]]);
    expect(fuzzyOccurrences('完成率100', '完成率100%')).toEqual([]);
  });

  it('never crosses a paragraph', () => {
    expect(fuzzyOccurrences('双随机\n一公开', '双随机一公开')).toEqual([]);
    expect(fuzzyOccurrences('双随机、\n双随机、一公开', '双随机一公开')).toEqual([[5, 12]]);
  });

  it('a term of punctuation only matches nothing', () => {
    expect(fuzzyKey('“”、，')).toBe('');
    expect(fuzzyOccurrences(report, '“”、，')).toEqual([]);
    expect(fuzzyContains(report, '“”')).toBe(false);
  });
});
